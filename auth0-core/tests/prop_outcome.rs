//! Property tests of the outcome mapping: for any refusal and any realm or required scope, the
//! status and error code follow RFC 6750 §3.1 and the crate's decisions, the `WWW-Authenticate`
//! value parses as challenges whose attribute values hold only the characters RFC 6750 §3 allows
//! (no `"`, no `\`, no control characters), each attribute appears at most once, and the
//! description is one of the fixed strings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use auth0_core::{AccessTokenVerifier, BearerErrorCode, DpopMode, ErrorKind, Outcome, VerifyError};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

const CLAIM_NAMES: [&str; 8] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "client_id",
    "jti",
    "claims",
];

/// Every kind, with random contents where a kind has any.
fn error_kind() -> impl Strategy<Value = ErrorKind> {
    let claim = proptest::sample::select(&CLAIM_NAMES[..]);
    prop_oneof![
        Just(ErrorKind::MissingCredentials),
        Just(ErrorKind::MalformedRequest),
        Just(ErrorKind::Malformed),
        Just(ErrorKind::UnsupportedHeader),
        Just(ErrorKind::Algorithm),
        Just(ErrorKind::MissingKeyId),
        Just(ErrorKind::UnknownKey),
        Just(ErrorKind::Signature),
        Just(ErrorKind::Expired),
        Just(ErrorKind::NotYetValid),
        Just(ErrorKind::IssuedInFuture),
        Just(ErrorKind::TooOld),
        Just(ErrorKind::Issuer),
        Just(ErrorKind::Audience),
        Just(ErrorKind::TokenType),
        claim.clone().prop_map(ErrorKind::MissingClaim),
        claim.prop_map(ErrorKind::InvalidClaim),
        Just(ErrorKind::Organization),
        hostile_text().prop_map(|required| ErrorKind::InsufficientScope { required }),
        Just(ErrorKind::MissingDpopProof),
        Just(ErrorKind::InvalidDpopProof),
        Just(ErrorKind::DpopBinding),
        any::<u64>().prop_map(|retry_after| ErrorKind::KeysUnavailable { retry_after }),
    ]
}

/// Text with what a challenge may not carry: quotes, backslashes, CR/LF, NUL, DEL, non-ASCII.
fn hostile_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range(' ', '~'),
        1 => proptest::sample::select(vec!['"', '\\', '\r', '\n', '\t', '\0', '\u{7f}', ',', '=']),
        1 => any::<char>(),
    ];
    proptest::collection::vec(c, 0..40).prop_map(|cs| cs.into_iter().collect())
}

/// RFC 6750 §3: `%x20-21 / %x23-5B / %x5D-7E`.
fn allowed_in_value(c: char) -> bool {
    matches!(c, ' '..='~') && c != '"' && c != '\\'
}

fn sanitised(text: &str) -> String {
    text.chars().filter(|&c| allowed_in_value(c)).collect()
}

/// One challenge: the scheme and its attributes in order.
type Challenge = (String, Vec<(String, String)>);

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Parses `scheme [SP name="value" *(", " name="value")] *(", " scheme …)` where each value is a
/// quoted string of allowed characters without escapes. `None` if the text does not parse.
fn parse_challenges(header: &str) -> Option<Vec<Challenge>> {
    let mut out: Vec<Challenge> = Vec::new();
    let mut rest = header;
    loop {
        let end = rest.find(|c: char| !is_tchar(c)).unwrap_or(rest.len());
        if end == 0 {
            return None;
        }
        let word = &rest[..end];
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"')?;
            let value = &after[..close];
            if !value.chars().all(allowed_in_value) {
                return None;
            }
            out.last_mut()?.1.push((word.to_owned(), value.to_owned()));
            rest = &after[close + 1..];
        } else {
            out.push((word.to_owned(), Vec::new()));
            if let Some(after) = rest.strip_prefix(' ') {
                rest = after;
                continue;
            }
        }
        if rest.is_empty() {
            return Some(out);
        }
        rest = rest.strip_prefix(", ")?;
    }
}

