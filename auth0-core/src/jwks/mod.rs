//! JSON Web Key Sets: fetching, filtering and caching the keys that verify tokens.
//!
//! One [`KeyStore`] per issuer. Keys pass an import filter (RFC 7517/7518, RFC 8725): `kty` RSA
//! (≥ 2048 bits), EC (P-256/P-384, point on the curve) or OKP (Ed25519); `use` absent or `sig`;
//! `key_ops` absent or with `verify`; `alg` consistent with the key and allowed; no private
//! members; `oct` keys dropped; a `kid` that appears twice is unusable; at most 32 keys.

mod clock;
pub(crate) mod discovery;
mod error;
pub(crate) mod fetch;
pub(crate) mod key;
mod options;
pub(crate) mod set;
mod store;

pub use clock::{Clock, ManualClock, SystemClock};
pub use discovery::{ProviderMetadata, discover, discover_with};
pub use error::JwksError;
pub use options::JwksOptions;
pub use store::{KeyStore, KeyStoreMetrics};
