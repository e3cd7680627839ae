//! What a JWKS request looks like on the wire (GET, fixed Accept, crate User-Agent, no cookies or
//! credentials) and what the import filter keeps, observed with a plain HTTP mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_core::Algorithm;
use auth0_core::jwks::{JwksError, JwksOptions, KeyStore};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RSA_N: &str = "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw";

fn rsa_jwk(kid: &str) -> serde_json::Value {
    serde_json::json!({"kty":"RSA","kid":kid,"use":"sig","alg":"RS256","n":RSA_N,"e":"AQAB"})
}

#[tokio::test]
async fn j21_request_hygiene() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/jwks.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"keys":[rsa_jwk("k1")]})),
        )
        .mount(&server)
        .await;
    let store = KeyStore::new(
        &format!("{}/.well-known/jwks.json", server.uri()),
        &[Algorithm::RS256],
        JwksOptions::default(),
    )
    .unwrap();
    assert_eq!(store.refresh().await.unwrap(), 1);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(
        r.headers.get("accept").unwrap(),
        "application/json, application/jwk-set+json"
    );
    assert!(
        r.headers
            .get("user-agent")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("auth0-rs/")
    );
    for h in ["authorization", "cookie", "proxy-authorization"] {
        assert!(r.headers.get(h).is_none(), "{h}");
    }
    assert!(r.body.is_empty());
}

fn seed(keys: serde_json::Value, algs: &[Algorithm]) -> Result<usize, JwksError> {
    let store = KeyStore::new(
        "https://tenant.example.com/.well-known/jwks.json",
        algs,
        JwksOptions::default(),
    )
    .unwrap();
    store.seed(&serde_json::json!({ "keys": keys }).to_string())
}

#[test]
fn import_filter() {
    let rs = &[Algorithm::RS256];
    assert_eq!(seed(serde_json::json!([rsa_jwk("k1")]), rs), Ok(1));
    let with = |patch: serde_json::Value| {
        let mut k = rsa_jwk("k1");
        for (name, v) in patch.as_object().unwrap() {
            if v.is_null() {
                k.as_object_mut().unwrap().remove(name);
            } else {
                k[name] = v.clone();
            }
        }
        k
    };
    let refused = [
        ("use enc", with(serde_json::json!({"use":"enc"}))),
        (
            "key_ops without verify",
            with(serde_json::json!({"use":null,"key_ops":["encrypt"]})),
        ),
        (
            "key_ops duplicates",
            with(serde_json::json!({"use":null,"key_ops":["verify","verify"]})),
        ),
        (
            "alg of another family",
            with(serde_json::json!({"alg":"ES256"})),
        ),
        ("alg not allowed", with(serde_json::json!({"alg":"RS512"}))),
        ("unknown alg", with(serde_json::json!({"alg":"HS256"}))),
        ("private member", with(serde_json::json!({"d":"AQAB"}))),
        ("no kid", with(serde_json::json!({"kid":null}))),
        ("kid not a string", with(serde_json::json!({"kid":1}))),
        (
            "short modulus",
            with(
                serde_json::json!({"n":"u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc"}),
            ),
        ),
        ("even exponent", with(serde_json::json!({"e":"AQAA"}))),
        ("exponent 1", with(serde_json::json!({"e":"AQ"}))),
        ("padded base64", with(serde_json::json!({"e":"AQAB="}))),
        (
            "oct key",
            serde_json::json!({"kty":"oct","kid":"k1","k":"c2VjcmV0"}),
        ),
        (
            "EC point off the curve",
            serde_json::json!({"kty":"EC","kid":"k1","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"}),
        ),
        (
            "EC short coordinate",
            serde_json::json!({"kty":"EC","kid":"k1","crv":"P-256","x":"AAAA","y":"AAAA"}),
        ),
        (
            "unsupported curve",
            serde_json::json!({"kty":"EC","kid":"k1","crv":"P-521","x":"AA","y":"AA"}),
        ),
        ("unknown kty", serde_json::json!({"kty":"XYZ","kid":"k1"})),
    ];
    let all = &Algorithm::ALL;
    for (what, jwk) in refused {
        assert_eq!(
            seed(
                serde_json::json!([jwk]),
                if what.starts_with("EC") { all } else { rs }
            ),
            Err(JwksError::NoUsableKeys),
            "{what}"
        );
    }
    // A valid key survives beside refused ones; a duplicated kid makes both unusable.
    assert_eq!(
        seed(
            serde_json::json!([rsa_jwk("k1"), {"kty":"oct","kid":"k2","k":"c2VjcmV0"}]),
            rs
        ),
        Ok(1)
    );
    assert_eq!(
        seed(serde_json::json!([rsa_jwk("k1"), rsa_jwk("k1")]), rs),
        Err(JwksError::NoUsableKeys)
    );
    assert_eq!(
        seed(
            serde_json::json!([rsa_jwk("k1"), rsa_jwk("k1"), rsa_jwk("k2")]),
            rs
        ),
        Ok(1)
    );
    // An RSA key without alg is bound to the one RSA algorithm allowed.
    assert_eq!(
        seed(
            serde_json::json!([with(serde_json::json!({"alg":null}))]),
            &[Algorithm::PS256]
        ),
        Ok(1)
    );
    assert_eq!(
        seed(serde_json::json!([rsa_jwk("k1")]), &[Algorithm::PS256]),
        Err(JwksError::NoUsableKeys)
    );
    let too_many: Vec<_> = (0..33).map(|i| rsa_jwk(&format!("k{i}"))).collect();
    assert_eq!(
        seed(serde_json::json!(too_many), rs),
        Err(JwksError::TooManyKeys(33))
    );
    // Duplicate members anywhere in the document.
    let store = KeyStore::new(
        "https://tenant.example.com/.well-known/jwks.json",
        rs,
        JwksOptions::default(),
    )
    .unwrap();
    let doc =
        format!(r#"{{"keys":[{{"kty":"RSA","kid":"k1","n":"{RSA_N}","e":"AQAB","e":"AQAB"}}]}}"#);
    assert_eq!(store.seed(&doc), Err(JwksError::InvalidDocument));
}
