//! Compact JWS handling that closes the gaps of general-purpose JWT libraries: exact structure
//! and alphabet checks before any decoding, strict unpadded base64url, UTF-8 JSON objects without
//! duplicate members, and refusal of header parameters the verifier does not understand.

mod base64url;
mod flat;
mod flat_de;
mod json;

use std::mem::MaybeUninit;

use crate::bearer::MAX_TOKEN_LEN;
use crate::error::ErrorKind;

use json::Member;

/// Most members a header may have (real ones carry three to six).
const MAX_HEADER_MEMBERS: usize = 32;
/// Largest decoded header accepted.
const MAX_HEADER_LEN: usize = 4 * 1024;
/// Longest `kid` accepted.
pub(crate) const MAX_KID_LEN: usize = 256;

pub(crate) use base64url::B64;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use flat_de::assert_agrees as assert_flat_reader_agrees;

/// Fails with [`ErrorKind::Malformed`] unless `json` is one UTF-8 JSON object whose member
/// names are unique at every depth, within the caps of the full check; the document as text.
/// A flat object (the usual token payload) is decided by a quick scan; anything else by the
/// full check.
pub(crate) fn check_unique_members(json: &[u8]) -> Result<&str, ErrorKind> {
    let text = std::str::from_utf8(json).map_err(|_| ErrorKind::Malformed)?;
    check_text(&mut flat::Members::new(text))?;
    Ok(text)
}

/// [`check_unique_members`] on text (the one `members` was made for); `true` when the quick
/// scan decided, and then `members` holds the flat object's members.
fn check_text(members: &mut flat::Members<'_>) -> Result<bool, ErrorKind> {
    let text = members.text();
    if flat::scan(members) {
        // The fuzz targets and the unit tests hold the quick road to the full check's answer.
        #[cfg(any(test, feature = "fuzzing"))]
        assert!(
            json::check_text(text).is_ok(),
            "the quick road passed a document the full check refuses: {text:?}"
        );
        return Ok(true);
    }
    json::check_text(text)?;
    Ok(false)
}

/// Reads a decoded payload's claims as a `T` after [`check_unique_members`]'s check: straight
/// from the quick scan's members when the payload is flat with plain numbers (the usual token),
/// through serde_json otherwise. A fault of the document is [`ErrorKind::Malformed`]; claims
/// that do not fit `T` are [`ErrorKind::InvalidClaim`].
pub(crate) fn read_claims<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, ErrorKind> {
    let text = std::str::from_utf8(json).map_err(|_| ErrorKind::Malformed)?;
    let mut members = flat::Members::new(text);
    let read = match check_text(&mut members)? {
        true if members.plain_numbers => {
            let read = flat_de::from_members::<T>(&members).map_err(drop);
            // The unit tests and the fuzz targets hold this road to serde_json's answer.
            #[cfg(any(test, feature = "fuzzing"))]
            assert_eq!(
                read.is_ok(),
                serde_json::from_str::<T>(text).is_ok(),
                "the flat reader and serde_json disagree on {text:?}"
            );
            read
        }
        _ => serde_json::from_str(text).map_err(drop),
    };
    read.map_err(|()| ErrorKind::InvalidClaim("claims"))
}

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
    base64url::decode(segment).map_err(|_| ErrorKind::Malformed)
}

/// Decodes the signature segment: a character outside base64url (or padding) makes the token
/// malformed; a well-formed segment of an impossible length is a bad signature.
pub(crate) fn decode_signature(segment: &str) -> Result<Vec<u8>, ErrorKind> {
    base64url::decode(segment).map_err(signature_error)
}

fn signature_error(e: base64::DecodeError) -> ErrorKind {
    match e {
        base64::DecodeError::InvalidByte(..) | base64::DecodeError::InvalidPadding => {
            ErrorKind::Malformed
        }
        _ => ErrorKind::Signature,
    }
}

/// Decoded signatures up to this length stay on the stack (RSA up to 4096 bits, ECDSA, EdDSA).
const SIGNATURE_ON_STACK: usize = 512;

/// [`decode_signature`] without a fresh allocation for a signature of ordinary size: the
/// decoded bytes are passed to `check`.
pub(crate) fn with_signature<R, E: From<ErrorKind>>(
    segment: &str,
    check: impl FnOnce(&[u8]) -> Result<R, E>,
) -> Result<R, E> {
    if base64::decoded_len_estimate(segment.len()) > SIGNATURE_ON_STACK {
        return check(&decode_signature(segment)?);
    }
    let mut stack = [MaybeUninit::uninit(); SIGNATURE_ON_STACK];
    let signature = base64url::decode_into(segment, &mut stack).map_err(|e| match e {
        base64::DecodeSliceError::DecodeError(e) => signature_error(e),
        // Not reached: the buffer holds the longest decoding of the segment.
        base64::DecodeSliceError::OutputSliceTooSmall => ErrorKind::Signature,
    })?;
    check(signature)
}

/// The JOSE header members the verifiers use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) alg: String,
    pub(crate) kid: Option<String>,
    pub(crate) typ: Option<String>,
}

