//! The example in-process, driven over HTTP with reqwest (not a browser) through the embedded
//! dev tenant's login page: the pages logged out and in, the guard, the API call with the
//! session's access token, the app's own API, and logout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use axum_webapp::AppConfig;
use reqwest::{Client, Response, redirect};
use webapp_support::{Config, PRIVATE_MESSAGE, WebAppSetup};

/// The app on a free port with its embedded dev tenant; the setup keeps the tenant alive.
async fn start() -> WebAppSetup {
    let config = Config {
        domain: None,
        client_id: None,
        client_secret: None,
        session_secrets: Vec::new(),
        audience: None,
        port: 0,
        base_url: None,
        api_url: None,
    };
    let mut setup = WebAppSetup::from_config(config).await.unwrap();
    let listener = tokio::net::TcpListener::from_std(setup.take_listener().unwrap()).unwrap();
    let app = axum_webapp::app(AppConfig::from_setup(&setup));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    setup
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn page(http: &Client, url: &str) -> Response {
    http.get(url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
}

fn location(response: &Response) -> String {
    assert_eq!(response.status(), 302, "{}", response.url());
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_whole_road_over_http() {
    let setup = start().await;
    let base = setup.base_url.clone();
    let issuer = setup.dev_tenant().unwrap().issuer();
    let http = browser();

    // Logged out.
    let home = page(&http, &format!("{base}/")).await;
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("id=\"login\""));
    let guarded = page(&http, &format!("{base}/profile")).await;
    assert_eq!(location(&guarded), "/login?returnTo=%2Fprofile");
    let api_page = http
        .get(format!("{base}/api-call"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api_page.status(), 401);
    let api = http
        .get(format!("{base}/api/private"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);

    // Log in as alice on the tenant's page.
    let login = page(&http, &format!("{base}/login?returnTo=%2Fprofile")).await;
    let authorize = location(&login);
    assert!(
        authorize.starts_with(&format!("{issuer}authorize?")),
        "{authorize}"
    );
    let html = page(&http, &authorize).await.text().await.unwrap();
    let tx = html
        .split("name=\"tx\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the login form's tx")
        .to_owned();
    let submitted = http
        .post(format!("{issuer}authorize/login"))
        .form(&[
            ("tx", tx.as_str()),
            ("username", "alice@example.com"),
            ("password", "alice-password"),
            ("action", "login"),
        ])
        .send()
        .await
        .unwrap();
    let callback = location(&submitted);
    assert!(
        callback.starts_with(&format!("{base}/callback?")),
        "{callback}"
    );
    let done = page(&http, &callback).await;
    assert_eq!(location(&done), "/profile");

    // Logged in.
    let profile = page(&http, &format!("{base}/profile")).await;
    assert_eq!(profile.status(), 200);
    let profile = profile.text().await.unwrap();
    assert!(
        profile.contains("<dd id=\"name\">Alice Example</dd>"),
        "{profile}"
    );
    assert!(profile.contains("auth0|alice"));
    let home = page(&http, &format!("{base}/")).await.text().await.unwrap();
    assert!(
        home.contains("<span id=\"name\">Alice Example</span>"),
        "{home}"
    );
    assert!(home.contains("id=\"logout\""));

    // The API page calls the app's own API with the session's access token.
    let api_call = page(&http, &format!("{base}/api-call")).await;
    assert_eq!(api_call.status(), 200);
    let api_call = api_call.text().await.unwrap();
    assert!(
        api_call.contains("<span id=\"api-status\">200</span>"),
        "{api_call}"
    );
    assert!(api_call.contains(PRIVATE_MESSAGE), "{api_call}");
    assert!(api_call.contains("auth0|alice"));

    // Logout: the local session ends, then the tenant's, which sends the browser home.
    let logout = http
        .post(format!("{base}/logout"))
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    let tenant_logout = location(&logout);
    assert!(
        tenant_logout.starts_with(&format!("{issuer}v2/logout?")),
        "{tenant_logout}"
    );
    let back = page(&http, &tenant_logout).await;
    assert_eq!(location(&back), format!("{base}/"));
    let home = page(&http, &format!("{base}/")).await.text().await.unwrap();
    assert!(home.contains("id=\"login\""), "{home}");
    let guarded = page(&http, &format!("{base}/profile")).await;
    assert_eq!(guarded.status(), 302);
}

#[tokio::test]
async fn a_cross_site_logout_is_refused() {
    let setup = start().await;
    let base = setup.base_url.clone();
    let refused = browser()
        .post(format!("{base}/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
