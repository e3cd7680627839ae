//! Shared by the integration tests of the adapters (framework-free): a reqwest client, and the
//! assertion of an RFC 6750 outcome (status, challenge scheme and `error`, JSON body).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use auth0_core::AccessTokenVerifier;
use auth0_core::testing::TestTenant;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};

/// A verifier for the tenant's domain and audience, default settings.
pub fn verifier(tenant: &TestTenant) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap()
}

/// GET `url` with each of `authorization` as an `Authorization` header.
pub async fn get(url: &str, authorization: &[&str]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    for value in authorization {
        request = request.header("authorization", *value);
    }
    request.send().await.unwrap()
}

/// The answer, read completely.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub challenge: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let status = response.status().as_u16();
    let challenge = header(WWW_AUTHENTICATE);
    let retry_after = header(RETRY_AFTER);
    let content_type = header(CONTENT_TYPE);
    let body = response.text().await.unwrap();
    Answer {
        status,
        challenge,
        retry_after,
        content_type,
        body,
    }
}

impl Answer {
    /// Asserts a refusal: status, `Bearer` challenge with `realm`, its `error` (none for a
    /// bare challenge), and the JSON body carrying the same code.
    pub fn assert_refused(&self, status: u16, error: Option<&str>, realm: &str) {
        assert_eq!(self.status, status, "{self:?}");
        let challenge = self
            .challenge
            .as_deref()
            .expect("a WWW-Authenticate challenge");
        assert!(challenge.starts_with("Bearer "), "{challenge}");
        assert!(
            challenge.contains(&format!(r#"realm="{realm}""#)),
            "{challenge}"
        );
        match error {
            Some(code) => {
                assert!(
                    challenge.contains(&format!(r#"error="{code}""#)),
                    "{challenge}"
                );
                assert_eq!(
                    self.content_type.as_deref(),
                    Some("application/json"),
                    "{self:?}"
                );
                let body: serde_json::Value = serde_json::from_str(&self.body).unwrap();
                assert_eq!(body["error"], code, "{self:?}");
                assert!(body["error_description"].is_string(), "{self:?}");
            }
            None => {
                assert!(!challenge.contains("error="), "{challenge}");
                assert!(self.body.is_empty(), "{self:?}");
            }
        }
    }

    /// Asserts a 503 with `Retry-After` and no challenge.
    pub fn assert_unavailable(&self) {
        assert_eq!(self.status, 503, "{self:?}");
        assert!(self.challenge.is_none(), "{self:?}");
        let seconds: u64 = self
            .retry_after
            .as_deref()
            .expect("Retry-After")
            .parse()
            .unwrap();
        assert!(seconds >= 1, "{self:?}");
    }

    /// The JSON body.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// `Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}
