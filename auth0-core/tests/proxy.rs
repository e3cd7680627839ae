//! Explicit proxies (`.proxy(url)`) for the key store, discovery, both verifiers and the
//! Authentication API client, through a real forward proxy (tinyproxy) on loopback, in front of
//! a loopback [`TestTenant`]. The proxy's own log shows which requests it carried.
//!
//! The tenant serves plain `http`, so `http` targets are carried as absolute-form requests. For
//! `https` targets the `CONNECT` tunnel is proven up to the proxy's "Established connection"
//! line; the TLS handshake inside it then fails, as the tenant does not speak TLS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod proxy_support;

use std::sync::Arc;

use auth0_core::client::{AuthenticationClient, BuildError, ErrorKind};
use auth0_core::jwks::{JwksError, JwksOptions, KeyStore, SystemClock, discover_with};
use auth0_core::testing::TestTenant;
use auth0_core::verify::id_token::{SignatureVerifier, TokenVerifier, VerifyOptions};
use auth0_core::{AccessTokenVerifier, Algorithm, ConfigError};
use proxy_support::{DeadProxy, ProxyConfig, Tinyproxy};

fn store(url: &str, options: JwksOptions) -> KeyStore {
    KeyStore::new(url, &[Algorithm::RS256], options).unwrap()
}

fn client(tenant: &TestTenant, domain: &str, proxy: Option<&str>) -> AuthenticationClient {
    let builder = AuthenticationClient::builder(domain, tenant.client_id())
        .client_secret(tenant.client_secret());
    match proxy {
        Some(url) => builder.proxy(url),
        None => builder,
    }
    .build()
    .unwrap()
}

#[tokio::test]
async fn access_token_verifier_fetches_keys_through_the_proxy() {
    let tenant = TestTenant::start().await;
    let config = ProxyConfig::default();
    let Some(proxy) = Tinyproxy::start("access_token_verifier_fetches_keys", &config) else {
        return;
    };
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .proxy(&proxy.url())
        .build()
        .unwrap();
    let token = tenant.token().sub("auth0|proxied").sign();
    let claims = verifier.verify(&token).await.unwrap();
    assert_eq!(claims.sub, "auth0|proxied");
    proxy
        .wait_for_line(&["Request", "GET", &format!("{} HTTP/1.1", tenant.jwks_url())])
        .await;
    assert_eq!(tenant.jwks_requests(), 1);
}

#[tokio::test]
async fn a_proxy_that_is_down_fails_the_fetch_that_works_without_it() {
    let tenant = TestTenant::start().await;
    let dead = DeadProxy::reserve();
    let through_dead = store(
        &tenant.jwks_url(),
        JwksOptions::default().proxy(&dead.url()),
    );
    let err = through_dead.refresh().await.unwrap_err();
    assert!(matches!(err, JwksError::Transport(_)), "{err:?}");
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .proxy(&dead.url())
        .build()
        .unwrap();
    assert!(verifier.verify(&tenant.token().sign()).await.is_err());
    assert_eq!(tenant.jwks_requests(), 0, "nothing reached the tenant");

    let direct = store(&tenant.jwks_url(), JwksOptions::default());
    assert_eq!(direct.refresh().await.unwrap(), 1);
    assert_eq!(tenant.jwks_requests(), 1);
}

#[tokio::test]
async fn id_token_verifier_and_discovery_go_through_the_proxy() {
    let tenant = TestTenant::start().await;
    let Some(proxy) = Tinyproxy::start("id_token_verifier_and_discovery", &Default::default())
    else {
        return;
    };
    let options = JwksOptions::default().proxy(&proxy.url());
    let signature = SignatureVerifier::asymmetric_with(
        &tenant.jwks_url(),
        Algorithm::RS256,
        options.clone(),
        Arc::new(SystemClock),
    )
    .unwrap();
    let verifier = TokenVerifier::new(signature, tenant.issuer(), tenant.client_id()).unwrap();
    let id_token = tenant.token().aud(tenant.client_id()).typ("JWT").sign();
    verifier
        .verify(&id_token, &VerifyOptions::new())
        .await
        .unwrap();
    proxy
        .wait_for_line(&["Request", &format!("GET {} HTTP/1.1", tenant.jwks_url())])
        .await;

    let meta = discover_with(&tenant.issuer(), &options).await.unwrap();
    assert_eq!(meta.jwks_uri, tenant.jwks_url());
    proxy
        .wait_for_line(&[
            "Request",
            &format!("GET {} HTTP/1.1", tenant.discovery_url()),
        ])
        .await;
}

