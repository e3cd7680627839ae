//! Crafted tokens an attacker without the signing key can send: each fills the verifier's 16 KiB
//! token cap with the shapes that make parsers work hardest (many members, deep nesting, long
//! strings, long numbers, many escapes, many segments, a bloated header, a signature segment
//! that fills the cap), under the tenant's real `kid` or under one it never published. Every one
//! of them must be refused with `401 invalid_token`, at a cost close to that of any badly signed
//! token.
//!
//! ```
//! use auth0_core::testing::{TestKey, hostile::hostile_tokens};
//! let key = TestKey::rsa(0);
//! for t in hostile_tokens("https://tenant.example.com/", "https://api.example.com", &key) {
//!     assert!(t.token.len() <= auth0_core::bearer::MAX_TOKEN_LEN, "{}", t.name);
//! }
//! ```

use serde_json::{Map, Value, json};

use super::basics::b64;
use super::keys::TestKey;
use crate::bearer::MAX_TOKEN_LEN;

/// One crafted token.
#[derive(Clone)]
pub struct HostileToken {
    /// What the token is made of, e.g. `many-members` or `deep-nesting/unknown-kid`.
    pub name: &'static str,
    /// The compact token, at most [`MAX_TOKEN_LEN`] bytes.
    pub token: String,
}

impl std::fmt::Debug for HostileToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostileToken")
            .field("name", &self.name)
            .field("len", &self.token.len())
            .finish_non_exhaustive()
    }
}

/// The `kid` the unknown-key variants carry (never published by the kit).
pub const UNKNOWN_KID: &str = "never-published-kid";

/// Room left for the payload once the header, dots and a 2048-bit signature are counted.
fn payload_budget(header_json: &str) -> usize {
    let encoded = MAX_TOKEN_LEN - b64_len(header_json.len()) - 2 - b64_len(256);
    encoded / 4 * 3
}

fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Registered claims that make the payload look like a real access token.
fn base_claims(issuer: &str, audience: &str) -> Map<String, Value> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut m = Map::new();
    m.insert("iss".into(), issuer.into());
    m.insert("sub".into(), "auth0|attacker".into());
    m.insert("aud".into(), audience.into());
    m.insert("iat".into(), now.into());
    m.insert("exp".into(), (now + 3600).into());
    m
}

/// The base claims' JSON with `filler` spliced in as further members, `filler` being grown
/// by `step` until the payload budget is reached.
fn fill(base: &Map<String, Value>, budget: usize, mut step: impl FnMut(usize) -> String) -> String {
    let head = Value::Object(base.clone()).to_string();
    let mut body = head[..head.len() - 1].to_owned();
    let mut i = 0;
    loop {
        let next = step(i);
        if body.len() + 1 + next.len() + 1 > budget {
            break;
        }
        body.push(',');
        body.push_str(&next);
        i += 1;
    }
    body.push('}');
    body
}

/// A payload whose single extra claim is `value_of(room)` sized to the budget.
fn one_claim(
    base: &Map<String, Value>,
    budget: usize,
    value_of: impl Fn(usize) -> String,
) -> String {
    let head = Value::Object(base.clone()).to_string();
    let prefix = format!("{},\"x\":", &head[..head.len() - 1]);
    let room = budget - prefix.len() - 1;
    format!("{prefix}{}}}", value_of(room))
}

/// The crafted payloads, by name, for a header of `header_json`.
fn payloads(issuer: &str, audience: &str, header_json: &str) -> Vec<(&'static str, String)> {
    let base = base_claims(issuer, audience);
    let budget = payload_budget(header_json);
    let depth = |room: usize| {
        let d = room / 2;
        format!("{}{}", "[".repeat(d), "]".repeat(d))
    };
    vec![
        (
            "many-members",
            fill(&base, budget, |i| format!("\"m{i}\":{}", i % 10)),
        ),
        ("deep-nesting", one_claim(&base, budget, depth)),
        (
            "long-string",
            one_claim(&base, budget, |room| {
                format!("\"{}\"", "a".repeat(room - 2))
            }),
        ),
        (
            "long-number",
            one_claim(&base, budget, |room| format!("1{}", "0".repeat(room - 1))),
        ),
        (
            "many-escapes",
            one_claim(&base, budget, |room| {
                format!("\"{}\"", "\\u0041".repeat((room - 2) / 6))
            }),
        ),
        (
            "many-arrays",
            fill(&base, budget, |i| format!("\"a{i}\":[[],{{}},[0]]")),
        ),
    ]
}

