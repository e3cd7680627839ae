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
    let mut out = String::new();
    write_challenge(&mut out, scheme, params);
    out
}

/// Appends the challenge `scheme name="value", …` to `out`, the parameters whose value is
/// `None` left out, in one allocation at most: every refusal builds one, so a flood of them
/// should not grow a string a character at a time.
pub(crate) fn write_challenge(out: &mut String, scheme: &str, params: &[(&str, Option<&str>)]) {
    let params_len: usize = params
        .iter()
        .filter_map(|(name, value)| value.map(|v| name.len() + v.len() + 5))
        .sum();
    out.reserve(scheme.len() + params_len);
    out.push_str(scheme);
    let mut first = true;
    for (name, value) in params {
        if let Some(value) = value {
            out.push_str(if first { " " } else { ", " });
            first = false;
            write_param(out, name, value);
        }
    }
}

/// Appends `name="value"`, the value sanitised as in [`bearer_challenge`].
fn write_param(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str("=\"");
    // A value from the configuration or a fixed description needs no change: copied whole.
    if value.bytes().all(allowed_in_quoted_value) {
        out.push_str(value);
    } else {
        out.extend(
            value
                .chars()
                .filter(|c| u8::try_from(*c).is_ok_and(allowed_in_quoted_value)),
        );
    }
    out.push('"');
}

/// Printable ASCII without `"` and `\`.
const fn allowed_in_quoted_value(b: u8) -> bool {
    matches!(b, b' '..=b'~') && b != b'"' && b != b'\\'
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

    /// The sanitising rule, written the plain way.
    fn sanitised(value: &str) -> String {
        value
            .chars()
            .filter(|c| (' '..='~').contains(c) && *c != '"' && *c != '\\')
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn a_value_is_copied_or_sanitised_by_the_rule(
            value in proptest::prop_oneof![
                proptest::prelude::any::<String>(),
                "[ -~]{0,40}",
                "[ -~\"\\\\\t\r\né€]{0,40}",
            ]
        ) {
            let mut out = String::new();
            let params = [("realm", Some(value.as_str())), ("scope", None), ("error", Some("x"))];
            write_challenge(&mut out, "Bearer", &params);
            let expected = format!(r#"Bearer realm="{}", error="x""#, sanitised(&value));
            proptest::prop_assert_eq!(out, expected);
        }
    }

    #[test]
    fn params_without_a_value_are_left_out_and_the_rest_separated() {
        let mut out = String::new();
        write_challenge(
            &mut out,
            "DPoP",
            &[("realm", None), ("algs", Some("ES256")), ("error", None)],
        );
        assert_eq!(out, r#"DPoP algs="ES256""#);
        out.clear();
        write_challenge(&mut out, "Bearer", &[("realm", None)]);
        assert_eq!(out, "Bearer");
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
