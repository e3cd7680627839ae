//! Property tests of access-token verification against the kit's loopback tenant, with real
//! RS256 tokens: random claims verify back unchanged (whatever their JSON spelling), any
//! single-byte edit, truncation or insertion of a signed token is refused, base64url segments
//! are accepted exactly when the strict unpadded decoder accepts them (no padding, no
//! non-canonical trailing bits, even under a valid signature), duplicate member names are
//! refused in any escape form, scope requirements follow their set semantics, and no refusal
//! echoes token content.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::future::Future;
use std::sync::LazyLock;

use auth0_core::bearer::MAX_TOKEN_LEN;
use auth0_core::testing::{TestKey, TestTenant, TokenBuilder};
use auth0_core::{
    AccessTokenVerifier, BearerErrorCode, Claims, ErrorKind, RequiredScopes, VerifyError,
};
use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{URL_SAFE as URL_SAFE_PADDED, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::Config;
use serde_json::{Map, Value};

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// One tenant, its verifiers and one runtime for every property.
// ---------------------------------------------------------------------------------------------

struct Fixture {
    rt: tokio::runtime::Runtime,
    tenant: TestTenant,
    key: TestKey,
    /// The default verifier (with its verified-token cache).
    cached: AccessTokenVerifier,
    /// The same without the cache: every call runs the full verification.
    uncached: AccessTokenVerifier,
    /// A verifier that requires `read:messages` and `write:messages`.
    scoped: AccessTokenVerifier,
    /// Valid tokens whose header and payload segments end on every base64url boundary.
    tokens: Vec<String>,
}

const SCOPED_NEEDS: [&str; 2] = ["read:messages", "write:messages"];

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let tenant = rt.block_on(TestTenant::start());
    let build = |b: auth0_core::AccessTokenVerifierBuilder| b.build().unwrap();
    let base = || AccessTokenVerifier::builder(&tenant.domain()).audience(tenant.audience());
    let cached = build(base());
    let uncached = build(base().cache(false));
    let scoped = build(base().require_scopes(RequiredScopes::all(SCOPED_NEEDS)));
    let mut tokens = Vec::new();
    for header_pad in 0..3 {
        for payload_pad in 0..3 {
            tokens.push(
                tenant
                    .token()
                    .header("x-pad", "h".repeat(header_pad))
                    .claim("pad", "p".repeat(payload_pad))
                    .sign(),
            );
        }
    }
    for segment in 0..2 {
        let mut ends: Vec<usize> = tokens
            .iter()
            .map(|t| t.split('.').nth(segment).unwrap().len() % 4)
            .collect();
        ends.sort_unstable();
        ends.dedup();
        assert_eq!(ends, [0, 2, 3], "segment {segment}");
    }
    rt.block_on(async {
        for token in &tokens {
            for v in [&cached, &uncached] {
                v.verify(token).await.unwrap();
            }
        }
    });
    let key = tenant.signing_key();
    Fixture {
        rt,
        tenant,
        key,
        cached,
        uncached,
        scoped,
        tokens,
    }
});

fn fx() -> &'static Fixture {
    &FIXTURE
}

fn block_on<F: Future>(f: F) -> F::Output {
    fx().rt.block_on(f)
}

/// A refusal and everything its answer says (challenge, JSON body, `Display`).
struct Refused {
    kind: ErrorKind,
    said: String,
}

