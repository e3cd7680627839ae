//! The one mapping from a verification failure to an HTTP answer (RFC 6750 §3, RFC 9110 §11).
//!
//! Core speaks plain data here (a `u16` status, header values as strings) so that every adapter,
//! whatever its `http` crate version, answers the same way.

/// Whether the verifier accepts DPoP-bound access tokens (`Authorization: DPoP …` with a
/// `DPoP` proof header).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DpopMode {
    /// Bearer tokens only; the `DPoP` scheme is not supported (the default).
    #[default]
    Disabled,
    /// Bearer and DPoP tokens; a DPoP-bound token must come with its proof.
    Allowed,
    /// DPoP tokens only; the `Bearer` scheme is not supported.
    Required,
}

/// The RFC 6750 §3.1 error code of a bearer challenge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BearerErrorCode {
    /// The request is malformed: 400.
    InvalidRequest,
    /// The token is expired, malformed or otherwise invalid: 401.
    InvalidToken,
    /// The token lacks a required scope or permission: 403.
    InsufficientScope,
    /// The DPoP proof is invalid (RFC 9449 §7.1): 400.
    InvalidDpopProof,
}

impl BearerErrorCode {
    /// The code as written in the challenge and the JSON body.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::InvalidDpopProof => "invalid_dpop_proof",
        }
    }
}

/// What an adapter sends back for a failed request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// HTTP status: 400, 401, 403 or 503.
    pub status: u16,
    /// The RFC 6750 error code, absent when no credentials were sent (and for 503).
    pub error: Option<BearerErrorCode>,
    /// A fixed, short description; never contains token content.
    pub description: Option<&'static str>,
    /// The `WWW-Authenticate` value, absent for 503.
    pub www_authenticate: Option<String>,
    /// Seconds for a `Retry-After` header (503 only).
    pub retry_after: Option<u64>,
}

impl Outcome {
    /// The JSON body `{"error": …, "error_description": …}` when an error code applies.
    pub fn json_body(&self) -> Option<String> {
        let error = self.error?;
        let mut body = String::with_capacity(96);
        body.push_str("{\"error\":\"");
        body.push_str(error.as_str());
        body.push('"');
        if let Some(d) = self.description {
            body.push_str(",\"error_description\":\"");
            body.push_str(d); // fixed ASCII strings without quotes or backslashes
            body.push('"');
        }
        body.push('}');
        Some(body)
    }
}

/// Builds a `Bearer` challenge. `realm`, `description` and `scope` are sanitised to the
/// characters RFC 6750 §3 allows inside quoted values.
pub fn bearer_challenge(
    realm: Option<&str>,
    error: Option<BearerErrorCode>,
    description: Option<&str>,
    scope: Option<&str>,
) -> String {
    challenge(
        "Bearer",
        &[
            ("realm", realm),
            ("error", error.map(BearerErrorCode::as_str)),
            ("error_description", description),
            ("scope", scope),
        ],
    )
}

/// Builds a `DPoP` challenge (RFC 9449 §7.1): `realm`, `algs` (the accepted proof algorithms),
/// then the error attributes.
pub fn dpop_challenge(
    realm: Option<&str>,
    algs: &str,
    error: Option<BearerErrorCode>,
    description: Option<&str>,
    scope: Option<&str>,
) -> String {
    challenge(
        "DPoP",
        &[
            ("realm", realm),
            ("algs", Some(algs).filter(|a| !a.is_empty())),
            ("error", error.map(BearerErrorCode::as_str)),
            ("error_description", description),
            ("scope", scope),
        ],
    )
}

/// `scheme name="value", …`, values sanitised to the characters RFC 6750 §3 allows inside
/// quoted values (printable ASCII without `"` and `\`).
fn challenge(scheme: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut out = String::from(scheme);
    for (name, value) in params {
        if let Some(value) = value {
            push_param(&mut out, name, value);
        }
    }
    out
}

/// Appends `name="value"` to the single challenge `out` (`scheme` or `scheme a="b", …`), the
/// value sanitised as in [`bearer_challenge`].
pub(crate) fn push_param(out: &mut String, name: &str, value: &str) {
    out.push_str(if out.contains(' ') { ", " } else { " " });
    out.push_str(name);
    out.push_str("=\"");
    out.extend(
        value
            .chars()
            .filter(|c| (' '..='~').contains(c) && *c != '"' && *c != '\\'),
    );
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_shapes() {
        assert_eq!(
            bearer_challenge(Some("api"), None, None, None),
            r#"Bearer realm="api""#
        );
        assert_eq!(bearer_challenge(None, None, None, None), "Bearer");
        assert_eq!(
            bearer_challenge(
                Some("api"),
                Some(BearerErrorCode::InsufficientScope),
                Some("Insufficient scope"),
                Some("read:messages")
            ),
            r#"Bearer realm="api", error="insufficient_scope", error_description="Insufficient scope", scope="read:messages""#
        );
    }

    #[test]
    fn challenge_strips_quotes_and_controls() {
        let c = bearer_challenge(Some("a\"b\\c\r\nd"), None, None, None);
        assert_eq!(c, r#"Bearer realm="abcd""#);
    }

    #[test]
    fn json_body_only_with_code() {
        let o = Outcome {
            status: 401,
            error: None,
            description: None,
            www_authenticate: None,
            retry_after: None,
        };
        assert_eq!(o.json_body(), None);
        let o = Outcome {
            error: Some(BearerErrorCode::InvalidToken),
            description: Some("Invalid token"),
            ..o
        };
        assert_eq!(
            o.json_body().unwrap(),
            r#"{"error":"invalid_token","error_description":"Invalid token"}"#
        );
    }
}
