//! Load and fault harness for the example APIs (`axum-api`, `actix-api`), run through
//! `scripts/load`: it starts a loopback dev tenant in-process, starts each example binary
//! (built in release) against it as a child process, and drives it with a bounded HTTP/1.1
//! client on 127.0.0.1 that checks every answer against the examples' contract.
//!
//! ```text
//! auth0-load soak  [SECONDS]   mixed workload, key rotation and JWKS outages; pass or fail
//! auth0-load flood [SECONDS]   bad-signature and hostile-token floods, interleaved bursts
//! auth0-load bench [SECONDS]   per-request cost of each route, interleaved bursts
//! auth0-load coldstart         process start to the first 200, with a cold key store
//! ```

mod bench;
mod child;
mod cli;
mod client;
mod coldstart;
mod expect;
mod flood;
mod histogram;
mod hostile;
mod pinning;
mod report;
mod rng;
mod rounds;
mod soak;
mod stats;
mod tokens;
mod wrk;

use std::process::ExitCode;

/// Errors of the harness: a sentence for the operator.
pub(crate) type Fallible<T> = Result<T, String>;

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.client_threads)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match options.command {
            cli::Command::Soak => soak::run(&options).await,
            cli::Command::Flood => flood::run(&options).await,
            cli::Command::Bench => bench::run(&options).await,
            cli::Command::ColdStart => coldstart::run(&options).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
