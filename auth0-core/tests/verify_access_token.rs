//! The access-token verifier against a real loopback tenant with real signed tokens: token
//! structure, algorithm and key selection, time claims, issuer / audience / type, profiles,
//! scopes, organizations, multiple issuers, the verified-token cache.
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_core::jwks::ManualClock;
use auth0_core::testing::{JwksFault, TestKey, TestTenant, TokenBuilder, sign_raw};
use auth0_core::{
    AccessTokenVerifier, AccessTokenVerifierBuilder, Algorithm, ErrorKind, RequiredScopes,
    TokenProfile,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn builder(t: &TestTenant) -> AccessTokenVerifierBuilder {
    AccessTokenVerifier::builder(&t.domain()).audience(t.audience())
}

async fn kind_of(v: &AccessTokenVerifier, token: &str) -> ErrorKind {
    v.verify(token)
        .await
        .expect_err("token should be refused")
        .kind()
        .clone()
}

async fn setup() -> (TestTenant, AccessTokenVerifier) {
    let t = TestTenant::start().await;
    let v = builder(&t).build().unwrap();
    (t, v)
}

#[tokio::test]
async fn valid_token_gives_typed_claims() {
    let (t, v) = setup().await;
    let token = t
        .token()
        .sub("auth0|alice")
        .scope("read:messages write:messages")
        .permissions(["read:admin"])
        .claim("org_id", "org_1")
        .claim("https://example.com/roles", ["admin"])
        .sign();
    let c = v.verify(&token).await.unwrap();
    assert_eq!(c.sub, "auth0|alice");
    assert_eq!(c.iss, t.issuer());
    assert_eq!(c.aud, vec![t.audience()]);
    assert_eq!(c.scope, vec!["read:messages", "write:messages"]);
    assert!(c.has_permission("read:admin"));
    assert_eq!(c.org_id.as_deref(), Some("org_1"));
    assert_eq!(c.azp.as_deref(), Some(t.client_id().as_str()));
    assert_eq!(
        c.custom["https://example.com/roles"],
        serde_json::json!(["admin"])
    );
    assert_eq!(t.jwks_requests(), 1);
}

#[tokio::test]
async fn custom_claims_type() {
    #[derive(serde::Deserialize)]
    struct Mine {
        #[serde(rename = "https://example.com/tier")]
        tier: String,
    }
    let t = TestTenant::start().await;
    let v = builder(&t).custom_claims::<Mine>().build().unwrap();
    let c = v
        .verify(&t.token().claim("https://example.com/tier", "gold").sign())
        .await
        .unwrap();
    assert_eq!(c.custom.tier, "gold");
    // A custom claim of the wrong type is an invalid token, not a panic.
    let bad = t.token().claim("https://example.com/tier", 5).sign();
    assert_eq!(
        kind_of_custom(&v, &bad).await,
        ErrorKind::InvalidClaim("claims")
    );
}

async fn kind_of_custom<C: serde::de::DeserializeOwned + Send + Sync + 'static>(
    v: &AccessTokenVerifier<C>,
    token: &str,
) -> ErrorKind {
    v.verify(token).await.err().expect("refused").kind().clone()
}

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

#[tokio::test]
async fn structure_and_encoding_are_strict() {
    let (t, v) = setup().await;
    let good = t.token().sign();
    let mut parts: Vec<&str> = good.split('.').collect();
    let cases: Vec<(String, &str)> = vec![
        ("a.b".into(), "two segments"),
        (format!("{good}.x"), "four segments"),
        (format!("{good}.x.y"), "five segments (JWE)"),
        (format!("{good}="), "padding"),
        (good.replacen('.', "+.", 1), "standard base64 alphabet"),
        (format!(" {good}"), "leading space"),
        (
            format!("{}.{}.{}", b64("not json"), parts[1], parts[2]),
            "header not JSON",
        ),
        (
            format!("{}.{}.{}", b64("[1]"), parts[1], parts[2]),
            "header not an object",
        ),
        ("x".repeat(17 * 1024), "oversized"),
    ];
    for (token, what) in cases {
        assert_eq!(kind_of(&v, &token).await, ErrorKind::Malformed, "{what}");
    }
    parts[2] = "";
    assert_eq!(
        kind_of(&v, &parts.join(".")).await,
        ErrorKind::Signature,
        "empty signature"
    );
    assert_eq!(
        t.jwks_requests(),
        0,
        "nothing malformed may reach the network"
    );
}

