//! What [`Auth0Layer`](crate::Auth0Layer) leaves in the request extensions for the layers and
//! handlers behind it.
//!
//! * `Arc<Claims<C>>`: the verified claims, typed as the verifier's claims type;
//! * [`Verified`]: the same claims without their type parameter, plus the verifier's
//!   [`Challenges`], so that [`RequireScopes`](crate::RequireScopes) and extractors can check
//!   scopes and answer exactly as the verifier would (realm, DPoP challenge) whatever `C` is;
//! * [`Unauthenticated`]: in optional mode, the marker of a request that carried no
//!   credentials (and went through without claims).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use auth0_core::{Claims, ErrorKind, Outcome, RequiredScopes, VerifyError};

use crate::challenges::Challenges;

/// Claims of any custom type, seen through what every claims type has.
trait ErasedClaims: Any + Send + Sync {
    fn subject(&self) -> &str;
    fn scopes(&self) -> &[String];
    fn permissions(&self) -> &[String];
    fn check(&self, required: &RequiredScopes) -> Result<(), VerifyError>;
    fn type_name(&self) -> &'static str;
}

impl<C: Send + Sync + 'static> ErasedClaims for Claims<C> {
    fn subject(&self) -> &str {
        &self.sub
    }

    fn scopes(&self) -> &[String] {
        &self.scope
    }

    fn permissions(&self) -> &[String] {
        &self.permissions
    }

    fn check(&self, required: &RequiredScopes) -> Result<(), VerifyError> {
        required.check(self)
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<Claims<C>>()
    }
}

/// Proof that [`Auth0Layer`](crate::Auth0Layer) (or an extractor) verified this request: the
/// claims, whatever their custom type, and how the verifier answers refusals ([`Challenges`]).
///
/// Cheap to clone (two `Arc`s). Read it from the request extensions in your own middleware:
///
/// ```
/// use auth0_tower::Verified;
/// fn subject<B>(request: &http::Request<B>) -> Option<&str> {
///     request.extensions().get::<Verified>().map(Verified::subject)
/// }
/// ```
#[derive(Clone)]
pub struct Verified {
    claims: Arc<dyn ErasedClaims>,
    challenges: Challenges,
}

impl Verified {
    /// Wraps verified `claims`, refused requests being answered with `challenges` (those of
    /// the verifier that verified them).
    ///
    /// Adapters call this after a successful verification; an application rarely needs to.
    pub fn new<C: Send + Sync + 'static>(claims: Arc<Claims<C>>, challenges: Challenges) -> Self {
        Self { claims, challenges }
    }

    /// The token's `sub`.
    #[must_use]
    pub fn subject(&self) -> &str {
        self.claims.subject()
    }

    /// The token's scopes (the space-separated `scope` claim, split).
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        self.claims.scopes()
    }

    /// The token's `permissions`.
    #[must_use]
    pub fn permissions(&self) -> &[String] {
        self.claims.permissions()
    }

    /// The realm of the challenges for this request.
    #[must_use]
    pub fn realm(&self) -> &str {
        self.challenges.realm()
    }

    /// How refusals of this request are answered.
    #[must_use]
    pub fn challenges(&self) -> &Challenges {
        &self.challenges
    }

    /// Checks a scope requirement against the claims.
    ///
    /// # Errors
    /// [`ErrorKind::InsufficientScope`] naming the required scopes.
    pub fn check(&self, required: &RequiredScopes) -> Result<(), VerifyError> {
        self.claims.check(required)
    }

    /// The HTTP answer for `error`, with this request's realm (and the `DPoP` challenge when
    /// the verifier accepts DPoP).
    #[must_use]
    pub fn outcome(&self, error: &VerifyError) -> Outcome {
        self.challenges.outcome(error)
    }

    /// The typed claims, if they were verified as `Claims<C>`.
    #[must_use]
    pub fn claims<C: Send + Sync + 'static>(&self) -> Option<Arc<Claims<C>>> {
        let any: Arc<dyn Any + Send + Sync> =
            Arc::clone(&self.claims) as Arc<dyn Any + Send + Sync>;
        any.downcast::<Claims<C>>().ok()
    }

    /// The name of the claims type the token was verified as (for diagnostics).
    #[must_use]
    pub fn claims_type_name(&self) -> &'static str {
        self.claims.type_name()
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("subject", &self.subject())
            .field("realm", &self.realm())
            .finish_non_exhaustive()
    }
}

/// Marker that an [`Auth0Layer`](crate::Auth0Layer) in optional mode let this request through
/// because it carried no credentials. Extractors that require claims answer such a request
/// with a 401 challenge without error (instead of a 500 for a missing layer).
#[derive(Clone, Debug)]
pub struct Unauthenticated {
    challenges: Challenges,
}

impl Unauthenticated {
    /// A marker for a request without credentials, challenged with `challenges` (those of the
    /// layer's verifier).
    pub fn new(challenges: Challenges) -> Self {
        Self { challenges }
    }

    /// The realm of the challenge.
    #[must_use]
    pub fn realm(&self) -> &str {
        self.challenges.realm()
    }

    /// The error and HTTP answer for a handler that needs credentials: 401 with the bare
    /// `Bearer realm="…"` challenge (and `DPoP algs="…"` when the verifier accepts DPoP).
    #[must_use]
    pub fn refusal(&self) -> (VerifyError, Outcome) {
        let error = VerifyError::new(ErrorKind::MissingCredentials);
        let outcome = self.challenges.outcome(&error);
        (error, outcome)
    }
}