/// (status, error code) of RFC 6750 §3.1 and decisions D1, D3.
fn expected_status(kind: &ErrorKind) -> (u16, Option<BearerErrorCode>) {
    match kind {
        ErrorKind::MissingCredentials => (401, None),
        ErrorKind::MalformedRequest | ErrorKind::MissingDpopProof => {
            (400, Some(BearerErrorCode::InvalidRequest))
        }
        ErrorKind::InvalidDpopProof => (400, Some(BearerErrorCode::InvalidDpopProof)),
        ErrorKind::InsufficientScope { .. } => (403, Some(BearerErrorCode::InsufficientScope)),
        ErrorKind::KeysUnavailable { .. } => (503, None),
        _ => (401, Some(BearerErrorCode::InvalidToken)),
    }
}

/// The fixed descriptions: one per kind, whatever the kind's contents.
fn fixed_descriptions() -> Vec<&'static str> {
    let kinds = [
        ErrorKind::MissingCredentials,
        ErrorKind::MalformedRequest,
        ErrorKind::Malformed,
        ErrorKind::UnsupportedHeader,
        ErrorKind::Algorithm,
        ErrorKind::MissingKeyId,
        ErrorKind::UnknownKey,
        ErrorKind::Signature,
        ErrorKind::Expired,
        ErrorKind::NotYetValid,
        ErrorKind::IssuedInFuture,
        ErrorKind::TooOld,
        ErrorKind::Issuer,
        ErrorKind::Audience,
        ErrorKind::TokenType,
        ErrorKind::MissingClaim("x"),
        ErrorKind::InvalidClaim("x"),
        ErrorKind::Organization,
        ErrorKind::InsufficientScope {
            required: String::new(),
        },
        ErrorKind::MissingDpopProof,
        ErrorKind::InvalidDpopProof,
        ErrorKind::DpopBinding,
        ErrorKind::KeysUnavailable { retry_after: 0 },
    ];
    kinds
        .into_iter()
        .map(|k| VerifyError::new(k).description())
        .collect()
}

/// Checks one outcome of `kind` answered with `realm` under DPoP `mode`.
fn check_outcome(
    kind: &ErrorKind,
    outcome: &Outcome,
    realm: Option<&str>,
    mode: DpopMode,
) -> Result<(), TestCaseError> {
    let (status, error) = expected_status(kind);
    prop_assert_eq!(outcome.status, status);
    prop_assert_eq!(outcome.error, error);
    let description = VerifyError::new(kind.clone()).description();
    prop_assert!(fixed_descriptions().contains(&description));
    prop_assert!(
        description.chars().all(allowed_in_value),
        "{:?}",
        description
    );

    if let ErrorKind::KeysUnavailable { retry_after } = kind {
        prop_assert_eq!(outcome.www_authenticate.as_deref(), None);
        prop_assert_eq!(outcome.retry_after, Some(*retry_after));
        prop_assert_eq!(outcome.json_body(), None);
        return Ok(());
    }
    prop_assert_eq!(outcome.retry_after, None);
    prop_assert_eq!(outcome.description, error.map(|_| description));

    let header = outcome.www_authenticate.as_deref().unwrap_or_default();
    // A valid field value: visible ASCII and SP only.
    prop_assert!(
        header.bytes().all(|b| (0x20..0x7f).contains(&b)),
        "{:?}",
        header
    );
    let challenges = parse_challenges(header);
    prop_assert!(challenges.is_some(), "does not parse: {:?}", header);
    let challenges = challenges.unwrap_or_default();
    let schemes: Vec<&str> = challenges.iter().map(|(s, _)| s.as_str()).collect();
    let expected_schemes: &[&str] = match mode {
        DpopMode::Disabled => &["Bearer"],
        DpopMode::Allowed => &["Bearer", "DPoP"],
        DpopMode::Required => &["DPoP"],
        other => panic!("no expected challenges for {other:?}"),
    };
    prop_assert_eq!(schemes.as_slice(), expected_schemes, "{}", header);

    let mut error_seen = false;
    for (scheme, params) in &challenges {
        let mut names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        prop_assert_eq!(names.len(), count, "an attribute twice: {}", header);
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let expected_realm = realm.map(sanitised);
        prop_assert_eq!(get("realm"), expected_realm.as_deref());
        if let Some(code) = get("error") {
            error_seen = true;
            prop_assert_eq!(Some(code), error.map(BearerErrorCode::as_str));
            prop_assert_eq!(get("error_description"), Some(description));
            let scope = match kind {
                ErrorKind::InsufficientScope { required } => Some(sanitised(required)),
                _ => None,
            };
            prop_assert_eq!(get("scope"), scope.as_deref());
        } else {
            prop_assert_eq!(get("error_description"), None);
            prop_assert_eq!(get("scope"), None);
        }
        if scheme == "DPoP" {
            prop_assert!(get("algs").is_some_and(|a| !a.is_empty()), "{}", header);
        }
    }
    // RFC 6750 §3.1: no error information without credentials; otherwise the error is on a
    // challenge.
    prop_assert_eq!(error_seen, error.is_some(), "{}", header);

    let body = outcome.json_body();
    match error {
        None => prop_assert_eq!(body, None),
        Some(code) => {
            let body: serde_json::Value = serde_json::from_str(&body.unwrap_or_default()).unwrap();
            prop_assert_eq!(&body["error"], code.as_str());
            prop_assert_eq!(&body["error_description"], description);
        }
    }
    Ok(())
}

