//! Checking the compact JWS the tenant receives (bearer tokens at `/userinfo`, client
//! assertions, ID token hints): the signature, by a key chosen from the header, and `exp`.

use serde_json::Value;

use super::basics::{b64_decode, now};
use super::keys::TestKey;

/// Verifies a compact JWS with the key `pick` chooses from its header, and returns its claims
/// if the signature is valid and `exp`, when present, is a number in the future.
pub(crate) fn verify_token(
    token: &str,
    pick: impl FnOnce(&Value) -> Option<TestKey>,
) -> Option<serde_json::Map<String, Value>> {
    let claims = verify_signature(token, pick)?;
    match claims.get("exp") {
        Some(exp) if exp.as_f64()? <= now() as f64 => None,
        _ => Some(claims),
    }
}

/// Verifies a compact JWS with the key `pick` chooses from its header, and returns its claims
/// (a JSON object) if the signature is valid, whatever their times.
pub(crate) fn verify_signature(
    token: &str,
    pick: impl FnOnce(&Value) -> Option<TestKey>,
) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let header: Value = serde_json::from_slice(&b64_decode(h)?).ok()?;
    let key = pick(&header)?;
    let signing_input = &token[..h.len() + 1 + p.len()];
    if !key.verify(signing_input.as_bytes(), &b64_decode(s)?) {
        return None;
    }
    let Value::Object(claims) = serde_json::from_slice(&b64_decode(p)?).ok()? else {
        return None;
    };
    Some(claims)
}

/// Picks the published key whose `kid` and algorithm match the header.
pub(crate) fn published_key(keys: &[TestKey], header: &Value) -> Option<TestKey> {
    let (kid, alg) = (header.get("kid")?.as_str()?, header.get("alg")?.as_str()?);
    keys.iter()
        .find(|k| k.kid() == kid && k.algorithm().as_str() == alg)
        .cloned()
}
