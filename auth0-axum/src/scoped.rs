//! [`Scoped`]: a scope requirement written in a handler's signature.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use auth0_core::{Claims, ExtraClaims, ScopeRequirement};
use auth0_tower::Verified;
use axum_core::extract::FromRequestParts;
use http::Extensions;
use http::request::Parts;

use crate::claims::{LayerOutput, layer_output};
use crate::rejection::Auth0Rejection;

/// The verified claims of a token that satisfies the requirement `R`; otherwise 403
/// `insufficient_scope` with `scope="…"` in the challenge.
///
/// Reads the claims that [`Auth0Layer`](auth0_tower::Auth0Layer) (or an earlier
/// [`Auth0Verified`](crate::Auth0Verified) argument) verified; the other rejections are those of
/// [`Auth0Claims`](crate::Auth0Claims).
///
/// ```
/// # use auth0_axum::{RequiredScopes, ScopeRequirement};
/// # struct ReadMessages;
/// # impl ScopeRequirement for ReadMessages {
/// #     fn required() -> &'static RequiredScopes { unimplemented!() }
/// # }
/// use auth0_axum::Scoped;
///
/// async fn messages(scoped: Scoped<ReadMessages>) -> String {
///     format!("messages of {}", scoped.sub) // the claims, through `Deref`
/// }
/// ```
pub struct Scoped<R, C = ExtraClaims> {
    claims: Arc<Claims<C>>,
    requirement: PhantomData<fn() -> R>,
}

impl<R, C> Scoped<R, C> {
    /// The verified claims.
    #[must_use]
    pub fn claims(&self) -> &Arc<Claims<C>> {
        &self.claims
    }

    /// The verified claims, taken out.
    #[must_use]
    pub fn into_claims(self) -> Arc<Claims<C>> {
        self.claims
    }
}

impl<R, C> Clone for Scoped<R, C> {
    fn clone(&self) -> Self {
        Self {
            claims: Arc::clone(&self.claims),
            requirement: PhantomData,
        }
    }
}

impl<R, C: fmt::Debug> fmt::Debug for Scoped<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoped")
            .field("claims", &self.claims)
            .field("requirement", &std::any::type_name::<R>())
            .finish()
    }
}

impl<R, C> Deref for Scoped<R, C> {
    type Target = Claims<C>;

    fn deref(&self) -> &Claims<C> {
        &self.claims
    }
}

impl<S, R, C> FromRequestParts<S> for Scoped<R, C>
where
    S: Send + Sync,
    R: ScopeRequirement,
    C: Send + Sync + 'static,
{
    type Rejection = Auth0Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let claims = match layer_output::<C>(&parts.extensions, "Scoped")? {
            LayerOutput::Claims(claims) => claims,
            LayerOutput::Anonymous(anonymous) => {
                let (error, outcome) = anonymous.refusal();
                return Err(Auth0Rejection::new(error, outcome));
            }
        };
        Self::admit(claims, &parts.extensions)
    }
}

impl<R: ScopeRequirement, C> Scoped<R, C> {
    /// `claims` if they satisfy `R`; else 403 `insufficient_scope`, answered with the
    /// verifier's challenges (realm, DPoP) that `Verified` carries in `extensions`.
    pub(crate) fn admit(
        claims: Arc<Claims<C>>,
        extensions: &Extensions,
    ) -> Result<Self, Auth0Rejection> {
        if let Err(error) = R::required().check(&claims) {
            // Claims without `Verified` beside them were put there by hand, not by this crate
            // or the layer.
            let outcome = match extensions.get::<Verified>() {
                Some(verified) => verified.outcome(&error),
                None => error.outcome(None),
            };
            return Err(Auth0Rejection::new(error, outcome));
        }
        Ok(Self {
            claims,
            requirement: PhantomData,
        })
    }
}
