//! Signing keys for tests: a committed RSA pool, deterministic EC / Ed25519 keys, JWKs and PEMs.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use aws_lc_rs::{agreement, digest, rand};
use serde_json::{Value, json};

use super::basics::{b64, fail};
use super::pem;
use super::weak_rsa::WeakRsa;
use crate::Algorithm;

/// The committed RSA-2048 pool behind [`TestKey::rsa`].
const RSA_POOL: [&str; 8] = [
    include_str!("keys/rsa-0.pem"),
    include_str!("keys/rsa-1.pem"),
    include_str!("keys/rsa-2.pem"),
    include_str!("keys/rsa-3.pem"),
    include_str!("keys/rsa-4.pem"),
    include_str!("keys/rsa-5.pem"),
    include_str!("keys/rsa-6.pem"),
    include_str!("keys/rsa-7.pem"),
];

/// How many pre-generated RSA-2048 keys [`TestKey::rsa`] chooses from.
pub const RSA_POOL_SIZE: usize = RSA_POOL.len();

const RSA_1024: &str = include_str!("keys/rsa-1024.pem");
const RSA_1024_PUBLIC: &str = include_str!("keys/rsa-1024.pub.pem");
/// The weak key's modulus, public and private exponents, in hex: what aws-lc-rs will not read
/// out of a key it refuses.
const RSA_1024_COMPONENTS: &str = include_str!("keys/rsa-1024.components");

