//! The road through an example web app (`axum-webapp`, `actix-webapp`) over HTTP, which both
//! examples' `tests/flow.rs` run: the pages logged out, the login on the dev tenant's page, the
//! profile, the home page and the API page logged in, and the logout through the tenant's.

use auth0_core::testing::{ALICE_EMAIL, ALICE_PASSWORD, ALICE_SUB, TestTenant};
use reqwest::Client;

use super::{location, page, tenant_login};

/// The body of the page at `url`, asserting a `200`.
async fn page_text(http: &Client, url: &str) -> String {
    let answer = page(http, url).await;
    assert_eq!(answer.status(), 200, "{url}");
    answer.text().await.unwrap()
}

/// Walks the example at `base`, whose dev tenant is `tenant`, as alice with `http` (a client of
/// [`super::client_builder`] with a cookie store): logged out, logged in through the tenant's
/// login form, then out again through the tenant's logout. The API page must show `api_message`
/// (the message of the API it calls).
///
/// # Panics
/// At the first step that does not go as it should.
pub async fn whole_road(http: &Client, base: &str, tenant: &TestTenant, api_message: &str) {
    let issuer = tenant.issuer();

    // Logged out: the home page offers a login; the guarded pages ask for one.
    let home = page_text(http, &format!("{base}/")).await;
    assert!(home.contains("id=\"login\""), "{home}");
    let guarded = page(http, &format!("{base}/profile")).await;
    assert_eq!(location(&guarded), "/login?returnTo=%2Fprofile");
    let api_call = http
        .get(format!("{base}/api-call"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api_call.status(), 401);

    // The login: the tenant's page, alice's credentials, back to /profile.
    let login = page(http, &format!("{base}/login?returnTo=%2Fprofile")).await;
    let authorize = location(&login);
    assert!(
        authorize.starts_with(&format!("{issuer}authorize?")),
        "{authorize}"
    );
    assert!(
        authorize.starts_with(&tenant.authorize_url()),
        "{authorize}"
    );
    assert!(authorize.contains("code_challenge_method=S256"));
    let callback = tenant_login(http, &authorize, ALICE_EMAIL, ALICE_PASSWORD, "login").await;
    assert!(
        callback.starts_with(&format!("{base}/callback?")),
        "{callback}"
    );
    let back = page(http, &callback).await;
    assert_eq!(location(&back), "/profile");

    // Logged in.
    let profile = page_text(http, &format!("{base}/profile")).await;
    assert!(
        profile.contains("<dd id=\"name\">Alice Example</dd>"),
        "{profile}"
    );
    assert!(profile.contains(ALICE_SUB));
    let home = page_text(http, &format!("{base}/")).await;
    assert!(
        home.contains("<span id=\"name\">Alice Example</span>"),
        "{home}"
    );
    assert!(home.contains("id=\"picture\"") && home.contains("id=\"claims\""));
    assert!(home.contains("id=\"logout\""));

    // The API page calls the API with the session's access token.
    let api = page_text(http, &format!("{base}/api-call")).await;
    assert!(api.contains("<span id=\"api-status\">200</span>"), "{api}");
    assert!(api.contains(api_message), "{api}");
    assert!(api.contains(ALICE_SUB), "{api}");

    // Logout: a same-origin POST ends the local session, then the tenant's, which sends the
    // browser home, logged out.
    let logout = http
        .post(format!("{base}/logout"))
        .header("origin", base)
        .send()
        .await
        .unwrap();
    let at_tenant = location(&logout);
    assert!(
        at_tenant.starts_with(&format!("{issuer}v2/logout?")),
        "{at_tenant}"
    );
    assert!(at_tenant.starts_with(&tenant.logout_url()), "{at_tenant}");
    let returned = page(http, &at_tenant).await;
    assert_eq!(location(&returned), format!("{base}/"));
    let home = page_text(http, &format!("{base}/")).await;
    assert!(
        home.contains("id=\"login\"") && !home.contains("id=\"logout\""),
        "{home}"
    );
    let guarded = page(http, &format!("{base}/profile")).await;
    assert_eq!(location(&guarded), "/login?returnTo=%2Fprofile");
}
