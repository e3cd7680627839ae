//! RSA PKCS#1 v1.5 for keys below 2048 bits, which aws-lc-rs (rightly) refuses to load.
//!
//! Only the deliberately weak 1024-bit test key goes through here, so that negative tests can
//! carry a token whose signature is *valid* for the weak key: a verifier must then reject it for
//! the key size, not for a broken signature. The arithmetic is num-bigint's; not constant time,
//! which does not matter for a published test key.

use aws_lc_rs::digest;
use num_bigint::BigUint;

/// The DER `DigestInfo` prefix of EMSA-PKCS1-v1_5 (RFC 8017 §9.2 note 1).
fn digest_info_prefix(alg: &'static digest::Algorithm) -> &'static [u8] {
    const SHA256: &[u8] = &[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    const SHA384: &[u8] = &[
        0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
        0x05, 0x00, 0x04, 0x30,
    ];
    const SHA512: &[u8] = &[
        0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
        0x05, 0x00, 0x04, 0x40,
    ];
    if alg == &digest::SHA384 {
        SHA384
    } else if alg == &digest::SHA512 {
        SHA512
    } else {
        SHA256
    }
}

/// An RSA key handled outside aws-lc-rs.
pub(crate) struct WeakRsa {
    n: BigUint,
    e: BigUint,
    d: BigUint,
    len: usize,
}

impl WeakRsa {
    /// The key from its big-endian modulus, public and private exponents.
    pub(crate) fn new(n: &[u8], e: &[u8], d: &[u8]) -> Self {
        Self {
            n: BigUint::from_bytes_be(n),
            e: BigUint::from_bytes_be(e),
            d: BigUint::from_bytes_be(d),
            len: n.len(),
        }
    }

    /// EMSA-PKCS1-v1_5 encoding of the message's digest.
    fn encode(&self, alg: &'static digest::Algorithm, msg: &[u8]) -> Vec<u8> {
        let hash = digest::digest(alg, msg);
        let prefix = digest_info_prefix(alg);
        let t_len = prefix.len() + hash.as_ref().len();
        let mut em = Vec::with_capacity(self.len);
        em.extend_from_slice(&[0x00, 0x01]);
        em.resize(self.len.saturating_sub(t_len + 1), 0xff);
        em.push(0x00);
        em.extend_from_slice(prefix);
        em.extend_from_slice(hash.as_ref());
        em
    }

    /// `value` as exactly `len` big-endian bytes.
    fn to_bytes(&self, value: &BigUint) -> Vec<u8> {
        let bytes = value.to_bytes_be();
        let mut out = vec![0u8; self.len.saturating_sub(bytes.len())];
        out.extend_from_slice(&bytes);
        out
    }

    /// An RSASSA-PKCS1-v1_5 signature.
    pub(crate) fn sign(&self, alg: &'static digest::Algorithm, msg: &[u8]) -> Vec<u8> {
        let m = BigUint::from_bytes_be(&self.encode(alg, msg));
        self.to_bytes(&m.modpow(&self.d, &self.n))
    }

    /// Checks an RSASSA-PKCS1-v1_5 signature.
    pub(crate) fn verify(&self, alg: &'static digest::Algorithm, msg: &[u8], sig: &[u8]) -> bool {
        if sig.len() != self.len {
            return false;
        }
        let s = BigUint::from_bytes_be(sig);
        if s >= self.n {
            return false;
        }
        self.to_bytes(&s.modpow(&self.e, &self.n)) == self.encode(alg, msg)
    }
}
