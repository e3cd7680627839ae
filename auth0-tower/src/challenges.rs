//! [`Challenges`]: how the refusals of one verifier are answered, whatever its claims type.

use std::fmt;
use std::sync::Arc;

use auth0_core::{AccessTokenVerifier, Outcome, RefusalAnswers, VerifyError};

/// How the refusals of one verifier are answered: its realm, and its challenges — `Bearer`,
/// plus `DPoP algs="…"` when the verifier accepts DPoP (RFC 9449 §7.1–7.2).
///
/// [`Verified`](crate::Verified) and [`Unauthenticated`](crate::Unauthenticated) carry one, so
/// that the layers and extractors behind [`Auth0Layer`](crate::Auth0Layer) answer a scope
/// failure or a missing token exactly as the verifier would, whatever the claims type.
/// Cheap to make and to clone (reference counts, no allocation).
#[derive(Clone)]
pub struct Challenges {
    answers: RefusalAnswers,
    /// `None`: the verifier's own realm.
    realm: Option<Arc<str>>,
}

impl Challenges {
    /// The answers of `verifier`, with its own realm.
    pub fn new<C: Send + Sync + 'static>(verifier: &AccessTokenVerifier<C>) -> Self {
        Self::build(verifier, None)
    }

    /// The answers of `verifier`, with another `realm` (quotes, backslashes and control
    /// characters are dropped from it when the challenge is written).
    pub fn with_realm<C: Send + Sync + 'static>(
        verifier: &AccessTokenVerifier<C>,
        realm: Arc<str>,
    ) -> Self {
        Self::build(verifier, Some(realm))
    }

    fn build<C: Send + Sync + 'static>(
        verifier: &AccessTokenVerifier<C>,
        realm: Option<Arc<str>>,
    ) -> Self {
        Self {
            answers: verifier.refusal_answers(),
            realm,
        }
    }

    /// The realm of the challenges.
    #[must_use]
    pub fn realm(&self) -> &str {
        match &self.realm {
            Some(realm) => realm,
            None => self.answers.realm(),
        }
    }

    /// The HTTP answer for `error`: core's outcome mapping with this realm and the verifier's
    /// DPoP challenge when DPoP is enabled.
    #[must_use]
    pub fn outcome(&self, error: &VerifyError) -> Outcome {
        self.answers.outcome_with_realm(error, self.realm())
    }
}

impl fmt::Debug for Challenges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenges")
            .field("realm", &self.realm())
            .finish_non_exhaustive()
    }
}
