//! The answer each request must get under the examples' HTTP contract, and the check of an
//! actual answer: a cheap one (status and challenge) for throughput runs, the full RFC 6750
//! check of the test kit (status, challenge, `Content-Type`, JSON body) for the soak.

use auth0_core::testing::conformance::Expected;

/// What the contract predicts for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// 200, no challenge.
    Ok,
    /// 401 with a bare `Bearer realm="…"` challenge (no credentials).
    Bare,
    /// 400 `invalid_request` (a malformed `Authorization`).
    InvalidRequest,
    /// 401 `invalid_token` (a token failing any check).
    InvalidToken,
    /// 403 `insufficient_scope`.
    InsufficientScope,
}

/// The parts of an answer the checks look at.
pub(crate) struct Answer<'a> {
    pub(crate) status: u16,
    pub(crate) challenge: Option<&'a str>,
    pub(crate) content_type: Option<&'a str>,
    /// The body, when it was read as text (full checks only).
    pub(crate) body: Option<&'a str>,
}

impl Expect {
    /// The expected status.
    pub(crate) fn status(self) -> u16 {
        match self {
            Expect::Ok => 200,
            Expect::Bare | Expect::InvalidToken => 401,
            Expect::InvalidRequest => 400,
            Expect::InsufficientScope => 403,
        }
    }

    /// The RFC 6750 error code on the challenge, if any.
    pub(crate) fn code(self) -> Option<&'static str> {
        match self {
            Expect::Ok | Expect::Bare => None,
            Expect::InvalidRequest => Some("invalid_request"),
            Expect::InvalidToken => Some("invalid_token"),
            Expect::InsufficientScope => Some("insufficient_scope"),
        }
    }

    /// The test kit's expectation with the example's realm (its audience).
    fn expected(self, realm: &str) -> Expected {
        match (self, self.code()) {
            (Expect::Ok, _) => Expected::accepted(),
            (Expect::Bare, _) | (_, None) => Expected::challenge(realm),
            (_, Some(code)) => Expected::refused(self.status(), code, realm),
        }
    }

    /// Checks an answer. With a body, the full check of the test kit; without, the status and
    /// the challenge (scheme, realm, error code) only.
    ///
    /// # Errors
    /// What differs, in a sentence.
    pub(crate) fn check(self, answer: &Answer<'_>, realm: &str) -> Result<(), String> {
        if let Some(body) = answer.body {
            return self.expected(realm).check(
                answer.status,
                answer.challenge,
                answer.content_type,
                body,
            );
        }
        if answer.status != self.status() {
            return Err(format!(
                "status {}, expected {}",
                answer.status,
                self.status()
            ));
        }
        match (self, answer.challenge) {
            (Expect::Ok, None) => Ok(()),
            (Expect::Ok, Some(c)) => Err(format!("unexpected challenge {c:?}")),
            (_, None) => Err("no WWW-Authenticate challenge".to_owned()),
            (_, Some(c)) => {
                if !c.starts_with("Bearer ") {
                    return Err(format!("challenge {c:?} is not Bearer"));
                }
                match self.code() {
                    Some(code) if !contains_param(c, "error", code) => {
                        Err(format!("challenge {c:?} does not carry error={code:?}"))
                    }
                    None if c.contains("error=") => Err(format!("challenge {c:?} is not bare")),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Whether a challenge carries `name="value"`.
fn contains_param(challenge: &str, name: &str, value: &str) -> bool {
    challenge.match_indices(name).any(|(i, _)| {
        let rest = &challenge[i + name.len()..];
        rest.strip_prefix("=\"")
            .and_then(|r| r.strip_prefix(value))
            .is_some_and(|r| r.starts_with('"'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, challenge: Option<&str>) -> Answer<'_> {
        Answer {
            status,
            challenge,
            content_type: None,
            body: None,
        }
    }

    #[test]
    fn cheap_checks() {
        let realm = "https://api.example.com";
        let bare = r#"Bearer realm="https://api.example.com""#;
        let invalid = r#"Bearer realm="https://api.example.com", error="invalid_token", error_description="x""#;
        assert!(Expect::Ok.check(&answer(200, None), realm).is_ok());
        assert!(Expect::Ok.check(&answer(200, Some(bare)), realm).is_err());
        assert!(Expect::Bare.check(&answer(401, Some(bare)), realm).is_ok());
        assert!(
            Expect::Bare
                .check(&answer(401, Some(invalid)), realm)
                .is_err()
        );
        assert!(
            Expect::InvalidToken
                .check(&answer(401, Some(invalid)), realm)
                .is_ok()
        );
        assert!(
            Expect::InvalidToken
                .check(&answer(401, Some(bare)), realm)
                .is_err()
        );
        assert!(
            Expect::InvalidToken
                .check(&answer(503, None), realm)
                .is_err()
        );
        assert!(
            Expect::InvalidRequest
                .check(&answer(401, Some(invalid)), realm)
                .is_err()
        );
    }

    #[test]
    fn full_checks_use_the_kit() {
        let realm = "r";
        let challenge = r#"Bearer realm="r", error="insufficient_scope", scope="read:messages""#;
        let body = r#"{"error":"insufficient_scope","error_description":"d"}"#;
        let full = Answer {
            status: 403,
            challenge: Some(challenge),
            content_type: Some("application/json"),
            body: Some(body),
        };
        assert!(Expect::InsufficientScope.check(&full, realm).is_ok());
        let no_json = Answer {
            body: Some("nope"),
            ..full
        };
        assert!(Expect::InsufficientScope.check(&no_json, realm).is_err());
    }
}
