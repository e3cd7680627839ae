//! Web-app login for actix-web: users log in at Auth0 (authorization code flow with PKCE), the
//! app keeps their session, calls APIs with their access token, and logs them out. All the
//! security logic (state, nonce, PKCE, sealed and chunked session cookies, open-redirect checks,
//! cross-site logout refusal, token refresh with rotation) is the framework-free
//! [`auth0_core::webapp`]; this module mounts it in actix-web.
//!
//! | item | what it gives |
//! |---|---|
//! | [`WebAppMiddleware`] | wraps the app: answers `/login`, `/callback`, `/logout`, reads each request's session and writes its changes back |
//! | [`RequireLogin`] | wraps a scope or resource: a page request without a logged-in user is redirected to login, an API request gets 401 |
//! | [`User`] | the logged-in user's ID-token claims, as a handler argument; `Option<User>` for pages anyone may see |
//! | [`WebSession`] | the session: [`access_token`](WebSession::access_token) (refreshed when expired), [`session`](WebSession::session), [`clear`](WebSession::clear) |
//! | [`WebAppError`] | the refusal of the above |
//!
//! ```no_run
//! use actix_web::{App, HttpResponse, HttpServer, web};
//! use auth0_actix::webapp::{RequireLogin, User, WebApp, WebAppMiddleware, WebSession};
//!
//! async fn home(user: Option<User>) -> HttpResponse {
//!     let body = match user {
//!         Some(user) => format!("Hello {}! <form method=post action=/logout><button>Log out</button></form>",
//!             auth0_actix::webapp::escape(user.name().unwrap_or_default())),
//!         None => "<a href=/login>Log in</a>".to_owned(),
//!     };
//!     HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body)
//! }
//!
//! async fn profile(user: User) -> String {
//!     format!("{} ({})", user.name().unwrap_or_default(), user.sub())
//! }
//!
//! async fn call_api(session: WebSession) -> HttpResponse {
//!     match session.access_token().await {
//!         Ok(token) => HttpResponse::Ok().body(format!("a token until {}", token.expires_at())),
//!         Err(error) => HttpResponse::BadGateway().body(error.to_string()),
//!     }
//! }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let web_app = WebApp::builder("my-tenant.us.auth0.com", "CLIENT_ID", "https://app.example.com")
//!         .client_secret(std::env::var("AUTH0_CLIENT_SECRET")?)
//!         .secret(std::env::var("AUTH0_SESSION_SECRET")?) // `openssl rand -hex 32`
//!         .audience("https://api.example.com")
//!         .build()?;
//!     HttpServer::new(move || {
//!         App::new()
//!             .route("/", web::get().to(home))
//!             .service(
//!                 web::scope("")
//!                     .wrap(RequireLogin::new())
//!                     .route("/profile", web::get().to(profile))
//!                     .route("/api-call", web::get().to(call_api)),
//!             )
//!             .wrap(WebAppMiddleware::new(web_app.clone()))
//!     })
//!     .bind(("127.0.0.1", 3000))?
//!     .run()
//!     .await?;
//!     Ok(())
//! }
//! ```
//!
//! The callback URL to allow in the Auth0 Dashboard is the base URL + `/callback`
//! ([`WebApp::callback_url`]); the logout `returnTo` URLs are the base URL's pages.
//!
//! # Sessions
//!
//! By default ([`SessionStorage::Cookie`]) the session is sealed into `HttpOnly`,
//! `SameSite=Lax` cookies (`Secure` unless served over plain http on loopback), chunked past
//! 4 KB: nothing to run server-side. A forged, truncated, oversized or expired cookie means
//! "logged out" and is removed.
//!
//! With [`SessionStorage::Server`] and this crate's `actix-session` feature, the session is
//! stored in actix-session's `Session` under the key [`SESSION_KEY`]; with its Redis store,
//! every instance of the app shares the sessions. A login renews the session id (no session
//! fixation), a logout purges the session. Wrap `SessionMiddleware` outside
//! [`WebAppMiddleware`] (that is, *after* it: actix-web runs the last `wrap` first):
//!
//! ```no_run
//! # #[cfg(feature = "actix-session")]
//! # async fn run(web_app: auth0_actix::webapp::WebApp) -> std::io::Result<()> {
//! use actix_session::SessionMiddleware;
//! use actix_session::storage::CookieSessionStore; // or RedisSessionStore, shared by a fleet
//! use actix_web::cookie::Key;
//! use actix_web::{App, HttpServer};
//! use auth0_actix::webapp::WebAppMiddleware;
//!
//! let key = Key::generate(); // the same key on every instance, in production
//! HttpServer::new(move || {
//!     App::new()
//!         .wrap(WebAppMiddleware::new(web_app.clone()))
//!         .wrap(SessionMiddleware::new(CookieSessionStore::default(), key.clone()))
//! })
//! .bind(("127.0.0.1", 3000))?
//! .run()
//! .await
//! # }
//! ```
//!
//! A server-side web app without the feature, or without the session middleware, answers 500
//! and logs how to fix it.

mod error;
mod extract;
mod middleware;
mod request;
mod require;
mod store;

pub use error::WebAppError;
pub use extract::{User, WebSession};
pub use middleware::{WebAppMiddleware, WebAppMiddlewareService};
pub use require::{RequireLogin, RequireLoginService};

pub use auth0_core::verify::id_token::IdTokenClaims;
pub use auth0_core::webapp::{
    AccessToken, AccessTokenError, CallbackError, LoginOptions, LogoutMode, Session, SessionHandle,
    SessionStorage, SetCookie, StorageChange, WebApp, WebAppBuilder, WebAppConfigError, WebRequest,
    WebResponse, escape,
};

/// The key of the session in actix-session's `Session`, with [`SessionStorage::Server`].
pub const SESSION_KEY: &str = "auth0.session";
