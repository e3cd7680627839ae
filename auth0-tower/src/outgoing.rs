//! Outgoing requests: a tower layer that puts a service-to-service access token from a
//! [`TokenProvider`] on every request a tower or hyper client sends.
//!
//! [`Auth0TokenLayer`] → [`Auth0TokenService`] → [`OutgoingFuture`]: before the inner service is
//! called, the provider hands out a token for the layer's audience (from its cache, or after the
//! one request in flight for it) and the request gets `Authorization: Bearer <token>`, replacing
//! any `Authorization` it had, marked sensitive.
//!
//! ```
//! use auth0_core::client::{AuthenticationClient, TokenProvider};
//! use auth0_tower::Auth0TokenLayer;
//! use tower::{ServiceBuilder, ServiceExt as _, service_fn};
//! # use auth0_core::testing::TestTenant;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), auth0_tower::BoxError> {
//! # let tenant = TestTenant::start().await; // a local Auth0 look-alike
//! # let (domain, client_id, secret) = (tenant.domain(), tenant.client_id(), tenant.client_secret());
//! # let audience = tenant.audience();
//! let auth = AuthenticationClient::builder(domain, client_id)
//!     .client_secret(secret)
//!     .build()?;
//! let tokens = TokenProvider::new(auth);
//!
//! // Any tower service that sends `http::Request`s: a hyper-util client, a tonic channel…
//! // This one answers with the `Authorization` header it was given.
//! let send = service_fn(|request: http::Request<String>| async move {
//!     let authorization = request.headers()[http::header::AUTHORIZATION].to_str()?.to_owned();
//!     Ok::<_, auth0_tower::BoxError>(authorization)
//! });
//! let client = ServiceBuilder::new()
//!     .layer(Auth0TokenLayer::new(tokens, &audience))
//!     .service(send);
//!
//! let authorization = client.oneshot(http::Request::new(String::new())).await?;
//! assert!(authorization.starts_with("Bearer ey"));
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! The service's error is a [`BoxError`] (the same type as `tower::BoxError`), so the layer
//! composes with tower's timeout, retry and buffer layers:
//!
//! * when no token can be had, the request is not sent and the error is the provider's
//!   [`TokenError`]: `error.downcast_ref::<TokenError>()` tells it apart (with its
//!   [`kind`](TokenError::kind), the Authentication API error and
//!   [`retry_in`](TokenError::retry_in));
//! * otherwise it is the inner service's error, converted with `Into<BoxError>`.
//!
//! Readiness is the inner service's: `poll_ready` asks the inner service, and `call` moves that
//! ready service into the future (leaving a clone in its place), where it is called once the
//! token is on the request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use auth0_core::client::{TokenError, TokenProvider};
use http::Request;
use http::header::AUTHORIZATION;
use tower_layer::Layer;
use tower_service::Service;

/// A type-erased error, the same type as `tower::BoxError`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What every service of a layer shares: the provider and the key tokens are asked for.
struct Target {
    provider: TokenProvider,
    audience: String,
    organization: Option<String>,
}

/// Adds `Authorization: Bearer <token>` to outgoing requests, with tokens for one audience (and
/// organization) from a [`TokenProvider`]. See the [module docs](self).
#[derive(Clone)]
pub struct Auth0TokenLayer {
    target: Arc<Target>,
}

impl Auth0TokenLayer {
    /// Tokens for the API `audience`.
    pub fn new(provider: TokenProvider, audience: impl Into<String>) -> Self {
        Self {
            target: Arc::new(Target {
                provider,
                audience: audience.into(),
                organization: None,
            }),
        }
    }

    /// Tokens for an organization (`org_…` id or name) of that audience.
    #[must_use]
    pub fn organization(self, organization: impl Into<String>) -> Self {
        let target = &self.target;
        Self {
            target: Arc::new(Target {
                provider: target.provider.clone(),
                audience: target.audience.clone(),
                organization: Some(organization.into()),
            }),
        }
    }

    /// The audience tokens are asked for.
    pub fn audience(&self) -> &str {
        &self.target.audience
    }
}

impl fmt::Debug for Auth0TokenLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0TokenLayer")
            .field("audience", &self.target.audience)
            .field("organization", &self.target.organization)
            .field("provider", &self.target.provider)
            .finish()
    }
}

impl<S> Layer<S> for Auth0TokenLayer {
    type Service = Auth0TokenService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth0TokenService {
            inner,
            target: Arc::clone(&self.target),
        }
    }
}

/// The service of an [`Auth0TokenLayer`]: sets the token, then calls the inner service.
#[derive(Clone)]
pub struct Auth0TokenService<S> {
    inner: S,
    target: Arc<Target>,
}

impl<S> Auth0TokenService<S> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, consuming this one.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for Auth0TokenService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth0TokenService")
            .field("inner", &self.inner)
            .field("audience", &self.target.audience)
            .field("organization", &self.target.organization)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<Request<B>> for Auth0TokenService<S>
where
    S: Service<Request<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = OutgoingFuture<S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let fresh = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, fresh);
        let target = Arc::clone(&self.target);
        OutgoingFuture {
            inner: Box::pin(async move {
                let token = target
                    .provider
                    .token_for(&target.audience, target.organization.as_deref())
                    .await
                    .map_err(|e: TokenError| Box::new(e) as BoxError)?;
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, token.header_value());
                ready.call(request).await.map_err(Into::into)
            }),
        }
    }
}

/// The future of an [`Auth0TokenService`] call: the token, then the inner service's answer.
pub struct OutgoingFuture<R> {
    inner: Pin<Box<dyn Future<Output = Result<R, BoxError>> + Send>>,
}

impl<R> Future for OutgoingFuture<R> {
    type Output = Result<R, BoxError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<R> fmt::Debug for OutgoingFuture<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingFuture").finish_non_exhaustive()
    }
}
