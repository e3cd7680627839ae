//! Compact JWS handling that closes the gaps of general-purpose JWT libraries: exact structure
//! and alphabet checks before any decoding, strict unpadded base64url, UTF-8 JSON objects without
//! duplicate members, and refusal of header parameters the verifier does not understand.

mod json;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::bearer::MAX_TOKEN_LEN;
use crate::error::ErrorKind;

pub(crate) use json::check_unique_members;
use json::check_unique_members_within;

/// Most members a header may have (real ones carry three to six).
const MAX_HEADER_MEMBERS: usize = 32;
/// Largest decoded header accepted.
const MAX_HEADER_LEN: usize = 4 * 1024;
/// Longest `kid` accepted.
pub(crate) const MAX_KID_LEN: usize = 256;

/// Unpadded base64url that refuses padding and non-canonical trailing bits.
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// The three segments of a compact JWS, still encoded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Compact<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`, the bytes the signature covers.
    pub(crate) signing_input: &'a str,
}

/// Splits a token after checking its size and segment count (exactly three; a five-segment
/// JWE is refused without being decoded). The dots are found with a vectorised search; the
/// alphabet of each segment is checked by its strict base64url decode, which always comes
/// before any JSON is read (the payload's only after its signature has been verified, or to
/// read its `iss`).
pub(crate) fn split(token: &str) -> Result<Compact<'_>, ErrorKind> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(ErrorKind::Malformed);
    }
    let bytes = token.as_bytes();
    let mut dots = memchr::memchr_iter(b'.', bytes);
    let (Some(first), Some(last), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(ErrorKind::Malformed);
    };
    let header = &token[..first];
    let payload = &token[first + 1..last];
    let signature = &token[last + 1..];
    if header.is_empty() || payload.is_empty() {
        return Err(ErrorKind::Malformed);
    }
    Ok(Compact {
        header,
        payload,
        signature,
        signing_input: &token[..last],
    })
}

/// Decodes one segment.
pub(crate) fn decode_segment(segment: &str) -> Result<Vec<u8>, ErrorKind> {
    B64.decode(segment).map_err(|_| ErrorKind::Malformed)
}

/// Decodes the signature segment: a character outside base64url (or padding) makes the token
/// malformed; a well-formed segment of an impossible length is a bad signature.
pub(crate) fn decode_signature(segment: &str) -> Result<Vec<u8>, ErrorKind> {
    B64.decode(segment).map_err(|e| match e {
        base64::DecodeError::InvalidByte(..) | base64::DecodeError::InvalidPadding => {
            ErrorKind::Malformed
        }
        _ => ErrorKind::Signature,
    })
}

/// The JOSE header members the verifiers use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) alg: String,
    pub(crate) kid: Option<String>,
    pub(crate) typ: Option<String>,
}

/// Header parameters that are refused outright: extensions the verifier cannot honour (`crit`,
/// `b64`), keys or key URLs that must never be trusted from a token, and JWE/compression members
/// (the fields of `RawHeader` marked `present`).
#[cfg(test)]
const REFUSED_HEADER_PARAMS: [&str; 8] = ["crit", "jku", "x5u", "jwk", "x5c", "b64", "zip", "enc"];

#[derive(serde::Deserialize)]
struct RawHeader {
    alg: Option<serde_json::Value>,
    kid: Option<serde_json::Value>,
    typ: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "present")]
    crit: bool,
    #[serde(default, deserialize_with = "present")]
    jku: bool,
    #[serde(default, deserialize_with = "present")]
    x5u: bool,
    #[serde(default, deserialize_with = "present")]
    jwk: bool,
    #[serde(default, deserialize_with = "present")]
    x5c: bool,
    #[serde(default, deserialize_with = "present")]
    b64: bool,
    #[serde(default, deserialize_with = "present")]
    zip: bool,
    #[serde(default, deserialize_with = "present")]
    enc: bool,
}

impl RawHeader {
    fn has_refused_param(&self) -> bool {
        self.crit
            || self.jku
            || self.x5u
            || self.jwk
            || self.x5c
            || self.b64
            || self.zip
            || self.enc
    }
}

/// A member that is present, whatever its value (`null` included).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    <serde::de::IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| true)
}

/// Decodes and checks the header segment.
pub(crate) fn parse_header(segment: &str) -> Result<Header, ErrorKind> {
    if segment.len() > MAX_HEADER_LEN * 4 / 3 + 4 {
        return Err(ErrorKind::Malformed);
    }
    let bytes = decode_segment(segment)?;
    check_unique_members_within(&bytes, MAX_HEADER_MEMBERS)?;
    let raw: RawHeader = serde_json::from_slice(&bytes).map_err(|_| ErrorKind::Malformed)?;
    if raw.has_refused_param() {
        return Err(ErrorKind::UnsupportedHeader);
    }
    let alg = match raw.alg {
        Some(serde_json::Value::String(s)) => s,
        _ => return Err(ErrorKind::Algorithm),
    };
    let kid = match raw.kid {
        None => None,
        Some(serde_json::Value::String(s)) if !s.is_empty() && s.len() <= MAX_KID_LEN => Some(s),
        Some(_) => return Err(ErrorKind::Malformed),
    };
    let typ = match raw.typ {
        None => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => return Err(ErrorKind::TokenType),
    };
    Ok(Header { alg, kid, typ })
}

