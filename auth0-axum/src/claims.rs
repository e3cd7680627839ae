//! [`Auth0Claims`]: the claims that [`Auth0Layer`](auth0_tower::Auth0Layer) verified, as a
//! handler argument (and `Option<Auth0Claims<C>>` for optional authentication).

use std::ops::Deref;
use std::sync::Arc;

use auth0_core::{Claims, ExtraClaims};
use auth0_tower::{Unauthenticated, Verified};
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::Extensions;
use http::request::Parts;

use crate::rejection::Auth0Rejection;

/// The verified claims of the request, left in its extensions by
/// [`Auth0Layer`](auth0_tower::Auth0Layer) (or by an earlier [`Auth0Verified`](crate::Auth0Verified)).
///
/// ```
/// use auth0_axum::{Auth0Claims, Auth0Layer};
/// use axum::{Router, routing::get};
///
/// async fn private(Auth0Claims(claims): Auth0Claims) -> String {
///     format!("hello {}", claims.sub)
/// }
/// # fn app(verifier: auth0_axum::AccessTokenVerifier) -> Router {
/// Router::new().route("/api/private", get(private)).layer(Auth0Layer::new(verifier))
/// # }
/// ```
///
/// `C` must be the verifier's claims type. Rejections:
/// * behind an [optional](auth0_tower::Auth0Layer::optional) layer, a request without
///   credentials: 401 with the bare challenge (take `Option<Auth0Claims<C>>` to accept it);
/// * no `Auth0Layer` in front of the handler, or claims of another type: 500, with an error log
///   saying how to fix it.
#[derive(Debug)]
pub struct Auth0Claims<C = ExtraClaims>(pub Arc<Claims<C>>);

impl<C> Clone for Auth0Claims<C> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<C> Deref for Auth0Claims<C> {
    type Target = Claims<C>;

    fn deref(&self) -> &Claims<C> {
        &self.0
    }
}

/// What the layer left for a handler asking for `Claims<C>`.
pub(crate) enum LayerOutput<'a, C> {
    Claims(Arc<Claims<C>>),
    Anonymous(&'a Unauthenticated),
}

/// Reads the layer's output, or explains (and logs) the misconfiguration.
pub(crate) fn layer_output<'a, C: Send + Sync + 'static>(
    extensions: &'a Extensions,
    extractor: &str,
) -> Result<LayerOutput<'a, C>, Auth0Rejection> {
    if let Some(claims) = extensions.get::<Arc<Claims<C>>>() {
        return Ok(LayerOutput::Claims(Arc::clone(claims)));
    }
    if let Some(verified) = extensions.get::<Verified>() {
        // `Auth0Verified` leaves only `Verified`, whose claims are those of its verifier.
        if let Some(claims) = verified.claims::<C>() {
            return Ok(LayerOutput::Claims(claims));
        }
        return Err(Auth0Rejection::misconfigured(format!(
            "{extractor} asks for {asked} but the request was verified as {actual}: use the same \
             claims type in the verifier (`AccessTokenVerifier::builder(..).custom_claims::<T>()`) \
             and in the extractor",
            asked = std::any::type_name::<Claims<C>>(),
            actual = verified.claims_type_name(),
        )));
    }
    if let Some(anonymous) = extensions.get::<Unauthenticated>() {
        return Ok(LayerOutput::Anonymous(anonymous));
    }
    Err(Auth0Rejection::misconfigured(format!(
        "{extractor} found no verified claims in the request: add `.layer(Auth0Layer::new(verifier))` \
         to the router of this route, or take `Auth0Verified<C>` with an `AccessTokenVerifier<C>` \
         in the router state instead"
    )))
}

impl<S, C> FromRequestParts<S> for Auth0Claims<C>
where
    S: Send + Sync,
    C: Send + Sync + 'static,
{
    type Rejection = Auth0Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match layer_output::<C>(&parts.extensions, "Auth0Claims")? {
            LayerOutput::Claims(claims) => Ok(Self(claims)),
            LayerOutput::Anonymous(anonymous) => {
                let (error, outcome) = anonymous.refusal();
                Err(Auth0Rejection::new(error, outcome))
            }
        }
    }
}

/// `Option<Auth0Claims<C>>`: `None` when an optional `Auth0Layer` let a request without
/// credentials through; an invalid token never gets here (the layer refused it). Without an
/// `Auth0Layer` in front, still a 500: a forgotten layer must not look like an anonymous user.
impl<S, C> OptionalFromRequestParts<S> for Auth0Claims<C>
where
    S: Send + Sync,
    C: Send + Sync + 'static,
{
    type Rejection = Auth0Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match layer_output::<C>(&parts.extensions, "Option<Auth0Claims>")? {
            LayerOutput::Claims(claims) => Ok(Some(Self(claims))),
            LayerOutput::Anonymous(_) => Ok(None),
        }
    }
}
