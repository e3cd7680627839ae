//! [`RequireLogin`]: only logged-in users reach the routes it wraps.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpMessage, ResponseError};
use auth0_core::webapp::SessionHandle;
use futures_util::future::{Either, LocalBoxFuture};

use super::error::WebAppError;
use super::request::web_request;

/// Middleware for a scope or resource whose every route needs a logged-in user. Without one, a
/// page request (`GET` or `HEAD` with `Accept: text/html`) is redirected to the login route,
/// coming back to the page afterwards (`/login?returnTo=…`); any other request gets 401 with a
/// JSON body. The inner service is not called.
///
/// It needs the session that [`WebAppMiddleware`](super::WebAppMiddleware) gives each request:
/// wrap the app in that one. Without it the answer is 500 and an error log saying so.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use auth0_actix::webapp::{RequireLogin, User, WebApp, WebAppMiddleware};
///
/// async fn settings(user: User) -> HttpResponse {
///     HttpResponse::Ok().body(format!("settings of {}", user.sub()))
/// }
///
/// # fn app(web_app: WebApp) {
/// let app = App::new()
///     .service(
///         web::scope("/account")
///             .wrap(RequireLogin::new())
///             .route("/settings", web::get().to(settings)),
///     )
///     .wrap(WebAppMiddleware::new(web_app));
/// # let _ = app; }
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct RequireLogin;

impl RequireLogin {
    /// Requires a logged-in user.
    #[must_use]
    pub fn new() -> Self {
        Self
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequireLogin
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = RequireLoginService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireLoginService {
            service: Rc::new(service),
        }))
    }
}

/// The service [`RequireLogin`] wraps around the next one.
#[derive(Debug)]
pub struct RequireLoginService<S> {
    service: Rc<S>,
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, Error>;

impl<S, B> Service<ServiceRequest> for RequireLoginService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Either<Ready<Answer<B>>, LocalBoxFuture<'static, Answer<B>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let handle = request.extensions().get::<SessionHandle>().cloned();
        let refusal = match handle {
            Some(handle) if handle.is_authenticated() => {
                let response = self.service.call(request);
                return Either::Right(Box::pin(async move {
                    response.await.map(ServiceResponse::map_into_left_body)
                }));
            }
            Some(handle) => WebAppError::unauthenticated(
                handle
                    .app()
                    .unauthenticated(&web_request(request.request())),
            ),
            None => WebAppError::misconfigured(no_session("RequireLogin")),
        };
        let response = refusal.error_response();
        Either::Left(ready(Ok(request
            .into_response(response)
            .map_into_right_body())))
    }
}

/// The misconfiguration message of `what` finding no session.
pub(crate) fn no_session(what: &str) -> String {
    format!(
        "{what} found no web-app session: wrap the app in \
         `App::new().wrap(auth0_actix::webapp::WebAppMiddleware::new(web_app))`, so that it runs \
         before the routes that need a logged-in user"
    )
}