/// A well-formed RS256 signature of other bytes: valid padding, wrong digest, so that the
/// verifier runs the whole signature check before refusing.
fn foreign_signature(key: &TestKey) -> String {
    b64(&key.sign(b"some other message"))
}

/// Every crafted token for `issuer` and `audience`, with `key`'s `kid` (and, for each shape,
/// a variant under [`UNKNOWN_KID`]), each filling the 16 KiB cap.
pub fn hostile_tokens(issuer: &str, audience: &str, key: &TestKey) -> Vec<HostileToken> {
    let alg = key.algorithm().as_str();
    let known = json!({"alg": alg, "typ": "JWT", "kid": key.kid()}).to_string();
    let unknown = json!({"alg": alg, "typ": "JWT", "kid": UNKNOWN_KID}).to_string();
    let signature = foreign_signature(key);
    let mut out = Vec::new();
    for (header, suffix) in [(&known, false), (&unknown, true)] {
        for (name, payload) in payloads(issuer, audience, header) {
            let token = format!(
                "{}.{}.{signature}",
                b64(header.as_bytes()),
                b64(payload.as_bytes())
            );
            out.push(HostileToken {
                name: if suffix { unknown_name(name) } else { name },
                token,
            });
        }
    }
    out.push(HostileToken {
        name: "bloated-header",
        token: bloated_header(issuer, audience, key, &signature),
    });
    out.push(HostileToken {
        name: "many-segments",
        token: many_segments(),
    });
    let claims = Value::Object(base_claims(issuer, audience)).to_string();
    out.push(HostileToken {
        name: "long-signature",
        token: long_signature(&known, &claims, false),
    });
    out.push(HostileToken {
        name: "bad-base64-signature",
        token: long_signature(&known, &claims, true),
    });
    out
}

fn unknown_name(name: &'static str) -> &'static str {
    match name {
        "many-members" => "many-members/unknown-kid",
        "deep-nesting" => "deep-nesting/unknown-kid",
        "long-string" => "long-string/unknown-kid",
        "long-number" => "long-number/unknown-kid",
        "many-escapes" => "many-escapes/unknown-kid",
        "many-arrays" => "many-arrays/unknown-kid",
        _ => "unknown-kid",
    }
}

/// A header just under the verifier's 4 KiB header cap, full of short members.
fn bloated_header(issuer: &str, audience: &str, key: &TestKey, signature: &str) -> String {
    let mut header = Map::new();
    header.insert("alg".into(), key.algorithm().as_str().into());
    header.insert("kid".into(), key.kid().into());
    let mut i = 0;
    while Value::Object(header.clone()).to_string().len() < 4000 {
        header.insert(format!("h{i}"), i.into());
        i += 1;
    }
    let payload = Value::Object(base_claims(issuer, audience)).to_string();
    format!(
        "{}.{}.{signature}",
        b64(Value::Object(header).to_string().as_bytes()),
        b64(payload.as_bytes())
    )
}

/// A signature segment that fills the cap: well-formed base64url whose decoding (about 12 KiB)
/// is no key's signature length, or, with `bad_end`, ending in `~`, a character RFC 6750's
/// `b64token` allows and base64url does not, so that only the decoder finds the fault, at the
/// very end.
fn long_signature(header: &str, payload: &str, bad_end: bool) -> String {
    let mut token = format!("{}.{}.", b64(header.as_bytes()), b64(payload.as_bytes()));
    let room = (MAX_TOKEN_LEN - token.len()) / 4 * 4;
    token.push_str(&"A".repeat(room));
    if bad_end {
        token.pop();
        token.push('~');
    }
    token
}

/// `a.a.a.…` up to the cap: thousands of segments.
fn many_segments() -> String {
    let mut t = "a.".repeat(MAX_TOKEN_LEN / 2);
    t.truncate(MAX_TOKEN_LEN - 1);
    t.push('a');
    t
}
