//! Token verifier: organizations (org_id / org_name).

use super::*;

// --- organizations ---------------------------------------------------------------------------

#[tokio::test]
async fn passes_when_org_present_but_not_required() {
    let fx = Fx::start().await;
    accepted(&fx.hs_verifier(), &hs256_typ(&Payload::org()), &none()).await;
}

#[tokio::test]
async fn passes_when_org_present_and_matches() {
    let fx = Fx::start().await;
    let claims = accepted(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org()),
        &VerifyOptions::new().organization("org_123"),
    )
    .await;
    assert_eq!(claims["org_id"], "org_123");
}

#[tokio::test]
async fn fails_when_org_name_specified_but_not_present() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id")),
        &VerifyOptions::new().organization("org-123"),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_name_specified_but_not_string() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id").set("org_name", 42)),
        &VerifyOptions::new().organization("org-123"),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_name_specified_but_does_not_match() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id").set("org_name", "org-abc")),
        &VerifyOptions::new().organization("org-123"),
        Kind::Organization,
        r#"Organization (org_name) claim mismatch in the ID token; expected "org-123", found "org-abc""#,
    )
    .await;
}

/// `test_succeeds_when_org_name_specified_matches`: the reference verified WITHOUT the
/// organization, so the name match was never exercised; here it is, and the call without it
/// still passes.
#[tokio::test]
async fn succeeds_when_org_name_specified_matches() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let token = hs256_typ(&Payload::org().without("org_id").set("org_name", "org-123"));
    let claims = accepted(&v, &token, &VerifyOptions::new().organization("org-123")).await;
    assert_eq!(claims["org_name"], "org-123");
    let claims = accepted(&v, &token, &none()).await;
    assert_eq!(claims["org_name"], "org-123");
}

/// Untested in the reference: org names compare case-insensitively. The reference lowercased
/// only the expected value (so `ORG-123` matched `org-123`, but a claim `Org-123` never
/// matched); ours lowercases both.
#[tokio::test]
async fn org_name_comparison_is_case_insensitive_both_ways_unlike_reference() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let lower = hs256_typ(&Payload::org().without("org_id").set("org_name", "org-123"));
    accepted(&v, &lower, &VerifyOptions::new().organization("ORG-123")).await;
    let mixed = hs256_typ(&Payload::org().without("org_id").set("org_name", "Org-123"));
    accepted(&v, &mixed, &VerifyOptions::new().organization("org-123")).await;
    // The mismatch message shows the expected value as given, not lower-cased.
    assert_fails_with(
        &v,
        &lower,
        &VerifyOptions::new().organization("ORG-ABC"),
        Kind::Organization,
        r#"Organization (org_name) claim mismatch in the ID token; expected "ORG-ABC", found "org-123""#,
    )
    .await;
}

/// As in the reference, the `org_` prefix is case-sensitive: `ORG_123` is an organization name.
#[tokio::test]
async fn uppercase_org_prefix_is_an_org_name() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org()),
        &VerifyOptions::new().organization("ORG_123"),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

/// The reference skips an empty (falsy) organization; ours checks it (as a name).
#[tokio::test]
async fn empty_organization_is_enforced_unlike_reference() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org()),
        &VerifyOptions::new().organization(""),
        Kind::Organization,
        "Organization (org_name) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_id_specified_but_not_present() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().without("org_id")),
        &VerifyOptions::new().organization("org_123"),
        Kind::Organization,
        "Organization (org_id) claim must be a string present in the ID token",
    )
    .await;
}

#[tokio::test]
async fn fails_when_org_id_specified_but_not_string() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.hs_verifier(),
        &hs256_typ(&Payload::org().set("org_id", 42)),
        &VerifyOptions::new().organization("org_123"),
        Kind::Organization,
        "Organization (org_id) claim must be a string present in the ID token",
    )
    .await;
}

/// `test_fails_when_org_id_specified_but_does_not_match`; `org_id` is compared exactly.
#[tokio::test]
async fn fails_when_org_id_specified_but_does_not_match() {
    let fx = Fx::start().await;
    let v = fx.hs_verifier();
    let token = hs256_typ(&Payload::org());
    assert_fails_with(
        &v,
        &token,
        &VerifyOptions::new().organization("org_abc"),
        Kind::Organization,
        r#"Organization (org_id) claim mismatch in the ID token; expected "org_abc", found "org_123""#,
    )
    .await;
    refused(
        &v,
        &hs256_typ(&Payload::org().set("org_id", "org_ABC")),
        &VerifyOptions::new().organization("org_abc"),
    )
    .await;
}

/// As in the reference, organization errors come before `azp` errors.
#[tokio::test]
async fn organization_is_checked_before_azp() {
    let fx = Fx::start().await;
    assert_fails_with(
        &fx.verifier(),
        &rs256(&Payload::p().without("azp")),
        &VerifyOptions::new().organization("org_123"),
        Kind::Organization,
        "Organization (org_id) claim must be a string present in the ID token",
    )
    .await;
}

/// `test_verify_returns_payload`.
#[tokio::test]
async fn verify_returns_payload() {
    let fx = Fx::start().await;
    let claims = accepted(&fx.hs_verifier(), &hs256_typ(&Payload::org()), &none()).await;
    assert_eq!(claims["sub"], "auth0|sdk458fks");
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["org_id"], "org_123");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["exp"], EXP);
    assert_eq!(claims["iat"], MOCKED_CLOCK);
    assert_eq!(claims, Payload::org().0);
}
