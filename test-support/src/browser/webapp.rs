//! The browser scenarios of the example web apps (`axum-webapp`, `actix-webapp`), shared so that
//! both are held to the same pages: each takes the path of the binary under test, starts it
//! with its embedded dev tenant, and drives headless Chromium through it.
//!
//! The example's contract: `PORT=0` binds a free port and `listening on http://127.0.0.1:NNNN`
//! is printed on stdout; `/` logged out has `<a id="login">Log in</a>`, logged in `#name`,
//! `#picture` (an image), `#claims` (a `pre`) and a logout form with `<button id="logout">`;
//! `/profile` (login required) shows `#name`; `/api-call` (login required) shows `#api-status`
//! and `#api-response`; error pages have `<h1 id="title">`.
//!
//! ```no_run
//! # async fn run() -> Result<(), test_support::browser::BrowserError> {
//! // In examples/axum-webapp/tests/browser.rs the path is env!("CARGO_BIN_EXE_axum-webapp").
//! test_support::browser::webapp::full_road("target/debug/axum-webapp", "axum").await
//! # }
//! ```

use std::path::PathBuf;
use std::time::Duration;

use tokio::time::sleep;

use super::{Browser, BrowserError, ExampleServer, Result, ensure};

/// The title of the dev tenant's login page.
pub const LOGIN_TITLE: &str = "Log in · dev tenant";
/// The dev tenant's user the scenarios log in as.
pub const ALICE_EMAIL: &str = "alice@example.com";
/// Alice's password.
pub const ALICE_PASSWORD: &str = "alice-password";
/// Alice's `name` claim.
pub const ALICE_NAME: &str = "Alice Example";
/// Alice's `sub`.
pub const ALICE_SUB: &str = "auth0|alice";

/// The folder, relative to the workspace root, of the committed screenshots. Not a folder under
/// `examples/`: the workspace's `members = ["examples/*"]` would take it for a crate and every
/// cargo command would fail on its missing `Cargo.toml` (unless the root manifest excludes it).
pub const SCREENSHOTS: &str = "examples";

/// Where the home-page screenshot of `framework` goes: `examples/<framework>-webapp-home.png`
/// (see [`SCREENSHOTS`]) with `UPDATE_SCREENSHOTS=1`, else `target/screenshots/` (or under
/// `CARGO_TARGET_DIR`).
pub fn screenshot_path(framework: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let file = format!("{framework}-webapp-home.png");
    if std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        return root.join(SCREENSHOTS).join(file);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_relative() {
                root.join(dir)
            } else {
                dir
            }
        })
        .unwrap_or_else(|| root.join("target"));
    target.join("screenshots").join(file)
}

/// Starts a browser and the example at `bin`, runs `scenario`, and closes both; on failure the
/// error carries the example's output. `Ok` at once when there is no browser to run (a skip).
async fn with_example<F>(bin: &str, scenario: F) -> Result<()>
where
    F: AsyncFnOnce(&Browser, &ExampleServer) -> Result<()>,
{
    let started = std::time::Instant::now();
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    let app = match ExampleServer::spawn(bin, &[]).await {
        Ok(app) => app,
        Err(e) => {
            let _ = browser.close().await;
            return Err(e);
        }
    };
    let outcome = scenario(&browser, &app).await;
    let closed = browser.close().await;
    let outcome = outcome.map_err(|e| {
        BrowserError::new(format!("{e}\n--- the example's output ---\n{}", app.logs()))
    });
    let stopped = app.stop().await;
    println!("scenario took {:?}", started.elapsed());
    outcome.and(closed).and(stopped)
}

/// `url` is on the origin of `base` (`http://127.0.0.1:NNNN`).
fn on_origin(url: &url::Url, base: &str) -> bool {
    url.origin().ascii_serialization() == base.trim_end_matches('/')
}

