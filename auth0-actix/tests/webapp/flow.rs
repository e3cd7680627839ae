//! The login: the authorization request, the tenant's form, the callback, the session cookie,
//! the guards and extractors, and the callback's refusals.

use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, ALICE_SUB, TestTenant};
use serde_json::json;

use crate::harness::{Browser, Options, query, serve};

#[actix_web::test]
async fn full_login() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);

    let (login, authorize) = browser.start_login(Some("/whoami")).await;
    assert_eq!(
        format!(
            "{}://{}{}",
            authorize.scheme(),
            authorize.authority(),
            authorize.path()
        ),
        tenant.authorize_url()
    );
    let params = query(authorize.as_str());
    assert_eq!(params["client_id"], tenant.client_id());
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["redirect_uri"], format!("{}/callback", server.base));
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["code_challenge"].len(), 43);
    assert!(params["state"].len() >= 32, "{params:?}");
    assert!(params["nonce"].len() >= 32);
    assert_ne!(params["state"], params["nonce"]);
    assert_eq!(params["audience"], tenant.audience());
    let scopes: Vec<&str> = params["scope"].split(' ').collect();
    assert!(scopes.contains(&"openid") && scopes.contains(&"offline_access"));
    assert_eq!(login.set_cookies.len(), 1, "{:?}", login.set_cookies);
    let transaction = &login.set_cookies[0];
    assert!(transaction.contains("HttpOnly") && transaction.contains("SameSite=Lax"));
    assert!(
        !transaction.contains("Secure"),
        "loopback http: {transaction}"
    );

    let callback = browser
        .at_tenant(&authorize, ALICE_EMAIL, ALICE_PASSWORD, "login")
        .await;
    assert!(callback.starts_with(&format!("{}/callback?", server.base)));
    assert_eq!(query(&callback)["state"], params["state"]);
    let done = browser.get(&callback).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/whoami"));
    let session = done.cookie("appSession").expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    assert!(!session.contains("Secure"), "loopback http: {session}");
    // The transaction cookie is single use.
    let transaction_name = transaction.split('=').next().unwrap();
    assert!(done.removes(transaction_name), "{:?}", done.set_cookies);

    let me = browser.get_json("/whoami").await;
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!(me["name"], "Alice Example");
    assert_eq!(me["sub"], ALICE_SUB);
    assert_eq!(me["email"], ALICE_EMAIL);
    assert!(
        me["picture"]
            .as_str()
            .unwrap()
            .ends_with("avatars/alice.svg")
    );
    assert_eq!(
        browser.get("/").await.json(),
        json!({ "user": "Alice Example" })
    );
    assert_eq!(browser.get("/page").await.status, 200);
    assert_eq!(
        browser.get_json("/api/data").await.json(),
        json!({ "data": 42 })
    );
}

#[actix_web::test]
async fn require_login_redirects_pages_and_refuses_api_calls() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);

    let page = browser.get("/page?tab=2").await;
    assert_eq!(page.status, 302);
    assert_eq!(
        page.location.as_deref(),
        Some("/login?returnTo=%2Fpage%3Ftab%3D2")
    );

    for api in [
        browser.get_json("/api/data").await,
        browser.send("POST", "/page", &[]).await,
        browser.send("GET", "/page", &[("accept", "*/*")]).await,
    ] {
        assert_eq!(api.status, 401, "{}", api.body);
        assert_eq!(api.json()["error"], "unauthorized");
    }
    // The `User` extractor refuses the same way.
    assert_eq!(browser.get_json("/whoami").await.status, 401);
    let whoami = browser.get("/whoami").await;
    assert_eq!(whoami.status, 302);
    assert_eq!(
        whoami.location.as_deref(),
        Some("/login?returnTo=%2Fwhoami")
    );

    // Following the redirect comes back to the page after login.
    let callback = browser.login_callback(Some("/page?tab=2"), "login").await;
    let done = browser.get(&callback).await;
    assert_eq!(done.location.as_deref(), Some("/page?tab=2"));
    assert_eq!(browser.get("/page?tab=2").await.status, 200);
}

