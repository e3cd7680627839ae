//! The examples' HTTP contract (DESIGN §4), checked from outside against a running example
//! binary: shared by `examples/axum-api/tests/e2e.rs` and `examples/actix-api/tests/e2e.rs` so
//! both binaries are held to exactly the same answers.

use std::time::Duration;

use auth0_core::testing::conformance::{SUBJECT, bearer_cases};
use auth0_core::testing::{JwksFault, TestTenant, wait_until_async};
use serde_json::Value;

use super::process::{Api, run_to_failure, start_on_free_port};
use crate::adapter::{Answer, answer, bearer, check_case, get};

/// GET `base` + `path` with `authorization` headers.
async fn call(base: &str, path: &str, authorization: &[&str]) -> Answer {
    answer(get(&format!("{base}{path}"), authorization).await).await
}

/// Every route, status, header and body of the contract, with tokens of `tenant` (whose
/// audience is the API's).
pub async fn check_contract(base: &str, tenant: &TestTenant) {
    let realm = tenant.audience();

    // GET /api/public: 200 {"message": …}, with or without a token, even a bad one.
    for headers in [vec![], vec!["Bearer not-a-token".to_owned()]] {
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let a = call(base, "/api/public", &headers).await;
        assert_eq!(a.status, 200, "{a:?}");
        assert_eq!(a.content_type.as_deref(), Some("application/json"));
        let body = a.json();
        assert!(body["message"].is_string(), "{body}");
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    }

    // GET /api/private and /api/private-scoped: the outcome table (on the scoped route, its
    // refusals: authentication comes before the scope check).
    let cases = bearer_cases(tenant);
    for path in ["/api/private", "/api/private-scoped"] {
        for case in &cases {
            if path == "/api/private-scoped" && case.expect.is_accepted() {
                continue;
            }
            let a = check_case(&format!("{base}{path}"), case).await;
            if case.expect.is_accepted() {
                assert_eq!(a.content_type.as_deref(), Some("application/json"));
                let body = a.json();
                assert!(body["message"].is_string(), "{body}");
                assert_eq!(body["sub"], SUBJECT, "{path} {}", case.name);
            }
        }
    }

    // read:messages in scope or in permissions; 403 with scope="read:messages" otherwise.
    let a = call(
        base,
        "/api/private-scoped",
        &[&bearer(&tenant.token().scope("openid read:other").sign())],
    )
    .await;
    a.assert_refused(403, Some("insufficient_scope"), &realm);
    assert!(
        a.challenge
            .as_deref()
            .unwrap()
            .contains(r#"scope="read:messages""#),
        "{a:?}"
    );
    let by_scope = tenant
        .token()
        .sub("auth0|scoped")
        .scope("openid read:messages")
        .sign();
    let by_permission = tenant
        .token()
        .sub("auth0|permitted")
        .permissions(["read:messages"])
        .sign();
    for (token, sub) in [
        (&by_scope, "auth0|scoped"),
        (&by_permission, "auth0|permitted"),
    ] {
        let a = call(base, "/api/private-scoped", &[&bearer(token)]).await;
        assert_eq!(a.status, 200, "{a:?}");
        let body: Value = a.json();
        assert!(body["message"].is_string(), "{body}");
        assert_eq!(body["sub"], sub);
    }
    let valid = tenant.token().sub("auth0|e2e").sign();
    // Unknown routes: 404, even with a token.
    for path in [
        "/",
        "/api",
        "/api/private/x",
        "/api/privatex",
        "/api/public/",
        "/nope",
    ] {
        let a = call(base, path, &[&bearer(&valid)]).await;
        assert_eq!(a.status, 404, "{path}: {a:?}");
        assert!(a.challenge.is_none(), "{path}");
        let a = call(base, path, &[]).await;
        assert_eq!(a.status, 404, "{path}: {a:?}");
    }

    // Another method on a known path.
    let client = reqwest::Client::new();
    let post = client
        .post(format!("{base}/api/public"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    let post = client
        .post(format!("{base}/api/private"))
        .header("authorization", bearer(&valid))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
}

/// The cold outage: JWKS unreachable and nothing cached → 503, `Retry-After`, no challenge;
/// then, once the endpoint recovers, the same token is accepted.
pub async fn check_cold_outage_then_recovery(base: &str, tenant: &TestTenant) {
    let token = tenant.token().sign();
    let a = call(base, "/api/private", &[&bearer(&token)]).await;
    a.assert_unavailable();
    // Public routes do not depend on the keys.
    assert_eq!(call(base, "/api/public", &[]).await.status, 200);

    tenant.clear_fault();
    // The API retries after its cold back-off: 503 until then, 200 from then on.
    let header = bearer(&token);
    let authorization = header.as_str();
    wait_until_async(
        Duration::from_secs(40),
        "the API to recover after the JWKS came back",
        || async move {
            let a = call(base, "/api/private", &[authorization]).await;
            if a.status != 200 {
                assert_eq!(a.status, 503, "{a:?}");
            }
            a.status == 200
        },
    )
    .await;
}

/// Key rotation while serving: a token signed with a newly published key is accepted.
pub async fn check_rotation(base: &str, tenant: &TestTenant) {
    tenant.rotate();
    let token = tenant.token().sub("auth0|rotated").sign();
    let a = call(base, "/api/private", &[&bearer(&token)]).await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, Value::from("auth0|rotated")),
        "{a:?}"
    );
}

/// The dev-tenant banner: an issuer line, then `curl` commands preceded by a comment ending in
/// `-> <status>`; runs each command's request and checks the status it announces.
pub async fn check_dev_banner(api: &Api) {
    assert!(
        api.banner
            .iter()
            .any(|l| l.trim_start().starts_with("issuer:")),
        "{:#?}",
        api.banner
    );
    let mut expected = None;
    let mut checked = 0;
    for line in &api.banner {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            expected = comment
                .rsplit("-> ")
                .next()
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse::<u16>().ok());
            continue;
        }
        let Some(rest) = line.strip_prefix("curl -i ") else {
            continue;
        };
        let url = rest.split_whitespace().next().unwrap();
        assert!(url.starts_with(&api.base), "{url}");
        let token = rest
            .split("Bearer ")
            .nth(1)
            .map(|t| t.trim_end_matches('\''));
        let headers: Vec<String> = token.map(bearer).into_iter().collect();
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let a = answer(get(url, &headers).await).await;
        assert_eq!(Some(a.status), expected, "{line}: {a:?}");
        checked += 1;
    }
    assert_eq!(checked, 5, "{:#?}", api.banner);
}

