//! DPoP-bound access tokens (RFC 9449) end to end with real proofs from the test kit: proof
//! checks, the `cnf.jkt` binding, replay, the three modes and their challenges.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use auth0_core::testing::{TestKey, TestTenant, TokenBuilder};
use auth0_core::{AccessTokenVerifier, DpopMode, ErrorKind, RequestTarget};

const URL: &str = "https://api.example.com/api/private";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Fx {
    tenant: TestTenant,
    client_key: TestKey,
    verifier: AccessTokenVerifier,
}

async fn fx(mode: DpopMode) -> Fx {
    let tenant = TestTenant::start().await;
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .dpop(mode)
        .dpop_base_url("https://api.example.com")
        .build()
        .unwrap();
    Fx {
        tenant,
        client_key: TestKey::es256(42),
        verifier,
    }
}

impl Fx {
    /// A token bound to the client's key.
    fn bound_token(&self) -> String {
        self.tenant
            .token()
            .claim(
                "cnf",
                serde_json::json!({ "jkt": self.client_key.jwk_thumbprint() }),
            )
            .sign()
    }
    fn proof(&self, token: &str) -> TokenBuilder {
        self.client_key.dpop_proof("GET", URL, Some(token))
    }
    async fn call(
        &self,
        scheme: &str,
        token: &str,
        proofs: &[&str],
    ) -> Result<(), auth0_core::VerifyError> {
        let auth = format!("{scheme} {token}");
        let target = RequestTarget::new("GET", "/api/private");
        self.verifier
            .verify_request(
                target,
                [auth.as_bytes()],
                proofs.iter().map(|p| p.as_bytes()),
            )
            .await
            .map(|_| ())
    }
    async fn kind(&self, scheme: &str, token: &str, proofs: &[&str]) -> ErrorKind {
        self.call(scheme, token, proofs)
            .await
            .unwrap_err()
            .kind()
            .clone()
    }
}

#[tokio::test]
async fn valid_dpop_request_is_accepted() {
    let f = fx(DpopMode::Allowed).await;
    let token = f.bound_token();
    let proof = f.proof(&token).sign();
    f.call("DPoP", &token, &[&proof]).await.unwrap();
    // A plain bearer token still works in the allowed mode.
    f.call("Bearer", &f.tenant.token().sign(), &[])
        .await
        .unwrap();
}

#[tokio::test]
async fn binding_rules() {
    let f = fx(DpopMode::Allowed).await;
    let token = f.bound_token();
    // A bound token as a bearer token (RFC 9449 §7.2).
    assert_eq!(f.kind("Bearer", &token, &[]).await, ErrorKind::DpopBinding);
    // A proof by another key.
    let other = TestKey::es256(7)
        .dpop_proof("GET", URL, Some(&token))
        .sign();
    assert_eq!(
        f.kind("DPoP", &token, &[&other]).await,
        ErrorKind::DpopBinding
    );
    // An unbound token with the DPoP scheme.
    let unbound = f.tenant.token().sign();
    let proof = f.proof(&unbound).sign();
    assert_eq!(
        f.kind("DPoP", &unbound, &[&proof]).await,
        ErrorKind::DpopBinding
    );
    // No proof, or two.
    let p1 = f.proof(&token).sign();
    let p2 = f.proof(&token).sign();
    assert_eq!(
        f.kind("DPoP", &token, &[]).await,
        ErrorKind::MissingDpopProof
    );
    assert_eq!(
        f.kind("DPoP", &token, &[&p1, &p2]).await,
        ErrorKind::MissingDpopProof
    );
}

