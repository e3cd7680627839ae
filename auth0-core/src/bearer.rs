//! `Authorization: Bearer` parsing over raw header bytes (RFC 6750 §2.1, RFC 9110 §11), shared by
//! every adapter so that all of them accept and refuse exactly the same requests.

use crate::error::{ErrorKind, VerifyError};

/// The largest token accepted, in bytes. Auth0 access tokens with many permissions reach a few
/// KiB; anything beyond this is refused before any decoding.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Extracts the bearer token from the values of every `Authorization` header of a request.
///
/// * no header, or only another scheme (`Basic`, `DPoP`, …) → [`ErrorKind::MissingCredentials`] (401, no error code);
/// * several headers, no token, a TAB separator, trailing parts, characters outside the
///   `b64token` alphabet → [`ErrorKind::MalformedRequest`] (400 `invalid_request`);
/// * a token longer than [`MAX_TOKEN_LEN`] → [`ErrorKind::Malformed`] (401 `invalid_token`).
///
/// The scheme is matched case-insensitively; one or more spaces may separate it from the token.
///
/// ```
/// use auth0_core::bearer::bearer_token;
/// assert_eq!(bearer_token([&b"bearer abc.def.ghi"[..]]).unwrap(), "abc.def.ghi");
/// assert!(bearer_token([&b"Basic dXNlcjpwYXNz"[..]]).unwrap_err().is_missing_credentials());
/// ```
pub fn bearer_token<'a, I>(values: I) -> Result<&'a str, VerifyError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    match credentials(values)? {
        (Scheme::Bearer, token) => Ok(token),
        (Scheme::DPoP, _) => Err(ErrorKind::MissingCredentials.into()),
    }
}

/// The authentication scheme of an access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// `Authorization: Bearer <token>` (RFC 6750).
    Bearer,
    /// `Authorization: DPoP <token>` with a `DPoP` proof header (RFC 9449).
    DPoP,
}

/// Like [`bearer_token`], accepting the `DPoP` scheme too (same token68 rules).
///
/// # Errors
/// As [`bearer_token`].
pub fn credentials<'a, I>(values: I) -> Result<(Scheme, &'a str), VerifyError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let (scheme, token) = split_credentials(values)?;
    Ok((scheme, check_token68(token)?))
}

/// The structural half of [`credentials`]: one header, a known scheme, SP separators, a token
/// within the size cap. The alphabet is checked by [`check_token68`]; the verifier skips that
/// scan for a token its cache already holds (such a token passed it when it was verified).
pub(crate) fn split_credentials<'a, I>(values: I) -> Result<(Scheme, &'a [u8]), VerifyError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut values = values.into_iter();
    let Some(value) = values.next() else {
        return Err(ErrorKind::MissingCredentials.into());
    };
    if values.next().is_some() {
        return Err(ErrorKind::MalformedRequest.into());
    }
    parse_one(value)
}

/// The token as text if it is a `b64token`, else [`ErrorKind::MalformedRequest`].
pub(crate) fn check_token68(token: &[u8]) -> Result<&str, VerifyError> {
    check_b64token(token)?;
    std::str::from_utf8(token).map_err(|_| ErrorKind::MalformedRequest.into())
}

/// [`check_token68`] for a token already known to be text: the alphabet scan alone.
pub(crate) fn check_b64token(token: &[u8]) -> Result<(), VerifyError> {
    if is_b64token(token) {
        Ok(())
    } else {
        Err(ErrorKind::MalformedRequest.into())
    }
}

