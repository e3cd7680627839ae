//! The example web app in actix-web: log in with Auth0, see the profile, call an API with the
//! session's access token, log out. Same pages and routes as `axum-webapp`.
//!
//! ```text
//! cargo run -p actix-webapp            # with an embedded local dev tenant: log in as alice@example.com / alice-password
//! AUTH0_DOMAIN=my-tenant.us.auth0.com AUTH0_CLIENT_ID=… AUTH0_CLIENT_SECRET=… \
//!   AUTH0_SESSION_SECRET=$(openssl rand -hex 32) cargo run -p actix-webapp
//! ```

use std::process::ExitCode;

use actix_webapp::AppConfig;
use webapp_support::WebAppSetup;

fn main() -> ExitCode {
    webapp_support::init_tracing();
    // The dev tenant runs on this runtime, the app on actix-web's workers.
    actix_web::rt::System::new().block_on(run())
}

async fn run() -> ExitCode {
    let mut setup = match WebAppSetup::from_env().await {
        Ok(setup) => setup,
        Err(error) => return error.report(),
    };
    let Some(listener) = setup.take_listener() else {
        eprintln!("error: the listener was already taken");
        return ExitCode::FAILURE;
    };
    let server = match actix_webapp::server(AppConfig::from_setup(&setup), listener) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot serve on {}: {error}", setup.base_url);
            return ExitCode::FAILURE;
        }
    };
    setup.announce();
    // actix-web stops gracefully on Ctrl-C / SIGTERM by itself.
    match server.await {
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
