//! Proxy variables (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`): ignored unless
//! `.proxy_from_env()` is called, used when it is.
//!
//! Each case runs the fetches in a child process of this test binary (`child_fetches`), started
//! with exactly the proxy variables of the case, so that no test changes the environment of a
//! running process and cases cannot disturb each other. The parent owns the loopback
//! [`TestTenant`] and the tinyproxy, and checks what reached them. Loopback targets are not
//! exempt from proxy variables in the HTTP stack (only `NO_PROXY` exempts hosts), so a direct
//! fetch of the tenant really proves that a variable was not read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod proxy_support;

use std::process::Command;

use auth0_core::client::{AuthenticationClient, BuildError};
use auth0_core::jwks::{JwksError, JwksOptions, KeyStore, discover_with};
use auth0_core::testing::TestTenant;
use auth0_core::{AccessTokenVerifier, Algorithm, ConfigError};
use proxy_support::{DeadProxy, Tinyproxy};

const PROXY_VARS: [&str; 9] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
];

/// What the child does: fetch with or without `.proxy_from_env()`, and what it must observe.
#[derive(Clone, Copy)]
enum Case {
    /// No `.proxy_from_env()`: every fetch succeeds.
    DefaultOk,
    /// `.proxy_from_env()`: every fetch succeeds.
    FromEnvOk,
    /// `.proxy_from_env()`: every fetch fails in transport.
    FromEnvFails,
    /// `.proxy_from_env()`: building fails with a proxy configuration error naming the variable.
    FromEnvConfigError,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Self::DefaultOk => "default-ok",
            Self::FromEnvOk => "from-env-ok",
            Self::FromEnvFails => "from-env-fails",
            Self::FromEnvConfigError => "from-env-config-error",
        }
    }
}

/// Runs `child_fetches` in a child process with `vars` as its only proxy variables.
async fn run_child(tenant: &TestTenant, case: Case, vars: &[(&str, &str)]) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["child_fetches", "--exact", "--ignored", "--nocapture"]);
    for var in PROXY_VARS {
        command.env_remove(var);
    }
    command
        .env("AUTH0_RS_PROXY_CASE", case.name())
        .env("AUTH0_RS_PROXY_DOMAIN", tenant.domain())
        .env("AUTH0_RS_PROXY_ISSUER", tenant.issuer())
        .env("AUTH0_RS_PROXY_JWKS", tenant.jwks_url())
        .env("AUTH0_RS_PROXY_CLIENT_ID", tenant.client_id())
        .env("AUTH0_RS_PROXY_SECRET", tenant.client_secret())
        .env("AUTH0_RS_PROXY_AUDIENCE", tenant.audience())
        .env("AUTH0_RS_PROXY_TOKEN", tenant.token().sign());
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("test child_fetches ... ok"),
        "child ({}, {vars:?}) failed:\n{stdout}\n{stderr}",
        case.name()
    );
}

#[tokio::test]
async fn proxy_variables_are_ignored_without_proxy_from_env() {
    let tenant = TestTenant::start().await;
    let dead = DeadProxy::reserve();
    let url = dead.url();
    let vars = [
        ("HTTP_PROXY", url.as_str()),
        ("http_proxy", url.as_str()),
        ("HTTPS_PROXY", url.as_str()),
        ("https_proxy", url.as_str()),
        ("ALL_PROXY", url.as_str()),
        ("all_proxy", url.as_str()),
    ];
    run_child(&tenant, Case::DefaultOk, &vars).await;
    // Key store, verifier, discovery's key set check and the client each reached the tenant.
    assert!(tenant.jwks_requests() >= 2, "{}", tenant.jwks_requests());
    assert_eq!(tenant.token_requests(), 1);
    // With the same variables, opting in sends every fetch to the dead proxy.
    run_child(&tenant, Case::FromEnvFails, &vars).await;
}