#[cfg(test)]
thread_local! {
    /// Headers decoded on this thread, so that tests can tell a remembered header from a parse.
    pub(crate) static HEADER_PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Header parameters that are refused outright: extensions the verifier cannot honour (`crit`,
/// `b64`), keys or key URLs that must never be trusted from a token, and JWE/compression members.
const REFUSED_HEADER_PARAMS: [&str; 8] = ["crit", "jku", "x5u", "jwk", "x5c", "b64", "zip", "enc"];

/// Decoded header bytes up to this length stay on the stack.
const HEADER_ON_STACK: usize = 256;

/// Decodes and checks the header segment: one pass over its JSON checks the structure and
/// the uniqueness of member names and keeps `alg`, `kid` and `typ`.
pub(crate) fn parse_header(segment: &str) -> Result<Header, ErrorKind> {
    #[cfg(test)]
    HEADER_PARSES.with(|n| n.set(n.get() + 1));
    if segment.len() > MAX_HEADER_LEN * 4 / 3 + 4 {
        return Err(ErrorKind::Malformed);
    }
    let read = with_decoded::<HEADER_ON_STACK, _>(segment, |bytes| {
        json::read_header(bytes, MAX_HEADER_MEMBERS, &REFUSED_HEADER_PARAMS)
    })?;
    if read.refused {
        return Err(ErrorKind::UnsupportedHeader);
    }
    let alg = match read.alg {
        Member::Str(s) => s,
        _ => return Err(ErrorKind::Algorithm),
    };
    let kid = match read.kid {
        Member::Absent => None,
        Member::Str(s) if !s.is_empty() && s.len() <= MAX_KID_LEN => Some(s),
        _ => return Err(ErrorKind::Malformed),
    };
    let typ = match read.typ {
        Member::Absent => None,
        Member::Str(s) => Some(s),
        Member::Other => return Err(ErrorKind::TokenType),
    };
    Ok(Header { alg, kid, typ })
}

/// Decodes the payload segment into bytes of a JSON object without duplicate members.
pub(crate) fn decode_payload(segment: &str) -> Result<Vec<u8>, ErrorKind> {
    let bytes = decode_segment(segment)?;
    check_unique_members(&bytes)?;
    Ok(bytes)
}

/// Decoded payloads up to this length stay on the stack.
const PAYLOAD_ON_STACK: usize = 1024;

/// Decodes the payload segment without a fresh allocation when it is of ordinary size, and
/// passes the bytes, not yet checked, to `read` (which checks them, as [`read_claims`] does).
pub(crate) fn with_payload<R>(
    segment: &str,
    read: impl FnOnce(&[u8]) -> Result<R, ErrorKind>,
) -> Result<R, ErrorKind> {
    with_decoded::<PAYLOAD_ON_STACK, _>(segment, read)
}

/// Decodes `segment` into a stack buffer of `N` bytes when its decoding fits, into a fresh
/// `Vec` otherwise, and passes the bytes to `read`; any decoding fault is `Malformed`.
fn with_decoded<const N: usize, R>(
    segment: &str,
    read: impl FnOnce(&[u8]) -> Result<R, ErrorKind>,
) -> Result<R, ErrorKind> {
    if base64::decoded_len_estimate(segment.len()) > N {
        return read(&decode_segment(segment)?);
    }
    let mut stack = [MaybeUninit::uninit(); N];
    read(base64url::decode_into(segment, &mut stack).map_err(|_| ErrorKind::Malformed)?)
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
    use base64::Engine;

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
        // `null` is an absent `alg`, `kid` or `typ`, and a present refused parameter
        let ok = |json: &str| parse_header(&enc(json));
        assert_eq!(ok(r#"{"alg":null}"#).unwrap_err(), ErrorKind::Algorithm);
        assert_eq!(ok(r#"{"alg":"RS256","kid":null}"#).unwrap().kid, None);
        assert_eq!(ok(r#"{"alg":"RS256","typ":null}"#).unwrap().typ, None);
        assert_eq!(
            ok(r#"{"alg":"RS256","typ":["JWT"]}"#).unwrap_err(),
            ErrorKind::TokenType
        );
        assert_eq!(
            ok(r#"{"alg":"RS256","jku":null}"#).unwrap_err(),
            ErrorKind::UnsupportedHeader
        );
        // a structural fault anywhere comes before every other refusal
        for json in [
            r#"{"alg":{"a":1,"a":2}}"#,
            r#"{"crit":1,"x":[{"b":1,"b":1}]}"#,
            r#"{"kid":5,"alg":"RS256","kid":"k"}"#,
            r#"{"jku":"u"} x"#,
        ] {
            assert_eq!(ok(json).unwrap_err(), ErrorKind::Malformed, "{json}");
        }
        // member names are compared after unescaping
        assert_eq!(ok(r#"{"\u0061lg":"RS256"}"#).unwrap().alg, "RS256");
        assert_eq!(
            ok(r#"{"alg":"RS256","\u0061lg":"none"}"#).unwrap_err(),
            ErrorKind::Malformed
        );
        assert_eq!(
            ok(r#"{"alg":"RS256","j\u006bu":"u"}"#).unwrap_err(),
            ErrorKind::UnsupportedHeader
        );
        // a header too long for the stack buffer is read the same way
        let long = format!(r#"{{"alg":"RS256","kid":"k","x5t":"{}"}}"#, "t".repeat(400));
        assert_eq!(ok(&long).unwrap().kid.as_deref(), Some("k"));
        let long_dup = format!(
            r#"{{"alg":"RS256","x5t":"{}","alg":"none"}}"#,
            "t".repeat(400)
        );
        assert_eq!(ok(&long_dup).unwrap_err(), ErrorKind::Malformed);
        let mut bad = enc(&long);
        bad.insert(300, '+');
        assert_eq!(parse_header(&bad).unwrap_err(), ErrorKind::Malformed);
        // padded base64 is not base64url without padding
        let padded = base64::engine::general_purpose::URL_SAFE.encode(r#"{"alg":"RS256","a":12}"#);
        assert!(padded.ends_with('=') && parse_header(&padded).is_err());
    }
}