#[tokio::test]
async fn proof_checks() {
    let f = fx(DpopMode::Allowed).await;
    let token = f.bound_token();
    let n = now();
    let cases: Vec<(&str, String)> = vec![
        ("typ JWT", f.proof(&token).typ("JWT").sign()),
        ("no typ", f.proof(&token).remove_header("typ").sign()),
        ("alg none", f.proof(&token).unsigned()),
        (
            "alg not allowed",
            TestKey::es384(1)
                .dpop_proof("GET", URL, Some(&token))
                .sign(),
        ),
        ("no jwk", f.proof(&token).remove_header("jwk").sign()),
        (
            "private jwk",
            f.proof(&token)
                .header("jwk", {
                    let mut j = f.client_key.public_jwk();
                    j["d"] = "AAAA".into();
                    j
                })
                .sign(),
        ),
        (
            "jwk of another key",
            f.proof(&token)
                .header("jwk", TestKey::es256(9).public_jwk())
                .sign(),
        ),
        ("crit", f.proof(&token).header("crit", ["exp"]).sign()),
        ("bad signature", f.proof(&token).sign_with_bad_signature()),
        (
            "htm",
            f.client_key.dpop_proof("POST", URL, Some(&token)).sign(),
        ),
        (
            "htu path",
            f.client_key
                .dpop_proof("GET", "https://api.example.com/api/other", Some(&token))
                .sign(),
        ),
        (
            "htu host",
            f.client_key
                .dpop_proof("GET", "https://evil.example.com/api/private", Some(&token))
                .sign(),
        ),
        ("old iat", f.proof(&token).iat(n - 400).sign()),
        ("future iat", f.proof(&token).iat(n + 120).sign()),
        (
            "string iat",
            f.proof(&token).claim("iat", n.to_string()).sign(),
        ),
        ("no ath", f.client_key.dpop_proof("GET", URL, None).sign()),
        (
            "wrong ath",
            f.client_key
                .dpop_proof("GET", URL, Some("another-token"))
                .sign(),
        ),
        ("no jti", f.proof(&token).remove_claim("jti").sign()),
        (
            "huge jti",
            f.proof(&token).claim("jti", "j".repeat(300)).sign(),
        ),
        ("garbage", "not-a-jwt".to_owned()),
    ];
    for (what, proof) in cases {
        assert_eq!(
            f.kind("DPoP", &token, &[&proof]).await,
            ErrorKind::InvalidDpopProof,
            "{what}"
        );
    }
    // Query and fragment, case of scheme/host and the default port do not matter (RFC 3986 §6).
    let normalised = f
        .client_key
        .dpop_proof(
            "GET",
            "HTTPS://API.example.com:443/api/private?x=1#f",
            Some(&token),
        )
        .sign();
    f.call("DPoP", &token, &[&normalised]).await.unwrap();
}

#[tokio::test]
async fn proofs_cannot_be_replayed() {
    let f = fx(DpopMode::Allowed).await;
    let token = f.bound_token();
    let proof = f.proof(&token).sign();
    f.call("DPoP", &token, &[&proof]).await.unwrap();
    assert_eq!(
        f.kind("DPoP", &token, &[&proof]).await,
        ErrorKind::InvalidDpopProof
    );
    f.call("DPoP", &token, &[&f.proof(&token).sign()])
        .await
        .unwrap();
}

