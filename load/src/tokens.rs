//! The `Authorization` values the runs send, made before a run starts (RSA signing costs the
//! client CPU): valid tokens (minted in parallel), expired ones, bad signatures (one fixed, or a
//! fresh one per request at the cost of a copy), random unpublished `kid`s, malformed headers
//! and requests without credentials.

use std::time::Duration;

use auth0_core::testing::{TestKey, TokenBuilder};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::HeaderValue;

use crate::Fallible;
use crate::rng::Rng;

/// The scope `GET /api/private-scoped` requires.
pub(crate) const READ_MESSAGES: &str = "read:messages";

/// The claims every token of a run shares.
#[derive(Clone, Debug)]
pub(crate) struct Minter {
    /// `iss` (the tenant's issuer).
    pub(crate) issuer: String,
    /// `aud` (the tenant's audience).
    pub(crate) audience: String,
    /// `azp`.
    pub(crate) client_id: String,
    /// Lifetime of valid tokens (they must outlive the run).
    pub(crate) lifetime: Duration,
}

impl Minter {
    /// A builder for a token of this tenant signed by `key`.
    pub(crate) fn builder(&self, key: &TestKey, sub: &str) -> TokenBuilder {
        TokenBuilder::new(key)
            .iss(self.issuer.clone())
            .aud(self.audience.clone())
            .sub(sub)
            .claim("azp", &self.client_id)
            .expires_in(self.lifetime)
    }

    /// A valid token, with `read:messages` in its scope when `scoped`.
    pub(crate) fn valid(&self, key: &TestKey, sub: &str, scoped: bool) -> String {
        let builder = self.builder(key, sub);
        let builder = if scoped {
            builder.scope(format!("openid {READ_MESSAGES}"))
        } else {
            builder.scope("openid profile")
        };
        builder.sign()
    }

