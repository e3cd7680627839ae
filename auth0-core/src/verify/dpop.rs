//! DPoP (RFC 9449) for access tokens: proof verification (`typ`, asymmetric `alg`, the header
//! `jwk` without private parts, signature, `htm`, `htu`, `iat` window, `ath`), the `jti` replay
//! check per target URI (in a [`ReplayStore`]), and the `cnf.jkt` binding between the token and
//! the proof key.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use serde_json::{Map, Value};

use crate::algorithm::Algorithm;
use crate::error::ErrorKind;
use crate::jose::{self, B64};
use crate::jwks::key::{import_unnamed, thumbprint};
use crate::verify::replay::{ReplayCheck, ReplayKey, ReplayStore};

pub use crate::outcome::DpopMode;

/// Header members a proof may not carry: the key comes only from `jwk`.
const REFUSED_PROOF_HEADER: [&str; 7] = ["crit", "jku", "x5u", "x5c", "b64", "zip", "enc"];
/// Longest `jti` accepted (RFC 9449 §11.1: reject unnecessarily large values).
const MAX_JTI_LEN: usize = 256;
/// Longest proof accepted.
const MAX_PROOF_LEN: usize = 8 * 1024;
/// `Retry-After` when the replay store cannot answer.
const REPLAY_RETRY_AFTER_SECS: u64 = 5;

/// DPoP settings and the replay store of one verifier.
pub(crate) struct Dpop {
    pub(crate) mode: DpopMode,
    pub(crate) algorithms: Vec<Algorithm>,
    /// `algs="…"` of the challenge.
    pub(crate) algs: String,
    /// Accepted proof age, and tolerated clock skew into the future (seconds).
    max_age: i64,
    max_future: i64,
    replay: Arc<dyn ReplayStore>,
}

/// The request the proof must describe.
pub(crate) struct ProofTarget<'a> {
    pub(crate) method: &'a str,
    pub(crate) htu: &'a str,
}

#[derive(serde::Deserialize)]
struct ProofClaims {
    jti: Option<Value>,
    htm: Option<Value>,
    htu: Option<Value>,
    iat: Option<Value>,
    ath: Option<Value>,
}

impl Dpop {
    pub(crate) fn new(
        mode: DpopMode,
        algorithms: Vec<Algorithm>,
        max_age: i64,
        max_future: i64,
        replay: Arc<dyn ReplayStore>,
    ) -> Self {
        let algs = algorithms
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            mode,
            algorithms,
            algs,
            max_age,
            max_future,
            replay,
        }
    }

    /// Verifies `proof` for `access_token` and the request; returns the proof key's thumbprint.
    pub(crate) async fn verify_proof(
        &self,
        proof: &str,
        access_token: &str,
        target: &ProofTarget<'_>,
        now: i64,
    ) -> Result<String, ErrorKind> {
        let bad = ErrorKind::InvalidDpopProof;
        if proof.len() > MAX_PROOF_LEN {
            return Err(bad);
        }
        let parts = jose::split(proof).map_err(|_| bad.clone())?;
        let header_bytes = jose::decode_segment(parts.header).map_err(|_| bad.clone())?;
        jose::check_unique_members(&header_bytes).map_err(|_| bad.clone())?;
        let header: Map<String, Value> =
            serde_json::from_slice(&header_bytes).map_err(|_| bad.clone())?;
        if REFUSED_PROOF_HEADER.iter().any(|m| header.contains_key(*m)) {
            return Err(bad);
        }
        let typ = header.get("typ").and_then(Value::as_str).unwrap_or("");
        if !typ.eq_ignore_ascii_case("dpop+jwt")
            && !typ.eq_ignore_ascii_case("application/dpop+jwt")
        {
            return Err(bad);
        }
        let alg = header
            .get("alg")
            .and_then(Value::as_str)
            .and_then(Algorithm::from_name)
            .filter(|a| self.algorithms.contains(a))
            .ok_or_else(|| bad.clone())?;
        let Some(Value::Object(jwk)) = header.get("jwk") else {
            return Err(bad);
        };
        let key = import_unnamed(jwk, &[alg]).map_err(|_| bad.clone())?;
        if key.alg != alg {
            return Err(bad);
        }
        let signature = jose::decode_segment(parts.signature).map_err(|_| bad.clone())?;
        if signature.is_empty() || !key.verify(parts.signing_input.as_bytes(), &signature) {
            return Err(bad);
        }
        let payload = jose::decode_payload(parts.payload).map_err(|_| bad.clone())?;
        let claims: ProofClaims = serde_json::from_slice(&payload).map_err(|_| bad.clone())?;
        let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).map(str::to_owned);
        let jti = text(&claims.jti).filter(|j| !j.is_empty() && j.len() <= MAX_JTI_LEN);
        let (Some(jti), Some(htm), Some(htu), Some(ath)) =
            (jti, text(&claims.htm), text(&claims.htu), text(&claims.ath))
        else {
            return Err(bad);
        };
        let iat = claims
            .iat
            .as_ref()
            .and_then(|v| crate::verify::claims::numeric_date(v).ok())
            .ok_or_else(|| bad.clone())?;
        if htm != target.method {
            return Err(bad);
        }
        if normalize_htu(&htu).as_deref() != normalize_htu(target.htu).as_deref() {
            return Err(bad);
        }
        if iat < now - self.max_age || iat > now + self.max_future {
            return Err(bad);
        }
        let expected_ath = B64.encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            access_token.as_bytes(),
        ));
        if ath != expected_ath {
            return Err(bad);
        }
        let jkt = thumbprint(jwk).ok_or_else(|| bad.clone())?;
        // The proof stays acceptable through the second `iat + max_age` (a future `iat` counts
        // from `now`, at most `max_future` ahead): remember it until that second is over.
        let last_second = iat
            .saturating_add(self.max_future)
            .max(now)
            .saturating_add(self.max_age);
        let ttl = u64::try_from(last_second.saturating_sub(now).saturating_add(1)).unwrap_or(1);
        let key = ReplayKey::new(target.htu, &jti);
        match self
            .replay
            .check_and_remember(&key, Duration::from_secs(ttl))
            .await
        {
            Ok(ReplayCheck::Fresh) => Ok(jkt),
            Ok(ReplayCheck::Replayed) => Err(bad),
            Err(error) => {
                tracing::warn!(%error, "DPoP replay store unavailable; proof refused (fail-closed)");
                Err(ErrorKind::ReplayCheckUnavailable {
                    retry_after: REPLAY_RETRY_AFTER_SECS,
                })
            }
        }
    }
}