#[tokio::test]
async fn authentication_client_goes_through_the_proxy() {
    let tenant = TestTenant::start().await;
    let Some(proxy) = Tinyproxy::start("authentication_client", &Default::default()) else {
        return;
    };
    let auth = client(&tenant, &tenant.domain(), Some(&proxy.url()));
    let token = auth
        .get_token()
        .client_credentials(tenant.audience())
        .await
        .unwrap();
    assert!(!token.access_token.is_empty());
    proxy
        .wait_for_line(&["Request", &format!("POST {} HTTP/1.1", tenant.token_url())])
        .await;
    assert_eq!(tenant.token_requests(), 1);

    let dead = DeadProxy::reserve();
    let through_dead = client(&tenant, &tenant.domain(), Some(&dead.url()));
    let err = through_dead
        .get_token()
        .client_credentials(tenant.audience())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(tenant.token_requests(), 1, "nothing reached the tenant");
}

#[tokio::test]
async fn proxy_credentials_are_sent_and_never_shown() {
    let tenant = TestTenant::start().await;
    let config = ProxyConfig {
        basic_auth: Some(("alice", "pr0xy-pa55")),
        ..Default::default()
    };
    let Some(proxy) = Tinyproxy::start("proxy_credentials", &config) else {
        return;
    };
    let options = JwksOptions::default().proxy(&proxy.url());
    assert_eq!(
        store(&tenant.jwks_url(), options.clone())
            .refresh()
            .await
            .unwrap(),
        1
    );
    let auth = client(&tenant, &tenant.domain(), Some(&proxy.url()));
    auth.get_token()
        .client_credentials(tenant.audience())
        .await
        .unwrap();

    // Without credentials the proxy answers 407; with wrong ones tinyproxy answers 401. Either
    // way the tenant sees nothing more.
    let anonymous = proxy.url_without_credentials();
    let err = store(&tenant.jwks_url(), JwksOptions::default().proxy(&anonymous))
        .refresh()
        .await
        .unwrap_err();
    assert_eq!(err, JwksError::Status(407));
    let wrong = proxy.url_with("alice", "wr0ng-pa55");
    let err = store(&tenant.jwks_url(), JwksOptions::default().proxy(&wrong))
        .refresh()
        .await
        .unwrap_err();
    assert_eq!(err, JwksError::Status(401));
    let api_err = client(&tenant, &tenant.domain(), Some(&wrong))
        .get_token()
        .client_credentials(tenant.audience())
        .await
        .unwrap_err();
    // tinyproxy answers before reading the request body and closes the connection, so the
    // client sees either its 401 or a reset.
    assert!(
        api_err.status() == Some(401) || api_err.kind() == ErrorKind::Transport,
        "{api_err:?}"
    );
    assert_eq!((tenant.jwks_requests(), tenant.token_requests()), (1, 1));

    let builder =
        AuthenticationClient::builder(tenant.domain(), tenant.client_id()).proxy(&proxy.url());
    let verifier_builder = AccessTokenVerifier::builder(&tenant.domain()).proxy(&wrong);
    let shown = format!(
        "{options:?} {builder:?} {verifier_builder:?} {err} {err:?} {api_err} {api_err:?} {auth:?}"
    );
    assert!(shown.contains("credentials [redacted]"), "{shown}");
    for secret in ["pr0xy-pa55", "wr0ng-pa55", "alice"] {
        assert!(!shown.contains(secret), "{secret} shown in: {shown}");
    }
}

