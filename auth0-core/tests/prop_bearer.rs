//! Property tests of the `Authorization` parse (`bearer_token`, `credentials`): it accepts
//! exactly RFC 6750's `credentials = "Bearer" 1*SP b64token` (scheme case-insensitive, SP only,
//! the size cap), returns the token unchanged, and answers everything else with the outcome of
//! the status-code policy (400 `invalid_request` for a malformed header, 401 bare for no
//! credentials or another scheme, 401 `invalid_token` for an oversized token).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth0_core::bearer::{MAX_TOKEN_LEN, Scheme, bearer_token, credentials};
use auth0_core::{BearerErrorCode, ErrorKind, VerifyError};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The characters of `b64token` before its `=` padding (RFC 6750 §2.1).
const B64TOKEN_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The reference: the grammar, written from the RFC text, independently of the parser.
// ---------------------------------------------------------------------------------------------

/// What the policy says about one `Authorization` value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expected {
    /// `Bearer` credentials: the token.
    Bearer(Vec<u8>),
    /// Well-formed `DPoP` credentials: the token (no bearer credentials for `bearer_token`).
    DPoP(Vec<u8>),
    /// No bearer credentials: another scheme (401 bare).
    OtherScheme,
    /// A malformed header (400 `invalid_request`).
    BadRequest,
    /// A well-formed token over the size cap (401 `invalid_token`).
    TooLong,
}

