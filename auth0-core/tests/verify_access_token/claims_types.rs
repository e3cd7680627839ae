//! Typed claims and custom claims types.

use super::*;

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
