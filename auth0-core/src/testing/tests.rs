//! Unit tests of the key material: every key signs and verifies, encodings match aws-lc-rs.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self, KeyPair as _, RsaKeyPair};

use super::basics::{b64_decode, now};
use super::pem;
use super::*;
use crate::Algorithm;

fn all_keys() -> Vec<TestKey> {
    let mut keys: Vec<TestKey> = (0..RSA_POOL_SIZE).map(TestKey::rsa).collect();
    for alg in [
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ] {
        keys.push(TestKey::rsa(1).with_alg(alg));
    }
    keys.extend([
        TestKey::rsa_1024(),
        TestKey::rsa_1024().with_alg(Algorithm::RS384),
        TestKey::rsa_1024().with_alg(Algorithm::RS512),
        TestKey::es256(1),
        TestKey::es384(1),
        TestKey::ed25519(1),
    ]);
    keys
}

#[test]
fn every_key_signs_and_verifies() {
    for key in all_keys() {
        let sig = key.sign(b"header.payload");
        assert!(key.verify(b"header.payload", &sig), "{key:?}");
        assert!(!key.verify(b"header.payload2", &sig), "{key:?}");
        let mut bad = sig.clone();
        bad[0] ^= 1;
        assert!(!key.verify(b"header.payload", &bad), "{key:?}");
    }
}

#[test]
fn signature_sizes() {
    assert_eq!(TestKey::rsa(0).sign(b"x").len(), 256);
    assert_eq!(TestKey::rsa_1024().sign(b"x").len(), 128);
    assert_eq!(TestKey::es256(0).sign(b"x").len(), 64);
    assert_eq!(TestKey::es384(0).sign(b"x").len(), 96);
    assert_eq!(TestKey::ed25519(0).sign(b"x").len(), 64);
}

#[test]
fn weak_key_signatures_are_real_pkcs1() {
    let key = TestKey::rsa_1024();
    let sig = key.sign(b"message");
    let der = pem::decode("PUBLIC KEY", &key.public_key_pem()).unwrap_or_default();
    // aws-lc-rs verifies 1024-bit signatures only through the legacy parameters.
    let public = signature::ParsedPublicKey::new(
        &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        &der,
    );
    let public = match public {
        Ok(p) => p,
        Err(e) => panic!("SPKI of the weak key rejected: {e}"),
    };
    assert!(public.verify_sig(b"message", &sig).is_ok());
    assert!(public.verify_sig(b"other", &sig).is_err());
}

#[test]
fn rsa_spki_matches_aws_lc() {
    for i in 0..RSA_POOL_SIZE {
        let key = TestKey::rsa(i);
        let pkcs8 = pem::decode("PRIVATE KEY", &key.private_key_pem()).unwrap_or_default();
        let pair = match RsaKeyPair::from_pkcs8(&pkcs8) {
            Ok(pair) => pair,
            Err(e) => panic!("{e}"),
        };
        let theirs =
            match AsDer::<aws_lc_rs::encoding::PublicKeyX509Der<'_>>::as_der(pair.public_key()) {
                Ok(der) => der.as_ref().to_vec(),
                Err(e) => panic!("{e}"),
            };
        let ours = pem::decode("PUBLIC KEY", &key.public_key_pem()).unwrap_or_default();
        assert_eq!(ours, theirs, "rsa-{i}");
    }
}

#[test]
fn pool_keys_are_distinct_2048_bit() {
    for i in 0..RSA_POOL_SIZE {
        let jwk = TestKey::rsa(i).public_jwk();
        let n = b64_decode(jwk["n"].as_str().unwrap_or_default()).unwrap_or_default();
        assert_eq!(n.len(), 256, "rsa-{i}");
        assert_eq!(jwk["e"], "AQAB");
        for j in 0..i {
            assert!(!TestKey::rsa(i).same_material(&TestKey::rsa(j)));
        }
    }
    let weak = TestKey::rsa_1024().public_jwk();
    let n = b64_decode(weak["n"].as_str().unwrap_or_default()).unwrap_or_default();
    assert_eq!(n.len(), 128);
    assert_eq!(weak["kid"], "rsa-1024");
}

#[test]
fn pool_index_wraps() {
    let k = TestKey::rsa(RSA_POOL_SIZE + 2);
    assert_eq!(k.kid(), format!("rsa-{}", RSA_POOL_SIZE + 2));
    assert!(k.same_material(&TestKey::rsa(2)));
}

#[test]
fn seeded_keys_are_deterministic() {
    assert_eq!(
        TestKey::es256(7).public_jwk(),
        TestKey::es256(7).public_jwk()
    );
    assert_ne!(
        TestKey::es256(7).public_jwk(),
        TestKey::es256(8).public_jwk()
    );
    assert_eq!(
        TestKey::es384(7).public_jwk(),
        TestKey::es384(7).public_jwk()
    );
    assert_eq!(
        TestKey::ed25519(7).public_jwk(),
        TestKey::ed25519(7).public_jwk()
    );
    assert_ne!(
        TestKey::ed25519(7).public_jwk(),
        TestKey::ed25519(8).public_jwk()
    );
    assert_eq!(
        TestKey::es256(7).private_key_pem(),
        TestKey::es256(7).private_key_pem()
    );
}