fn is_b64token_char(b: u8) -> bool {
    B64TOKEN_CHARS.contains(&b)
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`, as a two-state
/// matcher: body characters, then only `=`.
fn reference_b64token(token: &[u8]) -> bool {
    let mut body = 0usize;
    let mut in_padding = false;
    for &b in token {
        if b == b'=' {
            in_padding = true;
        } else if in_padding || !is_b64token_char(b) {
            return false;
        } else {
            body += 1;
        }
    }
    body >= 1
}

/// `credentials = auth-scheme [ 1*SP token68 ]` for the two schemes the crate knows; the
/// auth-scheme is the text before the first SP or HTAB, compared case-insensitively.
fn reference(value: &[u8]) -> Expected {
    let word_end = value
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(value.len());
    let (word, rest) = value.split_at(word_end);
    let lower: Vec<u8> = word.to_ascii_lowercase();
    let dpop = match lower.as_slice() {
        b"" => return Expected::BadRequest,
        b"bearer" => false,
        b"dpop" => true,
        _ => return Expected::OtherScheme,
    };
    // 1*SP, then the token: nothing else (no HTAB, no second part).
    let spaces = rest.iter().take_while(|&&b| b == b' ').count();
    let token = &rest[spaces..];
    if spaces == 0 || token.is_empty() {
        return Expected::BadRequest;
    }
    if token.len() > MAX_TOKEN_LEN {
        return Expected::TooLong;
    }
    if !reference_b64token(token) {
        return Expected::BadRequest;
    }
    if dpop {
        Expected::DPoP(token.to_vec())
    } else {
        Expected::Bearer(token.to_vec())
    }
}

/// Checks `bearer_token` and `credentials` on one value against the reference, including the
/// HTTP outcome of a refusal.
fn check_against_reference(value: &[u8]) -> Result<(), TestCaseError> {
    let expected = reference(value);
    let parsed = bearer_token([value]);
    let both = credentials([value]);
    match &expected {
        Expected::Bearer(token) => {
            let got = parsed.map_err(|e| TestCaseError::fail(format!("refused: {e:?}")))?;
            prop_assert_eq!(got.as_bytes(), token.as_slice());
            let (scheme, got) = both.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(scheme, Scheme::Bearer);
            prop_assert_eq!(got.as_bytes(), token.as_slice());
        }
        Expected::DPoP(token) => {
            let err = parsed.expect_err("a DPoP credential is no bearer token");
            check_missing(&err)?;
            let (scheme, got) = both.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(scheme, Scheme::DPoP);
            prop_assert_eq!(got.as_bytes(), token.as_slice());
        }
        Expected::OtherScheme => {
            check_missing(&parsed.expect_err("another scheme"))?;
            check_missing(&both.expect_err("another scheme"))?;
        }
        Expected::BadRequest => {
            check_bad_request(&parsed.expect_err("malformed"))?;
            check_bad_request(&both.expect_err("malformed"))?;
        }
        Expected::TooLong => {
            check_too_long(&parsed.expect_err("oversized"))?;
            check_too_long(&both.expect_err("oversized"))?;
        }
    }
    Ok(())
}

/// 401 with a bare `Bearer realm="…"` challenge.
fn check_missing(err: &VerifyError) -> Result<(), TestCaseError> {
    prop_assert_eq!(err.kind(), &ErrorKind::MissingCredentials);
    let outcome = err.outcome(Some("api"));
    prop_assert_eq!(outcome.status, 401);
    prop_assert_eq!(outcome.error, None);
    prop_assert_eq!(
        outcome.www_authenticate.as_deref(),
        Some(r#"Bearer realm="api""#)
    );
    Ok(())
}

/// 400 `invalid_request`.
fn check_bad_request(err: &VerifyError) -> Result<(), TestCaseError> {
    prop_assert_eq!(err.kind(), &ErrorKind::MalformedRequest);
    let outcome = err.outcome(Some("api"));
    prop_assert_eq!(outcome.status, 400);
    prop_assert_eq!(outcome.error, Some(BearerErrorCode::InvalidRequest));
    let challenge = outcome.www_authenticate.unwrap_or_default();
    prop_assert!(
        challenge.contains(r#"error="invalid_request""#),
        "{}",
        challenge
    );
    Ok(())
}

/// 401 `invalid_token`.
fn check_too_long(err: &VerifyError) -> Result<(), TestCaseError> {
    prop_assert_eq!(err.kind(), &ErrorKind::Malformed);
    let outcome = err.outcome(Some("api"));
    prop_assert_eq!(outcome.status, 401);
    prop_assert_eq!(outcome.error, Some(BearerErrorCode::InvalidToken));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------------

fn b64token_char() -> impl Strategy<Value = u8> {
    proptest::sample::select(B64TOKEN_CHARS)
}

/// A `b64token` body (no `=`), 1 to `max` characters.
fn b64token_body(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(b64token_char(), 1..=max)
        .prop_map(|bytes| String::from_utf8(bytes).unwrap())
}

/// A `b64token`: a body and zero to three `=`.
fn b64token() -> impl Strategy<Value = String> {
    (b64token_body(64), 0..=3usize).prop_map(|(body, pad)| body + &"=".repeat(pad))
}

/// `word` with each letter's case chosen at random.
fn any_case(word: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<bool>(), word.len()).prop_map(move |upper| {
        word.chars()
            .zip(upper)
            .map(|(c, u)| {
                if u {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    })
}

fn spaces() -> impl Strategy<Value = String> {
    (1..=8usize).prop_map(|n| " ".repeat(n))
}

/// A byte that may not appear in a `b64token` body: not in the alphabet, not `=`, not SP (a
/// leading SP would only lengthen the separator).
fn forbidden_byte() -> impl Strategy<Value = u8> {
    any::<u8>().prop_filter("outside the b64token alphabet", |&b| {
        !is_b64token_char(b) && b != b'=' && b != b' '
    })
}

/// An auth-scheme other than Bearer and DPoP: RFC 9110 `token` characters.
fn other_scheme() -> impl Strategy<Value = String> {
    "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}".prop_filter("not a known scheme", |s| {
        !s.eq_ignore_ascii_case("bearer") && !s.eq_ignore_ascii_case("dpop")
    })
}

/// Byte strings close to credentials: a scheme-like prefix, a separator, then bytes drawn mostly
/// from the interesting ones (the alphabet, `=`, SP, HTAB, comma, quote, non-ASCII, anything).
fn near_credentials() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop_oneof![
        any_case("bearer").prop_map(String::into_bytes),
        any_case("dpop").prop_map(String::into_bytes),
        Just(b"Basic".to_vec()),
        Just(b"Bearer:".to_vec()),
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    let separator = prop_oneof![
        Just(b" ".to_vec()),
        Just(b"   ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b" \t".to_vec()),
        Just(Vec::new()),
    ];
    let byte = prop_oneof![
        8 => b64token_char(),
        2 => Just(b'='),
        1 => Just(b' '),
        1 => Just(b'\t'),
        1 => Just(b','),
        1 => Just(b'"'),
        1 => Just(0xc3u8),
        1 => any::<u8>(),
    ];
    (prefix, separator, proptest::collection::vec(byte, 0..40))
        .prop_map(|(p, s, b)| [p, s, b].concat())
}

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    /// Credentials generated from the grammar are accepted and yield the generated token.
    #[test]
    fn grammar_credentials_are_accepted(
        scheme in any_case("bearer"),
        sp in spaces(),
        token in b64token(),
    ) {
        let value = format!("{scheme}{sp}{token}");
        prop_assert_eq!(bearer_token([value.as_bytes()]).unwrap(), token.as_str());
        prop_assert_eq!(
            credentials([value.as_bytes()]).unwrap(),
            (Scheme::Bearer, token.as_str())
        );
    }

    /// The DPoP scheme follows the same token rules; it is not a bearer credential.
    #[test]
    fn dpop_credentials_follow_the_same_rules(
        scheme in any_case("dpop"),
        sp in spaces(),
        token in b64token(),
    ) {
        let value = format!("{scheme}{sp}{token}");
        prop_assert_eq!(
            credentials([value.as_bytes()]).unwrap(),
            (Scheme::DPoP, token.as_str())
        );
        check_missing(&bearer_token([value.as_bytes()]).unwrap_err())?;
    }

    /// A character outside the alphabet anywhere in the token: 400 (decision D7).
    #[test]
    fn a_forbidden_byte_is_a_bad_request(
        token in b64token(),
        at in any::<proptest::sample::Index>(),
        bad in forbidden_byte(),
    ) {
        let mut bytes = token.into_bytes();
        bytes.insert(at.index(bytes.len() + 1), bad);
        let value = [b"Bearer ".as_slice(), &bytes].concat();
        check_bad_request(&bearer_token([value.as_slice()]).unwrap_err())?;
    }

    /// An inner space is a second part: 400.
    #[test]
    fn trailing_parts_are_a_bad_request(
        first in b64token(),
        sp in spaces(),
        second in b64token(),
    ) {
        let value = format!("Bearer {first}{sp}{second}");
        check_bad_request(&bearer_token([value.as_bytes()]).unwrap_err())?;
        let value = format!("Bearer {first},{sp}Bearer {second}");
        check_bad_request(&bearer_token([value.as_bytes()]).unwrap_err())?;
    }

    /// A trailing space after the token is a second (empty) part: 400.
    #[test]
    fn trailing_whitespace_is_a_bad_request(
        token in b64token(),
        tail in prop_oneof![Just(" "), Just("\t"), Just("  ")],
    ) {
        let value = format!("Bearer {token}{tail}");
        check_bad_request(&bearer_token([value.as_bytes()]).unwrap_err())?;
    }

    /// A `=` followed by another body character: 400.
    #[test]
    fn inner_padding_is_a_bad_request(
        head in b64token_body(32),
        pad in 1..=3usize,
        tail in b64token_body(32),
    ) {
        let value = format!("Bearer {head}{}{tail}", "=".repeat(pad));
        check_bad_request(&bearer_token([value.as_bytes()]).unwrap_err())?;
    }

    /// A separator with a HTAB anywhere in it: 400 (only SP separates).
    #[test]
    fn a_tab_separator_is_a_bad_request(
        scheme in any_case("bearer"),
        separator in "[ \t]{0,4}\t[ \t]{0,4}",
        token in b64token(),
    ) {
        let value = format!("{scheme}{separator}{token}");
        check_bad_request(&bearer_token([value.as_bytes()]).unwrap_err())?;
    }

    /// No token, or only padding: 400.
    #[test]
    fn an_empty_token_is_a_bad_request(
        scheme in any_case("bearer"),
        sp in "[ ]{0,8}",
        pad in "={0,4}",
    ) {
        // Without a space, `=` would be part of the first word: another scheme.
        let pad = if sp.is_empty() { "" } else { pad.as_str() };
        let value = format!("{scheme}{sp}{pad}");
        check_bad_request(&bearer_token([value.as_bytes()]).unwrap_err())?;
    }

    /// Another scheme, whatever follows it: 401 bare.
    #[test]
    fn another_scheme_is_no_credentials(
        scheme in other_scheme(),
        rest in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let value = [scheme.as_bytes(), b" ", &rest].concat();
        check_missing(&bearer_token([value.as_slice()]).unwrap_err())?;
        check_missing(&credentials([value.as_slice()]).unwrap_err())?;
    }

    /// More than one `Authorization` field, each well-formed: 400.
    #[test]
    fn several_fields_are_a_bad_request(
        tokens in proptest::collection::vec(b64token(), 2..5),
    ) {
        let values: Vec<String> = tokens.iter().map(|t| format!("Bearer {t}")).collect();
        let err = bearer_token(values.iter().map(|v| v.as_bytes())).unwrap_err();
        check_bad_request(&err)?;
    }

    /// The parser agrees with the reference grammar on byte strings near credentials.
    #[test]
    fn agrees_with_the_reference_near_credentials(value in near_credentials()) {
        check_against_reference(&value)?;
    }

    /// The parser agrees with the reference grammar on arbitrary byte strings.
    #[test]
    fn agrees_with_the_reference_on_any_bytes(
        value in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        check_against_reference(&value)?;
    }

    /// Long tokens (a real access token is a few hundred to a few thousand bytes): one byte
    /// anywhere, from any of the 256, decides alone whether the token is accepted. (A space
    /// at the start is one more separator, not part of the token.)
    #[test]
    fn one_byte_anywhere_in_a_long_token_decides(
        body in proptest::collection::vec(b64token_char(), 200..3000),
        at in any::<proptest::sample::Index>(),
        byte in any::<u8>(),
        pad in 0..=2usize,
    ) {
        let mut token = body;
        let i = at.index(token.len());
        token[i] = byte;
        token.extend(std::iter::repeat_n(b'=', pad));
        let value = [b"Bearer ".as_slice(), &token].concat();
        check_against_reference(&value)?;
        let accepted = bearer_token([value.as_slice()]).is_ok();
        // Accepted: a b64token character; `=` as the token's last character; a space before
        // the token (RFC 6750's `1*SP` between scheme and token allows several).
        let padding = byte == b'=' && i + 1 == token.len() - pad;
        let separator = byte == b' ' && i == 0;
        prop_assert_eq!(accepted, is_b64token_char(byte) || padding || separator);
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// The size cap: up to `MAX_TOKEN_LEN` bytes accepted, beyond it 401 `invalid_token`.
    #[test]
    fn the_size_cap_is_exact(
        len in (MAX_TOKEN_LEN - 3)..=(MAX_TOKEN_LEN + 3),
        fill in b64token_char(),
        pad in 0..=2usize,
    ) {
        let token = format!(
            "{}{}",
            char::from(fill).to_string().repeat(len - pad),
            "=".repeat(pad)
        );
        let value = format!("Bearer {token}");
        check_against_reference(value.as_bytes())?;
        match bearer_token([value.as_bytes()]) {
            Ok(got) => prop_assert!(len <= MAX_TOKEN_LEN && got == token),
            Err(err) => {
                prop_assert!(len > MAX_TOKEN_LEN);
                check_too_long(&err)?;
            }
        }
    }
}

/// No `Authorization` field at all: 401 bare.
#[test]
fn no_field_is_no_credentials() {
    check_missing(&bearer_token(std::iter::empty()).unwrap_err()).unwrap();
    check_missing(&credentials(std::iter::empty()).unwrap_err()).unwrap();
}

/// The reference itself on the RFC's examples and the decision D7 cases, so that agreement
/// with it means something.
#[test]
fn the_reference_reads_the_grammar() {
    let bearer = |t: &str| Expected::Bearer(t.as_bytes().to_vec());
    assert_eq!(
        reference(b"Bearer mF_9.B5f-4.1JqM"),
        bearer("mF_9.B5f-4.1JqM")
    );
    assert_eq!(
        reference(b"bEaReR   a-b_c~d+e/f=="),
        bearer("a-b_c~d+e/f==")
    );
    assert_eq!(reference(b"DPoP abc"), Expected::DPoP(b"abc".to_vec()));
    for bad in [
        &b""[..],
        b"Bearer",
        b"Bearer ",
        b"Bearer\tabc",
        b"Bearer abc def",
        b"Bearer a{b",
        b"Bearer a\"b",
        b"Bearer ab=c",
        b"Bearer ===",
        b" Bearer abc",
        b"Bearer abc\t",
        b"Bearer \xc3\xa9",
    ] {
        assert_eq!(reference(bad), Expected::BadRequest, "{bad:?}");
    }
    for other in [&b"Basic dXNlcjpwYXNz"[..], b"Bearerabc", b"Digest x"] {
        assert_eq!(reference(other), Expected::OtherScheme, "{other:?}");
    }
}
