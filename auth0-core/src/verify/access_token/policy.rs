//! Claim policy: the token profile and its `typ`, and the claims checks after the signature
//! (audience, lifetime, `max_age`, the RFC 9068 claims, the organization).

use serde::de::DeserializeOwned;

use super::AccessTokenVerifier;
use crate::error::{ErrorKind, VerifyError};
use crate::verify::claims::Claims;

/// Which access-token format the API expects (Auth0 API setting "Token Dialect").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenProfile {
    /// Auth0's default profile: `typ` absent, `JWT` or `at+jwt`; `azp`; optional `permissions`.
    #[default]
    Auth0,
    /// RFC 9068: `typ` `at+jwt`, and `client_id` and `jti` required.
    Rfc9068,
}

impl<C> AccessTokenVerifier<C>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    /// Checks the claims; returns the Unix second until which the token may be cached.
    pub(super) fn check_claims(&self, c: &Claims<C>, now: i64) -> Result<i64, VerifyError> {
        let inner = &*self.inner;
        if !c.aud.iter().any(|a| inner.audiences.contains(a)) {
            return Err(ErrorKind::Audience.into());
        }
        if now >= c.exp.saturating_add(inner.leeway) {
            return Err(ErrorKind::Expired.into());
        }
        if c.nbf
            .is_some_and(|nbf| nbf > now.saturating_add(inner.leeway))
        {
            return Err(ErrorKind::NotYetValid.into());
        }
        if c.iat > now.saturating_add(inner.leeway) {
            return Err(ErrorKind::IssuedInFuture.into());
        }
        let mut valid_until = c.exp;
        if let Some(max_age) = inner.max_age {
            let limit = c.iat.saturating_add(max_age);
            if now > limit.saturating_add(inner.leeway) {
                return Err(ErrorKind::TooOld.into());
            }
            valid_until = valid_until.min(limit);
        }
        if inner.profile == TokenProfile::Rfc9068 {
            if c.client_id.is_none() {
                return Err(ErrorKind::MissingClaim("client_id").into());
            }
            if c.jti.is_none() {
                return Err(ErrorKind::MissingClaim("jti").into());
            }
        }
        if let Some(org) = &inner.organization {
            let ok = if org.starts_with("org_") {
                c.org_id.as_deref() == Some(org.as_str())
            } else {
                c.org_name.as_deref() == Some(org.as_str())
            };
            if !ok {
                return Err(ErrorKind::Organization.into());
            }
        }
        Ok(valid_until)
    }
}

/// `typ` per profile, compared as a media type (case-insensitive, optional `application/`).
pub(super) fn check_typ(profile: TokenProfile, typ: Option<&str>) -> Result<(), ErrorKind> {
    // Compared without allocating: the media type with an optional `application/` prefix,
    // case-insensitively (RFC 7515 §4.1.9, RFC 9068 §2.1).
    let is = |t: &str, name: &str| {
        let t = t.trim();
        let t = match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &t[12..],
            _ => t,
        };
        t.eq_ignore_ascii_case(name)
    };
    let ok = match (profile, typ) {
        (TokenProfile::Auth0, None) => true,
        (TokenProfile::Auth0, Some(t)) => is(t, "jwt") || is(t, "at+jwt"),
        (TokenProfile::Rfc9068, Some(t)) => is(t, "at+jwt"),
        (TokenProfile::Rfc9068, None) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ErrorKind::TokenType)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typ_per_profile() {
        for t in [
            None,
            Some("JWT"),
            Some("jwt"),
            Some("at+jwt"),
            Some("application/at+jwt"),
        ] {
            assert!(check_typ(TokenProfile::Auth0, t).is_ok(), "{t:?}");
        }
        assert!(check_typ(TokenProfile::Auth0, Some("id_token+jwt")).is_err());
        assert!(check_typ(TokenProfile::Auth0, Some("dpop+jwt")).is_err());
        assert!(check_typ(TokenProfile::Rfc9068, Some("at+JWT")).is_ok());
        assert!(check_typ(TokenProfile::Rfc9068, Some("Application/at+jwt")).is_ok());
        assert!(check_typ(TokenProfile::Rfc9068, Some("JWT")).is_err());
        assert!(check_typ(TokenProfile::Rfc9068, None).is_err());
        assert!(check_typ(TokenProfile::Auth0, Some("APPLICATION/JWT")).is_ok());
        assert!(check_typ(TokenProfile::Auth0, Some(" at+jwt ")).is_ok());
        assert!(check_typ(TokenProfile::Auth0, Some("application/")).is_err());
        assert!(check_typ(TokenProfile::Auth0, Some("applicationXjwt")).is_err());
        assert!(check_typ(TokenProfile::Auth0, Some("ééééééjwt")).is_err());
    }
}