/// `htu` for comparison (RFC 9449 §4.3 item 9): the URL without query and fragment, with
/// RFC 3986's syntax-based normalisation (§6.2.2) and the scheme-based one for http(s)
/// (§6.2.3). The URL parser lower-cases the scheme and host, converts a Unicode host to ASCII,
/// drops a default port, gives an empty path as `/`, removes dot-segments and percent-encodes
/// what must be; then percent-encodings are normalised: an encoded unreserved character is
/// decoded, the hex digits of the others upper-cased. `None` for anything but an absolute
/// `http(s)` URL without user info.
pub(crate) fn normalize_htu(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    if !matches!(url.scheme(), "https" | "http")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    let host = url.host_str()?;
    let mut out = format!("{}://{host}", url.scheme());
    if let Some(port) = url.port() {
        out.push(':');
        out.push_str(&port.to_string());
    }
    normalize_percent_encoding(url.path(), &mut out);
    Some(out)
}

/// Appends `path` with every `%XX` of an unreserved character decoded (RFC 3986 §6.2.2.2) and
/// the hex digits of the remaining ones upper-cased (§6.2.2.1).
fn normalize_percent_encoding(path: &str, out: &mut String) {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match decoded {
            Some(byte)
                if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') =>
            {
                out.push(char::from(byte));
                i += 3;
            }
            Some(byte) => {
                out.push_str(&format!("%{byte:02X}"));
                i += 3;
            }
            None => {
                // The parser leaves only ASCII in a path; copy up to the next `%`.
                let next = path[i + 1..].find('%').map_or(path.len(), |j| i + 1 + j);
                out.push_str(&path[i..next]);
                i = next;
            }
        }
    }
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_normalization() {
        let n = |u| normalize_htu(u);
        assert_eq!(
            n("https://API.example.com:443/x?y#z"),
            Some("https://api.example.com/x".into())
        );
        assert_eq!(n("http://localhost:80"), Some("http://localhost/".into()));
        assert_eq!(
            n("https://a.example:8443/p"),
            Some("https://a.example:8443/p".into())
        );
        assert_eq!(n("ftp://a/p"), None);
        assert_eq!(n("https://u@a/p"), None);
        assert_eq!(n("/relative"), None);
        assert_ne!(n("https://a.example/P"), n("https://a.example/p"));
        // Dot-segments (RFC 3986 §6.2.2.3), also percent-encoded.
        assert_eq!(
            n("https://a.example/x/./y/../z"),
            Some("https://a.example/x/z".into())
        );
        assert_eq!(
            n("https://a.example/x/%2e%2E/z"),
            Some("https://a.example/z".into())
        );
        // Percent-encodings (§6.2.2.1–2): unreserved decoded, others with upper-case hex.
        assert_eq!(
            n("https://a.example/%7euser/%61%2fb%3a"),
            Some("https://a.example/~user/a%2Fb%3A".into())
        );
        assert_eq!(n("https://a.example/a b"), n("https://a.example/a%20b"));
        // Unicode host in ASCII form; default port of http.
        assert_eq!(
            n("http://BÜCHER.example:80/"),
            Some("http://xn--bcher-kva.example/".into())
        );
    }
}