fn parse_one(value: &[u8]) -> Result<(Scheme, &[u8]), VerifyError> {
    let malformed = || VerifyError::new(ErrorKind::MalformedRequest);
    let scheme_end = value
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(value.len());
    let scheme = &value[..scheme_end];
    if scheme.is_empty() {
        return Err(malformed());
    }
    let scheme = if scheme.eq_ignore_ascii_case(b"bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case(b"dpop") {
        Scheme::DPoP
    } else {
        // Another authentication scheme: the client did not attempt token authentication.
        return Err(ErrorKind::MissingCredentials.into());
    };
    let rest = &value[scheme_end..];
    let token_start = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
    if token_start == 0 && !rest.is_empty() {
        return Err(malformed()); // TAB (or other whitespace) instead of SP
    }
    let token = &rest[token_start..];
    if token.is_empty() {
        return Err(malformed());
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(ErrorKind::Malformed.into());
    }
    Ok((scheme, token))
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
fn is_b64token(token: &[u8]) -> bool {
    let body_len = token.len() - token.iter().rev().take_while(|&&b| b == b'=').count();
    body_len > 0 && all_b64token_bytes(&token[..body_len])
}

/// Whether `b` is in the `b64token` alphabet (without `=`): arithmetic rather than a table, so
/// that the scan over a whole token runs as vector instructions. `-`, `.`, `/` and the digits
/// are one run of ASCII (`0x2D..=0x39`), which saves three comparisons per byte.
#[inline(always)]
fn is_b64token_byte(b: u8) -> bool {
    let alpha = (b | 0x20).wrapping_sub(b'a') < 26;
    let dash_dot_slash_digit = b.wrapping_sub(b'-') < 13;
    alpha | dash_dot_slash_digit | (b == b'_') | (b == b'~') | (b == b'+')
}

fn all_b64token_bytes(bytes: &[u8]) -> bool {
    crate::byte_scan::first_outside(bytes, is_b64token_byte).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &str) -> Result<&str, ErrorKind> {
        bearer_token([v.as_bytes()]).map_err(|e| e.kind().clone())
    }

    #[test]
    fn accepts_bearer_variants() {
        assert_eq!(parse("Bearer abc.def.ghi"), Ok("abc.def.ghi"));
        assert_eq!(parse("bearer abc"), Ok("abc"));
        assert_eq!(parse("BEARER abc"), Ok("abc"));
        assert_eq!(parse("Bearer    abc"), Ok("abc"));
        assert_eq!(parse("Bearer a-b_c~d+e/f=="), Ok("a-b_c~d+e/f=="));
    }

    #[test]
    fn no_credentials_is_bare() {
        assert_eq!(
            bearer_token(std::iter::empty()).map_err(|e| e.kind().clone()),
            Err(ErrorKind::MissingCredentials)
        );
        assert_eq!(
            parse("Basic dXNlcjpwYXNz"),
            Err(ErrorKind::MissingCredentials)
        );
        assert_eq!(parse("DPoP abc"), Err(ErrorKind::MissingCredentials));
        assert_eq!(parse("Bearerabc"), Err(ErrorKind::MissingCredentials));
    }

    #[test]
    fn malformed_is_invalid_request() {
        for v in [
            "",
            "Bearer",
            "Bearer ",
            "Bearer   ",
            "Bearer\tabc",
            "Bearer \tabc",
            "Bearer abc def",
            "Bearer abc,Bearer def",
            "Bearer a{b",
            "Bearer a\"b",
            "Bearer ab=c",
            "Bearer ===",
            " Bearer abc",
            "Bearer abc\t",
        ] {
            assert_eq!(parse(v), Err(ErrorKind::MalformedRequest), "{v:?}");
        }
        assert_eq!(parse("Bearer é"), Err(ErrorKind::MalformedRequest));
    }

    #[test]
    fn several_headers_are_malformed() {
        let r = bearer_token([&b"Bearer a"[..], &b"Bearer b"[..]]);
        assert_eq!(
            r.map_err(|e| e.kind().clone()),
            Err(ErrorKind::MalformedRequest)
        );
    }

    #[test]
    fn oversized_token_is_invalid_token() {
        let v = format!("Bearer {}", "a".repeat(MAX_TOKEN_LEN + 1));
        assert_eq!(parse(&v), Err(ErrorKind::Malformed));
        let v = format!("Bearer {}", "a".repeat(MAX_TOKEN_LEN));
        assert!(parse(&v).is_ok());
    }

    #[test]
    fn alphabet_scan_matches_the_grammar_for_every_byte() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
            assert_eq!(is_b64token_byte(b), expected, "byte {b:#04x}");
            // Also in the middle of a long token (the chunked scan).
            let mut long = vec![b'a'; 300];
            long[200] = b;
            assert_eq!(all_b64token_bytes(&long), expected, "byte {b:#04x} at 200");
        }
    }
}
