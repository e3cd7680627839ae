//! [`RequireLoginLayer`]: a route that needs a logged-in user.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use auth0_core::webapp::SessionHandle;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::translate::{misconfigured, web_request, web_response};

const NO_WEBAPP_LAYER: &str = "RequireLoginLayer found no session on the request: put a \
     WebAppLayer outside it (in axum, `.layer(WebAppLayer::new(app))` on the router, after the \
     routes guarded with `.route_layer(RequireLoginLayer::new())`)";

/// A tower [`Layer`] for the routes that need a logged-in user: without one, a page request
/// (`GET` or `HEAD` accepting `text/html`) is redirected to the login route, coming back to
/// the same page afterwards; any other request is answered 401 with a JSON body.
///
/// It reads the [`SessionHandle`] that an outer [`WebAppLayer`](super::WebAppLayer) put into
/// the request; without one it answers 500 and logs the fix with `tracing::error!`.
///
/// ```
/// use auth0_tower::webapp::RequireLoginLayer;
/// use axum::{Router, routing::get};
/// # fn app(web_app: auth0_core::webapp::WebApp) -> Router {
/// let private = Router::new()
///     .route("/profile", get(|| async { "profile" }))
///     .route_layer(RequireLoginLayer::new());
/// Router::new()
///     .route("/", get(|| async { "home" }))
///     .merge(private)
///     .layer(auth0_tower::webapp::WebAppLayer::new(web_app))
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[must_use]
pub struct RequireLoginLayer {
    _private: (),
}

impl RequireLoginLayer {
    /// The guard.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S> Layer<S> for RequireLoginLayer {
    type Service = RequireLoginService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireLoginService { inner }
    }
}

/// The service built by [`RequireLoginLayer`].
#[derive(Clone, Debug)]
pub struct RequireLoginService<S> {
    inner: S,
}

impl<S> RequireLoginService<S> {
    /// A reference to the inner service.
    #[must_use]
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequireLoginService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<String>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = RequireLoginFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let Some(handle) = request.extensions().get::<SessionHandle>() else {
            return RequireLoginFuture::answered(misconfigured(NO_WEBAPP_LAYER));
        };
        if handle.is_authenticated() {
            return RequireLoginFuture::calling(self.inner.call(request));
        }
        let web = web_request(request.method(), request.uri(), request.headers());
        RequireLoginFuture::answered(web_response(handle.app().unauthenticated(&web)))
    }
}

pin_project! {
    /// The response future of [`RequireLoginService`]: the inner service's future, or the
    /// answer to a request without a logged-in user.
    pub struct RequireLoginFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        Calling {
            #[pin]
            future: F,
        },
        Answered {
            response: Option<Response<B>>,
        },
    }
}

impl<F, B> RequireLoginFuture<F, B> {
    fn calling(future: F) -> Self {
        Self {
            state: State::Calling { future },
        }
    }

    fn answered(response: Response<B>) -> Self {
        Self {
            state: State::Answered {
                response: Some(response),
            },
        }
    }
}

impl<F, B, E> Future for RequireLoginFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Calling { future } => future.poll(cx),
            StateProj::Answered { response } => {
                let response = response
                    .take()
                    .unwrap_or_else(|| panic!("`RequireLoginFuture` polled after completion"));
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, B> std::fmt::Debug for RequireLoginFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequireLoginFuture").finish_non_exhaustive()
    }
}
