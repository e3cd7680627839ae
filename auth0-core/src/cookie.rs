//! The access token from a named cookie, over raw `Cookie` header bytes (RFC 6265 §4.2.1), for
//! the requests a browser cannot put an `Authorization` header on: WebSocket upgrades and
//! `EventSource` (server-sent events).
//!
//! Opt-in in every adapter; the `Authorization` header wins whenever a request carries one (see
//! [`AccessTokenVerifier::verify_request_with_cookie`](crate::AccessTokenVerifier::verify_request_with_cookie)).
//!
//! A browser sends cookies with cross-site requests too, so a token in a cookie is open to
//! cross-site request forgery: set the cookie `SameSite=Strict` (or `Lax`, which still sends it
//! on top-level cross-site `GET` navigations), `Secure` and `HttpOnly`, accept it only on safe
//! (`GET`) endpoints such as WebSocket upgrades and event streams, and keep state-changing routes
//! on the header (or add CSRF protection to them).

use crate::bearer::{MAX_TOKEN_LEN, check_token68};
use crate::error::{ErrorKind, VerifyError};

/// Extracts the value of the cookie `name` from the values of every `Cookie` header of a
/// request, checked as an access token.
///
/// * Every header value is a `cookie-string` (RFC 6265 §4.2.1): `cookie-pair`s separated by
///   `;` and a space; several headers are read in turn (HTTP/2 sends one per cookie).
/// * Names are compared exactly (cookie names are case-sensitive). Other cookies are skipped
///   without being checked, so that an unrelated malformed cookie does not lock users out.
/// * No cookie of that name, or one with an empty value → `Ok(None)` (no credentials: 401
///   bare).
/// * The name twice, in one header or across headers → [`ErrorKind::MalformedRequest`]
///   (400 `invalid_request`): which one is the token would be a guess.
/// * A value outside the `cookie-value` grammar (a space, a comma, a backslash, an unbalanced
///   `"`, a control or non-ASCII byte) or outside the `b64token` alphabet →
///   [`ErrorKind::MalformedRequest`]; a value in double quotes is taken without them.
/// * A value longer than [`MAX_TOKEN_LEN`] → [`ErrorKind::Malformed`] (401 `invalid_token`),
///   as for the header.
///
/// A name that is not an RFC 9110 `token` (empty, or with a separator such as `=`, `;` or a
/// space) never matches.
///
/// ```
/// use auth0_core::cookie::cookie_token;
/// let headers = [&b"theme=dark; access_token=abc.def.ghi"[..]];
/// assert_eq!(cookie_token(headers, "access_token").unwrap(), Some("abc.def.ghi"));
/// assert_eq!(cookie_token(headers, "session").unwrap(), None);
/// let twice = [&b"access_token=a.b.c"[..], &b"access_token=d.e.f"[..]];
/// assert!(cookie_token(twice, "access_token").is_err());
/// ```
///
/// # Errors
/// As listed above.
pub fn cookie_token<'a, I>(cookie_values: I, name: &str) -> Result<Option<&'a str>, VerifyError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    match cookie_value(cookie_values, name)? {
        Some(raw) => check_token68(raw).map(Some),
        None => Ok(None),
    }
}

/// The structural half of [`cookie_token`]: the value of the only cookie `name`, in the
/// `cookie-value` grammar and within the size cap; the `b64token` alphabet is left to
/// [`check_token68`] (the verifier skips that scan for a token its cache holds).
pub(crate) fn cookie_value<'a, I>(
    cookie_values: I,
    name: &str,
) -> Result<Option<&'a [u8]>, VerifyError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let name = name.as_bytes();
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Ok(None);
    }
    let mut found: Option<&'a [u8]> = None;
    for header in cookie_values {
        for pair in header.split(|&b| b == b';') {
            // `"; "` separates pairs; tolerate the space missing or doubled.
            let start = pair.iter().position(|&b| b != b' ').unwrap_or(pair.len());
            let pair = &pair[start..];
            let Some(eq) = pair.iter().position(|&b| b == b'=') else {
                continue;
            };
            if &pair[..eq] != name {
                continue;
            }
            if found.is_some() {
                return Err(ErrorKind::MalformedRequest.into());
            }
            found = Some(unquote(&pair[eq + 1..])?);
        }
    }
    match found {
        None => Ok(None),
        Some([]) => Ok(None),
        Some(value) if value.len() > MAX_TOKEN_LEN => Err(ErrorKind::Malformed.into()),
        Some(value) => Ok(Some(value)),
    }
}

/// `cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )`: the octets, without the
/// quotes.
fn unquote(value: &[u8]) -> Result<&[u8], VerifyError> {
    let inner = match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
    };
    if inner.iter().all(|&b| is_cookie_octet(b)) {
        Ok(inner)
    } else {
        Err(ErrorKind::MalformedRequest.into())
    }
}

