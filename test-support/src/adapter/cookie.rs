//! The access token from a cookie, the same checks for every adapter: `url` is a protected
//! route configured to read the cookie `access_token` (answering `{"sub": …}`), `plain_url` one
//! protected by the same verifier without a cookie configured.

use auth0_core::testing::TestTenant;

use super::{Answer, bearer, send};

/// The cookie name the routes under test are configured with.
pub const COOKIE: &str = "access_token";

fn cookie(token: &str) -> String {
    format!("{COOKIE}={token}")
}

fn assert_sub(a: &Answer, sub: &str) {
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, sub.into()),
        "{a:?}"
    );
}

/// The cookie checks every adapter must pass: a token in the cookie accepted, alone or among
/// others, split over several headers or quoted; a missing, bad, duplicated or malformed one
/// refused; the `Authorization` header preferred whenever present; the query string never
/// read; and, on `plain_url`, the cookie ignored.
pub async fn cookie_scenario(tenant: &TestTenant, url: &str, plain_url: &str) {
    let realm = tenant.audience();
    let token = tenant.token().sub("auth0|cookie").sign();

    // A valid token in the cookie: 200 with its claims, alone or among other cookies, in one
    // `Cookie` header or split over several (as HTTP/2 sends them), quoted or not.
    let among = format!("theme=dark; {}; lang=en", cookie(&token));
    let quoted = format!("{COOKIE}=\"{token}\"");
    for headers in [
        vec![("cookie", cookie(&token))],
        vec![("cookie", among)],
        vec![("cookie", quoted)],
        vec![
            ("cookie", "theme=dark".to_owned()),
            ("cookie", cookie(&token)),
        ],
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        assert_sub(&send("GET", url, &headers).await, "auth0|cookie");
    }

    // No cookie, no header: 401 bare; other cookies only, or an empty one: the same.
    for headers in [
        vec![],
        vec![("cookie", "theme=dark; session=abc")],
        vec![("cookie", "access_token=")],
    ] {
        send("GET", url, &headers)
            .await
            .assert_refused(401, None, &realm);
    }

    // A bad token in the cookie: 401 invalid_token (bad signature, expired, another audience).
    for bad in [
        tenant.token().sign_with_bad_signature(),
        tenant.token().expired().sign(),
        tenant.token().aud("https://other.example.com").sign(),
    ] {
        send("GET", url, &[("cookie", &cookie(&bad))])
            .await
            .assert_refused(401, Some("invalid_token"), &realm);
    }

    // The cookie twice (one header or two), or a value that is no token: 400 invalid_request.
    let twice = format!("{}; {}", cookie(&token), cookie(&token));
    for headers in [
        vec![("cookie", twice.as_str())],
        vec![
            ("cookie", &*cookie(&token)),
            ("cookie", "access_token=x.y.z"),
        ],
        vec![("cookie", "access_token=a!b")],
        vec![("cookie", "access_token=\"abc")],
    ] {
        send("GET", url, &headers)
            .await
            .assert_refused(400, Some("invalid_request"), &realm);
    }

    // Header and cookie: the header is used, the cookie not even looked at.
    let other = tenant.token().sub("auth0|header").sign();
    let a = send(
        "GET",
        url,
        &[
            ("authorization", &bearer(&other)),
            ("cookie", &cookie(&token)),
        ],
    )
    .await;
    assert_sub(&a, "auth0|header");
    let bad = tenant.token().expired().sign();
    send(
        "GET",
        url,
        &[
            ("authorization", &bearer(&bad)),
            ("cookie", &cookie(&token)),
        ],
    )
    .await
    .assert_refused(401, Some("invalid_token"), &realm);
    send(
        "GET",
        url,
        &[("authorization", "Bearer a b"), ("cookie", &cookie(&token))],
    )
    .await
    .assert_refused(400, Some("invalid_request"), &realm);
    // Another scheme is a header too: no fallback to the cookie.
    send(
        "GET",
        url,
        &[
            ("authorization", "Basic dXNlcjpwYXNz"),
            ("cookie", &cookie(&token)),
        ],
    )
    .await
    .assert_refused(401, None, &realm);
    // A duplicated cookie does not matter when the header is there.
    assert_sub(
        &send(
            "GET",
            url,
            &[("authorization", &bearer(&other)), ("cookie", &twice)],
        )
        .await,
        "auth0|header",
    );

    // The query string is never read.
    send("GET", &format!("{url}?access_token={token}"), &[])
        .await
        .assert_refused(401, None, &realm);

    // Without the cookie configured, the cookie is ignored: 401 bare; the header still works.
    send("GET", plain_url, &[("cookie", &cookie(&token))])
        .await
        .assert_refused(401, None, &realm);
    send("GET", plain_url, &[("cookie", &twice)])
        .await
        .assert_refused(401, None, &realm);
    assert_sub(
        &send("GET", plain_url, &[("authorization", &bearer(&other))]).await,
        "auth0|header",
    );
}