#[tokio::test]
async fn modes_and_challenges() {
    let disabled = fx(DpopMode::Disabled).await;
    let token = disabled.bound_token();
    let proof = disabled.proof(&token).sign();
    let err = disabled.call("DPoP", &token, &[&proof]).await.unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::MissingCredentials,
        "the DPoP scheme is unsupported when disabled"
    );
    assert_eq!(
        disabled.verifier.outcome(&err).www_authenticate.unwrap(),
        r#"Bearer realm="https://api.example.com""#
    );

    let allowed = fx(DpopMode::Allowed).await;
    let none = allowed
        .verifier
        .verify_request(
            RequestTarget::new("GET", "/"),
            std::iter::empty(),
            std::iter::empty(),
        )
        .await
        .unwrap_err();
    let o = allowed.verifier.outcome(&none);
    assert_eq!(o.status, 401);
    assert_eq!(
        o.www_authenticate.unwrap(),
        r#"Bearer realm="https://api.example.com", DPoP realm="https://api.example.com", algs="ES256 PS256""#
    );
    let token = allowed.bound_token();
    let bad = allowed.call("DPoP", &token, &["x.y.z"]).await.unwrap_err();
    let o = allowed.verifier.outcome(&bad);
    assert_eq!(o.status, 400);
    let challenge = o.www_authenticate.clone().unwrap();
    assert!(
        challenge.starts_with(r#"Bearer realm="https://api.example.com", DPoP "#),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"algs="ES256 PS256", error="invalid_dpop_proof""#),
        "{challenge}"
    );
    assert_eq!(
        o.json_body().unwrap(),
        r#"{"error":"invalid_dpop_proof","error_description":"The DPoP proof is invalid"}"#
    );
    let missing = allowed.call("DPoP", &token, &[]).await.unwrap_err();
    let o = allowed.verifier.outcome(&missing);
    assert_eq!(o.status, 400);
    assert!(o.www_authenticate.unwrap().ends_with(
        r#"error="invalid_request", error_description="A single DPoP proof is required""#
    ));
    let bearer_bound = allowed.call("Bearer", &token, &[]).await.unwrap_err();
    let o = allowed.verifier.outcome(&bearer_bound);
    assert_eq!(o.status, 401);
    assert!(
        o.www_authenticate
            .unwrap()
            .starts_with(r#"Bearer realm="https://api.example.com", error="invalid_token""#)
    );

    let required = fx(DpopMode::Required).await;
    let plain = required.tenant.token().sign();
    let err = required.call("Bearer", &plain, &[]).await.unwrap_err();
    let o = required.verifier.outcome(&err);
    assert_eq!(
        (o.status, o.www_authenticate.unwrap()),
        (
            401,
            r#"DPoP realm="https://api.example.com", algs="ES256 PS256""#.to_owned()
        )
    );
    let token = required.bound_token();
    required
        .call("DPoP", &token, &[&required.proof(&token).sign()])
        .await
        .unwrap();
}

#[tokio::test]
async fn htu_from_the_request_host_without_a_base_url() {
    let tenant = TestTenant::start().await;
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .dpop(DpopMode::Allowed)
        .build()
        .unwrap();
    let key = TestKey::es256(5);
    let token = tenant
        .token()
        .claim("cnf", serde_json::json!({ "jkt": key.jwk_thumbprint() }))
        .sign();
    let proof = key
        .dpop_proof("GET", "http://127.0.0.1:3010/x", Some(&token))
        .sign();
    let auth = format!("DPoP {token}");
    let target = RequestTarget::new("GET", "/x")
        .host("127.0.0.1:3010")
        .scheme("http");
    verifier
        .verify_request(target, [auth.as_bytes()], [proof.as_bytes()])
        .await
        .unwrap();
    // Without a host the htu cannot be checked.
    let proof = key
        .dpop_proof("GET", "http://127.0.0.1:3010/x", Some(&token))
        .sign();
    let err = verifier
        .verify_request(
            RequestTarget::new("GET", "/x"),
            [auth.as_bytes()],
            [proof.as_bytes()],
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidDpopProof);
}

#[tokio::test]
async fn insufficient_scope_on_a_dpop_request_is_answered_on_the_dpop_challenge() {
    let f = fx(DpopMode::Allowed).await;
    let token = f.bound_token();
    let auth = format!("DPoP {token}");
    let proof = f.proof(&token).sign();
    let claims = f
        .verifier
        .verify_request(
            RequestTarget::new("GET", "/api/private"),
            [auth.as_bytes()],
            [proof.as_bytes()],
        )
        .await
        .unwrap();
    let err = auth0_core::RequiredScopes::all(["admin"])
        .check(&claims)
        .unwrap_err();
    let o = f.verifier.outcome(&err);
    assert_eq!(o.status, 403);
    let challenge = o.www_authenticate.unwrap();
    let (bearer, dpop) = challenge.split_once(", DPoP ").unwrap();
    assert!(!bearer.contains("error="), "{challenge}");
    assert!(
        dpop.contains(r#"error="insufficient_scope""#) && dpop.contains(r#"scope="admin""#),
        "{challenge}"
    );
}
