//! The example web apps' start-up checks, run on the real binaries: a configuration that cannot
//! work stops the program with exit code 2 and a message that says how to fix it.

use std::process::{Command, Output};

/// Runs `bin` with only these variables of the web app's environment set (the `AUTH0_*` ones of
/// the caller's environment are removed), and waits for it to exit.
///
/// # Panics
/// When the binary cannot be started (a test helper).
pub fn run_with(bin: &str, envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(bin);
    for name in [
        "AUTH0_DOMAIN",
        "AUTH0_CLIENT_ID",
        "AUTH0_CLIENT_SECRET",
        "AUTH0_SESSION_SECRET",
        "AUTH0_AUDIENCE",
        "BASE_URL",
        "API_URL",
    ] {
        command.env_remove(name);
    }
    command.env("PORT", "0").envs(envs.iter().copied());
    command.output().expect("the example binary starts")
}

const TENANT: [(&str, &str); 3] = [
    ("AUTH0_DOMAIN", "my-tenant.us.auth0.com"),
    ("AUTH0_CLIENT_ID", "a-client-id"),
    ("AUTH0_CLIENT_SECRET", "a-client-secret"),
];

fn refused(bin: &str, extra: &[(&str, &str)], expected: &[&str], never: &[&str]) {
    let mut envs = TENANT.to_vec();
    envs.extend_from_slice(extra);
    let output = run_with(bin, &envs);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{envs:?}: {stderr}");
    for text in expected {
        assert!(
            stderr.contains(text),
            "{envs:?}: expected {text:?} in: {stderr}"
        );
    }
    for text in never {
        assert!(
            !stderr.contains(text),
            "{envs:?}: {text:?} must not be printed: {stderr}"
        );
    }
}

/// A missing session secret, a weak one, and plain http off loopback each stop `bin` at
/// start-up with the fix in the message, and never echo a secret.
pub fn assert_start_up_refusals(bin: &str) {
    refused(
        bin,
        &[],
        &["AUTH0_SESSION_SECRET is required", "openssl rand -hex 32"],
        &["a-client-secret"],
    );
    refused(
        bin,
        &[("AUTH0_SESSION_SECRET", "too-short-secret")],
        &["session secret #0 is unusable", "openssl rand"],
        &["too-short-secret", "a-client-secret"],
    );
    refused(
        bin,
        &[("AUTH0_SESSION_SECRET", &"x".repeat(40))],
        &["not a random secret"],
        &[&"x".repeat(40)],
    );
    refused(
        bin,
        &[
            (
                "AUTH0_SESSION_SECRET",
                "9c1185a5c5e9fc54612808977ee8f548b2258d31",
            ),
            ("BASE_URL", "http://app.example.com"),
        ],
        &["only allowed on loopback"],
        &["9c1185a5c5e9fc54612808977ee8f548b2258d31"],
    );
    let mut without_client = TENANT.to_vec();
    without_client.retain(|(name, _)| *name != "AUTH0_CLIENT_SECRET");
    let output = run_with(bin, &without_client);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("AUTH0_CLIENT_SECRET is required"));
}