#[tokio::test]
async fn https_targets_go_through_a_connect_tunnel() {
    let tenant = TestTenant::start().await;
    let port = tenant.local_addr().port();
    let config = ProxyConfig {
        connect_ports: &[port],
        basic_auth: Some(("bob", "tunn3l-pa55")),
    };
    let Some(proxy) = Tinyproxy::start("https_connect_tunnel", &config) else {
        return;
    };
    let https_jwks = format!("https://127.0.0.1:{port}/.well-known/jwks.json");
    let options = JwksOptions::default().proxy(&proxy.url());
    let err = store(&https_jwks, options).refresh().await.unwrap_err();
    // The tunnel is open; TLS inside it fails against the plain-http tenant.
    assert!(matches!(err, JwksError::Transport(_)), "{err:?}");
    proxy
        .wait_for_line(&["Request", &format!("CONNECT 127.0.0.1:{port} HTTP/1.1")])
        .await;
    let established = "Established connection to host \"127.0.0.1\"";
    let connect = format!("CONNECT 127.0.0.1:{port} HTTP/1.1");
    proxy.wait_for_count(established, 1).await;

    let auth = client(
        &tenant,
        &format!("https://127.0.0.1:{port}"),
        Some(&proxy.url()),
    );
    let api_err = auth
        .get_token()
        .client_credentials(tenant.audience())
        .await
        .unwrap_err();
    assert_eq!(api_err.kind(), ErrorKind::Transport, "{api_err:?}");
    proxy.wait_for_count(&connect, 2).await;
    proxy.wait_for_count(established, 2).await;

    // Without the proxy's credentials the tunnel is refused (407): no connection to the tenant.
    let wrong = proxy.url_with("bob", "wr0ng-pa55");
    let err = store(&https_jwks, JwksOptions::default().proxy(&wrong))
        .refresh()
        .await
        .unwrap_err();
    assert!(matches!(err, JwksError::Transport(_)), "{err:?}");
    proxy.wait_for_count(&connect, 3).await;
    assert_eq!(proxy.lines_with(established).len(), 2, "{}", proxy.log());
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("wr0ng-pa55") && !shown.contains("bob"),
        "{shown}"
    );
    assert_eq!(tenant.jwks_requests(), 0);
}

#[tokio::test]
async fn an_unusable_proxy_url_is_a_configuration_error() {
    let tenant = TestTenant::start().await;
    for url in [
        "socks5://carol:s0cks-pa55@127.0.0.1:1080",
        "https://carol:s0cks-pa55@127.0.0.1:3128",
        "http://carol:s0cks-pa55@127.0.0.1:3128/path",
        "carol:s0cks-pa55@127.0.0.1:3128",
        "http://carol:s0cks-pa55@:3128",
    ] {
        let options = JwksOptions::default().proxy(url);
        let store_err =
            KeyStore::new(&tenant.jwks_url(), &[Algorithm::RS256], options.clone()).unwrap_err();
        assert!(
            matches!(store_err, JwksError::Proxy(_)),
            "{url}: {store_err:?}"
        );
        let discover_err = discover_with(&tenant.issuer(), &options).await.unwrap_err();
        assert!(matches!(discover_err, JwksError::Proxy(_)), "{url}");
        let verifier_err = AccessTokenVerifier::builder(&tenant.domain())
            .audience(tenant.audience())
            .proxy(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(verifier_err, ConfigError::Jwks(JwksError::Proxy(_))),
            "{url}: {verifier_err:?}"
        );
        let client_err = AuthenticationClient::builder(tenant.domain(), tenant.client_id())
            .proxy(url)
            .build()
            .unwrap_err();
        assert!(matches!(client_err, BuildError::Proxy(_)), "{url}");
        let shown = format!(
            "{store_err} {store_err:?} {verifier_err} {client_err} {client_err:?} {options:?}"
        );
        assert!(!shown.contains("s0cks-pa55"), "{url}: {shown}");
        assert!(shown.contains("the proxy URL"), "{shown}");
    }
    assert_eq!(tenant.jwks_requests(), 0);
}
