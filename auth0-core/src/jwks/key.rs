//! The JWK import filter: each usable JWK becomes a [`VerifyingKey`] bound to exactly one
//! algorithm and parsed once, so that the request path only runs the signature check.

use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};
use base64::Engine;
use serde_json::{Map, Value};

use crate::algorithm::Algorithm;
use crate::jose::{B64, MAX_KID_LEN};

/// A public key ready to verify signatures of one algorithm.
pub(crate) struct VerifyingKey {
    pub(crate) kid: Box<str>,
    pub(crate) alg: Algorithm,
    /// Parsed once at import: aws-lc keeps what it derives from the key (for RSA, the
    /// Montgomery constants of the modulus, about a tenth of a verification) for every later
    /// check.
    key: ParsedPublicKey,
    /// The length every valid signature of this key has.
    signature_len: usize,
    /// The encoded public key, to tell whether a refreshed set really changed.
    material: Box<[u8]>,
}

#[cfg(test)]
thread_local! {
    /// Signature checks run on this thread, so that tests can tell a cached answer from a
    /// verification.
    pub(crate) static SIGNATURE_CHECKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl VerifyingKey {
    /// Whether `signature` is valid for `message` under this key.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        // A signature of the wrong length cannot verify: refuse it before hashing the message,
        // which for a token at the size cap costs half an RSA verification.
        if signature.len() != self.signature_len {
            return false;
        }
        #[cfg(test)]
        SIGNATURE_CHECKS.with(|n| n.set(n.get() + 1));
        self.key.verify_sig(message, signature).is_ok()
    }

    pub(crate) fn same_as(&self, other: &VerifyingKey) -> bool {
        self.kid == other.kid && self.alg == other.alg && self.material == other.material
    }
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish()
    }
}

/// The only RSA public exponent accepted: 65537 (`AQAB`), big-endian without leading zeros.
const RSA_EXPONENT: &[u8] = &[0x01, 0x00, 0x01];

/// Members that only private or symmetric keys have.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Imports one JWK, or says why it is not usable.
pub(crate) fn import(
    jwk: &Map<String, Value>,
    allowed: &[Algorithm],
) -> Result<VerifyingKey, &'static str> {
    let kid = match jwk.get("kid") {
        Some(Value::String(k)) if !k.is_empty() && k.len() <= MAX_KID_LEN => k.as_str(),
        Some(Value::String(_)) => return Err("kid is empty or too long"),
        Some(_) => return Err("kid is not a string"),
        None => return Err("no kid"),
    };
    import_with_kid(jwk, kid, allowed)
}

/// Imports a key that carries no `kid` (the public key in a DPoP proof header).
pub(crate) fn import_unnamed(
    jwk: &Map<String, Value>,
    allowed: &[Algorithm],
) -> Result<VerifyingKey, &'static str> {
    import_with_kid(jwk, "", allowed)
}

fn import_with_kid(
    jwk: &Map<String, Value>,
    kid: &str,
    allowed: &[Algorithm],
) -> Result<VerifyingKey, &'static str> {
    let kty = match jwk.get("kty") {
        Some(Value::String(k)) => k.as_str(),
        _ => return Err("no kty"),
    };
    if kty == "oct" {
        return Err("symmetric (oct) keys are never used");
    }
    if PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)) {
        return Err("the key carries private material");
    }
    check_use(jwk)?;
    let declared = match jwk.get("alg") {
        None => None,
        Some(Value::String(a)) => Some(Algorithm::from_name(a).ok_or("alg is not supported")?),
        Some(_) => return Err("alg is not a string"),
    };
    let Parsed {
        alg,
        material,
        key,
        signature_len,
    } = match kty {
        "RSA" => rsa(jwk, declared, allowed)?,
        "EC" => ec(jwk, declared)?,
        "OKP" => okp(jwk, declared)?,
        _ => return Err("unsupported kty"),
    };
    if !allowed.contains(&alg) {
        return Err("the key's algorithm is not allowed");
    }
    Ok(VerifyingKey {
        kid: kid.into(),
        alg,
        key,
        signature_len,
        material,
    })
}

/// One key's import: its algorithm, encoding, parsed key and signature length.
struct Parsed {
    alg: Algorithm,
    material: Box<[u8]>,
    key: ParsedPublicKey,
    signature_len: usize,
}

