//! Start-up checks: a missing or weak secret, an insecure base URL, bad paths fail with a
//! message that says how to fix them.

use std::time::Duration;

use auth0_core::webapp::{WebApp, WebAppConfigError, WebRequest};

fn build(secret: Option<&str>, base: &str) -> Result<WebApp, WebAppConfigError> {
    let mut builder = WebApp::builder("my-tenant.us.auth0.com", "client-id", base);
    if let Some(secret) = secret {
        builder = builder.secret(secret);
    }
    builder.build()
}

const GOOD: &str = "a8f5f167f44f4964e6c998dee827110c";

#[test]
fn a_missing_secret_says_how_to_make_one() {
    let error = build(None, "https://app.example.com").unwrap_err();
    assert!(matches!(error, WebAppConfigError::MissingSecret));
    let message = error.to_string();
    assert!(message.contains("openssl rand -hex 32"), "{message}");
    assert!(message.contains("AUTH0_SESSION_SECRET"), "{message}");
}

#[test]
fn weak_secrets_are_refused_without_echoing_them() {
    for weak in [
        "short-secret",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "abababababababababababababababab",
    ] {
        let error = build(Some(weak), "https://app.example.com").unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, WebAppConfigError::WeakSecret { index: 0, .. }),
            "{message}"
        );
        assert!(
            !message.contains(weak),
            "the secret must not appear: {message}"
        );
        assert!(message.contains("openssl rand"));
    }
    // Any secret in the list is checked, not only the first.
    let error = WebApp::builder("t.auth0.com", "c", "https://app.example.com")
        .secret(GOOD)
        .secret("old")
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        WebAppConfigError::WeakSecret { index: 1, .. }
    ));
}

#[test]
fn cookies_must_be_secure_off_loopback() {
    let error = build(Some(GOOD), "http://app.example.com").unwrap_err();
    assert!(
        error.to_string().contains("only allowed on loopback"),
        "{error}"
    );
    for ok in [
        "https://app.example.com",
        "http://127.0.0.1:3000",
        "http://localhost:8080",
        "http://[::1]:3000",
    ] {
        assert!(build(Some(GOOD), ok).is_ok(), "{ok}");
    }
    for bad in [
        "app.example.com",
        "https://app.example.com/sub",
        "https://app.example.com/?x=1",
    ] {
        assert!(build(Some(GOOD), bad).is_err(), "{bad}");
    }
}

#[test]
fn routes_and_durations_are_checked() {
    let paths = WebApp::builder("t.auth0.com", "c", "https://app.example.com")
        .secret(GOOD)
        .paths("/auth/login", "/auth/login", "/auth/logout")
        .build();
    assert!(matches!(paths, Err(WebAppConfigError::Path { .. })));
    let relative = WebApp::builder("t.auth0.com", "c", "https://app.example.com")
        .secret(GOOD)
        .paths("login", "/cb", "/out")
        .build();
    assert!(matches!(relative, Err(WebAppConfigError::Path { .. })));
    let durations = WebApp::builder("t.auth0.com", "c", "https://app.example.com")
        .secret(GOOD)
        .rolling_duration(Duration::from_secs(10))
        .absolute_duration(Duration::from_secs(5))
        .build();
    assert!(matches!(durations, Err(WebAppConfigError::Durations)));
    let no_client = WebApp::builder("t.auth0.com", " ", "https://app.example.com")
        .secret(GOOD)
        .build();
    assert!(matches!(no_client, Err(WebAppConfigError::EmptyClientId)));
    let app = WebApp::builder("t.auth0.com", "c", "https://app.example.com")
        .secret(GOOD)
        .client_secret("a client secret")
        .paths("/auth/login", "/auth/callback", "/auth/logout")
        .build()
        .unwrap();
    assert_eq!(app.callback_url(), "https://app.example.com/auth/callback");
    assert!(app.route("/login").is_none());
    let debug = format!("{app:?}");
    assert!(
        !debug.contains("a client secret") && !debug.contains(GOOD),
        "{debug}"
    );
}

#[tokio::test]
async fn cookies_are_secure_on_https_and_only_there() {
    use auth0_core::webapp::LoginOptions;
    for (base, secure) in [
        ("https://app.example.com", true),
        ("http://127.0.0.1:3000", false),
    ] {
        let app = build(Some(GOOD), base).unwrap();
        let answer = app
            .login(&WebRequest::new("GET", "/login", None), LoginOptions::new())
            .await;
        assert_eq!(answer.status(), 302);
        let cookie = answer.cookies()[0].header_value();
        assert!(cookie.contains("; HttpOnly; SameSite=Lax"), "{cookie}");
        assert_eq!(cookie.ends_with("; Secure"), secure, "{cookie}");
    }
}
