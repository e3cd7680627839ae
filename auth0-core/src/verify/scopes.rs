//! Scope and permission requirements: checked after a token verified, answered with
//! 403 `insufficient_scope` and the needed scopes in the challenge.

use crate::error::{ErrorKind, VerifyError};
use crate::verify::claims::Claims;

/// Where a required name may be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeSource {
    /// In the space-separated `scope` claim or in the `permissions` array (the default).
    ScopeOrPermissions,
    /// Only in `scope`.
    Scope,
    /// Only in `permissions` (Auth0 RBAC with "Add Permissions in the Access Token").
    Permissions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    All,
    Any,
}

/// A set of scopes (or permissions) a route needs.
///
/// ```
/// use auth0_core::RequiredScopes;
/// let read = RequiredScopes::all(["read:messages"]);
/// let admin = RequiredScopes::any(["admin", "superuser"]).permissions_only();
/// # let _ = (read, admin);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredScopes {
    names: Vec<String>,
    mode: Mode,
    source: ScopeSource,
    challenge: String,
}

impl RequiredScopes {
    /// Every name is needed.
    pub fn all<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(names, Mode::All)
    }

    /// At least one name is needed.
    pub fn any<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(names, Mode::Any)
    }

    fn new<I, S>(names: I, mode: Mode) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        let challenge = names.join(" ");
        Self {
            names,
            mode,
            source: ScopeSource::ScopeOrPermissions,
            challenge,
        }
    }

    /// Look only in the `scope` claim.
    pub fn scopes_only(mut self) -> Self {
        self.source = ScopeSource::Scope;
        self
    }

    /// Look only in the `permissions` claim.
    pub fn permissions_only(mut self) -> Self {
        self.source = ScopeSource::Permissions;
        self
    }

    /// The required names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether `claims` satisfy the requirement.
    pub fn is_satisfied_by<C>(&self, claims: &Claims<C>) -> bool {
        let has = |name: &str| match self.source {
            ScopeSource::ScopeOrPermissions => {
                claims.has_scope(name) || claims.has_permission(name)
            }
            ScopeSource::Scope => claims.has_scope(name),
            ScopeSource::Permissions => claims.has_permission(name),
        };
        match self.mode {
            Mode::All => self.names.iter().all(|n| has(n)),
            Mode::Any => self.names.is_empty() || self.names.iter().any(|n| has(n)),
        }
    }

    /// `Ok` when satisfied, else [`ErrorKind::InsufficientScope`] naming the required scopes.
    pub fn check<C>(&self, claims: &Claims<C>) -> Result<(), VerifyError> {
        if self.is_satisfied_by(claims) {
            return Ok(());
        }
        let error = VerifyError::from(ErrorKind::InsufficientScope {
            required: self.challenge.clone(),
        });
        // A key-bound token only gets this far through the DPoP scheme: the error belongs on
        // the DPoP challenge (RFC 9449 §7.2).
        if claims.cnf.as_ref().is_some_and(|c| c.jkt.is_some()) {
            Err(error.with_dpop_scheme())
        } else {
            Err(error)
        }
    }
}

/// A named scope requirement, for the adapters' extractors that check scopes (`Scoped`,
/// `Auth0Scoped`): the requirement is a type, so a handler's signature states it.
///
/// Build the [`RequiredScopes`] once, in a `static`:
///
/// ```
/// use auth0_core::{RequiredScopes, ScopeRequirement};
/// use std::sync::LazyLock;
///
/// struct ReadMessages;
///
/// impl ScopeRequirement for ReadMessages {
///     fn required() -> &'static RequiredScopes {
///         static REQUIRED: LazyLock<RequiredScopes> =
///             LazyLock::new(|| RequiredScopes::all(["read:messages"]));
///         &REQUIRED
///     }
/// }
/// ```
pub trait ScopeRequirement: 'static {
    /// The scopes (or permissions) the handler needs.
    fn required() -> &'static RequiredScopes;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::claims::ExtraClaims;

    fn claims(scope: &[&str], permissions: &[&str]) -> Claims<ExtraClaims> {
        Claims {
            iss: "i".into(),
            sub: "s".into(),
            aud: vec!["a".into()],
            exp: 0,
            iat: 0,
            nbf: None,
            jti: None,
            azp: None,
            client_id: None,
            scope: scope.iter().map(|s| s.to_string()).collect(),
            permissions: permissions.iter().map(|s| s.to_string()).collect(),
            org_id: None,
            org_name: None,
            gty: None,
            cnf: None,
            custom: ExtraClaims::new(),
        }
    }

    #[test]
    fn all_and_any() {
        let all = RequiredScopes::all(["a", "b"]);
        assert!(all.is_satisfied_by(&claims(&["a", "b"], &[])));
        assert!(all.is_satisfied_by(&claims(&["a"], &["b"])));
        assert!(!all.is_satisfied_by(&claims(&["a"], &[])));
        let any = RequiredScopes::any(["a", "b"]);
        assert!(any.is_satisfied_by(&claims(&["b"], &[])));
        assert!(!any.is_satisfied_by(&claims(&["c"], &["A"])));
    }

    #[test]
    fn sources_and_challenge() {
        let r = RequiredScopes::all(["read:messages"]).permissions_only();
        assert!(!r.is_satisfied_by(&claims(&["read:messages"], &[])));
        assert!(r.is_satisfied_by(&claims(&[], &["read:messages"])));
        let err = RequiredScopes::all(["a", "b"])
            .check(&claims(&[], &[]))
            .unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::InsufficientScope {
                required: "a b".into()
            }
        );
    }
}