/// `use` absent or `sig`; `key_ops` absent or containing `verify`, without duplicates.
fn check_use(jwk: &Map<String, Value>) -> Result<(), &'static str> {
    match jwk.get("use") {
        None => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(_) => return Err("use is not sig"),
    }
    match jwk.get("key_ops") {
        None => Ok(()),
        Some(Value::Array(ops)) => {
            let mut seen: Vec<&str> = Vec::with_capacity(ops.len());
            for op in ops {
                let op = op.as_str().ok_or("key_ops holds a non-string")?;
                if seen.contains(&op) {
                    return Err("key_ops has duplicates");
                }
                seen.push(op);
            }
            if seen.contains(&"verify") {
                Ok(())
            } else {
                Err("key_ops does not allow verify")
            }
        }
        Some(_) => Err("key_ops is not an array"),
    }
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<Vec<u8>, &'static str> {
    let s: &'a str = jwk
        .get(name)
        .and_then(Value::as_str)
        .ok_or("a key member is missing")?;
    B64.decode(s).map_err(|_| "a key member is not base64url")
}

fn rsa(
    jwk: &Map<String, Value>,
    declared: Option<Algorithm>,
    allowed: &[Algorithm],
) -> Result<Parsed, &'static str> {
    let alg = match declared {
        Some(a) if a.is_rsa() => a,
        Some(_) => return Err("alg does not fit an RSA key"),
        // No alg on the key: bind it to RS256, or to the one RSA algorithm the verifier allows.
        None if allowed.contains(&Algorithm::RS256) => Algorithm::RS256,
        None => *allowed
            .iter()
            .find(|a| a.is_rsa())
            .ok_or("RSA keys are not allowed")?,
    };
    let n = member(jwk, "n")?;
    let e = member(jwk, "e")?;
    let n = strip_leading_zeros(&n);
    let e = strip_leading_zeros(&e);
    // The first byte is non-zero once the zeros are stripped; an empty (or all-zero) modulus
    // has no bits at all.
    let bits = n
        .first()
        .map_or(0, |b| n.len() * 8 - b.leading_zeros() as usize);
    if bits < 2048 {
        return Err("RSA key smaller than 2048 bits");
    }
    if bits > 8192 {
        return Err("RSA key larger than 8192 bits");
    }
    // Only e = 65537, the exponent every major provider (Auth0 included) publishes. A small
    // exponent such as 3 lets an attacker forge PKCS#1 v1.5 signatures against verifiers that
    // check the padding loosely (Bleichenbacher 2006 and its descendants); refusing it at import
    // keeps that class of bug out of reach whatever the crypto library does.
    if e != RSA_EXPONENT {
        return Err("RSA exponent is not 65537");
    }
    let der = rsa_public_key_der(n, e);
    let key =
        ParsedPublicKey::new(verification_algorithm(alg), &der).map_err(|_| "RSA key rejected")?;
    Ok(Parsed {
        alg,
        material: der.into_boxed_slice(),
        key,
        // A PKCS#1 v1.5 or PSS signature is exactly as long as the modulus.
        signature_len: n.len(),
    })
}

fn ec(jwk: &Map<String, Value>, declared: Option<Algorithm>) -> Result<Parsed, &'static str> {
    let (alg, len) = match jwk.get("crv").and_then(Value::as_str) {
        Some("P-256") => (Algorithm::ES256, 32),
        Some("P-384") => (Algorithm::ES384, 48),
        _ => return Err("unsupported EC curve"),
    };
    if declared.is_some_and(|d| d != alg) {
        return Err("alg does not fit the EC curve");
    }
    let x = member(jwk, "x")?;
    let y = member(jwk, "y")?;
    if x.len() != len || y.len() != len {
        return Err("EC coordinates have the wrong length");
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let key = ParsedPublicKey::new(verification_algorithm(alg), &point)
        .map_err(|_| "EC point is not on the curve")?;
    Ok(Parsed {
        alg,
        material: point.into_boxed_slice(),
        key,
        // `R || S`, each as long as a coordinate (RFC 7518 §3.4).
        signature_len: 2 * len,
    })
}

