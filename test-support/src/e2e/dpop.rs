//! `AUTH0_DPOP` in the example binaries: DPoP-bound tokens (RFC 9449) with their proofs, the
//! `DPoP` challenge, and unusable values refused at startup.

use auth0_core::testing::TestTenant;

use super::process;
use crate::adapter::{DpopClient, bearer, dpop_required_scenario, send};

/// The public origin the proofs name (as behind a proxy): with `PUBLIC_URL`, `htu` is checked
/// against it rather than against the request's `Host`.
const PUBLIC_URL: &str = "http://localhost:8443";

/// `AUTH0_DPOP=required`: a bound token with a valid proof → 200, the same token as `Bearer`
/// → 401 with the `DPoP` challenge only, no proof → 400 `invalid_request` on the `DPoP`
/// challenge, which names the accepted algorithms.
pub async fn dpop_required(bin: &str) {
    let tenant = TestTenant::start().await;
    let env = [
        ("AUTH0_DOMAIN", tenant.domain()),
        ("AUTH0_AUDIENCE", tenant.audience()),
        ("PUBLIC_URL", PUBLIC_URL.to_owned()),
        ("AUTH0_DPOP", "required".to_owned()),
    ];
    let (api, _) = process::start_on_free_port(bin, &env);
    let url = format!("{}/api/private", api.base);
    let htu = format!("{PUBLIC_URL}/api/private");
    let realm = tenant.audience();

    // A bound token with its proof → 200; a plain bearer token → 401, DPoP challenge only.
    dpop_required_scenario(&tenant, &url, &htu).await;

    let client = DpopClient::new(&tenant, "openid read:messages");
    // The bound token with a valid proof, on both protected routes.
    for path in ["/api/private", "/api/private-scoped"] {
        let url = format!("{}{path}", api.base);
        let a = client.get(&url, &format!("{PUBLIC_URL}{path}")).await;
        assert_eq!(a.status, 200, "{path}: {a:?}");
        assert_eq!(a.json()["sub"], "auth0|dpop", "{a:?}");
    }

    // The same token as a bearer token: 401, answered like no credentials.
    let a = send("GET", &url, &[("authorization", &bearer(&client.token))]).await;
    assert_eq!(a.status, 401, "{a:?}");
    let challenge = a.challenge.clone().unwrap();
    assert!(challenge.starts_with("DPoP "), "{a:?}");
    assert!(!challenge.contains("Bearer"), "{a:?}");
    assert!(!challenge.contains("error="), "{a:?}");

    // The DPoP scheme without a proof: 400 invalid_request, `DPoP algs=` challenge.
    let auth = format!("DPoP {}", client.token);
    let a = send("GET", &url, &[("authorization", &auth)]).await;
    a.assert_error_on(400, "DPoP", "invalid_request");
    let challenge = a.challenge.clone().unwrap();
    assert!(challenge.starts_with("DPoP "), "{a:?}");
    assert!(challenge.contains(&format!(r#"realm="{realm}""#)), "{a:?}");
    assert!(challenge.contains(r#"algs="ES256 PS256""#), "{a:?}");

    // A proof for another URL than the public one: 400 invalid_dpop_proof.
    let proof = client.proof("GET", &url);
    let a = send("GET", &url, &[("authorization", &auth), ("dpop", &proof)]).await;
    a.assert_error_on(400, "DPoP", "invalid_dpop_proof");

    // No credentials at all: 401 with the DPoP challenge and no error.
    let a = send("GET", &url, &[]).await;
    assert_eq!(a.status, 401, "{a:?}");
    let challenge = a.challenge.unwrap();
    assert!(challenge.starts_with("DPoP "), "{challenge}");
    assert!(challenge.contains(r#"algs="ES256 PS256""#), "{challenge}");
}

/// `AUTH0_DPOP=allowed`: bearer tokens and DPoP-bound tokens with proofs both pass.
pub async fn dpop_allowed(bin: &str) {
    let tenant = TestTenant::start().await;
    let env = [
        ("AUTH0_DOMAIN", tenant.domain()),
        ("AUTH0_AUDIENCE", tenant.audience()),
        ("PUBLIC_URL", PUBLIC_URL.to_owned()),
        ("AUTH0_DPOP", "allowed".to_owned()),
    ];
    let (api, _) = process::start_on_free_port(bin, &env);
    let url = format!("{}/api/private", api.base);
    let client = DpopClient::new(&tenant, "openid");
    let a = client.get(&url, &format!("{PUBLIC_URL}/api/private")).await;
    assert_eq!(a.status, 200, "{a:?}");
    let plain = tenant.token().sub("auth0|plain").sign();
    let a = send("GET", &url, &[("authorization", &bearer(&plain))]).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json()["sub"], "auth0|plain", "{a:?}");
    // The bound token as a bearer token: 401 invalid_token on the Bearer challenge.
    let a = send("GET", &url, &[("authorization", &bearer(&client.token))]).await;
    a.assert_error_on(401, "Bearer", "invalid_token");
}

/// An unknown `AUTH0_DPOP` value: exit status 2 and a message naming the variable.
pub fn refuses_an_unknown_dpop_mode(bin: &str) {
    for bad in ["bogus", "Required", "disabled", ""] {
        let (status, stdout, stderr) =
            process::run_to_failure(bin, &[("AUTH0_DPOP", bad.to_owned())]);
        assert_eq!(status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(stderr.contains("AUTH0_DPOP"), "{bad:?}: {stderr}");
        assert!(!stdout.contains("listening on"), "{bad:?}: {stdout}");
    }
}