/// The value of the query parameter `name` of `url`.
fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Waits for the dev tenant's login page (another origin than `app`, path `/authorize`, title
/// [`LOGIN_TITLE`]); its origin.
async fn at_login_page(browser: &Browser, app: &ExampleServer) -> Result<String> {
    let url = browser
        .wait_for_url("the dev tenant's /authorize login page", |url| {
            !on_origin(url, app.base()) && url.path() == "/authorize"
        })
        .await?;
    browser.wait_for("#login").await?;
    let title = browser.title().await?;
    ensure(title == LOGIN_TITLE, || {
        format!("the login page's title is {title:?}, not {LOGIN_TITLE:?}")
    })?;
    let callback = app.url("/callback");
    ensure(
        query(&url, "redirect_uri").as_deref() == Some(&callback),
        || format!("the authorization request does not come back to {callback}: {url}"),
    )?;
    ensure(
        query(&url, "code_challenge_method").as_deref() == Some("S256")
            || query(&url, "request_uri").is_some(),
        || format!("the authorization request has no PKCE S256 challenge: {url}"),
    )?;
    Ok(url.origin().ascii_serialization())
}

/// Types alice's credentials into the login page and submits them.
async fn log_in_as_alice(browser: &Browser) -> Result<()> {
    browser.fill("#username", ALICE_EMAIL).await?;
    browser.fill("#password", ALICE_PASSWORD).await?;
    browser.click("#login").await
}

/// Waits for the element `css`, then checks its text.
async fn text_is(browser: &Browser, css: &str, expected: &str) -> Result<()> {
    let text = browser.text(css).await?;
    ensure(text.trim() == expected, || {
        format!("`{css}` shows {text:?}, not {expected:?}")
    })
}

/// What a log must never show: the values of the codes in the callback URLs among `urls`.
fn codes_in(urls: &[String], app: &ExampleServer) -> Vec<(&'static str, String)> {
    urls.iter()
        .filter(|url| url.starts_with(&app.url("/callback?")))
        .filter_map(|url| url::Url::parse(url).ok())
        .filter_map(|url| query(&url, "code"))
        .map(|code| ("an authorization code", code))
        .collect()
}

/// Everything in `text` that looks like a JWT (`eyJ….….…`).
fn jwts_in(text: &str) -> Vec<(&'static str, String)> {
    let token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("eyJ") {
        let candidate: String = rest[at..].chars().take_while(|&c| token_char(c)).collect();
        rest = &rest[at + candidate.len().max(3)..];
        if candidate.matches('.').count() == 2 {
            found.push(("a token shown in a page", candidate));
        }
    }
    found
}

/// The browser's cookie values, as secrets.
async fn cookie_values(browser: &Browser) -> Result<Vec<(&'static str, String)>> {
    Ok(browser
        .cookies()
        .await?
        .into_iter()
        .map(|(_, value)| ("a cookie value", value))
        .collect())
}

