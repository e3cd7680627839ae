//! `PUBLIC_URL` in the example binaries: RFC 9728 metadata served at the path-suffixed
//! well-known URL, named by 401 challenges, and leading a client to the tenant.

use auth0_core::testing::TestTenant;
use serde_json::{Value, json};

use super::process;
use crate::adapter::{answer, get};

/// A public URL with a path, as behind a proxy that mounts the API under `/messages`; the
/// program serves the metadata at `/.well-known/oauth-protected-resource/messages`.
const PUBLIC_URL: &str = "http://localhost:8443/messages/";
const CHALLENGED_URL: &str = "http://localhost:8443/.well-known/oauth-protected-resource/messages";

/// `PUBLIC_URL` with a path: the 401 names the metadata at the path-suffixed well-known URL,
/// which serves the document leading to the tenant's OpenID configuration; without
/// `PUBLIC_URL`, no metadata and no `resource_metadata` parameter.
pub async fn serves_resource_metadata(bin: &str) {
    let tenant = TestTenant::start().await;
    let env = [
        ("AUTH0_DOMAIN", tenant.domain()),
        ("AUTH0_AUDIENCE", tenant.audience()),
        ("PUBLIC_URL", PUBLIC_URL.to_owned()),
    ];
    let (api, _) = process::start_on_free_port(bin, &env);
    let base = api.base.clone();

    // The 401 names the metadata.
    let a = answer(get(&format!("{base}/api/private"), &[]).await).await;
    a.assert_refused(401, None, &tenant.audience());
    assert_eq!(
        a.challenge.as_deref().unwrap(),
        format!(
            r#"Bearer realm="{}", resource_metadata="{CHALLENGED_URL}""#,
            tenant.audience()
        )
    );
    // Follow it (on this program: the public host is the proxy's).
    let path = CHALLENGED_URL.trim_start_matches("http://localhost:8443");
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.headers().contains_key("cache-control"));
    let document: Value = response.json().await.unwrap();
    assert_eq!(
        document,
        json!({
            "resource": tenant.audience(),
            "authorization_servers": [tenant.issuer()],
            "scopes_supported": ["read:messages"],
            "bearer_methods_supported": ["header"],
        })
    );
    let issuer = document["authorization_servers"][0].as_str().unwrap();
    let config: Value = reqwest::get(format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(config["issuer"], issuer);
    drop(api);

    // Without PUBLIC_URL: no metadata, no parameter.
    let env = [
        ("AUTH0_DOMAIN", tenant.domain()),
        ("AUTH0_AUDIENCE", tenant.audience()),
    ];
    let (api, _) = process::start_on_free_port(bin, &env);
    let a = answer(get(&format!("{}/api/private", api.base), &[]).await).await;
    assert!(!a.challenge.unwrap().contains("resource_metadata"));
    let url = format!("{}/.well-known/oauth-protected-resource", api.base);
    assert_eq!(reqwest::get(url).await.unwrap().status(), 404);
}

/// A `PUBLIC_URL` that is no usable base URL (no scheme, plain `http` to a host other than
/// the loopback, a fragment): exit status 2 and a message naming the variable.
pub fn refuses_an_unusable_public_url(bin: &str) {
    for bad in [
        "api.example.com",
        "http://api.example.com",
        "https://api.example.com/#x",
    ] {
        let (status, _, stderr) = process::run_to_failure(bin, &[("PUBLIC_URL", bad.to_owned())]);
        assert_eq!(status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("PUBLIC_URL"), "{bad}: {stderr}");
    }
}
