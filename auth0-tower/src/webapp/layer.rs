//! [`WebAppLayer`] → [`WebAppService`] → [`WebAppFuture`]: the login, callback and logout
//! routes, and the session read before and written back after the inner service.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use auth0_core::webapp::{SessionHandle, SessionStorage, WebApp};
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::translate::{append_cookies, web_request, web_request_of, web_response};

/// A tower [`Layer`] that logs users in with a [`WebApp`]: it answers the login, callback and
/// logout routes itself, puts the request's [`SessionHandle`] into the extensions of every
/// other request, and writes the session's changes back (`Set-Cookie`, or the server-side
/// session layer) after the inner service answered.
///
/// Put it outside the routes that read the session (in axum, `Router::layer`), and, for
/// [`SessionStorage::Server`], inside tower-sessions' `SessionManagerLayer` (cargo feature
/// `tower-sessions`). Cheap to clone. See the [module docs](super) for an example.
#[derive(Clone)]
#[must_use]
pub struct WebAppLayer {
    app: WebApp,
}

impl WebAppLayer {
    /// The layer of `app`.
    pub fn new(app: WebApp) -> Self {
        Self { app }
    }

    /// The web app.
    #[must_use]
    pub fn app(&self) -> &WebApp {
        &self.app
    }
}

impl fmt::Debug for WebAppLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppLayer")
            .field("app", &self.app)
            .finish()
    }
}

impl<S> Layer<S> for WebAppLayer {
    type Service = WebAppService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WebAppService {
            inner,
            app: self.app.clone(),
        }
    }
}

/// The service built by [`WebAppLayer`]. Its error type is the inner service's: every answer of
/// the web app (a redirect, an error page) is a response.
#[derive(Clone)]
pub struct WebAppService<S> {
    inner: S,
    app: WebApp,
}

impl<S> WebAppService<S> {
    /// The web app.
    #[must_use]
    pub fn app(&self) -> &WebApp {
        &self.app
    }

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

impl<S: fmt::Debug> fmt::Debug for WebAppService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppService")
            .field("inner", &self.inner)
            .field("app", &self.app)
            .finish()
    }
}

/// What happens with a request of a server-side session without the `tower-sessions` feature.
#[cfg(not(feature = "tower-sessions"))]
const NO_FEATURE: &str = "the WebApp keeps sessions server-side (SessionStorage::Server), but \
     auth0-tower was built without its `tower-sessions` feature: enable it (auth0-axum: feature \
     `tower-sessions`) and put tower-sessions' SessionManagerLayer outside WebAppLayer";

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for WebAppService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: From<String> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = WebAppFuture<S, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        if self.app.storage() == SessionStorage::Server {
            return self.server(request);
        }
        if let Some(route) = self.app.route(request.uri().path()) {
            // One of the web app's own routes: the inner service is not called, the body is
            // not read.
            let (parts, _body) = request.into_parts();
            let app = self.app.clone();
            return WebAppFuture::boxed(Box::pin(async move {
                let web = web_request_of(&parts);
                let handle = app.load(&web);
                let answer = app.respond(route, &web, &handle).await;
                let mut response = web_response(answer);
                append_cookies(&mut response, app.finish(&handle));
                Ok(response)
            }));
        }
        // The hot path: the session cookie opened in place, the inner future unboxed.
        let handle = app_load(&self.app, &request);
        request.extensions_mut().insert(handle.clone());
        WebAppFuture::calling(self.inner.call(request), handle)
    }
}

fn app_load<B>(app: &WebApp, request: &Request<B>) -> SessionHandle {
    app.load(&web_request(
        request.method(),
        request.uri(),
        request.headers(),
    ))
}

impl<S> WebAppService<S> {
    #[cfg(feature = "tower-sessions")]
    fn server<ReqBody, ResBody>(&mut self, request: Request<ReqBody>) -> WebAppFuture<S, ReqBody>
    where
        S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Send + 'static,
        ReqBody: Send + 'static,
        ResBody: From<String> + Send + 'static,
    {
        // The service driven to readiness goes into the future; a fresh clone stays here.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        WebAppFuture::boxed(Box::pin(super::server::serve(
            self.app.clone(),
            inner,
            request,
        )))
    }

    #[cfg(not(feature = "tower-sessions"))]
    fn server<ReqBody, ResBody>(&mut self, _request: Request<ReqBody>) -> WebAppFuture<S, ReqBody>
    where
        S: Service<Request<ReqBody>, Response = Response<ResBody>>,
        ResBody: From<String>,
    {
        WebAppFuture::ready(super::translate::misconfigured(NO_FEATURE))
    }
}

/// A boxed step: a route of the web app, or a request with a server-side session.
type Boxed<S, ReqBody> = Pin<
    Box<
        dyn Future<
                Output = Result<
                    <S as Service<Request<ReqBody>>>::Response,
                    <S as Service<Request<ReqBody>>>::Error,
                >,
            > + Send,
    >,
>;

pin_project! {
    /// The response future of [`WebAppService`]: the inner service's own future, unboxed, for
    /// the requests of cookie sessions; a boxed one for the web app's routes and for
    /// server-side sessions.
    ///
    /// It is `Send` when the inner service's future is.
    pub struct WebAppFuture<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        Calling {
            #[pin]
            future: S::Future,
            handle: Option<SessionHandle>,
        },
        Boxed {
            future: Boxed<S, ReqBody>,
        },
        Ready {
            response: Option<S::Response>,
        },
    }
}

impl<S, ReqBody> WebAppFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    fn calling(future: S::Future, handle: SessionHandle) -> Self {
        Self {
            state: State::Calling {
                future,
                handle: Some(handle),
            },
        }
    }

    fn boxed(future: Boxed<S, ReqBody>) -> Self {
        Self {
            state: State::Boxed { future },
        }
    }

    #[cfg_attr(feature = "tower-sessions", allow(dead_code))]
    fn ready(response: S::Response) -> Self {
        Self {
            state: State::Ready {
                response: Some(response),
            },
        }
    }
}

impl<S, ReqBody, ResBody> Future for WebAppFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Calling { future, handle } => {
                let mut response = ready!(future.poll(cx))?;
                let Some(handle) = handle.take() else {
                    panic!("`WebAppFuture` polled after completion");
                };
                append_cookies(&mut response, handle.app().finish(&handle));
                Poll::Ready(Ok(response))
            }
            StateProj::Boxed { future } => future.as_mut().poll(cx),
            StateProj::Ready { response } => {
                let response = response
                    .take()
                    .unwrap_or_else(|| panic!("`WebAppFuture` polled after completion"));
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<S, ReqBody> fmt::Debug for WebAppFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppFuture").finish_non_exhaustive()
    }
}