// The checks each example binary runs (its `tests/e2e.rs` names the binary).

/// The whole contract against a test tenant: cold outage, rotation, every route and refusal.
pub async fn contract_with_a_tenant(bin: &str) {
    let tenant = TestTenant::start().await;
    // The JWKS endpoint is down before the first request: a cold outage.
    tenant.set_fault(JwksFault::Status(500));
    let (api, port) = start_on_free_port(
        bin,
        &[
            ("AUTH0_DOMAIN", tenant.domain()),
            ("AUTH0_AUDIENCE", tenant.audience()),
        ],
    );
    assert_eq!(api.base, format!("http://127.0.0.1:{port}"));
    check_cold_outage_then_recovery(&api.base, &tenant).await;
    // Rotation first: the contract's unknown-kid probe starts the refetch cooldown.
    check_rotation(&api.base, &tenant).await;
    check_contract(&api.base, &tenant).await;
}

/// Without `AUTH0_DOMAIN`: the dev tenant, its banner of working curl commands, Ctrl-C.
pub async fn dev_tenant_without_auth0_domain(bin: &str) {
    let (api, _) = start_on_free_port(bin, &[]);
    let public = answer(get(&format!("{}/api/public", api.base), &[]).await).await;
    assert_eq!(public.status, 200);
    check_dev_banner(&api).await;
    #[cfg(unix)]
    {
        let status = api.interrupt();
        assert!(status.success(), "graceful shutdown on Ctrl-C: {status:?}");
    }
}

/// Unusable environments exit with a message naming the variable.
pub fn refuses_an_unusable_environment(bin: &str) {
    let cases = [
        (
            vec![("AUTH0_DOMAIN", "my-tenant.us.auth0.com".to_owned())],
            "AUTH0_AUDIENCE",
        ),
        (
            vec![
                ("AUTH0_DOMAIN", String::new()),
                ("AUTH0_AUDIENCE", "https://api".to_owned()),
            ],
            "AUTH0_DOMAIN",
        ),
        (
            vec![
                ("AUTH0_DOMAIN", "http://example.com".to_owned()),
                ("AUTH0_AUDIENCE", "https://api".to_owned()),
            ],
            "AUTH0_DOMAIN",
        ),
        (vec![("PORT", "http".to_owned())], "PORT"),
    ];
    for (env, mentioned) in cases {
        let (status, stdout, stderr) = run_to_failure(bin, &env);
        assert!(!status.success(), "{env:?}");
        assert!(stderr.contains(mentioned), "{env:?}: {stderr}");
        assert!(!stdout.contains("listening on"), "{env:?}: {stdout}");
    }
}