    /// `count` distinct valid tokens (`sub` = `<prefix>-<n>`; even `n` scoped), minted on
    /// `threads` threads.
    pub(crate) fn many(
        &self,
        key: &TestKey,
        prefix: &str,
        count: usize,
        threads: usize,
    ) -> Vec<String> {
        let threads = threads.clamp(1, 16);
        let chunk = count.div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..count)
                .step_by(chunk)
                .map(|start| {
                    let end = (start + chunk).min(count);
                    scope.spawn(move || {
                        (start..end)
                            .map(|n| {
                                self.valid(key, &format!("auth0|{prefix}-{n}"), n.is_multiple_of(2))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    /// A token that expired an hour ago, signed by `key`.
    pub(crate) fn expired(&self, key: &TestKey, sub: &str) -> String {
        self.builder(key, sub).scope(READ_MESSAGES).expired().sign()
    }

    /// A normal-size token signed by `key` with a corrupted signature.
    pub(crate) fn bad_signature(&self, key: &TestKey, sub: &str) -> String {
        self.builder(key, sub)
            .scope(READ_MESSAGES)
            .sign_with_bad_signature()
    }
}

/// `Bearer <token>` as a header value.
pub(crate) fn bearer(token: &str) -> Fallible<HeaderValue> {
    header(format!("Bearer {token}").into_bytes())
}

fn header(bytes: Vec<u8>) -> Fallible<HeaderValue> {
    HeaderValue::from_maybe_shared(Bytes::from(bytes))
        .map_err(|e| format!("not a header value: {e}"))
}

/// Base64url digits, for writing counters into signatures.
const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Where in the signature segment the counter is written: well inside it, so the segment
/// stays canonical base64url of the same length.
const COUNTER_AT: usize = 100;
const COUNTER_DIGITS: usize = 11;

/// Bad signatures that differ on every request: a normal-size token whose signature segment
/// carries a request counter, so no cache of refusals can answer it.
#[derive(Clone, Debug)]
pub(crate) struct FreshBadSignature {
    /// `Bearer header.payload.signature`.
    template: Vec<u8>,
    /// Offset of the counter in `template`.
    at: usize,
    counter: u64,
}

impl FreshBadSignature {
    /// From a token with a long signature (RS256: 342 characters). `stream` keeps the values
    /// of several connections apart.
    pub(crate) fn new(token: &str, stream: u64) -> Fallible<Self> {
        let template = format!("Bearer {token}").into_bytes();
        let signature_start = template
            .iter()
            .rposition(|&b| b == b'.')
            .ok_or("the token has no signature segment")?
            + 1;
        if template.len() - signature_start < COUNTER_AT + COUNTER_DIGITS + 1 {
            return Err("the token's signature is too short".into());
        }
        Ok(Self {
            template,
            at: signature_start + COUNTER_AT,
            counter: stream << 40,
        })
    }

    /// The next value (never sent before by this generator).
    pub(crate) fn next_value(&mut self) -> Fallible<HeaderValue> {
        self.counter += 1;
        let mut bytes = self.template.clone();
        let mut n = self.counter;
        for slot in &mut bytes[self.at..self.at + COUNTER_DIGITS] {
            *slot = B64URL[(n & 63) as usize];
            n >>= 6;
        }
        header(bytes)
    }
}

/// Tokens naming a random `kid` that no tenant ever publishes (a new one per request), with
/// the right issuer and audience so that they reach the key lookup.
#[derive(Clone, Debug)]
pub(crate) struct UnknownKid {
    /// `.payload.signature` after the header.
    rest: String,
    rng: Rng,
}

impl UnknownKid {
    /// From a valid token of the tenant (its payload and signature are reused).
    pub(crate) fn new(token: &str, rng: Rng) -> Fallible<Self> {
        let dot = token.find('.').ok_or("not a compact JWS")?;
        Ok(Self {
            rest: token[dot..].to_owned(),
            rng,
        })
    }

    /// The next value.
    pub(crate) fn next_value(&mut self) -> Fallible<HeaderValue> {
        let kid = format!("unpublished-{:016x}", self.rng.next_u64());
        let header_json = format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{kid}"}}"#);
        let token = format!(
            "Bearer {}{}",
            URL_SAFE_NO_PAD.encode(header_json),
            self.rest
        );
        header(token.into_bytes())
    }
}

/// Malformed `Authorization` values around a valid token (each answered 400 `invalid_request`).
pub(crate) fn malformed(valid: &str) -> Fallible<Vec<HeaderValue>> {
    [
        "Bearer".to_owned(),
        "Bearer   ".to_owned(),
        format!("Bearer\t{valid}"),
        format!("Bearer {valid} {valid}"),
        format!("Bearer {valid}, Bearer {valid}"),
        "Bearer a<b>".to_owned(),
        "Bearer ab$c".to_owned(),
        "Bearer a{b}.c\"d".to_owned(),
    ]
    .into_iter()
    .map(|v| header(v.into_bytes()))
    .collect()
}

/// Requests without bearer credentials (answered with the bare challenge): no header, or
/// another scheme.
pub(crate) fn without_credentials() -> Vec<Option<HeaderValue>> {
    vec![
        None,
        Some(HeaderValue::from_static("Basic dXNlcjpwYXNz")),
        Some(HeaderValue::from_static(r#"Digest username="a""#)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minter() -> Minter {
        Minter {
            issuer: "http://127.0.0.1:1/".into(),
            audience: "https://api.example.com".into(),
            client_id: "c".into(),
            lifetime: Duration::from_secs(3600),
        }
    }

    #[test]
    fn fresh_bad_signatures_differ_and_stay_canonical() {
        let key = TestKey::rsa(0);
        let token = minter().bad_signature(&key, "auth0|x");
        let mut fresh = FreshBadSignature::new(&token, 1).unwrap();
        let a = fresh.next_value().unwrap();
        let b = fresh.next_value().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), token.len() + 7);
        let sig = a.to_str().unwrap().rsplit('.').next().unwrap().to_owned();
        assert_eq!(URL_SAFE_NO_PAD.decode(sig).unwrap().len(), 256);
    }

    #[test]
    fn unknown_kids_are_random_and_parse() {
        let key = TestKey::rsa(0);
        let token = minter().valid(&key, "auth0|x", true);
        let mut unknown = UnknownKid::new(&token, Rng::new(1, 1)).unwrap();
        let a = unknown.next_value().unwrap();
        assert_ne!(a, unknown.next_value().unwrap());
        let text = a
            .to_str()
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap()
            .to_owned();
        let header = URL_SAFE_NO_PAD
            .decode(text.split('.').next().unwrap())
            .unwrap();
        let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
        assert!(header["kid"].as_str().unwrap().starts_with("unpublished-"));
        assert_eq!(text.split('.').count(), 3);
    }

    #[test]
    fn many_are_distinct() {
        let key = TestKey::rsa(1);
        let tokens = minter().many(&key, "t", 5, 2);
        assert_eq!(tokens.len(), 5);
        let set: std::collections::HashSet<_> = tokens.iter().collect();
        assert_eq!(set.len(), 5);
        assert!(malformed(&tokens[0]).is_ok());
    }
}
