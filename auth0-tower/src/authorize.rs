//! [`Auth0Authorize`]: the verifier behind tower-http's
//! [`AsyncRequireAuthorizationLayer`](tower_http::auth::AsyncRequireAuthorizationLayer)
//! (cargo feature `tower-http`).

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use auth0_core::{AccessTokenVerifier, ExtraClaims};
use http::{Request, Response};
use serde::de::DeserializeOwned;
use tower_http::auth::AsyncAuthorizeRequest;

use crate::layer::Auth0Layer;
use crate::response::{ErrorResponder, JsonErrorResponse};
use crate::service::authenticate;
use crate::shared::Shared;

/// The future of [`Auth0Authorize`]: the request with its claims attached, or the refusal.
pub type AuthorizeFuture<ReqBody, ResBody> =
    Pin<Box<dyn Future<Output = Result<Request<ReqBody>, Response<ResBody>>> + Send>>;

/// An [`AsyncAuthorizeRequest`] that verifies the access token of every request, for teams
/// that build their stacks from tower-http's
/// [`AsyncRequireAuthorizationLayer`](tower_http::auth::AsyncRequireAuthorizationLayer).
///
/// It behaves exactly as [`Auth0Layer`]: on success the request goes on with
/// `Arc<Claims<C>>` and [`Verified`](crate::Verified) in its extensions (so
/// [`RequireScopes`](crate::RequireScopes) and the axum extractors work behind it); on failure
/// the answer follows core's outcome mapping (400 / 401 / 403 / 503, `WWW-Authenticate`,
/// `Retry-After`), with the body of the layer's [`ErrorResponder`] and the
/// [`VerifyError`](auth0_core::VerifyError) in the response extensions. Build it from a
/// configured [`Auth0Layer`] (`Auth0Authorize::from(layer)`) to keep the realm, the optional
/// mode or a custom responder.
///
/// `B` is the body type of the refusals, the inner service's response body (axum's `Body`
/// behind an axum router); it is inferred where the layer is used. Cheap to clone (one `Arc`).
///
/// ```
/// use auth0_core::AccessTokenVerifier;
/// use auth0_tower::Auth0Authorize;
/// use tower_http::auth::AsyncRequireAuthorizationLayer;
/// # fn layer() -> Result<(), auth0_core::ConfigError> {
/// let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
///     .audience("https://api.example.com")
///     .build()?;
/// let layer = AsyncRequireAuthorizationLayer::new(Auth0Authorize::<axum::body::Body>::new(verifier));
/// # let _ = layer; Ok(()) }
/// ```
#[must_use]
pub struct Auth0Authorize<B, C = ExtraClaims, R = JsonErrorResponse> {
    shared: Arc<Shared<C, R>>,
    body: PhantomData<fn() -> B>,
}

impl<B, C> Auth0Authorize<B, C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// Requires a valid token on every request, as [`Auth0Layer::new`].
    pub fn new(verifier: AccessTokenVerifier<C>) -> Self {
        Self::from(Auth0Layer::new(verifier))
    }
}

impl<B, C, R> Auth0Authorize<B, C, R> {
    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &AccessTokenVerifier<C> {
        &self.shared.verifier
    }
}

impl<B, C, R> From<Auth0Layer<C, R>> for Auth0Authorize<B, C, R>
where
    C: Send + Sync + 'static,
{
    fn from(layer: Auth0Layer<C, R>) -> Self {
        Self {
            shared: layer.shared(),
            body: PhantomData,
        }
    }
}

impl<B, C, R> Clone for Auth0Authorize<B, C, R> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            body: PhantomData,
        }
    }
}

impl<B, C, R> fmt::Debug for Auth0Authorize<B, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0Authorize")
            .field("verifier", &self.shared.verifier)
            .field("realm", &self.shared.challenges.realm())
            .field("optional", &self.shared.optional)
            .finish_non_exhaustive()
    }
}

impl<C, R, ReqBody, ResBody> AsyncAuthorizeRequest<ReqBody> for Auth0Authorize<ResBody, C, R>
where
    C: DeserializeOwned + Send + Sync + 'static,
    R: ErrorResponder<ResBody> + Send + Sync + 'static,
    ReqBody: Send + 'static,
    ResBody: Send + 'static,
{
    type RequestBody = ReqBody;
    type ResponseBody = ResBody;
    type Future = AuthorizeFuture<ReqBody, ResBody>;

    fn authorize(&mut self, request: Request<ReqBody>) -> Self::Future {
        Box::pin(authenticate(Arc::clone(&self.shared), request))
    }
}