#[actix_web::test]
async fn optional_user_is_none_when_logged_out() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);
    let home = browser.get("/").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.json(), json!({ "user": null }));
    assert!(home.set_cookies.is_empty(), "{:?}", home.set_cookies);
    assert_eq!(browser.get_json("/").await.json(), json!({ "user": null }));
    // A token-less session handle answers "not logged in", not an error page.
    let token = browser.get_json("/token").await;
    assert_eq!(token.status, 401);
    assert_eq!(token.json()["error"], "not logged in");
}

#[actix_web::test]
async fn state_replay_and_tampering_are_refused() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());

    // Tampered: another state than the transaction's.
    let mut browser = Browser::new(&server.base);
    let callback = browser.login_callback(None, "login").await;
    let state = query(&callback)["state"].clone();
    let mut forged = state.clone().into_bytes();
    forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
    let tampered = callback.replace(&state, std::str::from_utf8(&forged).unwrap());
    let refused = browser.get(&tampered).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("state"), "{}", refused.body);
    assert!(refused.cookie("appSession").is_none());
    assert_eq!(browser.get_json("/whoami").await.status, 401);

    // Replayed: the same callback, with the same transaction cookie, twice.
    let mut browser = Browser::new(&server.base);
    let callback = browser.login_callback(None, "login").await;
    let transaction = browser.jar.clone();
    assert_eq!(browser.get(&callback).await.status, 302);
    let mut attacker = Browser::new(&server.base);
    attacker.jar = transaction;
    let replay = attacker.get(&callback).await;
    assert_eq!(replay.status, 400, "{}", replay.body);
    assert!(replay.body.contains("already used"), "{}", replay.body);
    assert!(replay.cookie("appSession").is_none());

    // No transaction at all.
    let mut stranger = Browser::new(&server.base);
    assert_eq!(stranger.get(&callback).await.status, 400);
}

#[actix_web::test]
async fn denied_login_is_a_403_page() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);
    let callback = browser.login_callback(None, "deny").await;
    assert_eq!(query(&callback)["error"], "access_denied");
    let denied = browser.get(&callback).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert!(
        denied
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(denied.body.contains("Access denied"), "{}", denied.body);
    assert!(denied.cookie("appSession").is_none());
    assert_eq!(browser.get_json("/whoami").await.status, 401);
}

#[actix_web::test]
async fn open_redirects_go_home() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    for target in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let mut browser = Browser::new(&server.base);
        let callback = browser.login_callback(Some(target), "login").await;
        let done = browser.get(&callback).await;
        assert_eq!(done.location.as_deref(), Some("/"), "{target}");
    }
    // An absolute URL on this app is followed, as its path.
    let mut browser = Browser::new(&server.base);
    let callback = browser
        .login_callback(Some(&format!("{}/page?x=1", server.base)), "login")
        .await;
    assert_eq!(
        browser.get(&callback).await.location.as_deref(),
        Some("/page?x=1")
    );
}

#[actix_web::test]
async fn login_gives_a_new_session_identity() {
    let tenant = TestTenant::start().await;
    let server = serve(&tenant, Options::default());
    let mut browser = Browser::new(&server.base);
    let first = browser.login().await;
    let first_cookie = first.cookie("appSession").unwrap().to_owned();
    let first_id = browser.get_json("/session").await.json()["id"].clone();
    assert!(first_id.is_string());

    // Logging in again while logged in: a new session, never the old one.
    let second = browser.login().await;
    let second_cookie = second.cookie("appSession").unwrap().to_owned();
    assert_ne!(first_cookie, second_cookie);
    let second_id = browser.get_json("/session").await.json()["id"].clone();
    assert!(second_id.is_string());
    assert_ne!(first_id, second_id);
}

#[actix_web::test]
async fn misconfigured_routes_answer_500_with_the_fix() {
    let tenant = TestTenant::start().await;
    let server = serve(
        &tenant,
        Options {
            no_middleware: true,
            ..Options::default()
        },
    );
    let mut browser = Browser::new(&server.base);
    for path in ["/page", "/whoami", "/token"] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, 500, "{path}");
        assert!(
            answer.body.contains("WebAppMiddleware"),
            "{path}: {}",
            answer.body
        );
    }
    // `Option<User>` stays quiet: nobody is logged in as far as it can tell.
    assert_eq!(browser.get("/").await.json(), json!({ "user": null }));
}
