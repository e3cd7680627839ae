//! Just enough DER and PEM for the test keys: reading the RSA integers out of PKCS#8 / PKCS#1,
//! and writing the few structures aws-lc-rs cannot produce for a 1024-bit RSA key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_NULL: u8 = 0x05;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;

/// `rsaEncryption` (1.2.840.113549.1.1.1), DER content octets.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// A cursor over DER bytes.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Reads one TLV with the expected tag and returns its content.
    pub(crate) fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (&actual, rest) = self.rest.split_first()?;
        if actual != tag {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (len_bytes, after) = rest.split_at(count);
            rest = after;
            len_bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        };
        if rest.len() < len {
            return None;
        }
        let (content, after) = rest.split_at(len);
        self.rest = after;
        Some(content)
    }

    /// Reads a non-negative INTEGER as big-endian bytes without leading zeros.
    pub(crate) fn read_unsigned(&mut self) -> Option<&'a [u8]> {
        let content = self.read(TAG_INTEGER)?;
        if content.first().is_some_and(|b| b & 0x80 != 0) {
            return None;
        }
        let start = content
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(content.len());
        Some(&content[start..])
    }
}

/// The integers of an RSA private key, big-endian without leading zeros.
pub(crate) struct RsaPrivateParts {
    pub(crate) n: Vec<u8>,
    pub(crate) e: Vec<u8>,
    pub(crate) d: Vec<u8>,
}

/// Reads `n`, `e`, `d` from an RSA PKCS#8 `PrivateKeyInfo`.
pub(crate) fn rsa_pkcs8_parts(pkcs8: &[u8]) -> Option<RsaPrivateParts> {
    let mut outer = Reader::new(pkcs8);
    let mut info = Reader::new(outer.read(TAG_SEQUENCE)?);
    info.read_unsigned()?; // version
    let mut alg = Reader::new(info.read(TAG_SEQUENCE)?);
    if alg.read(TAG_OID)? != OID_RSA_ENCRYPTION {
        return None;
    }
    let mut key = Reader::new(info.read(TAG_OCTET_STRING)?);
    let mut fields = Reader::new(key.read(TAG_SEQUENCE)?);
    fields.read_unsigned()?; // version
    let n = fields.read_unsigned()?.to_vec();
    let e = fields.read_unsigned()?.to_vec();
    let d = fields.read_unsigned()?.to_vec();
    Some(RsaPrivateParts { n, e, d })
}

/// Reads `(n, e)` from a PKCS#1 `RSAPublicKey`.
pub(crate) fn rsa_public_parts(pkcs1: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut outer = Reader::new(pkcs1);
    let mut fields = Reader::new(outer.read(TAG_SEQUENCE)?);
    let n = fields.read_unsigned()?.to_vec();
    let e = fields.read_unsigned()?.to_vec();
    fields.is_empty().then_some((n, e))
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

fn unsigned_integer(be: &[u8]) -> Vec<u8> {
    let start = be
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(be.len().saturating_sub(1));
    let trimmed = &be[start..];
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    tlv(TAG_INTEGER, &content)
}

/// Encodes an RSA public key as an X.509 `SubjectPublicKeyInfo`.
pub(crate) fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut rsa_public = unsigned_integer(n);
    rsa_public.extend(unsigned_integer(e));
    let rsa_public = tlv(TAG_SEQUENCE, &rsa_public);

    let mut alg = tlv(TAG_OID, OID_RSA_ENCRYPTION);
    alg.extend(tlv(TAG_NULL, &[]));
    let alg = tlv(TAG_SEQUENCE, &alg);

    let mut bits = Vec::with_capacity(rsa_public.len() + 1);
    bits.push(0); // no unused bits
    bits.extend(rsa_public);

    let mut spki = alg;
    spki.extend(tlv(TAG_BIT_STRING, &bits));
    tlv(TAG_SEQUENCE, &spki)
}

/// Wraps DER in PEM armour with 64-character lines.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Extracts the DER from PEM armour with the given label.
pub(crate) fn pem_decode(label: &str, pem: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let body: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip() {
        let encoded = unsigned_integer(&[0x00, 0x80, 0x01]);
        assert_eq!(encoded, vec![TAG_INTEGER, 3, 0x00, 0x80, 0x01]);
        let mut r = Reader::new(&encoded);
        assert_eq!(r.read_unsigned(), Some(&[0x80, 0x01][..]));
        assert!(r.is_empty());
        assert_eq!(unsigned_integer(&[0x01, 0x00, 0x01]), vec![2, 3, 1, 0, 1]);
    }

    #[test]
    fn long_lengths() {
        let content = vec![7u8; 300];
        let encoded = tlv(TAG_OCTET_STRING, &content);
        assert_eq!(&encoded[..4], &[TAG_OCTET_STRING, 0x82, 0x01, 0x2c]);
        assert_eq!(
            Reader::new(&encoded).read(TAG_OCTET_STRING),
            Some(&content[..])
        );
    }

    #[test]
    fn truncated_input_is_rejected() {
        assert_eq!(
            Reader::new(&[TAG_SEQUENCE, 5, 1, 2]).read(TAG_SEQUENCE),
            None
        );
        assert_eq!(Reader::new(&[TAG_SEQUENCE, 0x85]).read(TAG_SEQUENCE), None);
        assert!(rsa_pkcs8_parts(b"not der").is_none());
    }

    #[test]
    fn pem_round_trip() {
        let der: Vec<u8> = (0..=255u8).collect();
        let pem = pem_encode("PUBLIC KEY", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(pem_decode("PUBLIC KEY", &pem), Some(der));
        assert_eq!(pem_decode("PRIVATE KEY", &pem), None);
    }
}
