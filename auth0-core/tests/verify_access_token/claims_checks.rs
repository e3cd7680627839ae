//! Time claims, leeway and age, issuer / audience / type, profiles, scopes and organizations.

use super::*;

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
