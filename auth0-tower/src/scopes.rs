//! [`RequireScopes`]: a per-route scope / permission requirement, checked against the claims
//! that [`Auth0Layer`](crate::Auth0Layer) verified in front of it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use auth0_core::RequiredScopes;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::extension::{Unauthenticated, Verified};
use crate::response::{ErrorResponder, JsonErrorResponse, internal_error, refuse};

/// A [`Layer`] that lets a request through only if its verified token carries the required
/// scopes (in `scope` or in `permissions`, unless narrowed); otherwise 403
/// `insufficient_scope` with `scope="…"` in the challenge.
///
/// It reads what [`Auth0Layer`](crate::Auth0Layer) left in the request extensions, whatever the
/// claims type, so it goes *behind* that layer — in axum, on a route of a router the
/// `Auth0Layer` wraps:
///
/// ```
/// # use axum::{Router, routing::get};
/// use auth0_tower::{Auth0Layer, RequireScopes};
/// # fn app(verifier: auth0_core::AccessTokenVerifier) -> Router {
/// Router::new()
///     .route("/api/private", get(|| async { "private" }))
///     .route("/api/messages", get(|| async { "messages" }).layer(RequireScopes::all(["read:messages"])))
///     .layer(Auth0Layer::new(verifier))
/// # }
/// ```
///
/// A request that reaches it without verified claims is a server misconfiguration: 500, and an
/// error is logged saying that `Auth0Layer` is missing. (Behind an optional `Auth0Layer`, a
/// request without credentials gets the bare 401 challenge instead.)
#[must_use]
pub struct RequireScopes<R = JsonErrorResponse> {
    required: Arc<RequiredScopes>,
    responder: Arc<R>,
}

impl RequireScopes {
    /// Every one of `names` is required.
    pub fn all<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(RequiredScopes::all(names))
    }

    /// At least one of `names` is required.
    pub fn any<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(RequiredScopes::any(names))
    }

    /// A layer for a requirement built with core's [`RequiredScopes`].
    pub fn new(required: RequiredScopes) -> Self {
        Self {
            required: Arc::new(required),
            responder: Arc::new(JsonErrorResponse),
        }
    }
}

impl<R> RequireScopes<R> {
    /// Looks only in the `scope` claim.
    pub fn scopes_only(self) -> Self {
        self.map_required(RequiredScopes::scopes_only)
    }

    /// Looks only in the `permissions` claim.
    pub fn permissions_only(self) -> Self {
        self.map_required(RequiredScopes::permissions_only)
    }

    fn map_required(self, change: impl FnOnce(RequiredScopes) -> RequiredScopes) -> Self {
        let required = Arc::try_unwrap(self.required).unwrap_or_else(|r| (*r).clone());
        Self {
            required: Arc::new(change(required)),
            responder: self.responder,
        }
    }

    /// Replaces the responder of the 403 answer (use the same one as the `Auth0Layer`'s).
    pub fn error_response<R2>(self, responder: R2) -> RequireScopes<R2> {
        RequireScopes {
            required: self.required,
            responder: Arc::new(responder),
        }
    }

    /// The requirement.
    #[must_use]
    pub fn required(&self) -> &RequiredScopes {
        &self.required
    }
}

impl<R> Clone for RequireScopes<R> {
    fn clone(&self) -> Self {
        Self {
            required: Arc::clone(&self.required),
            responder: Arc::clone(&self.responder),
        }
    }
}

impl<R> fmt::Debug for RequireScopes<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopes")
            .field("required", &self.required)
            .field("responder", &std::any::type_name::<R>())
            .finish()
    }
}

impl<S, R> Layer<S> for RequireScopes<R> {
    type Service = RequireScopesService<S, R>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireScopesService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service built by [`RequireScopes`].
pub struct RequireScopesService<S, R = JsonErrorResponse> {
    inner: S,
    layer: RequireScopes<R>,
}

impl<S, R> RequireScopesService<S, R> {
    /// A reference to the inner service.
    #[must_use]
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// A mutable reference to the inner service.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Clone, R> Clone for RequireScopesService<S, R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S: fmt::Debug, R> fmt::Debug for RequireScopesService<S, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopesService")
            .field("inner", &self.inner)
            .field("required", &self.layer.required)
            .finish_non_exhaustive()
    }
}

impl<S, R, ReqBody, ResBody> Service<Request<ReqBody>> for RequireScopesService<S, R>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    R: ErrorResponder<ResBody>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = RequireScopesFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let refusal = match request.extensions().get::<Verified>() {
            Some(verified) => match verified.check(&self.layer.required) {
                Ok(()) => return RequireScopesFuture::inner(self.inner.call(request)),
                Err(error) => {
                    let outcome = verified.outcome(&error);
                    refuse(&*self.layer.responder, error, &outcome)
                }
            },
            None => match request.extensions().get::<Unauthenticated>() {
                Some(anonymous) => {
                    let (error, outcome) = anonymous.refusal();
                    refuse(&*self.layer.responder, error, &outcome)
                }
                None => {
                    tracing::error!(
                        target: "auth0_tower::misconfiguration",
                        "RequireScopes found no verified claims in the request: put \
                         `Auth0Layer::new(verifier)` in front of it (in axum: `.layer(RequireScopes::…)` \
                         on a route of a Router that is itself `.layer(Auth0Layer::new(verifier))`)"
                    );
                    internal_error()
                }
            },
        };
        RequireScopesFuture::refused(refusal)
    }
}

pin_project! {
    /// The response future of [`RequireScopesService`]: the inner service's future, or an
    /// immediate refusal.
    pub struct RequireScopesFuture<F, B> {
        #[pin]
        kind: Kind<F, B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B> {
        Inner { #[pin] future: F },
        Refused { response: Option<Response<B>> },
    }
}

impl<F, B> RequireScopesFuture<F, B> {
    fn inner(future: F) -> Self {
        Self {
            kind: Kind::Inner { future },
        }
    }

    fn refused(response: Response<B>) -> Self {
        Self {
            kind: Kind::Refused {
                response: Some(response),
            },
        }
    }
}

impl<F, B, E> Future for RequireScopesFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Inner { future } => future.poll(cx),
            // `None` only when polled after completion; stay pending rather than panic.
            KindProj::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => Poll::Pending,
            },
        }
    }
}

impl<F, B> fmt::Debug for RequireScopesFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopesFuture")
            .finish_non_exhaustive()
    }
}
