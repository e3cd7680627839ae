//! RSA PKCS#1 v1.5 for keys below 2048 bits, which aws-lc-rs (rightly) refuses to load.
//!
//! Only the deliberately weak 1024-bit test key goes through here, so that negative tests can
//! carry a token whose signature is *valid* for the weak key: a verifier must then reject it for
//! the key size, not for a broken signature. Plain Montgomery arithmetic on 64-bit limbs; not
//! constant time, which does not matter for a published test key.

use aws_lc_rs::digest;

/// Big-endian bytes to little-endian limbs, padded to `limbs`.
fn to_limbs(be: &[u8], limbs: usize) -> Vec<u64> {
    let mut out = vec![0u64; limbs];
    for (i, byte) in be.iter().rev().enumerate() {
        if let Some(limb) = out.get_mut(i / 8) {
            *limb |= u64::from(*byte) << (8 * (i % 8));
        }
    }
    out
}

/// Little-endian limbs to big-endian bytes of exactly `len` bytes.
fn to_bytes(limbs: &[u64], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (i, slot) in out.iter_mut().rev().enumerate() {
        if let Some(limb) = limbs.get(i / 8) {
            *slot = (limb >> (8 * (i % 8))) as u8;
        }
    }
    out
}

fn geq(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b`, returning the borrow.
fn sub_in_place(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for (x, y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(*y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *x = d2;
        borrow = b1 || b2;
    }
    borrow
}

/// Montgomery arithmetic modulo an odd `n`.
struct Montgomery {
    n: Vec<u64>,
    /// `-n^-1 mod 2^64`
    n0: u64,
    /// `R^2 mod n` with `R = 2^(64 * limbs)`
    r2: Vec<u64>,
}

impl Montgomery {
    fn new(n_be: &[u8]) -> Self {
        let limbs = n_be.len().div_ceil(8);
        let n = to_limbs(n_be, limbs);
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        // R^2 mod n by doubling 1 modulo n, 2 * 64 * limbs times.
        let mut r2 = vec![0u64; limbs];
        r2[0] = 1;
        for _ in 0..2 * 64 * limbs {
            let mut carry = 0u64;
            for limb in r2.iter_mut() {
                let next = *limb >> 63;
                *limb = (*limb << 1) | carry;
                carry = next;
            }
            if carry == 1 || geq(&r2, &n) {
                sub_in_place(&mut r2, &n);
            }
        }
        Self {
            n,
            n0: inv.wrapping_neg(),
            r2,
        }
    }

    /// `a * b / R mod n` (CIOS).
    fn mul(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let k = self.n.len();
        let mut t = vec![0u64; k + 2];
        for &bi in b.iter().take(k) {
            let mut carry: u128 = 0;
            for j in 0..k {
                let sum = u128::from(t[j]) + u128::from(a[j]) * u128::from(bi) + carry;
                t[j] = sum as u64;
                carry = sum >> 64;
            }
            let sum = u128::from(t[k]) + carry;
            t[k] = sum as u64;
            t[k + 1] = (sum >> 64) as u64;

            let m = t[0].wrapping_mul(self.n0);
            let sum = u128::from(t[0]) + u128::from(m) * u128::from(self.n[0]);
            let mut carry = sum >> 64;
            for j in 1..k {
                let sum = u128::from(t[j]) + u128::from(m) * u128::from(self.n[j]) + carry;
                t[j - 1] = sum as u64;
                carry = sum >> 64;
            }
            let sum = u128::from(t[k]) + carry;
            t[k - 1] = sum as u64;
            t[k] = t[k + 1] + (sum >> 64) as u64;
        }
        let mut result: Vec<u64> = t[..k].to_vec();
        if t[k] != 0 || geq(&result, &self.n) {
            sub_in_place(&mut result, &self.n);
        }
        result
    }

    /// `base^exp mod n`, all big-endian bytes.
    fn pow(&self, base_be: &[u8], exp_be: &[u8], out_len: usize) -> Vec<u8> {
        let k = self.n.len();
        let base = self.mul(&to_limbs(base_be, k), &self.r2);
        let mut one = vec![0u64; k];
        one[0] = 1;
        let mut acc = self.mul(&one, &self.r2);
        for byte in exp_be {
            for bit in (0..8).rev() {
                acc = self.mul(&acc, &acc);
                if (byte >> bit) & 1 == 1 {
                    acc = self.mul(&acc, &base);
                }
            }
        }
        to_bytes(&self.mul(&acc, &one), out_len)
    }
}

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
    mont: Montgomery,
    e: Vec<u8>,
    d: Vec<u8>,
    len: usize,
}

impl WeakRsa {
    pub(crate) fn new(n: &[u8], e: &[u8], d: &[u8]) -> Self {
        Self {
            mont: Montgomery::new(n),
            e: e.to_vec(),
            d: d.to_vec(),
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

    /// An RSASSA-PKCS1-v1_5 signature.
    pub(crate) fn sign(&self, alg: &'static digest::Algorithm, msg: &[u8]) -> Vec<u8> {
        self.mont.pow(&self.encode(alg, msg), &self.d, self.len)
    }

    /// Checks an RSASSA-PKCS1-v1_5 signature.
    pub(crate) fn verify(&self, alg: &'static digest::Algorithm, msg: &[u8], sig: &[u8]) -> bool {
        if sig.len() != self.len {
            return false;
        }
        let s = to_limbs(sig, self.mont.n.len());
        if geq(&s, &self.mont.n) {
            return false;
        }
        self.mont.pow(sig, &self.e, self.len) == self.encode(alg, msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_modulus_arithmetic() {
        // 3^7 mod 1000003 (odd modulus, one limb).
        let n = 1_000_003u64.to_be_bytes();
        let m = Montgomery::new(&n);
        let r = m.pow(&[3], &[7], 8);
        assert_eq!(u64::from_be_bytes(r.try_into().unwrap_or_default()), 2187);
        let r = m.pow(&[0x12, 0x34], &[0x01, 0x00, 0x01], 8);
        let expected = {
            let mut acc: u128 = 1;
            for _ in 0..65537 {
                acc = acc * 0x1234 % 1_000_003;
            }
            acc as u64
        };
        assert_eq!(
            u64::from_be_bytes(r.try_into().unwrap_or_default()),
            expected
        );
    }

    #[test]
    fn limbs_round_trip() {
        let be: Vec<u8> = (1..=20).collect();
        assert_eq!(to_bytes(&to_limbs(&be, 3), 20), be);
    }
}