#[tokio::test]
async fn duplicate_members_bom_and_bad_utf8_are_refused() {
    let (t, v) = setup().await;
    let key = t.signing_key();
    let iss = t.issuer();
    let aud = t.audience();
    let n = now();
    let payload = format!(
        r#"{{"iss":"{iss}","sub":"s","aud":"{aud}","iat":{n},"exp":{}}}"#,
        n + 600
    );
    let header = r#"{"alg":"RS256","kid":"rsa-0"}"#;
    assert!(v.verify(&sign_raw(header, &payload, &key)).await.is_ok());
    let dup_header = r#"{"alg":"RS256","kid":"rsa-0","alg":"RS256"}"#;
    assert_eq!(
        kind_of(&v, &sign_raw(dup_header, &payload, &key)).await,
        ErrorKind::Malformed
    );
    let dup_claim = payload.replacen("\"sub\":\"s\"", "\"sub\":\"s\",\"sub\":\"admin\"", 1);
    assert_eq!(
        kind_of(&v, &sign_raw(header, &dup_claim, &key)).await,
        ErrorKind::Malformed
    );
    let bom = format!("\u{feff}{payload}");
    assert_eq!(
        kind_of(&v, &sign_raw(header, &bom, &key)).await,
        ErrorKind::Malformed
    );
    assert_eq!(
        kind_of(&v, &sign_raw(header, "[1,2]", &key)).await,
        ErrorKind::Malformed
    );
}

#[tokio::test]
async fn algorithm_rules() {
    let (t, v) = setup().await;
    for alg in ["none", "None", "noNE", "HS256", "rs256", "RS 256", ""] {
        assert_eq!(
            kind_of(&v, &t.token().alg(alg).sign()).await,
            ErrorKind::Algorithm,
            "{alg}"
        );
    }
    assert_eq!(
        kind_of(&v, &t.token().unsigned()).await,
        ErrorKind::Algorithm
    );
    assert_eq!(
        kind_of(&v, &t.token().remove_header("alg").sign()).await,
        ErrorKind::Algorithm
    );
    // Allowed in the list but not the key's algorithm: the key pins its algorithm.
    let v2 = builder(&t)
        .algorithms([Algorithm::RS256, Algorithm::RS384, Algorithm::PS256])
        .build()
        .unwrap();
    assert_eq!(
        kind_of(&v2, &t.token().alg("RS384").sign()).await,
        ErrorKind::Algorithm
    );
    assert_eq!(
        kind_of(&v2, &t.token().alg("PS256").sign()).await,
        ErrorKind::Algorithm
    );
    assert!(v2.verify(&t.token().sign()).await.is_ok());
}

