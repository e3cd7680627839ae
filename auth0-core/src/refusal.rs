//! [`Refusal`]: why an adapter refused a request, the one model behind the error types of the
//! framework adapters.

use std::fmt;

use crate::{Outcome, VerifyError};

/// Why an adapter refused a request:
///
/// * a refused token or request: the [`VerifyError`] and the [`Outcome`] to answer it with
///   (status 400 / 401 / 403 / 503, `WWW-Authenticate`, `Retry-After`, JSON body);
/// * a server misconfiguration (say, a handler that expects a verifier the application did not
///   provide): the server, not the request, is at fault, and the answer is a 500; the reason
///   says how to fix it.
///
/// The adapters wrap it in their own error type (`auth0_axum::Auth0Rejection`,
/// `auth0_actix::Auth0Error`) to answer through their framework; those types display, debug
/// and chain as this one does.
///
/// Opaque so that new cases can be added without a breaking change; inspect it with its
/// methods.
pub struct Refusal {
    inner: Inner,
}

enum Inner {
    Refused {
        error: VerifyError,
        outcome: Outcome,
    },
    Misconfigured {
        reason: String,
    },
}

impl Refusal {
    /// A refusal of `error`, answered with `outcome` (which carries the realm; see
    /// [`AccessTokenVerifier::outcome`](crate::AccessTokenVerifier::outcome)).
    #[must_use]
    pub fn new(error: VerifyError, outcome: Outcome) -> Self {
        Self {
            inner: Inner::Refused { error, outcome },
        }
    }

    /// A server misconfiguration; `reason` says how to fix it. Nothing is logged here: the
    /// adapters log it, under their own target, when they make one.
    #[must_use]
    pub fn misconfigured(reason: impl Into<String>) -> Self {
        Self {
            inner: Inner::Misconfigured {
                reason: reason.into(),
            },
        }
    }

    /// The refusal and its answer; `None` for a misconfiguration.
    #[must_use]
    pub fn refused(&self) -> Option<(&VerifyError, &Outcome)> {
        match &self.inner {
            Inner::Refused { error, outcome } => Some((error, outcome)),
            Inner::Misconfigured { .. } => None,
        }
    }

    /// The refusal and its answer, by value; `None` for a misconfiguration.
    #[must_use]
    pub fn into_refused(self) -> Option<(VerifyError, Outcome)> {
        match self.inner {
            Inner::Refused { error, outcome } => Some((error, outcome)),
            Inner::Misconfigured { .. } => None,
        }
    }

    /// Why the token or request was refused; `None` for a misconfiguration.
    #[must_use]
    pub fn error(&self) -> Option<&VerifyError> {
        self.refused().map(|(error, _)| error)
    }

    /// The HTTP answer core chose; `None` for a misconfiguration.
    #[must_use]
    pub fn outcome(&self) -> Option<&Outcome> {
        self.refused().map(|(_, outcome)| outcome)
    }

    /// How to fix the server; `None` for a refused request.
    #[must_use]
    pub fn misconfiguration(&self) -> Option<&str> {
        match &self.inner {
            Inner::Refused { .. } => None,
            Inner::Misconfigured { reason } => Some(reason),
        }
    }

    /// The HTTP status of the answer: the outcome's, or 500 for a misconfiguration.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.outcome().map_or(500, |outcome| outcome.status)
    }

    /// Whether the request carried no bearer credentials (the bare 401 challenge).
    #[must_use]
    pub fn is_missing_credentials(&self) -> bool {
        self.error()
            .is_some_and(VerifyError::is_missing_credentials)
    }

    /// Whether the server, not the request, is at fault (500).
    #[must_use]
    pub fn is_misconfiguration(&self) -> bool {
        matches!(self.inner, Inner::Misconfigured { .. })
    }

    /// Writes the [`Debug`](fmt::Debug) form under the type name `name`, so that a wrapper
    /// debugs as itself: `name { error: …, status: … }` or `name { misconfiguration: … }`.
    ///
    /// # Errors
    /// Those of the formatter.
    pub fn fmt_debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Refused { error, outcome } => f
                .debug_struct(name)
                .field("error", error)
                .field("status", &outcome.status)
                .finish(),
            Inner::Misconfigured { reason } => f
                .debug_struct(name)
                .field("misconfiguration", reason)
                .finish(),
        }
    }
}

impl fmt::Debug for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_debug_as("Refusal", f)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Refused { error, .. } => fmt::Display::fmt(error, f),
            Inner::Misconfigured { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for Refusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::ErrorKind;

    fn expired() -> Refusal {
        let error = VerifyError::new(ErrorKind::Expired);
        let outcome = error.outcome(Some("api"));
        Refusal::new(error, outcome)
    }

    #[test]
    fn a_refused_request() {
        let refusal = expired();
        let error = VerifyError::new(ErrorKind::Expired);
        assert_eq!(refusal.error(), Some(&error));
        assert_eq!(refusal.outcome(), Some(&error.outcome(Some("api"))));
        assert_eq!(refusal.refused().map(|(e, _)| e), Some(&error));
        assert_eq!(refusal.status(), 401);
        assert_eq!(refusal.misconfiguration(), None);
        assert!(!refusal.is_misconfiguration());
        assert!(!refusal.is_missing_credentials());
        assert_eq!(refusal.to_string(), error.to_string());
        assert_eq!(
            format!("{refusal:?}"),
            format!("Refusal {{ error: {error:?}, status: 401 }}")
        );
        let source = refusal.source().map(ToString::to_string);
        assert_eq!(source, Some(error.to_string()));
        let (by_value, outcome) = expired().into_refused().unwrap_or_else(|| panic!());
        assert_eq!((by_value, outcome.status), (error, 401));

        let missing = VerifyError::new(ErrorKind::MissingCredentials);
        let outcome = missing.outcome(None);
        assert!(Refusal::new(missing, outcome).is_missing_credentials());
    }

    #[test]
    fn a_misconfiguration() {
        let refusal = Refusal::misconfigured("add the verifier");
        assert_eq!(refusal.error(), None);
        assert_eq!(refusal.outcome(), None);
        assert!(refusal.refused().is_none());
        assert_eq!(refusal.status(), 500);
        assert_eq!(refusal.misconfiguration(), Some("add the verifier"));
        assert!(refusal.is_misconfiguration());
        assert!(!refusal.is_missing_credentials());
        assert_eq!(refusal.to_string(), "add the verifier");
        assert_eq!(
            format!("{refusal:?}"),
            r#"Refusal { misconfiguration: "add the verifier" }"#
        );
        assert!(refusal.source().is_none());
        assert!(refusal.into_refused().is_none());
    }

    #[test]
    fn a_wrapper_debugs_as_itself() {
        struct Wrapper(Refusal);
        impl fmt::Debug for Wrapper {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_debug_as("Wrapper", f)
            }
        }
        let error = VerifyError::new(ErrorKind::Expired);
        assert_eq!(
            format!("{:?}", Wrapper(expired())),
            format!("Wrapper {{ error: {error:?}, status: 401 }}")
        );
        assert_eq!(
            format!("{:#?}", Wrapper(Refusal::misconfigured("x"))),
            "Wrapper {\n    misconfiguration: \"x\",\n}"
        );
    }
}
