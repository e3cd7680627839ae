//! Web-app login for tower stacks: users log in through the tenant's login page (the
//! authorization code flow with PKCE), and the application keeps a session.
//!
//! All the security logic is core's [`auth0_core::webapp`]; this module only moves requests in
//! and answers out, for any `http` 1 tower stack (axum, tower-http, hyper services):
//!
//! * [`WebAppLayer`] answers the login, callback and logout routes (`/login`, `/callback`,
//!   `/logout` unless configured otherwise), puts the request's [`SessionHandle`] into the
//!   extensions of every other request, and after the inner service answered appends the
//!   session's `Set-Cookie` headers (never replacing the inner service's own);
//! * [`RequireLoginLayer`] guards routes: without a logged-in user, a page request is
//!   redirected to the login route (and back after login), an API request gets 401;
//! * [`web_request`] and [`web_response`] translate for handlers that call the [`WebApp`]
//!   themselves (a custom login route with [`WebApp::login`]);
//! * handlers read the [`SessionHandle`] from the extensions: the user's claims, the session,
//!   [`access_token`](SessionHandle::access_token) (refreshed when it expired), `clear()`.
//!
//! Sessions are sealed into cookies by default ([`SessionStorage::Cookie`]). With
//! [`SessionStorage::Server`] and the cargo feature `tower-sessions`, the session is kept in
//! tower-sessions' `Session` under the key `"auth0.session"` (`SESSION_KEY`), which its `SessionManagerLayer`,
//! placed outside `WebAppLayer`, loads and saves: a Redis store shares the sessions of a fleet.
//! The session id is cycled at login, and the session flushed at logout. Configure that
//! layer with `SameSite=Lax` (`with_same_site(SameSite::Lax)`): its default, `Strict`, keeps
//! the cookie off the redirect that comes back from the tenant.
//!
//! ```
//! use auth0_core::testing::TestTenant;
//! use auth0_core::webapp::{SessionHandle, WebApp};
//! use auth0_tower::webapp::{RequireLoginLayer, WebAppLayer};
//! use axum::{Extension, Router, body::Body, http::Request, routing::get};
//! use tower::ServiceExt;
//!
//! async fn profile(Extension(session): Extension<SessionHandle>) -> String {
//!     let user = session.user().unwrap_or_default();
//!     format!("hello {}", user.get("name").and_then(|n| n.as_str()).unwrap_or("?"))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await; // a local Auth0 look-alike
//! let web_app = WebApp::builder(&tenant.domain(), &tenant.client_id(), "http://127.0.0.1:3000")
//!     .client_secret(tenant.client_secret())
//!     .secret("a random secret of at least 32 bytes: openssl rand -hex 32")
//!     .build()?;
//! let private = Router::new()
//!     .route("/profile", get(profile))
//!     .route_layer(RequireLoginLayer::new());
//! let app = Router::new()
//!     .route("/", get(|| async { "home" }))
//!     .merge(private)
//!     .layer(WebAppLayer::new(web_app));
//!
//! // Logged out, a page asks to log in first, and comes back after.
//! let page = Request::get("/profile").header("accept", "text/html").body(Body::empty())?;
//! let response = app.clone().oneshot(page).await?;
//! assert_eq!(response.status(), 302);
//! assert_eq!(response.headers()["location"], "/login?returnTo=%2Fprofile");
//!
//! // The login route sends the browser to the tenant, with a transaction cookie.
//! let response = app.oneshot(Request::get("/login").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 302);
//! let location = response.headers()["location"].to_str()?;
//! assert!(location.starts_with(&format!("{}authorize?", tenant.issuer())));
//! assert!(response.headers()["set-cookie"].to_str()?.starts_with("auth_verification_"));
//! # Ok(()) }
//! ```

mod layer;
mod require;
#[cfg(feature = "tower-sessions")]
mod server;
mod translate;

pub use layer::{WebAppFuture, WebAppLayer, WebAppService};
pub use require::{RequireLoginFuture, RequireLoginLayer, RequireLoginService};
#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub use server::SESSION_KEY;
pub use translate::{web_request, web_response};

pub use auth0_core::webapp::{
    AccessToken, AccessTokenError, CallbackError, LoginOptions, LogoutMode, Session, SessionHandle,
    SessionStorage, StorageChange, WebApp, WebAppBuilder, WebAppConfigError,
};