#[tokio::test]
async fn refused_header_parameters() {
    let (t, v) = setup().await;
    for (name, value) in [
        ("crit", serde_json::json!(["exp"])),
        ("crit", serde_json::json!([])),
        (
            "jku",
            serde_json::json!("https://attacker.example/jwks.json"),
        ),
        (
            "x5u",
            serde_json::json!("https://attacker.example/cert.pem"),
        ),
        ("jwk", t.signing_key().public_jwk()),
        ("x5c", serde_json::json!(["MIIB"])),
        ("b64", serde_json::json!(false)),
        ("zip", serde_json::json!("DEF")),
        ("enc", serde_json::json!("A256GCM")),
    ] {
        assert_eq!(
            kind_of(&v, &t.token().header(name, value).sign()).await,
            ErrorKind::UnsupportedHeader,
            "{name}"
        );
    }
    // Unknown non-critical parameters are ignored.
    assert!(
        v.verify(&t.token().header("x-custom", 1).sign())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn key_selection() {
    let (t, v) = setup().await;
    assert_eq!(
        kind_of(&v, &t.token().no_kid().sign()).await,
        ErrorKind::MissingKeyId
    );
    assert_eq!(
        kind_of(&v, &t.token().kid("k".repeat(300)).sign()).await,
        ErrorKind::Malformed
    );
    assert_eq!(
        kind_of(&v, &t.token().header("kid", 7).sign()).await,
        ErrorKind::Malformed
    );
    assert_eq!(
        kind_of(&v, &t.token().key(&TestKey::rsa(5)).sign()).await,
        ErrorKind::UnknownKey
    );
    // Another key under the published kid: the signature check fails.
    let impostor = TestKey::rsa(5).with_kid(t.signing_key().kid());
    assert_eq!(
        kind_of(&v, &t.token().key(&impostor).sign()).await,
        ErrorKind::Signature
    );
    // kid lookups are exact.
    assert_eq!(
        kind_of(&v, &t.token().kid("RSA-0").sign()).await,
        ErrorKind::UnknownKey
    );
}

#[tokio::test]
async fn signatures() {
    let (t, v) = setup().await;
    assert_eq!(
        kind_of(&v, &t.token().sign_with_bad_signature()).await,
        ErrorKind::Signature
    );
    let good = t.token().sign();
    let (input, sig) = good.rsplit_once('.').unwrap();
    assert_eq!(
        kind_of(&v, &format!("{input}.{}", &sig[..sig.len() - 4])).await,
        ErrorKind::Signature,
        "truncated"
    );
    // A payload swapped under a valid signature.
    let other = t.token().sub("auth0|mallory").sign();
    let forged = format!(
        "{}.{}.{}",
        good.split('.').next().unwrap(),
        other.split('.').nth(1).unwrap(),
        sig
    );
    assert_eq!(kind_of(&v, &forged).await, ErrorKind::Signature);
}

#[tokio::test]
async fn every_supported_algorithm_verifies() {
    let keys = [
        TestKey::rsa(1).with_alg(Algorithm::RS384).with_kid("rs384"),
        TestKey::rsa(1).with_alg(Algorithm::RS512).with_kid("rs512"),
        TestKey::rsa(1).with_alg(Algorithm::PS256).with_kid("ps256"),
        TestKey::rsa(2).with_alg(Algorithm::PS384).with_kid("ps384"),
        TestKey::rsa(2).with_alg(Algorithm::PS512).with_kid("ps512"),
        TestKey::es256(1),
        TestKey::es384(1),
        TestKey::ed25519(1),
    ];
    let t = TestTenant::start().await;
    for k in &keys {
        t.publish_key(k.clone());
    }
    let v = builder(&t).algorithms(Algorithm::ALL).build().unwrap();
    for k in &keys {
        let token = t.token().key(k).sign();
        let c = v
            .verify(&token)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", k.algorithm()));
        assert_eq!(c.sub, "auth0|test-user");
        assert_eq!(
            kind_of(&v, &t.token().key(k).sign_with_bad_signature()).await,
            ErrorKind::Signature,
            "{}",
            k.algorithm()
        );
    }
    // The default allowlist (RS256) ignores the other keys entirely.
    let only_rs256 = builder(&t).build().unwrap();
    assert_eq!(
        kind_of(&only_rs256, &t.token().key(&keys[5]).sign()).await,
        ErrorKind::Algorithm
    );
}

#[tokio::test]
async fn ecdsa_signature_encoding() {
    let t = TestTenant::start().await;
    let k = TestKey::es256(3);
    t.publish_key(k.clone());
    let v = builder(&t).algorithms([Algorithm::ES256]).build().unwrap();
    let token = t.token().key(&k).sign();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let raw = URL_SAFE_NO_PAD.decode(sig).unwrap();
    assert_eq!(raw.len(), 64);
    // DER-encoded (r, s) is not a JWS ES256 signature.
    let der = der_signature(&raw[..32], &raw[32..]);
    assert_eq!(
        kind_of(&v, &format!("{input}.{}", URL_SAFE_NO_PAD.encode(der))).await,
        ErrorKind::Signature
    );
    // r = s = 0 ("psychic signatures").
    assert_eq!(
        kind_of(
            &v,
            &format!("{input}.{}", URL_SAFE_NO_PAD.encode([0u8; 64]))
        )
        .await,
        ErrorKind::Signature
    );
    assert!(v.verify(&token).await.is_ok());
}

fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn int(v: &[u8]) -> Vec<u8> {
        let mut out = vec![0x02];
        let pad = v[0] & 0x80 != 0;
        out.push((v.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
        out
    }
    let body = [int(r), int(s)].concat();
    [vec![0x30, body.len() as u8], body].concat()
}

#[tokio::test]
async fn time_claims() {
    let (t, v) = setup().await;
    let n = now();
    let ok = |b: TokenBuilder| b.sign();
    assert!(
        v.verify(&ok(t.token().exp(n - 30))).await.is_ok(),
        "expired within the 60 s leeway"
    );
    assert_eq!(
        kind_of(&v, &t.token().exp(n - 120).iat(n - 600).sign()).await,
        ErrorKind::Expired
    );
    assert_eq!(
        kind_of(&v, &t.token().expired().sign()).await,
        ErrorKind::Expired
    );
    assert_eq!(
        kind_of(&v, &t.token().nbf(n + 600).sign()).await,
        ErrorKind::NotYetValid
    );
    assert!(
        v.verify(&ok(t.token().nbf(n + 30))).await.is_ok(),
        "nbf within leeway"
    );
    assert_eq!(
        kind_of(&v, &t.token().iat(n + 600).sign()).await,
        ErrorKind::IssuedInFuture
    );
    assert_eq!(
        kind_of(&v, &t.token().remove_claim("exp").sign()).await,
        ErrorKind::MissingClaim("exp")
    );
    assert_eq!(
        kind_of(&v, &t.token().remove_claim("iat").sign()).await,
        ErrorKind::MissingClaim("iat")
    );
    // Fractional dates are floored (D2); other types are refused.
    assert!(
        v.verify(
            &t.token()
                .claim("exp", n as f64 + 600.5)
                .claim("iat", n as f64 - 0.25)
                .sign()
        )
        .await
        .is_ok()
    );
    for bad in [
        serde_json::json!((n + 600).to_string()),
        serde_json::json!(true),
        serde_json::json!(null),
        serde_json::json!(-1),
        serde_json::json!(1e300),
    ] {
        assert_eq!(
            kind_of(&v, &t.token().claim("exp", bad.clone()).sign()).await,
            ErrorKind::InvalidClaim("claims"),
            "exp {bad}"
        );
        assert_eq!(
            kind_of(&v, &t.token().claim("nbf", bad.clone()).sign()).await,
            ErrorKind::InvalidClaim("claims"),
            "nbf {bad}"
        );
    }
}

#[tokio::test]
async fn leeway_and_max_age() {
    let t = TestTenant::start().await;
    let n = now();
    let strict = builder(&t).leeway(Duration::ZERO).build().unwrap();
    assert_eq!(
        kind_of(&strict, &t.token().exp(n - 1).sign()).await,
        ErrorKind::Expired
    );
    let aged = builder(&t)
        .max_token_age(Duration::from_secs(300))
        .build()
        .unwrap();
    assert_eq!(
        kind_of(&aged, &t.token().iat(n - 1000).sign()).await,
        ErrorKind::TooOld
    );
    assert!(aged.verify(&t.token().iat(n - 100).sign()).await.is_ok());
}

#[tokio::test]
async fn issuer_audience_and_type() {
    let (t, v) = setup().await;
    assert_eq!(
        kind_of(&v, &t.token().iss("https://evil.example/").sign()).await,
        ErrorKind::Issuer
    );
    let no_slash = t.issuer().trim_end_matches('/').to_owned();
    assert_eq!(
        kind_of(&v, &t.token().iss(no_slash).sign()).await,
        ErrorKind::Issuer,
        "issuer is compared exactly"
    );
    assert_eq!(
        kind_of(&v, &t.token().claim("iss", [t.issuer()]).sign()).await,
        ErrorKind::InvalidClaim("claims")
    );
    assert_eq!(
        kind_of(&v, &t.token().remove_claim("iss").sign()).await,
        ErrorKind::MissingClaim("iss")
    );
    assert_eq!(
        t.jwks_requests(),
        0,
        "an unconfigured issuer never causes a fetch"
    );
    assert_eq!(
        kind_of(&v, &t.token().aud("https://other.example").sign()).await,
        ErrorKind::Audience
    );
    assert_eq!(
        kind_of(&v, &t.token().aud(t.audience().to_uppercase()).sign()).await,
        ErrorKind::Audience
    );
    assert_eq!(
        kind_of(&v, &t.token().remove_claim("aud").sign()).await,
        ErrorKind::MissingClaim("aud")
    );
    assert_eq!(
        kind_of(&v, &t.token().claim("aud", Vec::<String>::new()).sign()).await,
        ErrorKind::InvalidClaim("claims")
    );
    assert_eq!(
        kind_of(
            &v,
            &t.token()
                .claim("aud", serde_json::json!([t.audience(), 1]))
                .sign()
        )
        .await,
        ErrorKind::InvalidClaim("claims")
    );
    let both = t
        .token()
        .audiences([format!("{}userinfo", t.issuer()), t.audience()])
        .sign();
    assert!(v.verify(&both).await.is_ok(), "Auth0 adds /userinfo to aud");
    assert_eq!(
        kind_of(&v, &t.token().remove_claim("sub").sign()).await,
        ErrorKind::MissingClaim("sub")
    );
    assert_eq!(
        kind_of(&v, &t.token().claim("sub", 5).sign()).await,
        ErrorKind::InvalidClaim("claims")
    );
    for typ in ["JWT", "at+jwt", "application/at+jwt"] {
        assert!(v.verify(&t.token().typ(typ).sign()).await.is_ok(), "{typ}");
    }
    assert!(
        v.verify(&t.token().remove_header("typ").sign())
            .await
            .is_ok()
    );
    for typ in ["dpop+jwt", "logout+jwt", "id_token"] {
        assert_eq!(
            kind_of(&v, &t.token().typ(typ).sign()).await,
            ErrorKind::TokenType,
            "{typ}"
        );
    }
}

#[tokio::test]
async fn rfc9068_profile() {
    let t = TestTenant::start().await;
    let v = builder(&t).profile(TokenProfile::Rfc9068).build().unwrap();
    let good = || {
        t.token()
            .typ("at+jwt")
            .claim("client_id", "c1")
            .claim("jti", "j1")
    };
    let c = v.verify(&good().sign()).await.unwrap();
    assert_eq!(
        (c.client_id.as_deref(), c.jti.as_deref()),
        (Some("c1"), Some("j1"))
    );
    assert_eq!(
        kind_of(&v, &good().typ("JWT").sign()).await,
        ErrorKind::TokenType
    );
    assert_eq!(
        kind_of(&v, &good().remove_header("typ").sign()).await,
        ErrorKind::TokenType
    );
    assert_eq!(
        kind_of(&v, &good().remove_claim("client_id").sign()).await,
        ErrorKind::MissingClaim("client_id")
    );
    assert_eq!(
        kind_of(&v, &good().remove_claim("jti").sign()).await,
        ErrorKind::MissingClaim("jti")
    );
}

#[tokio::test]
async fn scopes_permissions_and_organizations() {
    let t = TestTenant::start().await;
    let v = builder(&t)
        .require_scopes(RequiredScopes::all(["read:messages"]))
        .build()
        .unwrap();
    assert!(
        v.verify(&t.token().scope("read:messages").sign())
            .await
            .is_ok()
    );
    assert!(
        v.verify(&t.token().permissions(["read:messages"]).sign())
            .await
            .is_ok()
    );
    assert_eq!(
        kind_of(&v, &t.token().scope("read:message READ:MESSAGES").sign()).await,
        ErrorKind::InsufficientScope {
            required: "read:messages".into()
        }
    );
    // Wrong JSON types are invalid tokens (D4), not missing scopes.
    assert_eq!(
        kind_of(&v, &t.token().claim("scope", ["read:messages"]).sign()).await,
        ErrorKind::InvalidClaim("claims")
    );
    assert_eq!(
        kind_of(&v, &t.token().claim("permissions", "read:messages").sign()).await,
        ErrorKind::InvalidClaim("claims")
    );

    let by_id = builder(&t).organization("org_123").build().unwrap();
    assert!(
        by_id
            .verify(&t.token().claim("org_id", "org_123").sign())
            .await
            .is_ok()
    );
    assert_eq!(
        kind_of(&by_id, &t.token().claim("org_id", "org_999").sign()).await,
        ErrorKind::Organization
    );
    assert_eq!(
        kind_of(&by_id, &t.token().sign()).await,
        ErrorKind::Organization
    );
    let by_name = builder(&t).organization("Acme").build().unwrap();
    assert!(
        by_name
            .verify(&t.token().claim("org_name", "acme").sign())
            .await
            .is_ok()
    );
    assert_eq!(
        kind_of(&by_name, &t.token().claim("org_name", "other").sign()).await,
        ErrorKind::Organization
    );
}

#[tokio::test]
async fn several_issuers_each_with_their_own_keys() {
    let a = TestTenant::start().await;
    let b = TestTenant::builder()
        .signing_key(TestKey::rsa(3))
        .audience(a.audience())
        .start()
        .await;
    let v = AccessTokenVerifier::builder(&a.domain())
        .issuer(&b.domain())
        .audience(a.audience())
        .build()
        .unwrap();
    assert!(v.verify(&a.token().sign()).await.is_ok());
    assert!(v.verify(&b.token().sign()).await.is_ok());
    // Tenant B's issuer with a key that only tenant A publishes (J18).
    let cross = b.token().key(&a.signing_key()).sign();
    assert_eq!(kind_of(&v, &cross).await, ErrorKind::UnknownKey);
    assert_eq!(v.metrics().len(), 2);
}

#[tokio::test]
async fn verified_tokens_are_cached_until_expiry_or_key_change() {
    let t = TestTenant::start().await;
    let clock = Arc::new(ManualClock::new(now()));
    let v = builder(&t).clock(clock.clone()).build().unwrap();
    let token = t.token().expires_in(Duration::from_secs(120)).sign();
    v.verify(&token).await.unwrap();
    // The JWKS endpoint breaks: the cached verification still answers.
    t.set_fault(JwksFault::Status(500));
    v.verify(&token).await.unwrap();
    assert_eq!(t.jwks_requests(), 1);
    // Past exp + leeway the cache does not serve it, and the full check refuses it.
    clock.advance(Duration::from_secs(200));
    assert_eq!(kind_of(&v, &token).await, ErrorKind::Expired);
}

#[tokio::test]
async fn cache_off_verifies_every_time() {
    let t = TestTenant::start().await;
    let v = builder(&t).cache(false).build().unwrap();
    let token = t.token().sign();
    v.verify(&token).await.unwrap();
    v.verify(&token).await.unwrap();
    assert_eq!(t.jwks_requests(), 1);
}

#[tokio::test]
async fn warm_start_from_a_saved_jwks() {
    let t = TestTenant::start().await;
    let saved = reqwest::get(t.jwks_url())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let before = t.jwks_requests();
    let v = builder(&t).seed_jwks(saved).build().unwrap();
    v.verify(&t.token().sign()).await.unwrap();
    assert_eq!(t.jwks_requests(), before, "no fetch after a warm start");
    assert_eq!(v.metrics()[0].1.keys, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_verification_while_keys_rotate() {
    let t = Arc::new(TestTenant::start().await);
    let v = builder(&t).build().unwrap();
    v.warm_up().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let t = Arc::clone(&t);
        let v = v.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..10 {
                if i == 0 && j == 5 {
                    t.rotate(); // publish a new key and sign with it from now on
                }
                let token = t.token().sub(format!("auth0|{i}-{j}")).sign();
                let c = v
                    .verify(&token)
                    .await
                    .unwrap_or_else(|e| panic!("task {i} step {j}: {e}"));
                assert_eq!(c.sub, format!("auth0|{i}-{j}"));
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(
        t.jwks_requests() <= 2,
        "rotation costs at most one refetch, got {}",
        t.jwks_requests()
    );
}

#[tokio::test]
async fn errors_never_echo_token_content() {
    let (t, v) = setup().await;
    let token = t.token().iss("https://evil.example/<script>").sign();
    let err = v.verify(&token).await.unwrap_err();
    let outcome = v.outcome(&err);
    for text in [
        err.to_string(),
        format!("{err:?}"),
        outcome.www_authenticate.clone().unwrap(),
        outcome.json_body().unwrap(),
    ] {
        assert!(
            !text.contains("evil") && !text.contains(&token[..20]),
            "{text}"
        );
    }
}