/// The key material, shared by every clone of a [`TestKey`].
enum Material {
    Rsa {
        pair: RsaKeyPair,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    WeakRsa {
        key: WeakRsa,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        pair: EcdsaKeyPair,
        crv: &'static str,
        coordinate_len: usize,
    },
    Ed25519(Ed25519KeyPair),
}

struct Inner {
    material: Material,
    pkcs8: Vec<u8>,
    spki: Vec<u8>,
}

/// A signing key for tests, with a `kid` and the algorithm it signs with.
///
/// Cheap to clone (the key material is shared). `Debug` shows only the `kid` and the algorithm.
/// All keys here are **test keys**: the RSA ones are committed to the repository in clear.
#[derive(Clone)]
pub struct TestKey {
    inner: Arc<Inner>,
    kid: String,
    alg: Algorithm,
}

impl fmt::Debug for TestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

fn rsa_from_pkcs8(pkcs8: Vec<u8>) -> Inner {
    let pair = match RsaKeyPair::from_pkcs8(&pkcs8) {
        Ok(pair) => pair,
        Err(e) => fail(format_args!("RSA test key rejected by aws-lc-rs: {e}")),
    };
    let public = pair.public_key();
    let n = public.modulus().big_endian_without_leading_zero().to_vec();
    let e = public.exponent().big_endian_without_leading_zero().to_vec();
    let spki = match public.as_der() {
        Ok(der) => der.as_ref().to_vec(),
        Err(_) => fail("cannot encode the RSA public key"),
    };
    Inner {
        material: Material::Rsa { pair, n, e },
        pkcs8,
        spki,
    }
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    match pem::decode("PRIVATE KEY", pem) {
        Some(der) => der,
        None => fail("a committed test key is not PKCS#8 PEM"),
    }
}

/// Bytes from hex digits (an odd count gets a leading zero).
fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    let padded = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(padded.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A deterministic byte string from a label, a seed and a counter.
fn derive(label: &str, seed: u64, counter: u32, alg: &'static digest::Algorithm) -> Vec<u8> {
    let mut ctx = digest::Context::new(alg);
    ctx.update(b"auth0-rs testing key\0");
    ctx.update(label.as_bytes());
    ctx.update(&seed.to_be_bytes());
    ctx.update(&counter.to_be_bytes());
    ctx.finish().as_ref().to_vec()
}

fn ec_from_seed(alg: Algorithm, seed: u64) -> Inner {
    let (signing, ecdh, digest_alg, crv, coordinate_len) = match alg {
        Algorithm::ES384 => (
            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            &agreement::ECDH_P384,
            &digest::SHA384,
            "P-384",
            48,
        ),
        _ => (
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &agreement::ECDH_P256,
            &digest::SHA256,
            "P-256",
            32,
        ),
    };
    // A derived scalar is out of range with negligible probability; try the next one then.
    for counter in 0..16 {
        let scalar = derive(alg.as_str(), seed, counter, digest_alg);
        let Ok(private) = agreement::PrivateKey::from_private_key(ecdh, &scalar) else {
            continue;
        };
        let Ok(public) = private.compute_public_key() else {
            continue;
        };
        let Ok(pair) =
            EcdsaKeyPair::from_private_key_and_public_key(signing, &scalar, public.as_ref())
        else {
            continue;
        };
        let (Ok(pkcs8), Ok(spki)) = (pair.to_pkcs8v1(), pair.public_key().as_der()) else {
            continue;
        };
        let spki: PublicKeyX509Der<'_> = spki;
        return Inner {
            pkcs8: pkcs8.as_ref().to_vec(),
            spki: spki.as_ref().to_vec(),
            material: Material::Ec {
                pair,
                crv,
                coordinate_len,
            },
        };
    }
    fail("cannot derive an EC test key")
}

impl TestKey {
    fn new(inner: Arc<Inner>, kid: String, alg: Algorithm) -> Self {
        Self { inner, kid, alg }
    }

    /// A key from the committed pool of pre-generated RSA-2048 keys ([`RSA_POOL_SIZE`] of them):
    /// `kid` `"rsa-{index}"`, algorithm RS256. The material is `index % RSA_POOL_SIZE`, so
    /// indexes past the pool reuse material under a different `kid`. Instant (no generation).
    pub fn rsa(index: usize) -> TestKey {
        static POOL: [OnceLock<Arc<Inner>>; RSA_POOL_SIZE] = [const { OnceLock::new() }; 8];
        let slot = index % RSA_POOL_SIZE;
        let inner = POOL[slot]
            .get_or_init(|| Arc::new(rsa_from_pkcs8(pem_to_der(RSA_POOL[slot]))))
            .clone();
        Self::new(inner, format!("rsa-{index}"), Algorithm::RS256)
    }

    /// A freshly generated random RSA key (`bits` one of 2048, 3072, 4096, 8192), `kid`
    /// `"rsa-gen-<random>"`, algorithm RS256.
    ///
    /// Slow and random in duration (a prime search). Measured for RSA-2048 on a 2-core x86-64
    /// machine, 10 keys per run, several runs:
    ///
    /// | build | mean | min | max |
    /// |---|---|---|---|
    /// | debug test build (this workspace: aws-lc at `opt-level = 3`) | 76–105 ms | 27–45 ms | 165–300 ms |
    /// | release | 84–112 ms | 35–40 ms | 160–220 ms |
    /// | debug, aws-lc forced to `opt-level = 0` | 125–170 ms | 59–72 ms | 255–475 ms |
    ///
    /// aws-lc's big-number arithmetic is assembly, so the build profile matters little; the cost
    /// adds up over many tests all the same.
    /// Prefer [`TestKey::rsa`], which is instant.
    ///
    /// # Panics
    /// On any other size, or if generation fails.
    pub fn generate_rsa(bits: usize) -> TestKey {
        use aws_lc_rs::rsa::KeySize;
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            8192 => KeySize::Rsa8192,
            other => fail(format_args!(
                "TestKey::generate_rsa: unsupported size {other} (use 2048, 3072, 4096 or 8192; \
                 TestKey::rsa_1024() is the weak key)"
            )),
        };
        let pair = match RsaKeyPair::generate(size) {
            Ok(pair) => pair,
            Err(e) => fail(format_args!("RSA key generation failed: {e}")),
        };
        let pkcs8 = match pair.as_der() {
            Ok(der) => der.as_ref().to_vec(),
            Err(e) => fail(format_args!("RSA key serialisation failed: {e}")),
        };
        let mut id = [0u8; 6];
        if rand::fill(&mut id).is_err() {
            fail("no randomness for a key id");
        }
        let kid = format!("rsa-gen-{}", b64(&id));
        Self::new(Arc::new(rsa_from_pkcs8(pkcs8)), kid, Algorithm::RS256)
    }

    /// A committed, deliberately weak RSA-1024 key, `kid` `"rsa-1024"`, algorithm RS256, for
    /// negative tests (RFC 7518 §3.3 requires 2048 bits). Its signatures are valid, so a verifier
    /// that rejects the token does so because of the key size. Signs with RS256/RS384/RS512 only.
    pub fn rsa_1024() -> TestKey {
        static WEAK: OnceLock<Arc<Inner>> = OnceLock::new();
        let inner = WEAK
            .get_or_init(|| {
                let component = |name: &str| {
                    RSA_1024_COMPONENTS
                        .lines()
                        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
                        .and_then(hex_bytes)
                        .unwrap_or_else(|| fail("cannot read the weak RSA test key"))
                };
                let (n, e, d) = (component("n"), component("e"), component("d"));
                let Some(spki) = pem::decode("PUBLIC KEY", RSA_1024_PUBLIC) else {
                    fail("cannot read the weak RSA test key's public key")
                };
                Arc::new(Inner {
                    spki,
                    material: Material::WeakRsa {
                        key: WeakRsa::new(&n, &e, &d),
                        n,
                        e,
                    },
                    pkcs8: pem_to_der(RSA_1024),
                })
            })
            .clone();
        Self::new(inner, "rsa-1024".to_owned(), Algorithm::RS256)
    }

    /// A P-256 key derived deterministically from `seed`: `kid` `"es256-{seed}"`, algorithm ES256.
    pub fn es256(seed: u64) -> TestKey {
        let inner = Arc::new(ec_from_seed(Algorithm::ES256, seed));
        Self::new(inner, format!("es256-{seed}"), Algorithm::ES256)
    }

    /// A P-384 key derived deterministically from `seed`: `kid` `"es384-{seed}"`, algorithm ES384.
    pub fn es384(seed: u64) -> TestKey {
        let inner = Arc::new(ec_from_seed(Algorithm::ES384, seed));
        Self::new(inner, format!("es384-{seed}"), Algorithm::ES384)
    }

    /// An Ed25519 key derived deterministically from `seed`: `kid` `"ed25519-{seed}"`,
    /// algorithm EdDSA (JWK `kty` `OKP`, `crv` `Ed25519`).
    pub fn ed25519(seed: u64) -> TestKey {
        let secret = derive("Ed25519", seed, 0, &digest::SHA256);
        let pair = match Ed25519KeyPair::from_seed_unchecked(&secret) {
            Ok(pair) => pair,
            Err(e) => fail(format_args!("Ed25519 key derivation failed: {e}")),
        };
        let (Ok(pkcs8), Ok(spki)) = (pair.to_pkcs8v1(), pair.public_key().as_der()) else {
            fail("Ed25519 key serialisation failed")
        };
        let spki: PublicKeyX509Der<'_> = spki;
        let inner = Arc::new(Inner {
            pkcs8: pkcs8.as_ref().to_vec(),
            spki: spki.as_ref().to_vec(),
            material: Material::Ed25519(pair),
        });
        Self::new(inner, format!("ed25519-{seed}"), Algorithm::EdDSA)
    }

    /// The same key material under another `kid`.
    pub fn with_kid(mut self, kid: impl Into<String>) -> TestKey {
        self.kid = kid.into();
        self
    }

    /// The same key signing with another algorithm of its family (an RSA key with PS256, …).
    ///
    /// # Panics
    /// If the algorithm does not fit the key (ES256 with an RSA key, ES384 with a P-256 key,
    /// PS* with the weak 1024-bit key…).
    pub fn with_alg(self, alg: Algorithm) -> TestKey {
        match self.try_with_alg(alg) {
            Some(key) => key,
            None => fail(format_args!(
                "TestKey::with_alg: {alg} does not fit the {} key {:?}",
                self.key_type(),
                self.kid
            )),
        }
    }

    /// Like [`with_alg`](Self::with_alg), `None` when the algorithm does not fit the key.
    pub fn try_with_alg(&self, alg: Algorithm) -> Option<TestKey> {
        let fits = match &self.inner.material {
            Material::Rsa { .. } => alg.is_rsa(),
            Material::WeakRsa { .. } => {
                matches!(alg, Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512)
            }
            Material::Ec { crv, .. } => {
                (*crv == "P-256" && alg == Algorithm::ES256)
                    || (*crv == "P-384" && alg == Algorithm::ES384)
            }
            Material::Ed25519(_) => alg == Algorithm::EdDSA,
        };
        fits.then(|| TestKey {
            alg,
            ..self.clone()
        })
    }

    fn key_type(&self) -> &'static str {
        match &self.inner.material {
            Material::Rsa { .. } => "RSA",
            Material::WeakRsa { .. } => "RSA-1024",
            Material::Ec { crv, .. } => crv,
            Material::Ed25519(_) => "Ed25519",
        }
    }

