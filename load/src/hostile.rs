//! The crafted hostile tokens of the test kit (`auth0_core::testing::hostile`), as ready
//! `Authorization` values: every one must be refused with 401 `invalid_token`.

use auth0_core::testing::TestKey;
use auth0_core::testing::hostile::hostile_tokens;
use http::HeaderValue;

use crate::Fallible;
use crate::tokens::bearer;

/// One hostile token, ready to send.
#[derive(Clone, Debug)]
pub(crate) struct Hostile {
    /// The kit's name for it (`many-members`, `deep-nesting/unknown-kid`, …).
    pub(crate) name: &'static str,
    /// `Bearer <token>`.
    pub(crate) value: HeaderValue,
    /// The token.
    pub(crate) token: String,
}

/// Every hostile token for this tenant, crafted under `key`'s `kid` (and unpublished ones).
pub(crate) fn hostile(issuer: &str, audience: &str, key: &TestKey) -> Fallible<Vec<Hostile>> {
    hostile_tokens(issuer, audience, key)
        .into_iter()
        .map(|t| {
            Ok(Hostile {
                name: t.name,
                value: bearer(&t.token).map_err(|e| format!("hostile token {}: {e}", t.name))?,
                token: t.token,
            })
        })
        .collect()
}
