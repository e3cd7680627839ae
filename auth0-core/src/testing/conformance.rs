//! The RFC 6750 outcome table: the `Authorization` headers every bearer-protected route must
//! answer alike, and a framework-free check of the answers.
//!
//! The tower, axum and actix-web adapters of this SDK, and the example APIs, all answer these
//! cases through their own servers. Run the same table against your own routes to check that
//! they are protected the same way: [`bearer_cases`] mints the requests with a [`TestTenant`],
//! you send each one to your route, and [`Case::assert`] checks the answer (status,
//! `WWW-Authenticate` challenge, `Content-Type`, JSON body). Headers and the body are taken as
//! plain strings, so any HTTP client and any framework's test harness will do.
//!
//! ```
//! use auth0_core::AccessTokenVerifier;
//! use auth0_core::testing::TestTenant;
//! use auth0_core::testing::conformance::{SUBJECT, bearer_cases};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let tenant = TestTenant::start().await;
//! let verifier = AccessTokenVerifier::builder(&tenant.domain())
//!     .audience(tenant.audience())
//!     .build()?;
//! for case in bearer_cases(&tenant) {
//!     // In your tests: send `case.authorization` (each value as an `Authorization` header) to
//!     // your protected route, and pass its answer on. Here the verifier answers directly.
//!     let values = case.authorization.iter().map(|v| v.as_bytes());
//!     let (status, challenge, content_type, body) =
//!         match verifier.verify_authorization(values).await {
//!             Ok(claims) => (200, None, None, format!(r#"{{"sub":"{}"}}"#, claims.sub)),
//!             Err(error) => {
//!                 let outcome = verifier.outcome(&error);
//!                 let body = outcome.json_body();
//!                 let content_type = body.as_ref().map(|_| "application/json");
//!                 (outcome.status, outcome.www_authenticate, content_type, body.unwrap_or_default())
//!             }
//!         };
//!     case.assert(status, challenge.as_deref(), content_type, &body);
//!     if case.expect.is_accepted() {
//!         assert!(body.contains(SUBJECT));
//!     }
//! }
//! # Ok(()) }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
//! #     .block_on(demo()).unwrap();
//! ```
//!
//! With a real server and `reqwest`, the loop body is:
//!
//! ```text
//! let mut request = client.get(format!("{base}/api/private"));
//! for value in &case.authorization {
//!     request = request.header("authorization", value);
//! }
//! let response = request.send().await?;
//! let status = response.status().as_u16();
//! let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
//! let (challenge, content_type) = (header("www-authenticate"), header("content-type"));
//! let body = response.text().await?;
//! case.assert(status, challenge.as_deref(), content_type.as_deref(), &body);
//! ```
//!
//! The table is written for a verifier with the default settings (the `Bearer` scheme; with
//! DPoP allowed the refusals still hold, as the `Bearer` challenge comes first) and a route that
//! requires authentication but no scope: on a route that also requires scopes, every refusal
//! holds (authentication is checked first) and the accepted cases are answered 403 instead.
//! The realm expected is the tenant's audience, the default realm; set [`Expected::realm`] when
//! your route overrides it.

use serde_json::Value;

use super::keys::TestKey;
use super::tenant::TestTenant;

/// The `sub` of the token of every accepted case.
pub const SUBJECT: &str = "auth0|conformance";

/// One request of the outcome table and the answer it must get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// A short name, given in the panic message of [`assert`](Self::assert).
    pub name: &'static str,
    /// The values of the `Authorization` headers to send, one header each, in order (none, or
    /// several for the cases about repeated headers).
    pub authorization: Vec<String>,
    /// The answer the request must get.
    pub expect: Expected,
}