    /// The key id (`kid`) published in the JWK and put in token headers.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The public JWK: `{kty, kid, alg, use: "sig", n, e}` for RSA, `{…, crv, x, y}` for EC,
    /// `{…, crv: "Ed25519", x}` for OKP.
    pub fn public_jwk(&self) -> Value {
        let (kid, alg) = (self.kid.as_str(), self.alg.as_str());
        match &self.inner.material {
            Material::Rsa { n, e, .. } | Material::WeakRsa { n, e, .. } => json!({
                "kty": "RSA", "kid": kid, "alg": alg, "use": "sig", "n": b64(n), "e": b64(e),
            }),
            Material::Ec {
                pair,
                crv,
                coordinate_len,
            } => {
                // Uncompressed point: 0x04 || x || y.
                let point = pair.public_key().as_ref();
                let (x, y) = point
                    .get(1..)
                    .unwrap_or_default()
                    .split_at((*coordinate_len).min(point.len().saturating_sub(1)));
                json!({
                    "kty": "EC", "kid": kid, "alg": alg, "use": "sig", "crv": crv,
                    "x": b64(x), "y": b64(y),
                })
            }
            Material::Ed25519(pair) => json!({
                "kty": "OKP", "kid": kid, "alg": alg, "use": "sig", "crv": "Ed25519",
                "x": b64(pair.public_key().as_ref()),
            }),
        }
    }

