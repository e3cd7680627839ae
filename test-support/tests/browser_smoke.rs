//! The browser harness (`test_support::browser`) against the dev tenant directly: its login page
//! in headless Chromium, alice's login, and the redirect back with a code; and the harness's
//! own bounds.

use std::time::{Duration, Instant};

use auth0_core::testing::TestTenant;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use test_support::browser::{Browser, BrowserError, ExampleServer, ensure, free_port};

/// The PKCE S256 challenge of `verifier`.
fn s256(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_logs_in_on_the_dev_tenant_login_page() -> Result<(), BrowserError> {
    let started = Instant::now();
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    println!("browser started in {:?}", started.elapsed());
    let tenant = TestTenant::start().await;
    // Nothing listens there: the browser shows an error page, its URL is what counts.
    let redirect_uri = format!("http://127.0.0.1:{}/callback", free_port()?);
    let challenge = s256("a-verifier-of-at-least-43-characters-0123456789abcdef");
    let authorize = format!(
        "{}/authorize?client_id={}&redirect_uri={}&response_type=code&code_challenge={challenge}\
         &code_challenge_method=S256&state=s&nonce=n&scope=openid%20profile",
        tenant.domain(),
        tenant.client_id(),
        url_encode(&redirect_uri),
    );
    browser.goto(&authorize).await?;
    let title = browser.title().await?;
    ensure(title == "Log in · dev tenant", || {
        format!("the login page's title is {title:?}")
    })?;
    for field in ["#username", "#password", "#login", "#deny"] {
        browser.wait_for(field).await?;
    }
    let shot = std::env::temp_dir().join(format!("browser-smoke-{}.png", std::process::id()));
    browser.screenshot(&shot).await?;
    let png = std::fs::read(&shot).map_err(|e| BrowserError::new(e.to_string()))?;
    let _ = std::fs::remove_file(&shot);
    ensure(png.len() > 1_000, || {
        format!("a {}-byte screenshot", png.len())
    })?;

    browser.fill("#username", "alice@example.com").await?;
    browser.fill("#password", "alice-password").await?;
    browser.click("#login").await?;
    let back = browser
        .wait_for_url(&redirect_uri, |url| {
            url.as_str().starts_with(&format!("{redirect_uri}?"))
        })
        .await?;
    let query: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    let get = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    ensure(get("code").is_some_and(|code| !code.is_empty()), || {
        format!("no code in {back}")
    })?;
    ensure(get("state").as_deref() == Some("s"), || {
        format!("state is not `s` in {back}")
    })?;
    // The performance log saw the same redirect.
    let requested = browser.requested_urls().await?;
    ensure(
        requested
            .iter()
            .any(|url| url.starts_with(&format!("{redirect_uri}?code="))),
        || format!("the performance log has no redirect with a code: {requested:#?}"),
    )?;
    // A wait that cannot succeed ends, and says where the browser was.
    let waited = Instant::now();
    let missing = browser
        .wait_for_within("#no-such-element", Duration::from_millis(500))
        .await;
    ensure(
        missing.is_err() && waited.elapsed() < Duration::from_secs(10),
        || {
            format!(
                "waiting for a missing element: {missing:?} after {:?}",
                waited.elapsed()
            )
        },
    )?;
    browser.close().await?;
    println!("whole test: {:?}", started.elapsed());
    Ok(())
}

#[tokio::test]
async fn an_example_that_never_gets_ready_is_reported_with_its_output() {
    let started = Instant::now();
    let Err(error) = ExampleServer::spawn("/bin/true", &[]).await else {
        panic!("/bin/true printed a readiness line");
    };
    assert!(error.message().contains("did not print"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(30));
    let Err(error) = ExampleServer::spawn("/no/such/binary", &[]).await else {
        panic!("a missing binary started");
    };
    assert!(error.message().contains("/no/such/binary"), "{error}");
}

fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