/// The whole road, as a user takes it: `/profile` sends the browser to the dev tenant's login
/// page; alice logs in and is back on `/profile`; a reload keeps the session; `/api-call` calls
/// the API with her access token; `/` shows her name, picture and claims (screenshot
/// `<framework>-webapp-home.png`, see [`screenshot_path`]); logout ends on the logged-out `/`
/// (through the tenant's logout), and `/profile` asks for a login again. No code, token or
/// cookie value seen on the way appears in the example's output.
pub async fn full_road(bin: &str, framework: &str) -> Result<()> {
    with_example(bin, async |browser, app| {
        let mut secrets = Vec::new();
        let mut requested = Vec::new();

        // /profile requires a login: the dev tenant's page.
        browser.goto(&app.url("/profile")).await?;
        let tenant = at_login_page(browser, app).await?;
        secrets.extend(cookie_values(browser).await?);
        log_in_as_alice(browser).await?;

        // Back where the login started.
        let profile = browser
            .wait_for_url("the app's /profile after the login", |url| {
                on_origin(url, app.base()) && url.path() == "/profile"
            })
            .await?;
        ensure(profile.query().is_none(), || {
            format!("/profile carries a query after the login: {profile}")
        })?;
        text_is(browser, "#name", ALICE_NAME).await?;
        requested.extend(browser.requested_urls().await?);
        let codes = codes_in(&requested, app);
        ensure(!codes.is_empty(), || {
            format!("no /callback?code=… among the requested URLs: {requested:#?}")
        })?;
        secrets.extend(codes);
        secrets.extend(cookie_values(browser).await?);
        secrets.extend(jwts_in(&browser.source().await?));

        // The session survives a reload.
        browser.refresh().await?;
        let reloaded = browser.current_url().await?;
        ensure(
            on_origin(&reloaded, app.base()) && reloaded.path() == "/profile",
            || format!("the reload of /profile ended at {reloaded}"),
        )?;
        text_is(browser, "#name", ALICE_NAME).await?;

        // The API, called with the session's access token.
        browser.goto(&app.url("/api-call")).await?;
        text_is(browser, "#api-status", "200").await?;
        let answer = browser.text("#api-response").await?;
        ensure(answer.contains(ALICE_SUB), || {
            format!("#api-response does not name {ALICE_SUB}: {answer:?}")
        })?;
        secrets.extend(jwts_in(&browser.source().await?));

        // The logged-in home page.
        browser.goto(&app.url("/")).await?;
        text_is(browser, "#name", ALICE_NAME).await?;
        let claims = browser.text("#claims").await?;
        ensure(claims.contains(ALICE_SUB), || {
            format!("#claims does not show the sub: {claims:?}")
        })?;
        let picture = browser.wait_for("#picture").await?;
        let tag = picture
            .tag_name()
            .await
            .map_err(|e| BrowserError::new(format!("the tag of #picture: {e}")))?;
        ensure(tag.eq_ignore_ascii_case("img"), || {
            format!("#picture is a <{tag}>, not an <img>")
        })?;
        browser.wait_for("#logout").await?;
        picture_loaded(browser).await?;
        secrets.extend(jwts_in(&browser.source().await?));
        secrets.extend(cookie_values(browser).await?);
        let shot = screenshot_path(framework);
        browser.screenshot(&shot).await?;
        println!("screenshot: {}", shot.display());

        // Logout: the tenant's logout, then the app's logged-out home.
        browser.requested_urls().await?;
        browser.click("#logout").await?;
        browser.wait_for("#login").await?;
        let home = browser.current_url().await?;
        ensure(on_origin(&home, app.base()) && home.path() == "/", || {
            format!("the logout ended at {home}, not the app's /")
        })?;
        text_is(browser, "#login", "Log in").await?;
        ensure(!browser.exists("#logout").await?, || {
            "the logged-out home still offers #logout".to_owned()
        })?;
        let after_logout = browser.requested_urls().await?;
        ensure(
            after_logout
                .iter()
                .any(|url| url.starts_with(&tenant) && url.contains("logout")),
            || format!("the logout did not go through the tenant ({tenant}): {after_logout:#?}"),
        )?;

        // Logged out for real: /profile asks for a login again.
        browser.goto(&app.url("/profile")).await?;
        let again = at_login_page(browser, app).await?;
        ensure(again == tenant, || {
            format!("the second login page is on {again}, the first was on {tenant}")
        })?;

        never_logged(app, &secrets).await
    })
    .await
}