    /// The raw JWS signature of `signing_input` with this key's algorithm (fixed-size `r || s`
    /// for ECDSA, as JWS requires).
    ///
    /// # Panics
    /// If the crypto library fails, which does not happen with these keys.
    pub fn sign(&self, signing_input: &[u8]) -> Vec<u8> {
        let rng = rand::SystemRandom::new();
        match &self.inner.material {
            Material::Rsa { pair, .. } => {
                let padding: &'static dyn signature::RsaEncoding = match self.alg {
                    Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
                    Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
                    Algorithm::PS256 => &signature::RSA_PSS_SHA256,
                    Algorithm::PS384 => &signature::RSA_PSS_SHA384,
                    Algorithm::PS512 => &signature::RSA_PSS_SHA512,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0u8; pair.public_modulus_len()];
                if let Err(e) = pair.sign(padding, &rng, signing_input, &mut sig) {
                    fail(format_args!("RSA signing failed: {e}"));
                }
                sig
            }
            Material::WeakRsa { key, .. } => key.sign(self.digest(), signing_input),
            Material::Ec { pair, .. } => match pair.sign(&rng, signing_input) {
                Ok(sig) => sig.as_ref().to_vec(),
                Err(e) => fail(format_args!("ECDSA signing failed: {e}")),
            },
            Material::Ed25519(pair) => pair.sign(signing_input).as_ref().to_vec(),
        }
    }

    fn digest(&self) -> &'static digest::Algorithm {
        match self.alg {
            Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => &digest::SHA384,
            Algorithm::RS512 | Algorithm::PS512 => &digest::SHA512,
            _ => &digest::SHA256,
        }
    }

    /// Whether `signature` is this key's valid signature of `signing_input` under its algorithm.
    /// The tenant uses it for `/userinfo`; tests may use it to check minted tokens.
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> bool {
        let params = crate::jwks::key::verification_algorithm(self.alg);
        let public: &[u8] = match &self.inner.material {
            Material::WeakRsa { key, .. } => {
                return key.verify(self.digest(), signing_input, signature);
            }
            Material::Rsa { pair, .. } => pair.public_key().as_ref(),
            Material::Ec { pair, .. } => pair.public_key().as_ref(),
            Material::Ed25519(pair) => pair.public_key().as_ref(),
        };
        signature::UnparsedPublicKey::new(params, public)
            .verify(signing_input, signature)
            .is_ok()
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), e.g. for a private-key-JWT
    /// client assertion.
    pub fn private_key_pem(&self) -> String {
        pem::encode("PRIVATE KEY", &self.inner.pkcs8)
    }

    /// The public key as X.509 `SubjectPublicKeyInfo` PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn public_key_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.inner.spki)
    }

    /// Whether two keys share the same key material (whatever their `kid` and algorithm).
    pub fn same_material(&self, other: &TestKey) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.spki == other.inner.spki
    }
}

/// A JWK Set document `{"keys": [...]}` of the keys' public JWKs, in order.
pub fn jwks(keys: &[&TestKey]) -> Value {
    json!({ "keys": keys.iter().map(|k| k.public_jwk()).collect::<Vec<_>>() })
}
