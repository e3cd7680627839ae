//! [`RefusalAnswers`]: how a verifier answers its refusals, with its claims type erased, so
//! that an adapter can carry it next to verified claims without a copy of the verifier.

use std::fmt;
use std::sync::Arc;

use super::{AccessTokenVerifier, Inner};
use crate::error::VerifyError;
use crate::outcome::Outcome;

/// The part of a verifier that refusals need, whatever its claims type.
trait Answer: Send + Sync {
    fn outcome_with_realm(&self, error: &VerifyError, realm: &str) -> Outcome;
    fn realm(&self) -> &str;
}

impl<C: Send + Sync> Answer for Inner<C> {
    fn outcome_with_realm(&self, error: &VerifyError, realm: &str) -> Outcome {
        Inner::outcome_with_realm(self, error, realm)
    }

    fn realm(&self) -> &str {
        &self.realm
    }
}

/// How one verifier answers a refusal: its realm, its challenges (`Bearer`, and `DPoP algs="…"`
/// when it accepts DPoP) and its RFC 9728 metadata URL. The same answers as
/// [`AccessTokenVerifier::outcome`], without the verifier's claims type.
///
/// Cheap to take and to clone: it shares the verifier's configuration (one reference count,
/// no allocation).
///
/// ```
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth0_core::{AccessTokenVerifier, ErrorKind, VerifyError};
/// let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
///     .audience("https://api.example.com")
///     .build()?;
/// let answers = verifier.refusal_answers();
/// let outcome = answers.outcome(&VerifyError::new(ErrorKind::MissingCredentials));
/// assert_eq!(outcome.status, 401);
/// assert_eq!(answers.realm(), "https://api.example.com");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RefusalAnswers {
    inner: Arc<dyn Answer>,
}

impl RefusalAnswers {
    /// The HTTP answer for `error`, with the verifier's realm.
    #[must_use]
    pub fn outcome(&self, error: &VerifyError) -> Outcome {
        self.inner.outcome_with_realm(error, self.inner.realm())
    }

    /// The HTTP answer for `error`, with another realm.
    #[must_use]
    pub fn outcome_with_realm(&self, error: &VerifyError, realm: &str) -> Outcome {
        self.inner.outcome_with_realm(error, realm)
    }

    /// The verifier's realm.
    #[must_use]
    pub fn realm(&self) -> &str {
        self.inner.realm()
    }
}

impl fmt::Debug for RefusalAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefusalAnswers")
            .field("realm", &self.realm())
            .finish_non_exhaustive()
    }
}

impl<C: Send + Sync + 'static> AccessTokenVerifier<C> {
    /// How this verifier answers refusals, with its claims type erased (see
    /// [`RefusalAnswers`]).
    #[must_use]
    pub fn refusal_answers(&self) -> RefusalAnswers {
        RefusalAnswers {
            inner: self.inner.clone(),
        }
    }
}
