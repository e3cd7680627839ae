#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use crate::{Algorithm, DpopMode, ErrorKind, VerifyError};

fn verifier(dpop: DpopMode, metadata: Option<&str>) -> AccessTokenVerifier {
    let mut builder = AccessTokenVerifier::builder("tenant.example.com")
        .issuer("custom.example.com")
        .audience("https://api.example.com")
        .dpop(dpop);
    if let Some(url) = metadata {
        builder = builder.resource_metadata_url(url);
    }
    builder.build().unwrap()
}

#[test]
fn well_known_urls() {
    let url = |base| metadata_url(base).unwrap();
    assert_eq!(
        url("https://api.example.com"),
        "https://api.example.com/.well-known/oauth-protected-resource"
    );
    assert_eq!(
        url("https://api.example.com/"),
        "https://api.example.com/.well-known/oauth-protected-resource"
    );
    assert_eq!(
        url("https://example.com:8443/tenant/api/"),
        "https://example.com:8443/.well-known/oauth-protected-resource/tenant/api"
    );
    assert_eq!(
        url("https://example.com/api?x=1"),
        "https://example.com/.well-known/oauth-protected-resource/api?x=1"
    );
    assert_eq!(
        url("http://127.0.0.1:3010"),
        "http://127.0.0.1:3010/.well-known/oauth-protected-resource"
    );
    assert_eq!(
        well_known_path("https://example.com/api").unwrap(),
        "/.well-known/oauth-protected-resource/api"
    );
    assert_eq!(well_known_path("http://[::1]:80").unwrap(), WELL_KNOWN_PATH);
    for bad in [
        "api.example.com",
        "http://api.example.com",
        "ftp://api.example.com",
        "https://api.example.com/#x",
        "https://",
        "https://user@api.example.com",
        "https://api.example.com/a b",
        "https://api.example.com/\"",
    ] {
        assert!(metadata_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn document_members() {
    let v = verifier(DpopMode::Disabled, None);
    let doc = ProtectedResourceMetadata::for_verifier(&v, "https://api.example.com")
        .scopes_supported(["read:messages", "write:messages"])
        .resource_name("Messages")
        .resource_documentation("https://docs.example.com/api")
        .resource_policy_uri("https://example.com/policy")
        .resource_tos_uri("https://example.com/tos")
        .member("x_custom", serde_json::json!(true));
    let json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "resource": "https://api.example.com",
            "authorization_servers": ["https://tenant.example.com/", "https://custom.example.com/"],
            "scopes_supported": ["read:messages", "write:messages"],
            "bearer_methods_supported": ["header"],
            "resource_name": "Messages",
            "resource_documentation": "https://docs.example.com/api",
            "resource_policy_uri": "https://example.com/policy",
            "resource_tos_uri": "https://example.com/tos",
            "x_custom": true,
        })
    );
    // Round trip, unknown members kept.
    let back: ProtectedResourceMetadata = serde_json::from_value(json).unwrap();
    assert_eq!(back, doc);
    // Nothing but the resource when nothing else is known.
    assert_eq!(
        ProtectedResourceMetadata::new("urn:api").to_json(),
        r#"{"resource":"urn:api"}"#
    );
}

#[test]
fn dpop_members() {
    let doc = ProtectedResourceMetadata::for_verifier(&verifier(DpopMode::Allowed, None), "r");
    assert_eq!(doc.dpop_signing_alg_values_supported, ["ES256", "PS256"]);
    assert_eq!(doc.dpop_bound_access_tokens_required, Some(false));
    let v = AccessTokenVerifier::builder("tenant.example.com")
        .audience("r")
        .dpop(DpopMode::Required)
        .dpop_algorithms([Algorithm::ES256])
        .build()
        .unwrap();
    let doc = ProtectedResourceMetadata::for_verifier(&v, "r");
    assert_eq!(doc.dpop_signing_alg_values_supported, ["ES256"]);
    assert_eq!(doc.dpop_bound_access_tokens_required, Some(true));
}

#[test]
fn challenges_name_the_metadata_on_401_only() {
    let url = "https://api.example.com/.well-known/oauth-protected-resource";
    let v = verifier(DpopMode::Disabled, Some(url));
    assert_eq!(v.resource_metadata_url(), Some(url));
    let challenge = |kind: ErrorKind| v.outcome(&VerifyError::new(kind)).www_authenticate;
    assert_eq!(
        challenge(ErrorKind::MissingCredentials).unwrap(),
        format!(r#"Bearer realm="https://api.example.com", resource_metadata="{url}""#)
    );
    let expired = challenge(ErrorKind::Expired).unwrap();
    assert!(expired.contains(r#"error="invalid_token""#), "{expired}");
    assert!(
        expired.ends_with(&format!(r#", resource_metadata="{url}""#)),
        "{expired}"
    );
    assert!(
        !challenge(ErrorKind::MalformedRequest)
            .unwrap()
            .contains("resource_metadata")
    );
    let scope = VerifyError::new(ErrorKind::InsufficientScope {
        required: "read:messages".into(),
    });
    assert!(
        !v.outcome(&scope)
            .www_authenticate
            .unwrap()
            .contains("resource_metadata")
    );

    // With DPoP allowed, both challenges name it.
    let v = verifier(DpopMode::Allowed, Some(url));
    let c = v
        .outcome(&VerifyError::new(ErrorKind::MissingCredentials))
        .www_authenticate
        .unwrap();
    assert_eq!(c.matches("resource_metadata=").count(), 2, "{c}");
    // Without the setting, nothing changes.
    let c = verifier(DpopMode::Disabled, None)
        .outcome(&VerifyError::new(ErrorKind::MissingCredentials))
        .www_authenticate
        .unwrap();
    assert_eq!(c, r#"Bearer realm="https://api.example.com""#);
}

#[test]
fn unusable_metadata_urls_are_refused_at_build() {
    for bad in ["not a url", "http://api.example.com/x", "https://a/\"x"] {
        let err = AccessTokenVerifier::builder("tenant.example.com")
            .audience("a")
            .resource_metadata_url(bad)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, crate::ConfigError::ResourceMetadataUrl(_)),
            "{bad}"
        );
    }
}
