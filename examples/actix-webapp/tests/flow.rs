//! The example in-process on a real `HttpServer` with its embedded dev tenant, driven over HTTP
//! by reqwest (its cookie store, redirects followed by hand): the road a user takes, from the
//! logged-out home page through the tenant's login form to the profile, the API call and back
//! out through the tenant's logout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use actix_webapp::AppConfig;
use reqwest::{Client, Response, redirect};
use serde_json::json;
use url::Url;
use webapp_support::{Config, WebAppSetup, api_private_body};

const ALICE_EMAIL: &str = "alice@example.com";
const ALICE_PASSWORD: &str = "alice-password";
const ALICE_SUB: &str = "auth0|alice";

/// The example on a free port with its dev tenant; the setup (which keeps the tenant alive) and
/// the base URL.
async fn start() -> (WebAppSetup, String, actix_web::dev::ServerHandle) {
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
    let listener = setup.take_listener().unwrap();
    let server = actix_webapp::server(AppConfig::from_setup(&setup), listener).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let base = setup.base_url.clone();
    (setup, base, handle)
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn page(client: &Client, url: &str) -> Response {
    client
        .get(url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
}

fn location(response: &Response) -> String {
    assert_eq!(response.status(), 302, "{}", response.url());
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The absolute URL of a `Location` relative to `base`.
fn absolute(base: &str, location: &str) -> String {
    Url::parse(base).unwrap().join(location).unwrap().into()
}

/// Logs alice in at the tenant from the authorize URL; the callback URL it sends back to.
async fn tenant_login(client: &Client, issuer: &str, authorize: &str) -> String {
    let login_page = page(client, authorize).await;
    assert_eq!(login_page.status(), 200);
    let html = login_page.text().await.unwrap();
    let start = html.find("name=\"tx\" value=\"").expect("a tx field") + 17;
    let tx = &html[start..start + html[start..].find('"').unwrap()];
    let submitted = client
        .post(format!("{issuer}authorize/login"))
        .form(&[
            ("tx", tx),
            ("username", ALICE_EMAIL),
            ("password", ALICE_PASSWORD),
            ("action", "login"),
        ])
        .send()
        .await
        .unwrap();
    location(&submitted)
}

#[actix_web::test]
async fn the_whole_road() {
    let (setup, base, server) = start().await;
    let tenant = setup.dev_tenant().unwrap();
    let client = browser();

    // Logged out: the home page offers a login; the guarded pages ask for one.
    let home = page(&client, &format!("{base}/")).await;
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("id=\"login\""));
    let guarded = page(&client, &format!("{base}/profile")).await;
    assert_eq!(location(&guarded), "/login?returnTo=%2Fprofile");
    let api_call = client
        .get(format!("{base}/api-call"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api_call.status(), 401);

    // The login: the tenant's page, alice's credentials, back to /profile.
    let login = page(&client, &absolute(&base, "/login?returnTo=%2Fprofile")).await;
    let authorize = location(&login);
    assert!(
        authorize.starts_with(&tenant.authorize_url()),
        "{authorize}"
    );
    assert!(authorize.contains("code_challenge_method=S256"));
    let callback = tenant_login(&client, &tenant.issuer(), &authorize).await;
    assert!(
        callback.starts_with(&format!("{base}/callback?")),
        "{callback}"
    );
    let back = page(&client, &callback).await;
    assert_eq!(location(&back), "/profile");

    let profile = page(&client, &format!("{base}/profile")).await;
    assert_eq!(profile.status(), 200);
    let profile = profile.text().await.unwrap();
    assert!(
        profile.contains("<dd id=\"name\">Alice Example</dd>"),
        "{profile}"
    );
    assert!(profile.contains(ALICE_SUB));

    // The API, called with the session's access token.
    let api = page(&client, &format!("{base}/api-call")).await;
    assert_eq!(api.status(), 200);
    let api = api.text().await.unwrap();
    assert!(api.contains("<span id=\"api-status\">200</span>"), "{api}");
    assert!(api.contains(ALICE_SUB), "{api}");

    let home = page(&client, &format!("{base}/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("<span id=\"name\">Alice Example</span>"),
        "{home}"
    );
    assert!(home.contains("id=\"picture\"") && home.contains("id=\"claims\""));
    assert!(home.contains("id=\"logout\""));

    // Logout: same-origin POST, the tenant's logout, back home logged out.
    let logout = client
        .post(format!("{base}/logout"))
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    let at_tenant = location(&logout);
    assert!(at_tenant.starts_with(&tenant.logout_url()), "{at_tenant}");
    let returned = page(&client, &at_tenant).await;
    assert_eq!(location(&returned), format!("{base}/"));
    let home = page(&client, &format!("{base}/"))
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("id=\"login\"") && !home.contains("id=\"logout\""));
    let guarded = page(&client, &format!("{base}/profile")).await;
    assert_eq!(location(&guarded), "/login?returnTo=%2Fprofile");

    server.stop(true).await;
}

#[actix_web::test]
async fn the_api_and_the_other_routes() {
    let (setup, base, server) = start().await;
    let tenant = setup.dev_tenant().unwrap();
    let client = browser();

    let api = format!("{base}/api/private");
    assert_eq!(client.get(&api).send().await.unwrap().status(), 401);
    let token = tenant.token().sub("auth0|someone").sign();
    let answer = client.get(&api).bearer_auth(token).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body, api_private_body("auth0|someone"));
    assert_eq!(body["sub"], json!("auth0|someone"));

    let post_home = client.post(format!("{base}/")).send().await.unwrap();
    assert_eq!(post_home.status(), 405);
    assert_eq!(post_home.headers()["allow"], "GET,HEAD");
    let missing = client.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    // A cross-site logout is refused; a logout GET from elsewhere asks first.
    let cross = client
        .post(format!("{base}/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    let confirm = page(&client, &format!("{base}/logout")).await;
    assert_eq!(confirm.status(), 200);
    assert!(confirm.text().await.unwrap().contains("id=\"logout\""));

    // A denied login is an "Access denied" page.
    let login = page(&client, &format!("{base}/login")).await;
    let authorize = location(&login);
    let login_page = page(&client, &authorize).await.text().await.unwrap();
    let start = login_page.find("name=\"tx\" value=\"").unwrap() + 17;
    let tx = &login_page[start..start + login_page[start..].find('"').unwrap()];
    let denied = client
        .post(format!("{}authorize/login", tenant.issuer()))
        .form(&[("tx", tx), ("action", "deny")])
        .send()
        .await
        .unwrap();
    let callback = location(&denied);
    let error_page = page(&client, &callback).await;
    assert_eq!(error_page.status(), 403);
    assert!(
        error_page
            .text()
            .await
            .unwrap()
            .contains("<h1 id=\"title\">Access denied</h1>")
    );

    server.stop(true).await;
}