#[tokio::test]
async fn proxy_from_env_uses_http_proxy_or_all_proxy() {
    let tenant = TestTenant::start().await;
    let Some(proxy) = Tinyproxy::start("proxy_from_env", &Default::default()) else {
        return;
    };
    let dead = DeadProxy::reserve();
    let jwks_line = format!("GET {} HTTP/1.1", tenant.jwks_url());
    let token_line = format!("POST {} HTTP/1.1", tenant.token_url());
    let discovery_line = format!("GET {} HTTP/1.1", tenant.discovery_url());

    // http targets take HTTP_PROXY, not HTTPS_PROXY or ALL_PROXY.
    let vars = [
        ("HTTP_PROXY", proxy.url()),
        ("HTTPS_PROXY", dead.url()),
        ("ALL_PROXY", dead.url()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (*n, v.as_str())).collect();
    run_child(&tenant, Case::FromEnvOk, &vars).await;
    proxy.wait_for_count(&jwks_line, 2).await;
    proxy.wait_for_count(&token_line, 1).await;
    proxy.wait_for_count(&discovery_line, 1).await;

    // Without HTTP_PROXY they fall back to ALL_PROXY (lower-case names are read too).
    let url = proxy.url();
    run_child(&tenant, Case::FromEnvOk, &[("all_proxy", url.as_str())]).await;
    proxy.wait_for_count(&jwks_line, 4).await;
    proxy.wait_for_count(&token_line, 2).await;
    assert_eq!(tenant.token_requests(), 2);
}

#[tokio::test]
async fn no_proxy_and_cgi_keep_fetches_direct() {
    let tenant = TestTenant::start().await;
    let dead = DeadProxy::reserve();
    let url = dead.url();
    run_child(&tenant, Case::FromEnvFails, &[("HTTP_PROXY", url.as_str())]).await;
    for no_proxy in ["127.0.0.1", "localhost, 127.0.0.0/8", "*"] {
        let vars = [("HTTP_PROXY", url.as_str()), ("NO_PROXY", no_proxy)];
        run_child(&tenant, Case::FromEnvOk, &vars).await;
    }
    // In a CGI process HTTP_PROXY may come from a request header: it is not used.
    let cgi = [("HTTP_PROXY", url.as_str()), ("REQUEST_METHOD", "GET")];
    run_child(&tenant, Case::FromEnvOk, &cgi).await;
    assert_eq!(tenant.token_requests(), 4);
}

#[tokio::test]
async fn an_unusable_proxy_variable_is_a_configuration_error() {
    let tenant = TestTenant::start().await;
    for value in [
        "socks5://dave:v4r-pa55@127.0.0.1:1080",
        "https://dave:v4r-pa55@127.0.0.1:3128",
        "http://dave:v4r-pa55@127.0.0.1:3128/path",
    ] {
        run_child(&tenant, Case::FromEnvConfigError, &[("HTTP_PROXY", value)]).await;
    }
    assert_eq!(tenant.jwks_requests(), 0);
}

/// The child side of every case above: does nothing unless started by `run_child`.
#[tokio::test]
#[ignore = "run by the other tests of this file, in a child process with chosen proxy variables"]
async fn child_fetches() {
    let Ok(case) = std::env::var("AUTH0_RS_PROXY_CASE") else {
        panic!("child_fetches runs only as a child of this file's tests");
    };
    let var = |name: &str| std::env::var(name).unwrap();
    let (jwks, domain, issuer) = (
        var("AUTH0_RS_PROXY_JWKS"),
        var("AUTH0_RS_PROXY_DOMAIN"),
        var("AUTH0_RS_PROXY_ISSUER"),
    );
    let (client_id, secret, audience) = (
        var("AUTH0_RS_PROXY_CLIENT_ID"),
        var("AUTH0_RS_PROXY_SECRET"),
        var("AUTH0_RS_PROXY_AUDIENCE"),
    );
    let from_env = case != "default-ok";
    let opt_in = |o: JwksOptions| if from_env { o.proxy_from_env() } else { o };
    let options = opt_in(JwksOptions::default());
    let store = KeyStore::new(&jwks, &[Algorithm::RS256], options.clone());
    let mut verifier = AccessTokenVerifier::builder(&domain).audience(&audience);
    let mut client = AuthenticationClient::builder(&domain, client_id).client_secret(secret);
    if from_env {
        verifier = verifier.proxy_from_env();
        client = client.proxy_from_env();
    }
    let (verifier, client) = (verifier.build(), client.build());

    if case == "from-env-config-error" {
        let shown = format!(
            "{:?} {:?} {:?}",
            store.as_ref().err(),
            verifier.as_ref().err(),
            client.as_ref().err()
        );
        assert!(matches!(store, Err(JwksError::Proxy(_))), "{shown}");
        assert!(
            matches!(verifier, Err(ConfigError::Jwks(JwksError::Proxy(_)))),
            "{shown}"
        );
        assert!(matches!(client, Err(BuildError::Proxy(_))), "{shown}");
        assert!(
            shown.contains("HTTP_PROXY") && !shown.contains("v4r-pa55"),
            "{shown}"
        );
        return;
    }
    let (store, verifier, client) = (store.unwrap(), verifier.unwrap(), client.unwrap());
    let keys = store.refresh().await;
    let verified = verifier.verify(&var("AUTH0_RS_PROXY_TOKEN")).await;
    let discovered = discover_with(&issuer, &options).await;
    let token = client.get_token().client_credentials(&audience).await;
    let results = format!("{keys:?}\n{verified:?}\n{discovered:?}\n{token:?}");
    if case == "from-env-fails" {
        assert!(matches!(keys, Err(JwksError::Transport(_))), "{results}");
        assert!(
            verified.is_err() && discovered.is_err() && token.is_err(),
            "{results}"
        );
    } else {
        assert!(keys.is_ok() && verified.is_ok(), "{results}");
        assert!(discovered.is_ok() && token.is_ok(), "{results}");
    }
    if case == "default-ok" && std::env::var_os("HTTP_PROXY").is_some() {
        // The same variables do steer an HTTP client that reads them (reqwest's default).
        let plain = reqwest::Client::new().get(&jwks).send().await;
        assert!(plain.is_err(), "a client reading HTTP_PROXY reached {jwks}");
    }
}