/// The answer a [`Case`] must get.
///
/// * `scheme` given (a refusal): the `WWW-Authenticate` challenge starts with the scheme and a
///   space, and carries `realm="…"` when `realm` is given. With an `error`, the challenge
///   carries `error="…"`, the `Content-Type` is `application/json` and the body is a JSON object
///   whose `error` is that code and whose `error_description` is a string (its text is not
///   checked). Without one, the challenge carries no `error` and the body is empty.
/// * no `scheme` (an accepted request): no `WWW-Authenticate` header; the body is the route's
///   own and is not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The HTTP status.
    pub status: u16,
    /// The scheme of the `WWW-Authenticate` challenge (`Bearer`); `None`: no challenge.
    pub scheme: Option<&'static str>,
    /// The `realm` the challenge must carry; `None`: not checked.
    pub realm: Option<String>,
    /// The RFC 6750 `error` code on the challenge and in the JSON body; `None`: neither.
    pub error: Option<&'static str>,
}

impl Expected {
    /// An accepted request: 200, no challenge.
    #[must_use]
    pub fn accepted() -> Self {
        Self {
            status: 200,
            scheme: None,
            realm: None,
            error: None,
        }
    }

    /// The bare challenge for a request without bearer credentials: 401, `Bearer` with `realm`,
    /// no `error`, an empty body.
    #[must_use]
    pub fn challenge(realm: impl Into<String>) -> Self {
        Self {
            status: 401,
            scheme: Some("Bearer"),
            realm: Some(realm.into()),
            error: None,
        }
    }

    /// A refusal with an RFC 6750 `error` code: `status`, `Bearer` challenge with `realm` and
    /// `error`, and the JSON error body.
    #[must_use]
    pub fn refused(status: u16, error: &'static str, realm: impl Into<String>) -> Self {
        Self {
            status,
            scheme: Some("Bearer"),
            realm: Some(realm.into()),
            error: Some(error),
        }
    }

