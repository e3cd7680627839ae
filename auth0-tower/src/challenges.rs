//! [`Challenges`]: how the refusals of one verifier are answered, whatever its claims type.

use std::fmt;
use std::sync::Arc;

use auth0_core::{AccessTokenVerifier, Outcome, VerifyError};

/// A verifier seen only through the answers it gives (its claims type erased).
trait Answers: Send + Sync {
    fn outcome(&self, error: &VerifyError, realm: &str) -> Outcome;
    fn default_realm(&self) -> &str;
}

impl<C: Send + Sync + 'static> Answers for AccessTokenVerifier<C> {
    fn outcome(&self, error: &VerifyError, realm: &str) -> Outcome {
        self.outcome_with_realm(error, realm)
    }

    fn default_realm(&self) -> &str {
        self.realm()
    }
}

struct Inner {
    verifier: Box<dyn Answers>,
    /// `None`: the verifier's own realm.
    realm: Option<Arc<str>>,
}

/// How the refusals of one verifier are answered: its realm, and its challenges — `Bearer`,
/// plus `DPoP algs="…"` when the verifier accepts DPoP (RFC 9449 §7.1–7.2).
///
/// [`Verified`](crate::Verified) and [`Unauthenticated`](crate::Unauthenticated) carry one, so
/// that the layers and extractors behind [`Auth0Layer`](crate::Auth0Layer) answer a scope
/// failure or a missing token exactly as the verifier would, whatever the claims type.
/// Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Challenges {
    inner: Arc<Inner>,
}

impl Challenges {
    /// The answers of `verifier`, with its own realm.
    pub fn new<C: Send + Sync + 'static>(verifier: &AccessTokenVerifier<C>) -> Self {
        Self::build(verifier, None)
    }

    /// The answers of `verifier`, with another `realm` (quotes, backslashes and control
    /// characters are dropped from it when the challenge is written).
    pub fn with_realm<C: Send + Sync + 'static>(
        verifier: &AccessTokenVerifier<C>,
        realm: Arc<str>,
    ) -> Self {
        Self::build(verifier, Some(realm))
    }

    fn build<C: Send + Sync + 'static>(
        verifier: &AccessTokenVerifier<C>,
        realm: Option<Arc<str>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                verifier: Box::new(verifier.clone()),
                realm,
            }),
        }
    }

    /// The realm of the challenges.
    #[must_use]
    pub fn realm(&self) -> &str {
        match &self.inner.realm {
            Some(realm) => realm,
            None => self.inner.verifier.default_realm(),
        }
    }

    /// The HTTP answer for `error`: core's outcome mapping with this realm and the verifier's
    /// DPoP challenge when DPoP is enabled.
    #[must_use]
    pub fn outcome(&self, error: &VerifyError) -> Outcome {
        self.inner.verifier.outcome(error, self.realm())
    }
}

impl fmt::Debug for Challenges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenges")
            .field("realm", &self.realm())
            .finish_non_exhaustive()
    }
}