const MODES: [DpopMode; 3] = [DpopMode::Disabled, DpopMode::Allowed, DpopMode::Required];

/// One verifier per DPoP mode, built once.
static VERIFIERS: LazyLock<Vec<AccessTokenVerifier>> = LazyLock::new(|| {
    MODES
        .iter()
        .map(|&mode| {
            AccessTokenVerifier::builder("example.us.auth0.com")
                .audience("https://api.example.com")
                .dpop(mode)
                .build()
                .unwrap()
        })
        .collect()
});

proptest! {
    #![proptest_config(config(1024))]

    /// `VerifyError::outcome` for any kind and any realm.
    #[test]
    fn every_refusal_maps_to_a_clean_answer(
        kind in error_kind(),
        realm in proptest::option::of(hostile_text()),
    ) {
        let error = VerifyError::new(kind.clone());
        let outcome = error.outcome(realm.as_deref());
        check_outcome(&kind, &outcome, realm.as_deref(), DpopMode::Disabled)?;
        // Display: the description, with the claim's (static) name for claim errors.
        let shown = error.to_string();
        prop_assert!(shown.starts_with(error.description()));
        prop_assert!(shown.chars().all(allowed_in_value), "{:?}", shown);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A verifier's outcome in each DPoP mode: the challenges it sends, with its own realm or
    /// another.
    #[test]
    fn verifier_outcomes_are_clean_in_every_dpop_mode(
        kind in error_kind(),
        realm in hostile_text(),
    ) {
        for (&mode, v) in MODES.iter().zip(VERIFIERS.iter()) {
            let error = VerifyError::new(kind.clone());
            check_outcome(&kind, &v.outcome(&error), Some(v.realm()), mode)?;
            check_outcome(&kind, &v.outcome_with_realm(&error, &realm), Some(&realm), mode)?;
        }
    }
}

/// The challenge parser reads the shapes of the RFC, and refuses what the properties rely on
/// it to refuse.
#[test]
fn the_challenge_parser_reads_rfc_shapes() {
    let parsed = parse_challenges(
        r#"Bearer realm="api", error="insufficient_scope", scope="a b", DPoP algs="ES256 PS256""#,
    )
    .unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0].0, "Bearer");
    assert_eq!(parsed[0].1[2], ("scope".to_owned(), "a b".to_owned()));
    assert_eq!(parsed[1].1[0].1, "ES256 PS256");
    assert_eq!(
        parse_challenges("Bearer").unwrap(),
        vec![("Bearer".into(), vec![])]
    );
    for bad in [
        "",
        r#"Bearer realm="a\"b""#,
        r#"Bearer realm="unterminated"#,
        "Bearer realm=\"\u{1}\"",
        r#"Bearer realm="a",, error="x""#,
        r#"Bearer  realm="a""#,
    ] {
        assert!(parse_challenges(bad).is_none(), "{bad:?}");
    }
}
