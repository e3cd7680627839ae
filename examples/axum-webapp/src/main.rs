//! The example web app in axum: log in with Auth0, see the profile, call an API with the
//! session's access token, log out. Same pages and routes as `actix-webapp`.
//!
//! ```text
//! cargo run -p axum-webapp            # with an embedded local dev tenant: log in as alice@example.com / alice-password
//! AUTH0_DOMAIN=my-tenant.us.auth0.com AUTH0_CLIENT_ID=… AUTH0_CLIENT_SECRET=… \
//!   AUTH0_SESSION_SECRET=$(openssl rand -hex 32) cargo run -p axum-webapp
//! ```

use std::process::ExitCode;

use axum_webapp::AppConfig;
use webapp_support::WebAppSetup;

#[tokio::main]
async fn main() -> ExitCode {
    webapp_support::init_tracing();
    // Kept until the server stops: it owns the dev tenant, when one was started.
    let mut setup = match WebAppSetup::from_env().await {
        Ok(setup) => setup,
        Err(error) => return error.report(),
    };
    let listener = match setup.take_listener().map(tokio::net::TcpListener::from_std) {
        Some(Ok(listener)) => listener,
        Some(Err(error)) => {
            eprintln!("error: cannot serve on {}: {error}", setup.base_url);
            return ExitCode::FAILURE;
        }
        None => {
            eprintln!("error: the listener was already taken");
            return ExitCode::FAILURE;
        }
    };
    let app = axum_webapp::app(AppConfig::from_setup(&setup));
    setup.announce();
    match axum::serve(listener, app)
        .with_graceful_shutdown(webapp_support::shutdown_signal())
        .await
    {
        Ok(()) => {
            tracing::info!("shut down");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "server error");
            ExitCode::FAILURE
        }
    }
}