/// Checks that the cached and the uncached verifier refuse `token` (as a header's bytes, and as
/// text when it is UTF-8), each with a clean 400/401 answer that echoes nothing of the token.
fn refused_everywhere(token: &[u8]) -> Result<Vec<Refused>, TestCaseError> {
    let f = fx();
    let header = [b"Bearer ".as_slice(), token].concat();
    let text = std::str::from_utf8(token).ok();
    let mut kinds = Vec::new();
    // In a header, leading spaces belong to the separator (`1*SP`): the header form then
    // carries the unedited token, and only the text form is an edit.
    let as_header = token.first() != Some(&b' ');
    for v in [&f.cached, &f.uncached] {
        let mut results = Vec::new();
        if as_header {
            results.push(block_on(v.verify_authorization([header.as_slice()])));
        }
        if let Some(text) = text {
            results.push(block_on(v.verify(text)));
        }
        for result in results {
            match result {
                Ok(claims) => {
                    return Err(TestCaseError::fail(format!(
                        "accepted {:?} (sub {:?})",
                        String::from_utf8_lossy(token),
                        claims.sub
                    )));
                }
                Err(err) => {
                    let said = check_refusal_is_clean(v, &err, token)?;
                    kinds.push(Refused {
                        kind: err.kind().clone(),
                        said,
                    });
                }
            }
        }
    }
    Ok(kinds)
}

/// A refusal of a presented token: 400 `invalid_request` or 401 `invalid_token`, and neither
/// the challenge, the JSON body nor `Display` contains a piece of the token (any 24 bytes of it
/// hold one of these 12-byte pieces). Returns what the answer says.
fn check_refusal_is_clean(
    v: &AccessTokenVerifier,
    err: &VerifyError,
    token: &[u8],
) -> Result<String, TestCaseError> {
    let outcome = v.outcome(err);
    let pair = (outcome.status, outcome.error);
    prop_assert!(
        pair == (400, Some(BearerErrorCode::InvalidRequest))
            || pair == (401, Some(BearerErrorCode::InvalidToken)),
        "{:?} answered {:?}",
        err,
        pair
    );
    let said = format!(
        "{} {} {}",
        outcome.www_authenticate.as_deref().unwrap_or_default(),
        outcome.json_body().unwrap_or_default(),
        err
    );
    for piece in token.chunks_exact(12) {
        if let Ok(piece) = std::str::from_utf8(piece) {
            prop_assert!(!said.contains(piece), "{:?} echoed in {:?}", piece, said);
        }
    }
    Ok(said)
}

fn kinds(refused: &[Refused]) -> Vec<&ErrorKind> {
    refused.iter().map(|r| &r.kind).collect()
}

// ---------------------------------------------------------------------------------------------
// JSON generators and spellings.
// ---------------------------------------------------------------------------------------------

/// Claims with a typed field: a custom claim of that name would not land in `custom`.
const REGISTERED: [&str; 15] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "azp",
    "client_id",
    "scope",
    "permissions",
    "org_id",
    "org_name",
    "gty",
    "cnf",
];

/// Strings with what JSON must escape or may spell differently: quotes, backslashes, `/`,
/// control characters, DEL, line separators, a BOM, non-BMP characters, anything.
fn json_string() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => select(vec![
            '"', '\\', '/', '\n', '\r', '\t', '\u{0}', '\u{1f}', '\u{7f}', '\u{2028}', '\u{2029}',
            '\u{feff}', 'é', '€', '😀', '\u{10ffff}',
        ]),
        1 => any::<char>(),
    ];
    proptest::collection::vec(c, 0..12).prop_map(|cs| cs.into_iter().collect())
}

