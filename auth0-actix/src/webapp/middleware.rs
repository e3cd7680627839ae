//! [`WebAppMiddleware`]: the login, callback and logout routes, and the session of every other
//! request, read before the inner service and written back after it.

use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpMessage, ResponseError};
use auth0_core::webapp::WebApp;
use futures_util::future::LocalBoxFuture;

use super::error::WithCookies;
use super::request::{append_cookies, http_response, web_request};
use super::store::Store;

/// Mounts a [`WebApp`]: answers its login, callback and logout routes (matched on the full
/// request path), and gives every other request its session, a
/// [`SessionHandle`](auth0_core::webapp::SessionHandle) in the request extensions where
/// [`User`](super::User), [`WebSession`](super::WebSession) and
/// [`RequireLogin`](super::RequireLogin) find it. Session changes (a login, a refreshed
/// token, a moved rolling deadline, a logout) are written back after the inner service answers:
/// `Set-Cookie` headers appended to the response (never replacing the handler's own), and with
/// [`SessionStorage::Server`](auth0_core::webapp::SessionStorage::Server) actix-session's
/// session updated.
///
/// Wrap the whole app with it, so that its routes are reachable wherever they are mounted:
///
/// ```
/// use actix_web::{App, web};
/// use auth0_actix::webapp::{RequireLogin, User, WebApp, WebAppMiddleware};
///
/// async fn profile(user: User) -> String {
///     format!("hello {}", user.name().unwrap_or_default())
/// }
///
/// # fn app(web_app: WebApp) {
/// let app = App::new()
///     .service(
///         web::resource("/profile")
///             .wrap(RequireLogin::new())
///             .route(web::get().to(profile)),
///     )
///     .wrap(WebAppMiddleware::new(web_app));
/// # let _ = app; }
/// ```
///
/// With server-side sessions (feature `actix-session`), wrap actix-session's `SessionMiddleware`
/// *after* this one: actix-web runs the last `wrap` first, and the session layer must run
/// outside.
#[derive(Clone)]
pub struct WebAppMiddleware {
    app: WebApp,
}

impl WebAppMiddleware {
    /// Mounts `app` (cheap to clone; build it once, outside the `HttpServer` factory).
    #[must_use]
    pub fn new(app: WebApp) -> Self {
        Self { app }
    }

    /// The web app.
    #[must_use]
    pub fn app(&self) -> &WebApp {
        &self.app
    }
}

impl fmt::Debug for WebAppMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppMiddleware")
            .field("app", &self.app)
            .finish()
    }
}

impl<S, B> Transform<S, ServiceRequest> for WebAppMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = WebAppMiddlewareService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(WebAppMiddlewareService {
            service: Rc::new(service),
            app: self.app.clone(),
        }))
    }
}

/// The service [`WebAppMiddleware`] wraps around the next one.
pub struct WebAppMiddlewareService<S> {
    service: Rc<S>,
    app: WebApp,
}

impl<S> fmt::Debug for WebAppMiddlewareService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAppMiddlewareService")
            .field("app", &self.app)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for WebAppMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let app = self.app.clone();
        Box::pin(async move {
            let store = match Store::open(&app, &request) {
                Ok(store) => store,
                Err(error) => {
                    let response = error.error_response();
                    return Ok(request.into_response(response).map_into_right_body());
                }
            };
            let handle = store.load(&app, &web_request(request.request()));
            if let Some(route) = app.route(request.path()) {
                let answer = app
                    .respond(route, &web_request(request.request()), &handle)
                    .await;
                let mut response = http_response(answer);
                let cookies = store.write_back(&app, &handle);
                append_cookies(response.headers_mut(), &cookies);
                return Ok(request.into_response(response).map_into_right_body());
            }
            request.extensions_mut().insert(handle.clone());
            match service.call(request).await {
                Ok(mut response) => {
                    let cookies = store.write_back(&app, &handle);
                    append_cookies(response.headers_mut(), &cookies);
                    Ok(response.map_into_left_body())
                }
                Err(error) => {
                    // The request is gone with the inner service; answer the error with the
                    // cookies when it is rendered.
                    let cookies = store.write_back(&app, &handle);
                    if cookies.is_empty() {
                        return Err(error);
                    }
                    Err(WithCookies { error, cookies }.into())
                }
            }
        })
    }
}