    /// Whether the request must be let through (a 2xx status).
    #[must_use]
    pub fn is_accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Checks an answer: its status, its `WWW-Authenticate` and `Content-Type` header values
    /// (`None` when absent) and its body.
    ///
    /// # Errors
    /// What differs from the expectation, in a sentence.
    pub fn check(
        &self,
        status: u16,
        www_authenticate: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(), String> {
        if status != self.status {
            return Err(format!("status {status}, expected {}", self.status));
        }
        let Some(scheme) = self.scheme else {
            return match www_authenticate {
                None => Ok(()),
                Some(challenge) => Err(format!("unexpected challenge {challenge:?}")),
            };
        };
        let Some(challenge) = www_authenticate else {
            return Err("no WWW-Authenticate challenge".to_owned());
        };
        let starts_with_scheme = challenge
            .strip_prefix(scheme)
            .is_some_and(|rest| rest.starts_with(' '));
        if !starts_with_scheme {
            return Err(format!("the challenge does not start with {scheme:?}"));
        }
        if let Some(realm) = &self.realm
            && !challenge.contains(&format!(r#"realm="{realm}""#))
        {
            return Err(format!("the challenge does not carry realm={realm:?}"));
        }
        match self.error {
            Some(code) => {
                if !challenge.contains(&format!(r#"error="{code}""#)) {
                    return Err(format!("the challenge does not carry error={code:?}"));
                }
                if content_type != Some("application/json") {
                    return Err(format!(
                        "Content-Type {content_type:?}, expected \"application/json\""
                    ));
                }
                let json: Value = serde_json::from_str(body)
                    .map_err(|e| format!("the body is not JSON ({e})"))?;
                if json["error"] != code {
                    return Err(format!(
                        "the body's error is {}, expected {code:?}",
                        json["error"]
                    ));
                }
                if !json["error_description"].is_string() {
                    return Err("the body has no string error_description".to_owned());
                }
            }
            None => {
                if challenge.contains("error=") {
                    return Err("the challenge carries an error, expected none".to_owned());
                }
                if !body.is_empty() {
                    return Err("the body is not empty".to_owned());
                }
            }
        }
        Ok(())
    }
}

impl Case {
    /// A case named `name`: send `authorization`, expect `expect`.
    #[must_use]
    pub fn new(name: &'static str, authorization: Vec<String>, expect: Expected) -> Self {
        Self {
            name,
            authorization,
            expect,
        }
    }

    /// The `Authorization` header values as string slices, ready for a client's header list.
    #[must_use]
    pub fn header_values(&self) -> Vec<&str> {
        self.authorization.iter().map(String::as_str).collect()
    }

    /// Asserts that an answer is the expected one (see [`Expected::check`]).
    ///
    /// # Panics
    /// On any difference: this is an assertion helper for tests. The message names the case and
    /// shows the whole answer.
    #[track_caller]
    pub fn assert(
        &self,
        status: u16,
        www_authenticate: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) {
        if let Err(mismatch) = self
            .expect
            .check(status, www_authenticate, content_type, body)
        {
            panic!(
                "conformance case {:?}: {mismatch}\n  sent Authorization: {:?}\n  answered: \
                 status {status}, WWW-Authenticate {www_authenticate:?}, Content-Type \
                 {content_type:?}, body {body:?}",
                self.name, self.authorization
            );
        }
    }
}

/// The outcome table for a route protected by a verifier of `tenant` (its domain and audience,
/// default settings), in order:
///
/// | case | `Authorization` | answer |
/// |---|---|---|
/// | no header, `Basic …`, `Digest …` | none or another scheme | 401, bare `Bearer` challenge |
/// | no token, only spaces | `Bearer`, `Bearer   ` | 400 `invalid_request` |
/// | TAB, two tokens, comma-joined (with and without a space) | malformed around a valid token | 400 `invalid_request` |
/// | bad chars (`<>`, `$`, `{}"`, `()`) | characters outside the `b64token` alphabet | 400 `invalid_request` |
/// | two headers | two `Bearer` headers with a valid token | 400 `invalid_request` |
/// | expired, bad signature, wrong audience, wrong issuer | tokens of the tenant, altered | 401 `invalid_token` |
/// | alg none, alg HS256, unknown kid, not a JWT | forged or foreign tokens | 401 `invalid_token` |
/// | valid; lowercase, uppercase scheme; spaces after the scheme | a valid token (`sub` [`SUBJECT`]) | 200 |
///
/// The unknown kid is the first of the RSA pool keys `rsa-7`, `rsa-8`, … that the tenant does
/// not publish now. Refusals expect the realm [`TestTenant::audience`].
#[must_use]
pub fn bearer_cases(tenant: &TestTenant) -> Vec<Case> {
    let realm = tenant.audience();
    let valid = tenant.token().sub(SUBJECT).sign();
    let bearer = |token: &str| vec![format!("Bearer {token}")];
    let challenge = || Expected::challenge(realm.clone());
    let invalid_request = || Expected::refused(400, "invalid_request", realm.clone());
    let invalid_token = || Expected::refused(401, "invalid_token", realm.clone());
    let published: Vec<String> = tenant
        .published_keys()
        .iter()
        .map(|key| key.kid().to_owned())
        .collect();
    let mut index = 7;
    let unknown = loop {
        let key = TestKey::rsa(index);
        if !published.iter().any(|kid| kid == key.kid()) {
            break key;
        }
        index += 1;
    };
    vec![
        Case::new("no header", vec![], challenge()),
        Case::new("Basic", vec!["Basic dXNlcjpwYXNz".into()], challenge()),
        Case::new("Digest", vec![r#"Digest username="a""#.into()], challenge()),
        Case::new("no token", vec!["Bearer".into()], invalid_request()),
        Case::new("only spaces", vec!["Bearer   ".into()], invalid_request()),
        Case::new("TAB", vec![format!("Bearer\t{valid}")], invalid_request()),
        Case::new(
            "two tokens",
            vec![format!("Bearer {valid} {valid}")],
            invalid_request(),
        ),
        Case::new(
            "comma-joined",
            vec![format!("Bearer {valid}, Bearer {valid}")],
            invalid_request(),
        ),
        Case::new(
            "comma-joined without a space",
            vec![format!("Bearer {valid},Bearer {valid}")],
            invalid_request(),
        ),
        Case::new(
            "bad chars <>",
            vec!["Bearer a<b>".into()],
            invalid_request(),
        ),
        Case::new("bad chars $", vec!["Bearer ab$c".into()], invalid_request()),
        Case::new(
            "bad chars {}\"",
            vec!["Bearer a{b}.c\"d".into()],
            invalid_request(),
        ),
        Case::new(
            "bad chars ()",
            vec!["Bearer a(b)c".into()],
            invalid_request(),
        ),
        Case::new(
            "two headers",
            [bearer(&valid), bearer(&valid)].concat(),
            invalid_request(),
        ),
        Case::new(
            "expired",
            bearer(&tenant.token().expired().sign()),
            invalid_token(),
        ),
        Case::new(
            "bad signature",
            bearer(&tenant.token().sign_with_bad_signature()),
            invalid_token(),
        ),
        Case::new(
            "wrong audience",
            bearer(&tenant.token().aud("https://other.example.com").sign()),
            invalid_token(),
        ),
        Case::new(
            "wrong issuer",
            bearer(&tenant.token().iss("https://evil.example.com/").sign()),
            invalid_token(),
        ),
        Case::new(
            "alg none",
            bearer(&tenant.token().unsigned()),
            invalid_token(),
        ),
        Case::new(
            "alg HS256",
            bearer(&tenant.token().alg("HS256").sign()),
            invalid_token(),
        ),
        Case::new(
            "unknown kid",
            bearer(&tenant.token().key(&unknown).sign()),
            invalid_token(),
        ),
        Case::new("not a JWT", bearer("abc.def.ghi"), invalid_token()),
        Case::new("valid", bearer(&valid), Expected::accepted()),
        Case::new(
            "lowercase scheme",
            vec![format!("bearer {valid}")],
            Expected::accepted(),
        ),
        Case::new(
            "uppercase scheme",
            vec![format!("BEARER {valid}")],
            Expected::accepted(),
        ),
        Case::new(
            "spaces after the scheme",
            vec![format!("Bearer    {valid}")],
            Expected::accepted(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AccessTokenVerifier;

    /// The answer core's verifier gives to a case: status, challenge, content type, body.
    async fn core_answer(
        verifier: &AccessTokenVerifier,
        case: &Case,
    ) -> (u16, Option<String>, Option<&'static str>, String) {
        let values = case.authorization.iter().map(|v| v.as_bytes());
        match verifier.verify_authorization(values).await {
            Ok(claims) => (200, None, None, claims.sub.clone()),
            Err(error) => {
                let outcome = verifier.outcome(&error);
                let body = outcome.json_body();
                let content_type = body.as_ref().map(|_| "application/json");
                (
                    outcome.status,
                    outcome.www_authenticate,
                    content_type,
                    body.unwrap_or_default(),
                )
            }
        }
    }

    #[tokio::test]
    async fn core_answers_every_case_as_the_table_says() {
        let tenant = TestTenant::start().await;
        let verifier = AccessTokenVerifier::builder(&tenant.domain())
            .audience(tenant.audience())
            .build()
            .unwrap();
        let cases = bearer_cases(&tenant);
        assert_eq!(cases.len(), 26);
        let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cases.len(), "case names are unique");
        for case in &cases {
            let (status, challenge, content_type, body) = core_answer(&verifier, case).await;
            case.assert(status, challenge.as_deref(), content_type, &body);
            if case.expect.is_accepted() {
                assert_eq!(body, SUBJECT, "{}", case.name);
            }
        }
        let accepted = cases.iter().filter(|c| c.expect.is_accepted()).count();
        assert_eq!(accepted, 4);
    }

    #[tokio::test]
    async fn the_unknown_kid_is_never_published() {
        let tenant = TestTenant::start().await;
        for _ in 0..8 {
            tenant.rotate();
        }
        let published: Vec<String> = tenant
            .published_keys()
            .iter()
            .map(|k| k.kid().to_owned())
            .collect();
        assert!(published.iter().any(|kid| kid == "rsa-7"));
        let cases = bearer_cases(&tenant);
        let Some(case) = cases.iter().find(|c| c.name == "unknown kid") else {
            panic!("no unknown kid case")
        };
        let token = case.authorization[0].trim_start_matches("Bearer ");
        let header = token.split('.').next().unwrap_or_default();
        let header = super::super::basics::b64_decode(header).unwrap_or_default();
        let header: Value = serde_json::from_slice(&header).unwrap_or_default();
        let kid = header["kid"].as_str().unwrap_or_default();
        assert!(kid.starts_with("rsa-"), "{header}");
        assert!(!published.iter().any(|p| p == kid), "{kid}");
    }

    const REALM: &str = "https://api.example.com";
    const CHALLENGE: &str = r#"Bearer realm="https://api.example.com""#;
    const REFUSAL: &str = r#"Bearer realm="https://api.example.com", error="invalid_token", error_description="expired""#;
    const BODY: &str = r#"{"error":"invalid_token","error_description":"expired"}"#;
    const JSON: Option<&str> = Some("application/json");

    #[test]
    fn check_accepts_exact_answers() {
        let bare = Expected::challenge(REALM);
        assert_eq!(bare.check(401, Some(CHALLENGE), None, ""), Ok(()));
        let refused = Expected::refused(401, "invalid_token", REALM);
        assert_eq!(refused.check(401, Some(REFUSAL), JSON, BODY), Ok(()));
        let accepted = Expected::accepted();
        assert_eq!(accepted.check(200, None, None, "anything"), Ok(()));
        let any_realm = Expected {
            realm: None,
            ..Expected::challenge("unused")
        };
        assert_eq!(
            any_realm.check(401, Some(r#"Bearer realm="x""#), None, ""),
            Ok(())
        );
    }

    #[test]
    fn check_reports_every_difference() {
        let bare = Expected::challenge(REALM);
        let refused = Expected::refused(401, "invalid_token", REALM);
        let accepted = Expected::accepted();
        let wrong = [
            (&bare, 400, Some(CHALLENGE), None, ""),
            (&bare, 401, None, None, ""),
            (&bare, 401, Some("DPoP algs=\"ES256\""), None, ""),
            (&bare, 401, Some("Bearerrealm=\"x\""), None, ""),
            (&bare, 401, Some(r#"Bearer realm="other""#), None, ""),
            (&bare, 401, Some(REFUSAL), None, ""),
            (&bare, 401, Some(CHALLENGE), None, "{}"),
            (&refused, 401, Some(CHALLENGE), JSON, BODY),
            (&refused, 401, Some(REFUSAL), None, BODY),
            (&refused, 401, Some(REFUSAL), JSON, "not json"),
            (
                &refused,
                401,
                Some(REFUSAL),
                JSON,
                r#"{"error":"invalid_request","error_description":"x"}"#,
            ),
            (
                &refused,
                401,
                Some(REFUSAL),
                JSON,
                r#"{"error":"invalid_token"}"#,
            ),
            (&accepted, 200, Some(CHALLENGE), None, ""),
        ];
        for (expected, status, challenge, content_type, body) in wrong {
            assert!(
                expected
                    .check(status, challenge, content_type, body)
                    .is_err(),
                "{expected:?} accepted {status} {challenge:?} {content_type:?} {body:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "conformance case \"expired\": status 200, expected 401")]
    fn assert_panics_with_the_case_name() {
        let case = Case::new(
            "expired",
            vec!["Bearer x".into()],
            Expected::refused(401, "invalid_token", REALM),
        );
        assert_eq!(case.header_values(), ["Bearer x"]);
        case.assert(200, None, None, "");
    }
}