/// Finite doubles that survive a serde_json text round trip on their own (the verifier cannot
/// do better than its JSON parser).
fn json_float() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite, round-trips through serde_json", |f| {
        f.is_finite()
            && serde_json::to_string(f)
                .ok()
                .and_then(|s| serde_json::from_str::<f64>(&s).ok())
                == Some(*f)
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        json_float().prop_map(Value::from),
        json_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((json_string(), inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A custom claim name: a namespaced URL as Auth0 recommends, or any string.
fn custom_name() -> impl Strategy<Value = String> {
    prop_oneof!["https://example\\.com/[a-z_]{1,10}", json_string(),]
        .prop_filter("not a registered claim", |n| {
            !REGISTERED.contains(&n.as_str())
        })
}

/// How a JSON document is written.
#[derive(Clone, Copy, Debug)]
enum Spelling {
    /// serde_json's compact output (raw UTF-8, minimal escapes).
    Compact,
    /// serde_json's pretty output (insignificant whitespace).
    Pretty,
    /// Pure ASCII: every non-ASCII character as `\u` escapes (surrogate pairs), `/` as `\/`.
    Ascii,
    /// Every character of every string as a `\u` escape.
    AllEscaped,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        Just(Spelling::Compact),
        Just(Spelling::Pretty),
        Just(Spelling::Ascii),
        Just(Spelling::AllEscaped),
    ]
}

fn write_string(s: &str, spelling: Spelling, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        let escape_all = matches!(spelling, Spelling::AllEscaped);
        match c {
            _ if escape_all => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// `value` as JSON text in `spelling`.
fn spell(value: &Value, spelling: Spelling) -> String {
    fn go(value: &Value, spelling: Spelling, out: &mut String) {
        match value {
            Value::String(s) => write_string(s, spelling, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    go(item, spelling, out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (name, item)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(name, spelling, out);
                    out.push(':');
                    go(item, spelling, out);
                }
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    match spelling {
        Spelling::Compact => value.to_string(),
        Spelling::Pretty => serde_json::to_string_pretty(value).unwrap(),
        Spelling::Ascii | Spelling::AllEscaped => {
            let mut out = String::new();
            go(value, spelling, &mut out);
            out
        }
    }
}

/// `b64url(header).b64url(payload)` signed with the tenant's key, the segments given as they are.
fn sign_segments(header: &str, payload: &str) -> String {
    let input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(fx().key.sign(input.as_bytes()));
    format!("{input}.{signature}")
}

fn encode(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

/// A decoder that ignores non-canonical trailing bits and accepts optional padding: what a
/// lenient verifier would use.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

/// What a property mints: subject, scope tokens and their spelling, permissions, custom claims.
#[derive(Clone, Debug)]
struct Minted {
    sub: String,
    scope: Vec<String>,
    scope_gaps: Vec<usize>,
    permissions: Vec<String>,
    custom: Vec<(String, Value)>,
}

fn minted() -> impl Strategy<Value = Minted> {
    let scope_token = "[^ ]{1,10}";
    (
        json_string(),
        proptest::collection::vec(scope_token, 0..5),
        proptest::collection::vec(1..=3usize, 6),
        proptest::collection::vec(json_string(), 0..5),
        proptest::collection::vec((custom_name(), json_value()), 0..6),
    )
        .prop_map(|(sub, scope, scope_gaps, permissions, custom)| Minted {
            sub,
            scope,
            scope_gaps,
            permissions,
            custom,
        })
}

impl Minted {
    /// The `scope` claim: the tokens separated by one to three spaces, with some at the ends.
    fn scope_claim(&self) -> String {
        let mut out = " ".repeat(self.scope_gaps[0] - 1);
        for (i, token) in self.scope.iter().enumerate() {
            if i > 0 {
                out.push_str(&" ".repeat(self.scope_gaps[i % 5 + 1]));
            }
            out.push_str(token);
        }
        out.push_str(&" ".repeat(self.scope_gaps[5] - 1));
        out
    }

    fn builder(&self) -> TokenBuilder {
        let mut b = fx()
            .tenant
            .token()
            .sub(self.sub.clone())
            .scope(self.scope_claim())
            .permissions(self.permissions.clone());
        for (name, value) in &self.custom {
            b = b.claim(name, value);
        }
        b
    }

    /// The custom claims as the verifier should return them (a later claim of the same name
    /// replaces an earlier one, as in the builder).
    fn expected_custom(&self) -> Map<String, Value> {
        self.custom.iter().cloned().collect()
    }

    fn check(&self, claims: &Claims) -> Result<(), TestCaseError> {
        let t = &fx().tenant;
        prop_assert_eq!(&claims.sub, &self.sub);
        prop_assert_eq!(&claims.scope, &self.scope);
        prop_assert_eq!(&claims.permissions, &self.permissions);
        prop_assert_eq!(&claims.custom, &self.expected_custom());
        prop_assert_eq!(&claims.iss, &t.issuer());
        prop_assert_eq!(&claims.aud, &vec![t.audience()]);
        let client_id = t.client_id();
        prop_assert_eq!(claims.azp.as_deref(), Some(client_id.as_str()));
        Ok(())
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// A token minted with random claims verifies back to the same claims, whether the kit
    /// writes the JSON or it is written with other (equivalent) escapes and whitespace.
    #[test]
    fn minted_claims_verify_back(m in minted(), spelling in spelling()) {
        let b = m.builder();
        // The kit's own view agrees with what was asked.
        let kit = b.claims();
        for (name, value) in m.expected_custom() {
            prop_assert_eq!(&kit[&name], &value);
        }
        let kit_token = b.sign();
        let header = encode(&b.header_json());
        let respelled = sign_segments(&header, &encode(&spell(&kit, spelling)));
        for token in [kit_token, respelled] {
            prop_assume!(token.len() <= MAX_TOKEN_LEN);
            for v in [&fx().cached, &fx().uncached] {
                let claims = block_on(v.verify(&token));
                let claims = claims.map_err(|e| TestCaseError::fail(format!("refused: {e:?}")))?;
                m.check(&claims)?;
                // Through the header path too (a cache hit for the cached verifier).
                let header = format!("Bearer {token}");
                let again = block_on(v.verify_authorization([header.as_bytes()])).unwrap();
                prop_assert_eq!(&*again, &*claims);
            }
        }
    }

    /// A member name that appears twice, in any two spellings, is refused in the payload and in
    /// the header (RFC 7515 §4, RFC 7519 §4: the crate refuses duplicates).
    #[test]
    fn duplicate_member_names_are_refused(
        name in prop_oneof![select(REGISTERED.to_vec()).prop_map(String::from), custom_name()],
        header_name in prop_oneof![
            select(vec!["alg", "kid", "typ"]).prop_map(String::from),
            custom_name(),
        ],
        first in spelling(),
        second in spelling(),
        values in (json_value(), json_value()),
        in_header in any::<bool>(),
    ) {
        let b = fx().tenant.token();
        let duplicate = |json: String, name: &str| {
            let mut json = json;
            json.pop(); // the closing brace
            for (spelling, value) in [(first, &values.0), (second, &values.1)] {
                json.push(',');
                json.push_str(&spell(&Value::String(name.to_owned()), spelling));
                json.push(':');
                json.push_str(&value.to_string());
            }
            json.push('}');
            json
        };
        let (header, payload) = if in_header {
            (duplicate(b.header_json(), &header_name), b.payload_json())
        } else {
            (b.header_json(), duplicate(b.payload_json(), &name))
        };
        let token = sign_segments(&encode(&header), &encode(&payload));
        prop_assume!(token.len() <= MAX_TOKEN_LEN);
        let refused = refused_everywhere(token.as_bytes())?;
        let kinds = kinds(&refused);
        prop_assert!(kinds.iter().all(|k| **k == ErrorKind::Malformed), "{:?}", kinds);
    }

    /// Inside a custom claim, at any depth under objects and arrays, an object with a member
    /// name twice (in any two spellings) makes the token refused; the same document with two
    /// distinct names verifies, and the claim comes back as written.
    #[test]
    fn nested_duplicate_member_names_are_refused(
        name in json_string(),
        other in json_string(),
        first in spelling(),
        second in spelling(),
        values in (json_value(), json_value()),
        wrappers in proptest::collection::vec(any::<bool>(), 0..6),
    ) {
        prop_assume!(name != other);
        let nest = |second_name: &str| {
            let mut inner = format!(
                "{{{}:{},{}:{}}}",
                spell(&Value::String(name.clone()), first),
                values.0,
                spell(&Value::String(second_name.to_owned()), second),
                values.1,
            );
            for (level, &in_array) in wrappers.iter().enumerate() {
                inner = if in_array {
                    format!("[null,{inner}]")
                } else {
                    format!("{{\"level{level}\":{inner}}}")
                };
            }
            let b = fx().tenant.token();
            let mut payload = b.payload_json();
            payload.pop();
            payload.push_str(",\"https://example.com/nested\":");
            payload.push_str(&inner);
            payload.push('}');
            (sign_segments(&encode(&b.header_json()), &encode(&payload)), inner)
        };
        let (duplicated, _) = nest(&name);
        let (distinct, inner) = nest(&other);
        prop_assume!(duplicated.len() <= MAX_TOKEN_LEN && distinct.len() <= MAX_TOKEN_LEN);
        let refused = refused_everywhere(duplicated.as_bytes())?;
        let kinds = kinds(&refused);
        prop_assert!(kinds.iter().all(|k| **k == ErrorKind::Malformed), "{:?}", kinds);
        for v in [&fx().cached, &fx().uncached] {
            let claims = block_on(v.verify(&distinct))
                .map_err(|e| TestCaseError::fail(format!("refused: {e:?}")))?;
            let expected: Value = serde_json::from_str(&inner).unwrap();
            prop_assert_eq!(claims.custom.get("https://example.com/nested"), Some(&expected));
        }
    }
}

/// A change to one token.
#[derive(Clone, Debug)]
enum Edit {
    Replace(u8),
    Insert(u8),
    Delete,
    Truncate,
}

/// A position: anywhere, or at a segment edge (first or last character of a segment, a dot)
/// where base64url's trailing bits and the structure checks live.
#[derive(Clone, Debug)]
struct Position {
    at: Index,
    edge: bool,
}

impl Position {
    fn resolve(&self, token: &[u8]) -> usize {
        if !self.edge {
            return self.at.index(token.len());
        }
        let mut edges = vec![0, token.len() - 1];
        for (i, &b) in token.iter().enumerate() {
            if b == b'.' {
                edges.extend([i - 1, i, i + 1]);
            }
        }
        *self.at.get(&edges)
    }
}

fn position() -> impl Strategy<Value = Position> {
    (any::<Index>(), any::<bool>()).prop_map(|(at, edge)| Position { at, edge })
}

/// A byte to write: mostly one that keeps the token within the base64url alphabet and dots.
fn new_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => select(B64URL),
        1 => Just(b'.'),
        1 => select(b"=+/~ \t\0".to_vec()),
        2 => any::<u8>(),
    ]
}

fn edit() -> impl Strategy<Value = (Position, Edit)> {
    prop_oneof![
        4 => (position(), new_byte()).prop_map(|(p, b)| (p, Edit::Replace(b))),
        2 => (position(), new_byte()).prop_map(|(p, b)| (p, Edit::Insert(b))),
        2 => position().prop_map(|p| (p, Edit::Delete)),
        1 => position().prop_map(|p| (p, Edit::Truncate)),
    ]
}

/// Applies `edit` at `pos`; `None` when it would leave the token unchanged.
fn apply(token: &[u8], pos: &Position, edit: &Edit) -> Option<Vec<u8>> {
    let i = pos.resolve(token);
    let mut out = token.to_vec();
    match edit {
        Edit::Replace(b) => {
            if out[i] == *b {
                return None;
            }
            out[i] = *b;
        }
        Edit::Insert(b) => out.insert(i, *b),
        Edit::Delete => {
            out.remove(i);
        }
        Edit::Truncate => out.truncate(i),
    }
    Some(out)
}

proptest! {
    #![proptest_config(config(1500))]

    /// Any single-byte replacement, insertion or deletion, and any truncation, of a valid
    /// signed token is refused, by both verifiers, as text and as a header.
    #[test]
    fn any_single_byte_edit_is_refused(which in any::<Index>(), (pos, change) in edit()) {
        let token = which.get(&fx().tokens).as_bytes();
        let edited = apply(token, &pos, &change);
        prop_assume!(edited.is_some());
        refused_everywhere(&edited.unwrap_or_default())?;
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Each segment of a random token, rewritten with a last character that differs only in
    /// bits the encoding leaves unused (so a lenient decoder reads the same bytes), is refused
    /// even when the header and payload are re-signed; so is each segment with `=` padding.
    #[test]
    fn non_canonical_and_padded_segments_are_refused(m in minted(), pad in 0..3usize) {
        let b = m.builder().claim("pad", "p".repeat(pad));
        let token = b.sign();
        prop_assume!(token.len() + 2 <= MAX_TOKEN_LEN);
        let segments: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut variants = 0;
        for which in 0..3 {
            let segment = &segments[which];
            let bytes = URL_SAFE_NO_PAD.decode(segment).unwrap();
            let mut respelled: Vec<String> = Vec::new();
            // Same bytes, other trailing bits.
            let (head, last) = segment.split_at(segment.len() - 1);
            for &c in B64URL {
                let other = format!("{head}{}", char::from(c));
                if other != *segment && LENIENT.decode(&other).ok().as_ref() == Some(&bytes) {
                    respelled.push(other);
                }
            }
            let unused_bits = match segment.len() % 4 {
                2 => 4,
                3 => 2,
                _ => 0,
            };
            prop_assert_eq!(respelled.len(), (1 << unused_bits) - 1, "after {:?}", last);
            // Padded.
            let padded = URL_SAFE_PADDED.encode(&bytes);
            if padded != *segment {
                respelled.push(padded);
            }
            for other in respelled {
                prop_assert_eq!(LENIENT.decode(&other).unwrap(), bytes.clone());
                let mut parts = segments.clone();
                parts[which] = other;
                let token = if which == 2 {
                    parts.join(".")
                } else {
                    sign_segments(&parts[0], &parts[1])
                };
                variants += 1;
                let refused = refused_everywhere(token.as_bytes())?;
                let kinds = kinds(&refused);
                prop_assert!(
                    kinds.iter().all(|k| matches!(k, ErrorKind::Malformed
                        | ErrorKind::MalformedRequest | ErrorKind::Signature)),
                    "{:?}",
                    kinds
                );
            }
        }
        // An RS256 signature (256 bytes) always has unused bits.
        prop_assert!(variants >= 15);
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// A payload segment is accepted exactly when the strict unpadded base64url decoder
    /// (`URL_SAFE_NO_PAD`) decodes it to a valid claims document, the signature being valid
    /// over whatever segment is sent: the canonical encoding of the claims of every length is
    /// accepted with those claims; a changed last character or added or removed characters
    /// are accepted only if the strict decoder accepts them, and refused as malformed when it
    /// refuses them.
    #[test]
    fn payload_segments_follow_the_strict_decoder(
        filler in "[a-z]{0,5}",
        spelling in spelling(),
        change in prop_oneof![
            Just(None),
            (select(B64URL), 0..3usize, 0..2usize).prop_map(Some),
        ],
    ) {
        let b = fx().tenant.token().claim("filler", filler);
        let payload = spell(&b.claims(), spelling);
        let canonical = encode(&payload);
        let mut segment = canonical.clone();
        if let Some((c, append, remove)) = change {
            segment.pop();
            segment.push(char::from(c));
            for _ in 0..append {
                segment.push(char::from(c));
            }
            for _ in 0..remove {
                segment.pop();
            }
        }
        let token = sign_segments(&encode(&b.header_json()), &segment);
        let strict = URL_SAFE_NO_PAD.decode(&segment);
        let results: Vec<_> = [&fx().cached, &fx().uncached]
            .into_iter()
            .map(|v| block_on(v.verify(&token)))
            .collect();
        for result in results {
            match (&strict, result) {
                (Ok(bytes), Ok(claims)) => {
                    prop_assert_eq!(
                        serde_json::from_slice::<Value>(bytes).unwrap(),
                        b.claims()
                    );
                    let minted = b.claims();
                    prop_assert_eq!(claims.custom.get("filler"), minted.get("filler"));
                }
                (Ok(bytes), Err(err)) => {
                    // Decoded, but not to the claims document (a changed last byte).
                    prop_assert_ne!(bytes.as_slice(), payload.as_bytes(), "{:?}", err);
                }
                (Err(_), Ok(_)) => {
                    return Err(TestCaseError::fail(format!("accepted {segment:?}")));
                }
                (Err(_), Err(err)) => prop_assert_eq!(err.kind(), &ErrorKind::Malformed),
            }
        }
        if segment == canonical {
            prop_assert!(strict.is_ok());
        }
    }

    /// Arbitrary bytes as a payload, encoded without padding and validly signed: never
    /// accepted unless they are a claims document, and refused as an invalid token.
    #[test]
    fn arbitrary_signed_payloads_are_refused_cleanly(
        payload in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let b = fx().tenant.token();
        let segment = URL_SAFE_NO_PAD.encode(&payload);
        let token = sign_segments(&encode(&b.header_json()), &segment);
        prop_assert_eq!(URL_SAFE_NO_PAD.decode(&segment).unwrap(), payload.clone());
        let refused = refused_everywhere(token.as_bytes())?;
        let kinds = kinds(&refused);
        prop_assert!(
            kinds.iter().all(|k| matches!(
                k,
                ErrorKind::Malformed | ErrorKind::MalformedRequest | ErrorKind::InvalidClaim(_)
                    | ErrorKind::MissingClaim(_)
            )),
            "{:?}",
            kinds
        );
    }
}

/// Names for scope and permission sets, with near misses (case, prefix) of one another.
const SCOPE_POOL: [&str; 8] = [
    "read:messages",
    "write:messages",
    "Read:messages",
    "read",
    "admin",
    "delete:all",
    "é:x",
    "missing",
];

fn subset_of_pool() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(select(SCOPE_POOL.to_vec()).prop_map(String::from), 0..6)
}

/// The three sources a requirement can look in.
#[derive(Clone, Copy, Debug)]
enum Source {
    Both,
    Scope,
    Permissions,
}

fn required(names: &[String], all: bool, source: Source) -> RequiredScopes {
    let r = if all {
        RequiredScopes::all(names.to_vec())
    } else {
        RequiredScopes::any(names.to_vec())
    };
    match source {
        Source::Both => r,
        Source::Scope => r.scopes_only(),
        Source::Permissions => r.permissions_only(),
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// `RequiredScopes` against a set model: `all` needs every name, `any` at least one (or
    /// none named), each looked up where the requirement says; a refusal is 403
    /// `insufficient_scope` naming the required scopes; a superset of what `all` needs passes,
    /// and one name more than the token has fails.
    #[test]
    fn required_scopes_follow_set_semantics(
        scope in subset_of_pool(),
        permissions in prop_oneof![
            subset_of_pool(),
            Just(vec!["with space".to_owned()]),
        ],
        requirements in proptest::collection::vec(subset_of_pool(), 1..8),
    ) {
        let scope: Vec<String> = scope.into_iter().filter(|s| s != "missing").collect();
        let permissions: Vec<String> =
            permissions.into_iter().filter(|s| s != "missing").collect();
        let token = fx()
            .tenant
            .token()
            .scope(scope.join(" "))
            .permissions(permissions.clone())
            .sign();
        let claims = block_on(fx().cached.verify(&token)).unwrap();
        let in_scope = |n: &String| scope.contains(n);
        let in_permissions = |n: &String| permissions.contains(n);

        for names in &requirements {
            for all in [true, false] {
                for source in [Source::Both, Source::Scope, Source::Permissions] {
                    let has = |n: &String| match source {
                        Source::Both => in_scope(n) || in_permissions(n),
                        Source::Scope => in_scope(n),
                        Source::Permissions => in_permissions(n),
                    };
                    let model = if all {
                        names.iter().all(has)
                    } else {
                        names.is_empty() || names.iter().any(has)
                    };
                    let r = required(names, all, source);
                    prop_assert_eq!(r.names(), names.as_slice());
                    prop_assert_eq!(r.is_satisfied_by(&claims), model, "{:?}", r);
                    match r.check(&claims) {
                        Ok(()) => prop_assert!(model),
                        Err(err) => {
                            prop_assert!(!model);
                            prop_assert_eq!(
                                err.kind(),
                                &ErrorKind::InsufficientScope { required: names.join(" ") }
                            );
                            let outcome = fx().cached.outcome(&err);
                            prop_assert_eq!(outcome.status, 403);
                            let challenge = outcome.www_authenticate.unwrap_or_default();
                            // The challenge keeps the characters RFC 6750 §3 allows.
                            let scope: String = names
                                .join(" ")
                                .chars()
                                .filter(|c| matches!(c, ' '..='~') && !matches!(c, '"' | '\\'))
                                .collect();
                            let expected = format!(
                                r#"error="insufficient_scope", error_description="Insufficient scope", scope="{scope}""#
                            );
                            prop_assert!(challenge.ends_with(&expected), "{}", challenge);
                        }
                    }
                }
            }
        }

        // Supersets pass `all`; a name the token lacks fails it and `any` of it alone.
        let granted: Vec<String> = scope.iter().chain(&permissions).cloned().collect();
        prop_assert!(RequiredScopes::all(granted.clone()).is_satisfied_by(&claims));
        for drop in 0..granted.len() {
            let mut fewer = granted.clone();
            fewer.remove(drop);
            prop_assert!(RequiredScopes::all(fewer).is_satisfied_by(&claims));
        }
        let lacking = "missing".to_owned();
        let mut more = granted.clone();
        more.push(lacking.clone());
        prop_assert!(!RequiredScopes::all(more.clone()).is_satisfied_by(&claims));
        prop_assert!(!RequiredScopes::any([lacking]).is_satisfied_by(&claims));
        prop_assert_eq!(
            RequiredScopes::any(more).is_satisfied_by(&claims),
            !granted.is_empty()
        );

        // The verifier-wide requirement gives the same answer.
        let needs: Vec<String> = SCOPED_NEEDS.iter().map(|s| (*s).to_owned()).collect();
        let model = needs.iter().all(|n| in_scope(n) || in_permissions(n));
        match block_on(fx().scoped.verify(&token)) {
            Ok(got) => {
                prop_assert!(model);
                prop_assert_eq!(&*got, &*claims);
            }
            Err(err) => {
                prop_assert!(!model);
                prop_assert_eq!(
                    err.kind(),
                    &ErrorKind::InsufficientScope { required: needs.join(" ") }
                );
                prop_assert_eq!(fx().scoped.outcome(&err).status, 403);
            }
        }
    }

    /// A token refused for the value of a claim (audience, issuer) never echoes that value in
    /// its answer.
    #[test]
    fn refusals_do_not_echo_claim_values(
        value in "[A-Za-z0-9]{12,24}",
        which in select(vec!["aud", "iss"]),
    ) {
        let token = fx().tenant.token().claim(which, format!("zq{value}")).sign();
        let expected = if which == "aud" { ErrorKind::Audience } else { ErrorKind::Issuer };
        for refused in refused_everywhere(token.as_bytes())? {
            prop_assert_eq!(&refused.kind, &expected);
            prop_assert!(!refused.said.contains(&value), "{}", refused.said);
        }
    }
}

/// The arithmetic the trailing-bits property relies on: a segment of length 4n+2 has four
/// unused bits, 4n+3 two, 4n none; and the kit's valid tokens verify (the fixture).
#[test]
fn unused_bits_per_segment_length() {
    for (len, spare) in [(1usize, 4usize), (2, 2), (3, 0)] {
        let bytes = vec![0xffu8; len];
        let seg = URL_SAFE_NO_PAD.encode(&bytes);
        let (head, _) = seg.split_at(seg.len() - 1);
        let same = B64URL
            .iter()
            .filter(|&&c| {
                LENIENT.decode(format!("{head}{}", char::from(c))).ok() == Some(bytes.clone())
            })
            .count();
        assert_eq!(same, 1 << spare, "{len} bytes");
    }
    assert_eq!(fx().tokens.len(), 9);
}