#[test]
fn jwk_shapes() {
    let ec = TestKey::es256(3).public_jwk();
    assert_eq!(ec["kty"], "EC");
    assert_eq!(ec["crv"], "P-256");
    assert_eq!(ec["kid"], "es256-3");
    assert_eq!(ec["use"], "sig");
    assert_eq!(
        b64_decode(ec["x"].as_str().unwrap_or_default()).map(|x| x.len()),
        Some(32)
    );
    assert_eq!(
        b64_decode(ec["y"].as_str().unwrap_or_default()).map(|y| y.len()),
        Some(32)
    );
    let ec = TestKey::es384(3).public_jwk();
    assert_eq!(ec["crv"], "P-384");
    assert_eq!(
        b64_decode(ec["y"].as_str().unwrap_or_default()).map(|y| y.len()),
        Some(48)
    );
    let ed = TestKey::ed25519(3).public_jwk();
    assert_eq!(
        (ed["kty"].as_str(), ed["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert_eq!(ed["alg"], "EdDSA");
    assert!(ed.get("y").is_none() && ed.get("d").is_none());
    let rsa = TestKey::rsa(0)
        .with_alg(Algorithm::PS256)
        .with_kid("k")
        .public_jwk();
    assert_eq!(
        (rsa["alg"].as_str(), rsa["kid"].as_str()),
        (Some("PS256"), Some("k"))
    );
    assert!(rsa.get("d").is_none());
}

#[test]
fn debug_hides_material() {
    let text = format!("{:?}", TestKey::rsa(0));
    assert!(text.contains("rsa-0") && text.contains("RS256"), "{text}");
    assert!(text.len() < 80, "{text}");
}

#[test]
fn incompatible_algorithms() {
    assert!(TestKey::rsa(0).try_with_alg(Algorithm::ES256).is_none());
    assert!(TestKey::es256(0).try_with_alg(Algorithm::ES384).is_none());
    assert!(TestKey::es384(0).try_with_alg(Algorithm::ES384).is_some());
    assert!(TestKey::ed25519(0).try_with_alg(Algorithm::RS256).is_none());
    assert!(TestKey::rsa_1024().try_with_alg(Algorithm::PS256).is_none());
    let panicked = std::panic::catch_unwind(|| TestKey::rsa(0).with_alg(Algorithm::EdDSA));
    assert!(panicked.is_err());
}

#[test]
fn private_pems_load_back() {
    for key in [TestKey::es256(1), TestKey::es384(1)] {
        let der = pem::decode("PRIVATE KEY", &key.private_key_pem()).unwrap_or_default();
        let alg = if key.algorithm() == Algorithm::ES256 {
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING
        } else {
            &signature::ECDSA_P384_SHA384_FIXED_SIGNING
        };
        assert!(signature::EcdsaKeyPair::from_pkcs8(alg, &der).is_ok());
    }
    let der =
        pem::decode("PRIVATE KEY", &TestKey::ed25519(1).private_key_pem()).unwrap_or_default();
    assert!(signature::Ed25519KeyPair::from_pkcs8(&der).is_ok());
}

#[test]
fn builder_header_follows_key_unless_pinned() {
    let k0 = TestKey::rsa(0);
    let es = TestKey::es256(1);
    let h: serde_json::Value =
        serde_json::from_str(&TokenBuilder::new(&k0).key(&es).header_json()).unwrap_or_default();
    assert_eq!(
        (h["alg"].as_str(), h["kid"].as_str()),
        (Some("ES256"), Some("es256-1"))
    );
    let h: serde_json::Value = serde_json::from_str(
        &TokenBuilder::new(&k0)
            .alg("RS256")
            .kid("x")
            .key(&es)
            .header_json(),
    )
    .unwrap_or_default();
    assert_eq!(
        (h["alg"].as_str(), h["kid"].as_str()),
        (Some("RS256"), Some("x"))
    );
    let h: serde_json::Value =
        serde_json::from_str(&TokenBuilder::new(&k0).no_kid().header_json()).unwrap_or_default();
    assert!(h.get("kid").is_none());
    assert_eq!(h["typ"], "JWT");
}

#[test]
fn tokens_have_three_segments_and_verify() {
    let key = TestKey::es256(2);
    let builder = TokenBuilder::new(&key)
        .sub("s")
        .claim("n", 5)
        .claim("o", serde_json::json!({"a": [1]}));
    let token = builder.sign();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let input = format!("{}.{}", parts[0], parts[1]);
    let sig = b64_decode(parts[2]).unwrap_or_default();
    assert!(key.verify(input.as_bytes(), &sig));

    let bad = builder.sign_with_bad_signature();
    let bad_parts: Vec<&str> = bad.split('.').collect();
    assert_eq!(&bad_parts[..2], &parts[..2]);
    assert!(!key.verify(
        input.as_bytes(),
        &b64_decode(bad_parts[2]).unwrap_or_default()
    ));

    let unsigned = builder.unsigned();
    assert!(unsigned.ends_with('.'));
    let header = b64_decode(unsigned.split('.').next().unwrap_or_default()).unwrap_or_default();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap_or_default();
    assert_eq!(header["alg"], "none");

    let payload: serde_json::Value =
        serde_json::from_str(&builder.payload_json()).unwrap_or_default();
    assert_eq!(payload["n"], 5);
    assert_eq!(payload["o"]["a"][0], 1);
    assert!(payload["exp"].as_i64() > payload["iat"].as_i64());
}

#[test]
fn raw_signing_keeps_bytes() {
    let key = TestKey::ed25519(0);
    let header = "\u{feff}{\"alg\":\"EdDSA\",\"alg\":\"none\"}";
    let token = sign_raw(header, "{\"sub\":1,\"sub\":2}", &key);
    let first = token.split('.').next().unwrap_or_default();
    assert_eq!(b64_decode(first).unwrap_or_default(), header.as_bytes());
}

#[test]
fn expiry_helpers() {
    let key = TestKey::rsa(0);
    let claims = TokenBuilder::new(&key).expired().claims();
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap_or(0),
        claims["exp"].as_i64().unwrap_or(0),
    );
    assert_eq!(exp - iat, 3600);
    assert!(exp < now());
    let claims = TokenBuilder::new(&key)
        .expires_in(std::time::Duration::from_secs(60))
        .remove_claim("iat")
        .claims();
    assert!(claims.get("iat").is_none());
    assert!(claims["exp"].as_i64().unwrap_or(0) <= now() + 60);
}

#[test]
fn rfc7638_thumbprint_example() {
    // RFC 7638 §3.1.
    let jwk = serde_json::json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(
        super::mint::jwk_thumbprint(&jwk),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    assert_ne!(
        TestKey::rsa(0).jwk_thumbprint(),
        TestKey::rsa(1).jwk_thumbprint()
    );
    // The kid and alg are not part of the thumbprint.
    assert_eq!(
        TestKey::rsa(0).jwk_thumbprint(),
        TestKey::rsa(0)
            .with_kid("x")
            .with_alg(Algorithm::PS256)
            .jwk_thumbprint()
    );
    assert_eq!(TestKey::es256(1).jwk_thumbprint().len(), 43);
}

#[test]
fn dpop_proof_shape() {
    let key = TestKey::es256(2);
    let proof = key.dpop_proof("GET", "https://api.example.com/x", Some("tok"));
    let header: serde_json::Value = serde_json::from_str(&proof.header_json()).unwrap_or_default();
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert!(header.get("kid").is_none());
    assert!(header["jwk"].get("kid").is_none() && header["jwk"].get("d").is_none());
    assert_eq!(header["jwk"]["kty"], "EC");
    let claims = proof.claims();
    assert_eq!(claims["htm"], "GET");
    assert_eq!(claims["ath"], access_token_hash("tok"));
    assert!(claims.get("exp").is_none() && claims["jti"].is_string());
    let other = key
        .dpop_proof("GET", "https://api.example.com/x", None)
        .claims();
    assert_ne!(other["jti"], claims["jti"]);
    assert!(other.get("ath").is_none());
}

#[test]
fn hmac_tokens() {
    let key = TestKey::rsa(0);
    let pem = key.public_key_pem();
    let token = TokenBuilder::new(&key)
        .sub("x")
        .sign_hmac("HS256", pem.as_bytes());
    let parts: Vec<&str> = token.split('.').collect();
    let header: serde_json::Value =
        serde_json::from_slice(&b64_decode(parts[0]).unwrap_or_default()).unwrap_or_default();
    assert_eq!(
        (header["alg"].as_str(), header["kid"].as_str()),
        (Some("HS256"), Some("rsa-0"))
    );
    let input = format!("{}.{}", parts[0], parts[1]);
    let hkey = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, pem.as_bytes());
    let tag = b64_decode(parts[2]).unwrap_or_default();
    assert!(aws_lc_rs::hmac::verify(&hkey, input.as_bytes(), &tag).is_ok());
    let pinned = TokenBuilder::new(&key)
        .alg("RS256")
        .sign_hmac("HS512", b"k");
    let header = b64_decode(pinned.split('.').next().unwrap_or_default()).unwrap_or_default();
    assert!(String::from_utf8_lossy(&header).contains("RS256"));
}
