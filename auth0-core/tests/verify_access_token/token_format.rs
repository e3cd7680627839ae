//! Token structure and encoding, algorithms, refused header parameters, key selection, signatures.

use super::*;

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