fn okp(jwk: &Map<String, Value>, declared: Option<Algorithm>) -> Result<Parsed, &'static str> {
    if jwk.get("crv").and_then(Value::as_str) != Some("Ed25519") {
        return Err("unsupported OKP curve");
    }
    if declared.is_some_and(|d| d != Algorithm::EdDSA) {
        return Err("alg does not fit an Ed25519 key");
    }
    let x = member(jwk, "x")?;
    if x.len() != 32 {
        return Err("Ed25519 key has the wrong length");
    }
    let key = ParsedPublicKey::new(&signature::ED25519, &x).map_err(|_| "Ed25519 key rejected")?;
    Ok(Parsed {
        alg: Algorithm::EdDSA,
        material: x.into_boxed_slice(),
        key,
        signature_len: 64,
    })
}

fn rsa_parameters(alg: Algorithm) -> Option<&'static signature::RsaParameters> {
    Some(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        _ => return None,
    })
}

pub(crate) fn verification_algorithm(alg: Algorithm) -> &'static dyn VerificationAlgorithm {
    match alg {
        Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        Algorithm::EdDSA => &signature::ED25519,
        rsa => rsa_parameters(rsa).unwrap_or(&signature::RSA_PKCS1_2048_8192_SHA256),
    }
}

/// The RFC 7638 JWK SHA-256 thumbprint, base64url: the required members of the key type in
/// lexicographic order, without whitespace. `None` for an unsupported or incomplete key.
pub(crate) fn thumbprint(jwk: &Map<String, Value>) -> Option<String> {
    let members: &[&str] = match jwk.get("kty")?.as_str()? {
        "RSA" => &["e", "kty", "n"],
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = String::from("{");
    for (i, m) in members.iter().enumerate() {
        let value = jwk.get(*m)?.as_str()?;
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&Value::from(*m).to_string());
        canonical.push(':');
        canonical.push_str(&Value::from(value).to_string());
    }
    canonical.push('}');
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes());
    Some(B64.encode(digest.as_ref()))
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// DER `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
fn rsa_public_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    fn integer(out: &mut Vec<u8>, v: &[u8]) {
        let pad = v.first().is_some_and(|b| b & 0x80 != 0);
        out.push(0x02);
        der_len(out, v.len() + usize::from(pad));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
    }
    let mut body = Vec::with_capacity(n.len() + e.len() + 16);
    integer(&mut body, n);
    integer(&mut body, e);
    let mut out = Vec::with_capacity(body.len() + 4);
    out.push(0x30);
    der_len(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

fn der_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    #[test]
    fn rfc7638_thumbprint_example() {
        let jwk: Map<String, Value> = serde_json::from_str(&format!(
            r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","alg":"RS256","kid":"2011-04-29"}}"#
        ))
        .unwrap();
        assert_eq!(
            thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(thumbprint(&Map::new()), None);
    }

    #[test]
    fn rsa_exponent_must_be_65537() {
        // The RFC 7638 example key's modulus (2048 bits).
        let n = RFC7638_N;
        let jwk = |e: &str| -> Map<String, Value> {
            serde_json::from_value(serde_json::json!({"kty":"RSA","kid":"k","n":n,"e":e})).unwrap()
        };
        let allowed = [Algorithm::RS256];
        assert!(import(&jwk("AQAB"), &allowed).is_ok());
        assert!(
            import(&jwk("AAEAAQ"), &allowed).is_ok(),
            "a leading zero octet"
        );
        for e in ["Aw", "EQ", "AQE", "AQAAAQ", "AQAD", "Aw8"] {
            assert_eq!(
                import(&jwk(e), &allowed).unwrap_err(),
                "RSA exponent is not 65537",
                "{e}"
            );
        }
    }

    #[test]
    fn an_empty_or_zero_modulus_is_refused_as_too_small() {
        // Found by fuzzing: an empty `n` made the bit count underflow.
        let jwk = |n: &str| -> Map<String, Value> {
            serde_json::from_value(serde_json::json!({"kty":"RSA","kid":"k","n":n,"e":"AQAB"}))
                .unwrap()
        };
        let allowed = [Algorithm::RS256];
        for n in ["", "AA", "AAAA", "AQ"] {
            assert_eq!(
                import(&jwk(n), &allowed).unwrap_err(),
                "RSA key smaller than 2048 bits",
                "{n:?}"
            );
        }
    }
}