/// `cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E`: visible ASCII except `"`,
/// `,`, `;` and `\`.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// `tchar` (RFC 9110 §5.6.2), the characters of a cookie name.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const NAME: &str = "access_token";

    fn parse(headers: &[&str]) -> Result<Option<&'static str>, ErrorKind> {
        let headers: Vec<&'static [u8]> = headers
            .iter()
            .map(|h| &*Box::leak(h.as_bytes().to_vec().into_boxed_slice()))
            .collect();
        cookie_token(headers, NAME).map_err(|e| e.kind().clone())
    }

    #[test]
    fn finds_the_named_cookie() {
        assert_eq!(parse(&["access_token=a.b.c"]), Ok(Some("a.b.c")));
        assert_eq!(parse(&["x=1; access_token=a.b.c; y=2"]), Ok(Some("a.b.c")));
        assert_eq!(parse(&["x=1;access_token=a.b.c"]), Ok(Some("a.b.c")));
        assert_eq!(parse(&["x=1;  access_token=a.b.c"]), Ok(Some("a.b.c")));
        // Quoted values, padding, the whole token68 alphabet.
        assert_eq!(parse(&[r#"access_token="a.b.c""#]), Ok(Some("a.b.c")));
        assert_eq!(
            parse(&["access_token=aZ09-._~+/=="]),
            Ok(Some("aZ09-._~+/=="))
        );
        // HTTP/2: one header per cookie.
        assert_eq!(
            parse(&["x=1", "access_token=a.b.c", "y=2"]),
            Ok(Some("a.b.c"))
        );
    }

    #[test]
    fn absent_is_no_credentials() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&[""]), Ok(None));
        assert_eq!(parse(&["x=1; y=2"]), Ok(None));
        // Names are case-sensitive and compared whole.
        assert_eq!(parse(&["Access_Token=a.b.c"]), Ok(None));
        assert_eq!(
            parse(&["my_access_token=a.b.c; access_token_2=d"]),
            Ok(None)
        );
        assert_eq!(parse(&["access_token"]), Ok(None));
        // The name inside another cookie's value is not the cookie.
        assert_eq!(parse(&["x=access_token=a.b.c"]), Ok(None));
        // A cleared cookie.
        assert_eq!(parse(&["access_token="]), Ok(None));
        assert_eq!(parse(&[r#"access_token="""#]), Ok(None));
        // Unrelated malformed cookies are skipped.
        assert_eq!(
            parse(&["junk; x=has space; access_token=a.b.c; z=\"q"]),
            Ok(Some("a.b.c"))
        );
        // The query string is never read: only Cookie values are given.
    }

    #[test]
    fn duplicates_are_malformed() {
        for headers in [
            &["access_token=a.b.c; access_token=a.b.c"][..],
            &["access_token=a.b.c; access_token=d.e.f"],
            &["access_token=a.b.c", "access_token=d.e.f"],
            &["access_token=; access_token=a.b.c"],
        ] {
            assert_eq!(
                parse(headers),
                Err(ErrorKind::MalformedRequest),
                "{headers:?}"
            );
        }
    }

    #[test]
    fn malformed_values() {
        for value in [
            "access_token=a b",
            "access_token=a.b.c ",
            "access_token=a,b",
            "access_token=a\\b",
            "access_token=\"a.b.c",
            "access_token=a.b.c\"",
            "access_token=\"a\"b\"",
            "access_token=a\tb",
            "access_token=a\u{e9}b",
            // Cookie octets outside the token68 alphabet.
            "access_token=a!b",
            "access_token=a:b",
            "access_token==abc",
            "access_token=a=b",
        ] {
            assert_eq!(
                parse(&[value]),
                Err(ErrorKind::MalformedRequest),
                "{value:?}"
            );
        }
        // Control bytes and non-UTF-8 bytes in the value.
        let raw: [&[u8]; 2] = [b"access_token=a\x00b", b"access_token=a\xffb"];
        for value in raw {
            assert_eq!(
                cookie_token([value], NAME).unwrap_err().kind(),
                &ErrorKind::MalformedRequest
            );
        }
    }

    #[test]
    fn size_cap_as_for_the_header() {
        let at_cap = format!("access_token={}", "a".repeat(MAX_TOKEN_LEN));
        assert_eq!(parse(&[&at_cap]).unwrap().unwrap().len(), MAX_TOKEN_LEN);
        let over = format!("access_token={}", "a".repeat(MAX_TOKEN_LEN + 1));
        assert_eq!(parse(&[&over]), Err(ErrorKind::Malformed));
    }

    #[test]
    fn names_that_are_not_tokens_never_match() {
        for name in ["", "a b", "a=b", "a;b", "a\"b", "é"] {
            let header = format!("{name}=a.b.c");
            assert_eq!(
                cookie_token([header.as_bytes()], name).unwrap(),
                None,
                "{name:?}"
            );
        }
        assert_eq!(
            cookie_token([&b"__Host-at=a.b.c"[..]], "__Host-at").unwrap(),
            Some("a.b.c")
        );
    }
}