/// Decodes the payload segment into bytes of a JSON object without duplicate members.
pub(crate) fn decode_payload(segment: &str) -> Result<Vec<u8>, ErrorKind> {
    let bytes = decode_segment(segment)?;
    check_unique_members(&bytes)?;
    Ok(bytes)
}

/// Decodes the payload segment and reads only its top-level `iss`, skipping every other value
/// without decoding it: the cheap read that picks the key store before a signature is checked.
/// The bytes still need [`check_unique_members`] before their claims are trusted.
pub(crate) fn read_issuer(segment: &str) -> Result<(Vec<u8>, Option<String>), ErrorKind> {
    #[derive(serde::Deserialize)]
    struct IssuerOnly {
        #[serde(default)]
        iss: Option<String>,
    }
    let bytes = decode_segment(segment)?;
    let read: IssuerOnly = serde_json::from_slice(&bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ErrorKind::InvalidClaim("claims"),
        _ => ErrorKind::Malformed,
    })?;
    Ok((bytes, read.iss))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        B64.encode(s)
    }

    #[test]
    fn every_segment_is_held_to_the_base64url_alphabet() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            let segment = |at: usize| {
                let mut s = vec![b'A'; 8];
                s[at] = b;
                String::from_utf8(s).ok()
            };
            let Some(segment) = segment(3) else { continue };
            if b == b'.' {
                assert!(split(&format!("{segment}.AAAA.AAAA")).is_err());
                continue;
            }
            assert_eq!(decode_segment(&segment).is_ok(), expected, "byte {b:#04x}");
        }
        let dots = format!("{}.{}.{}.", "a".repeat(200), "b".repeat(200), "c");
        assert!(split(&dots).is_err(), "three dots far apart");
    }

    #[test]
    fn split_checks_structure() {
        assert!(split("a.b.c").is_ok());
        assert!(split("a.b.").is_ok());
        for bad in ["", "a.b", "a.b.c.d", "a.b.c.d.e", ".b.c", "a..c"] {
            assert_eq!(split(bad).unwrap_err(), ErrorKind::Malformed, "{bad:?}");
        }
        assert!(split(&"a".repeat(MAX_TOKEN_LEN + 1)).is_err());
    }

    #[test]
    fn header_rules() {
        let h = parse_header(&enc(
            r#"{"alg":"RS256","kid":"k1","typ":"JWT","x5t":"ignored"}"#,
        ))
        .unwrap();
        assert_eq!(
            h,
            Header {
                alg: "RS256".into(),
                kid: Some("k1".into()),
                typ: Some("JWT".into())
            }
        );
        for param in REFUSED_HEADER_PARAMS {
            let json = format!(r#"{{"alg":"RS256","{param}":"x"}}"#);
            assert_eq!(
                parse_header(&enc(&json)).unwrap_err(),
                ErrorKind::UnsupportedHeader,
                "{param}"
            );
        }
        assert_eq!(
            parse_header(&enc(r#"{"alg":"RS256","alg":"none"}"#)).unwrap_err(),
            ErrorKind::Malformed
        );
        assert_eq!(
            parse_header(&enc(r#"{"kid":"k"}"#)).unwrap_err(),
            ErrorKind::Algorithm
        );
        assert_eq!(
            parse_header(&enc(r#"{"alg":5}"#)).unwrap_err(),
            ErrorKind::Algorithm
        );
        assert_eq!(
            parse_header(&enc(r#"{"alg":"RS256","kid":5}"#)).unwrap_err(),
            ErrorKind::Malformed
        );
        let long_kid = format!(
            r#"{{"alg":"RS256","kid":"{}"}}"#,
            "k".repeat(MAX_KID_LEN + 1)
        );
        assert_eq!(
            parse_header(&enc(&long_kid)).unwrap_err(),
            ErrorKind::Malformed
        );
        assert_eq!(parse_header(&enc("[1]")).unwrap_err(), ErrorKind::Malformed);
        assert_eq!(
            parse_header(&enc("\u{feff}{\"alg\":\"RS256\"}")).unwrap_err(),
            ErrorKind::Malformed
        );
        // padded base64 is not base64url without padding
        let padded = base64::engine::general_purpose::URL_SAFE.encode(r#"{"alg":"RS256","a":12}"#);
        assert!(padded.ends_with('=') && parse_header(&padded).is_err());
    }
}
