//! Seeds of the document targets: JWKS documents, discovery documents, `Cache-Control` values
//! and Authentication API error answers.

use auth0_core::testing::{TestKey, jwks as jwk_set};
use serde_json::{Value, json};

use super::Corpus;

fn doc(value: &Value) -> String {
    value.to_string()
}

pub(super) fn jwks(c: &mut Corpus, key: &TestKey) {
    let es256 = TestKey::es256(1);
    let es384 = TestKey::es384(1);
    let ed25519 = TestKey::ed25519(1);
    c.add("auth0", doc(&jwk_set(&[key, &TestKey::rsa(1)])));
    c.add(
        "every-type",
        doc(&jwk_set(&[key, &es256, &es384, &ed25519])),
    );
    c.add("es256", doc(&jwk_set(&[&es256])));
    c.add("ed25519", doc(&jwk_set(&[&ed25519])));
    c.add("weak-rsa", doc(&jwk_set(&[&TestKey::rsa_1024()])));
    let rsa = key.public_jwk();
    let with = |name: &str, value: Value| {
        let mut jwk = rsa.clone();
        jwk[name] = value;
        doc(&json!({ "keys": [jwk] }))
    };
    c.add("x5c", with("x5c", json!(["MIIC+DCCAeCgAwIBAgIJ"])));
    c.add("use-enc", with("use", json!("enc")));
    c.add("key-ops", with("key_ops", json!(["sign", "verify"])));
    c.add("alg-mismatch", with("alg", json!("ES256")));
    c.add("no-alg", with("alg", Value::Null));
    c.add("private-d", with("d", json!("AQAB")));
    c.add("zero-exponent", with("e", json!("AA")));
    c.add("kid-number", with("kid", json!(7)));
    let mut ec = es256.public_jwk();
    ec["y"] = ec["x"].clone();
    c.add("ec-off-curve", doc(&json!({ "keys": [ec] })));
    let mut ec_crv = es256.public_jwk();
    ec_crv["crv"] = json!("P-384");
    c.add("ec-wrong-curve", doc(&json!({ "keys": [ec_crv] })));
    let oct = json!({"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"});
    c.add("oct", doc(&json!({ "keys": [oct, rsa] })));
    c.add(
        "duplicate-kid",
        doc(&json!({ "keys": [rsa, TestKey::rsa(1).with_kid("rsa-0").public_jwk()] })),
    );
    let many: Vec<Value> = (0..33).map(|i| TestKey::es256(i).public_jwk()).collect();
    c.add("too-many", doc(&json!({ "keys": many })));
    c.add(
        "not-object",
        doc(&json!({ "keys": [1, "a", null, [], rsa] })),
    );
    c.add("empty-keys", r#"{"keys":[]}"#);
    c.add("keys-object", r#"{"keys":{}}"#);
    c.add("duplicate-member", r#"{"keys":[],"keys":[]}"#);
    c.add("nested-duplicate", r#"{"keys":[{"kty":"RSA","kty":"EC"}]}"#);
    c.add("array", "[]");
}

const AUTH0_ISSUER: &str = "https://tenant.auth0.com/";
const LOOPBACK_ISSUER: &str = "http://127.0.0.1:3000/";

/// Auth0's discovery document (trimmed of nothing the parser reads) for `issuer`.
fn auth0_discovery(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}authorize"),
        "token_endpoint": format!("{issuer}oauth/token"),
        "device_authorization_endpoint": format!("{issuer}oauth/device/code"),
        "userinfo_endpoint": format!("{issuer}userinfo"),
        "mfa_challenge_endpoint": format!("{issuer}mfa/challenge"),
        "jwks_uri": format!("{issuer}.well-known/jwks.json"),
        "registration_endpoint": format!("{issuer}oidc/register"),
        "revocation_endpoint": format!("{issuer}oauth/revoke"),
        "scopes_supported": ["openid", "profile", "offline_access", "email"],
        "response_types_supported": ["code", "token", "id_token", "code id_token"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "iss", "sub"],
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
        "end_session_endpoint": format!("{issuer}oidc/logout"),
        "dpop_signing_alg_values_supported": ["ES256"]
    })
}

pub(super) fn discovery(c: &mut Corpus, _key: &TestKey) {
    c.add("auth0", doc(&auth0_discovery(AUTH0_ISSUER)));
    c.add("loopback", doc(&auth0_discovery(LOOPBACK_ISSUER)));
    let variant = |name: &str, value: Value| {
        let mut d = auth0_discovery(AUTH0_ISSUER);
        d[name] = value;
        doc(&d)
    };
    c.add(
        "issuer-differs",
        variant("issuer", json!("https://tenant.auth0.com")),
    );
    c.add(
        "jwks-other-host",
        variant("jwks_uri", json!("https://evil.example.com/jwks.json")),
    );
    c.add(
        "jwks-http",
        variant("jwks_uri", json!("http://tenant.auth0.com/jwks.json")),
    );
    c.add(
        "jwks-port",
        variant("jwks_uri", json!("https://TENANT.auth0.com:443/jwks")),
    );
    c.add(
        "jwks-query",
        variant("jwks_uri", json!("https://tenant.auth0.com/jwks?x=1")),
    );
    c.add(
        "token-ftp",
        variant("token_endpoint", json!("ftp://tenant.auth0.com/token")),
    );
    c.add(
        "userinfo-userinfo",
        variant("userinfo_endpoint", json!("https://u@tenant.auth0.com/")),
    );
    c.add(
        "algs-not-array",
        variant("id_token_signing_alg_values_supported", json!("RS256")),
    );
    c.add("no-jwks-uri", variant("jwks_uri", Value::Null));
    c.add(
        "minimal",
        doc(&json!({"issuer": AUTH0_ISSUER, "jwks_uri": "https://tenant.auth0.com/k"})),
    );
    c.add(
        "duplicate-issuer",
        r#"{"issuer":"https://tenant.auth0.com/","issuer":"https://evil/"}"#,
    );
    c.add("empty-object", "{}");
    c.add("array", "[]");
}

pub(super) fn cache_control(c: &mut Corpus, _key: &TestKey) {
    for (name, value) in [
        ("auth0", "public, max-age=600"),
        ("quoted", "max-age=\"60\""),
        ("no-store", "no-store"),
        ("no-cache", "private, no-cache"),
        ("zero", "max-age=0"),
        ("not-number", "max-age=abc"),
        ("public", "public"),
        ("year", "max-age=31536000, immutable"),
        ("huge", "max-age=18446744073709551615"),
        ("overflow", "max-age=18446744073709551616"),
        ("s-maxage", "s-maxage=30, max-age=60, must-revalidate"),
        ("spaces", " MAX-AGE = 120 ,stale-while-revalidate=30"),
        ("twice", "max-age=1, max-age=2"),
        ("empty", ""),
    ] {
        c.add(name, value);
    }
}

/// An error answer in the `error_body` target's format: status line, header lines, empty
/// line, body.
fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!("{status}\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text.push_str(body);
    text
}

pub(super) fn error_body(c: &mut Corpus, _key: &TestKey) {
    let json = [("content-type", "application/json; charset=utf-8")];
    let limited = [
        ("x-ratelimit-limit", "30"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", "1767225630"),
        ("retry-after", "30"),
    ];
    let seeds = [
        (
            "invalid-grant",
            403,
            &json[..],
            r#"{"error":"invalid_grant","error_description":"Wrong email or password."}"#,
        ),
        (
            "access-denied",
            401,
            &json[..],
            r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        ),
        (
            "mfa-required",
            403,
            &json[..],
            r#"{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"Fe26.2*abc"}"#,
        ),
        (
            "rate-limited",
            429,
            &limited[..],
            r#"{"error":"too_many_requests","error_description":"Global limit has been reached"}"#,
        ),
        (
            "slow-down",
            429,
            &[("retry-after", "Thu, 01 Jan 2026 00:01:00 GMT")][..],
            r#"{"error":"slow_down","error_description":"You are polling faster than allowed."}"#,
        ),
        (
            "reset-only",
            429,
            &[("x-ratelimit-reset", "1767225660")][..],
            "",
        ),
        (
            "pending",
            400,
            &json[..],
            r#"{"error":"authorization_pending","error_description":"The end-user authorization is pending"}"#,
        ),
        (
            "management-style",
            400,
            &json[..],
            r#"{"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Missing required property: email'.","errorCode":"invalid_body"}"#,
        ),
        (
            "password-strength",
            400,
            &json[..],
            r#"{"name":"PasswordStrengthError","message":"Password is too weak","code":"invalid_password","description":{"rules":[{"message":"At least %d characters in length","format":[8],"code":"lengthAtLeast","verified":false}],"verified":false},"policy":"* At least 8 characters in length","statusCode":400}"#,
        ),
        (
            "user-exists",
            400,
            &json[..],
            r#"{"name":"BadRequestError","code":"user_exists","description":"The user already exists.","statusCode":400}"#,
        ),
        (
            "numeric-code",
            400,
            &json[..],
            r#"{"code":1234,"description":""}"#,
        ),
        ("json-string", 404, &json[..], r#""Not Found""#),
        (
            "html",
            502,
            &[("content-type", "text/html")][..],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
        ("text", 500, &[][..], "Internal Server Error"),
        ("empty", 503, &[("retry-after", "120")][..], ""),
        (
            "cookie",
            401,
            &[
                ("set-cookie", "did=s%3Av0; HttpOnly"),
                ("Set-Cookie", "auth0=x"),
            ][..],
            "{}",
        ),
    ];
    for (name, status, headers, body) in seeds {
        c.add(name, answer(status, headers, body));
    }
    c.add("long-text", answer(500, &[], &"é".repeat(700)));
    c.add("non-utf8", b"400\nretry-after: \xff\n\n\xff\xfe{");
}