/// Waits for `#picture` to have loaded an image.
async fn picture_loaded(browser: &Browser) -> Result<()> {
    let script = "const p = document.getElementById('picture'); \
                  return !!p && p.complete && p.naturalWidth > 0;";
    let deadline = tokio::time::Instant::now() + super::WAIT;
    while browser.execute(script).await? != serde_json::Value::Bool(true) {
        if tokio::time::Instant::now() >= deadline {
            let src = browser.attr("#picture", "src").await?;
            return Err(BrowserError::new(format!(
                "#picture (src {src:?}) did not load within {:?}",
                super::WAIT
            )));
        }
        sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Checks the example's output (after its last request lines are written) for `secrets`.
async fn never_logged(app: &ExampleServer, secrets: &[(&str, String)]) -> Result<()> {
    sleep(Duration::from_millis(500)).await;
    ensure(!app.logs().trim().is_empty(), || {
        "the example logged nothing at RUST_LOG=info".to_owned()
    })?;
    println!(
        "checked {} secret values against {} bytes of logs",
        secrets.len(),
        app.logs().len()
    );
    app.assert_never_logged(secrets)
}

/// Cancel on the login page: the app's error page says "Access denied".
pub async fn access_denied(bin: &str) -> Result<()> {
    with_example(bin, async |browser, app| {
        browser.goto(&app.url("/login")).await?;
        at_login_page(browser, app).await?;
        browser.click("#deny").await?;
        let url = browser
            .wait_for_url("the app's /callback", |url| {
                on_origin(url, app.base()) && url.path() == "/callback"
            })
            .await?;
        ensure(
            query(&url, "error").as_deref() == Some("access_denied"),
            || format!("the callback is not an access_denied error: {url}"),
        )?;
        text_is(browser, "#title", "Access denied").await
    })
    .await
}

/// A callback whose `state` is not the login's: the app's error page says "Login failed" and
/// that the state does not match, with status 400 (checked with the browser's cookies over
/// reqwest, as WebDriver does not show statuses).
pub async fn tampered_state(bin: &str) -> Result<()> {
    with_example(bin, async |browser, app| {
        // The login starts: its transaction cookie is set.
        browser.goto(&app.url("/login")).await?;
        at_login_page(browser, app).await?;
        let cookies = browser.cookie_header().await?;
        ensure(!cookies.is_empty(), || {
            "no cookie after /login (the transaction cookie)".to_owned()
        })?;

        let tampered = app.url("/callback?code=x&state=tampered");
        browser.goto(&tampered).await?;
        text_is(browser, "#title", "Login failed").await?;
        let body = browser.text("body").await?;
        ensure(says_state_mismatch(&body), || {
            format!("the error page does not say that the state does not match: {body:?}")
        })?;

        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .map_err(|e| BrowserError::new(format!("an HTTP client: {e}")))?;
        let answer = http
            .get(&tampered)
            .header("cookie", cookies)
            .send()
            .await
            .map_err(|e| BrowserError::new(format!("GET {tampered}: {e}")))?;
        let status = answer.status().as_u16();
        let text = answer
            .text()
            .await
            .map_err(|e| BrowserError::new(format!("the body of {tampered}: {e}")))?;
        ensure(status == 400, || {
            format!("the tampered callback answered {status}, not 400: {text}")
        })?;
        ensure(
            text.contains("Login failed") && says_state_mismatch(&text),
            || format!("the 400 page is not the state mismatch: {text}"),
        )
    })
    .await
}

fn says_state_mismatch(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("state") && text.contains("does not match")
}

/// Two logins under way at once, as from two tabs: one is started for `/profile`, then another
/// for `/`; the first is completed on the tenant's page and lands on `/profile`, then the
/// second lands on `/`. Each login has its own transaction cookie, so the second does not
/// overwrite the first's.
pub async fn logins_in_two_tabs(bin: &str) -> Result<()> {
    with_example(bin, async |browser, app| {
        let mut started = Vec::new();
        for (from, landing) in [("/login?returnTo=%2Fprofile", "/profile"), ("/login", "/")] {
            browser.goto(&app.url(from)).await?;
            at_login_page(browser, app).await?;
            started.push((browser.current_url().await?, landing));
        }
        ensure(started[0].0 != started[1].0, || {
            "the two logins have the same authorization request".to_owned()
        })?;
        for (authorize, landing) in started {
            browser.goto(authorize.as_str()).await?;
            at_login_page(browser, app).await?;
            log_in_as_alice(browser).await?;
            browser
                .wait_for_url(&format!("the login started for {landing}, done"), |url| {
                    on_origin(url, app.base()) && url.path() == landing
                })
                .await?;
        }
        Ok(())
    })
    .await
}
