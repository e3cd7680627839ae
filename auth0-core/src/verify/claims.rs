//! Access-token claims: the registered and Auth0 claims typed, custom claims through `C`.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::error::ErrorKind;

/// Claims that no custom type captured: every member the registered fields do not name.
pub type ExtraClaims = serde_json::Map<String, serde_json::Value>;

/// The verified claims of an access token.
///
/// `C` receives every claim the typed fields do not name (through `#[serde(flatten)]`); by
/// default that is a JSON map. Use your own `Deserialize` struct for typed custom claims:
///
/// ```
/// # use auth0_core::Claims;
/// #[derive(serde::Deserialize)]
/// struct MyClaims {
///     #[serde(rename = "https://example.com/roles", default)]
///     roles: Vec<String>,
/// }
/// fn is_admin(claims: &Claims<MyClaims>) -> bool {
///     claims.custom.roles.iter().any(|r| r == "admin")
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Claims<C = ExtraClaims> {
    /// Issuer: the tenant, `https://{domain}/`.
    pub iss: String,
    /// Subject: the user id, or `{client_id}@clients` for a client-credentials token.
    pub sub: String,
    /// Audiences (a single-string `aud` becomes a one-element list).
    pub aud: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued-at, seconds since the epoch.
    pub iat: i64,
    /// Not-before, seconds since the epoch.
    pub nbf: Option<i64>,
    /// Token id (required by the RFC 9068 profile).
    pub jti: Option<String>,
    /// Authorized party: the client the token was issued to (Auth0 profile).
    pub azp: Option<String>,
    /// Client id (RFC 9068 profile).
    pub client_id: Option<String>,
    /// Scopes from the space-separated `scope` claim.
    pub scope: Vec<String>,
    /// RBAC permissions from the `permissions` array.
    pub permissions: Vec<String>,
    /// Organization id.
    pub org_id: Option<String>,
    /// Organization name.
    pub org_name: Option<String>,
    /// Grant type (`client-credentials` for machine-to-machine tokens).
    pub gty: Option<String>,
    /// Confirmation (RFC 7800): `cnf.jkt` binds a DPoP token to its proof key (RFC 9449 §6).
    pub cnf: Option<Confirmation>,
    /// Every other claim.
    pub custom: C,
}

/// The `cnf` claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Confirmation {
    /// JWK SHA-256 thumbprint of the key the token is bound to.
    #[serde(default)]
    pub jkt: Option<String>,
}

impl<C> Claims<C> {
    /// Whether `scope` contains `name` (exact, case-sensitive).
    pub fn has_scope(&self, name: &str) -> bool {
        self.scope.iter().any(|s| s == name)
    }

    /// Whether `permissions` contains `name` (exact, case-sensitive).
    pub fn has_permission(&self, name: &str) -> bool {
        self.permissions.iter().any(|s| s == name)
    }
}

/// The wire shape, with every registered claim optional so that presence is checked with a
/// precise error kind.
#[derive(Deserialize)]
pub(crate) struct RawClaims<C> {
    #[serde(default, deserialize_with = "opt_string")]
    iss: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    sub: Option<String>,
    #[serde(default, deserialize_with = "opt_audience")]
    aud: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_numeric_date")]
    exp: Option<i64>,
    #[serde(default, deserialize_with = "opt_numeric_date")]
    iat: Option<i64>,
    #[serde(default, deserialize_with = "opt_numeric_date")]
    nbf: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    jti: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    azp: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "opt_scope")]
    scope: Option<Vec<String>>,
    #[serde(default)]
    permissions: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_string")]
    org_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    org_name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    gty: Option<String>,
    #[serde(default, deserialize_with = "opt_confirmation")]
    cnf: Option<Confirmation>,
    #[serde(flatten)]
    custom: C,
}

impl<C> RawClaims<C> {
    pub(crate) fn iss(&self) -> Option<&str> {
        self.iss.as_deref()
    }

    /// Checks presence of the claims every profile requires and builds the public type.
    pub(crate) fn into_claims(self) -> Result<Claims<C>, ErrorKind> {
        Ok(Claims {
            iss: self.iss.ok_or(ErrorKind::MissingClaim("iss"))?,
            sub: self.sub.ok_or(ErrorKind::MissingClaim("sub"))?,
            aud: self.aud.ok_or(ErrorKind::MissingClaim("aud"))?,
            exp: self.exp.ok_or(ErrorKind::MissingClaim("exp"))?,
            iat: self.iat.ok_or(ErrorKind::MissingClaim("iat"))?,
            nbf: self.nbf,
            jti: self.jti,
            azp: self.azp,
            client_id: self.client_id,
            scope: self.scope.unwrap_or_default(),
            permissions: self.permissions.unwrap_or_default(),
            org_id: self.org_id,
            org_name: self.org_name,
            gty: self.gty,
            cnf: self.cnf,
            custom: self.custom,
        })
    }
}

/// A string claim; `null` is refused like any other non-string.
fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

/// `scope`: a string of space-separated scopes, split where it is read (without keeping the
/// whole string).
fn opt_scope<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string of space-separated scopes")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(v.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect())
        }
    }
    d.deserialize_str(V).map(Some)
}

fn opt_confirmation<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Confirmation>, D::Error> {
    Confirmation::deserialize(d).map(Some)
}

/// `aud`: a string or a non-empty array of strings (read in place, without buffering the value
/// as an untagged enum would).
fn opt_audience<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    struct V;
    impl<'de> de::Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or a non-empty array of strings")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<String>, E> {
            Ok(vec![v])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
            while let Some(one) = seq.next_element::<String>()? {
                all.push(one);
            }
            if all.is_empty() {
                return Err(de::Error::custom("empty audience"));
            }
            Ok(all)
        }
    }
    d.deserialize_any(V).map(Some)
}

/// The largest NumericDate accepted: the year 9999.
const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// NumericDate (RFC 7519 §2): a JSON number, fractions floored (decision D2); strings, booleans,
/// `null`, negative and absurdly large values are refused.
pub(crate) fn numeric_date<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a NumericDate")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v)
                .ok()
                .filter(|v| *v <= MAX_NUMERIC_DATE)
                .ok_or_else(|| E::custom("NumericDate out of range"))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            if (0..=MAX_NUMERIC_DATE).contains(&v) {
                Ok(v)
            } else {
                Err(E::custom("NumericDate out of range"))
            }
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            if v.is_finite() && (0.0..=MAX_NUMERIC_DATE as f64).contains(&v) {
                #[allow(clippy::cast_possible_truncation)]
                Ok(v.floor() as i64)
            } else {
                Err(E::custom("NumericDate out of range"))
            }
        }
    }
    d.deserialize_any(V)
}

fn opt_numeric_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    numeric_date(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Claims<ExtraClaims>, String> {
        let raw: RawClaims<ExtraClaims> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        raw.into_claims().map_err(|k| format!("{k:?}"))
    }

    const BASE: &str = r#""iss":"https://t/","sub":"u","aud":"a","exp":2000000000,"iat":1000"#;

    #[test]
    fn parses_registered_and_custom() {
        let c = parse(&format!(
            r#"{{{BASE},"scope":"read:a  write:b","permissions":["p"],"x":1}}"#
        ))
        .unwrap();
        assert_eq!(c.aud, vec!["a"]);
        assert_eq!(c.scope, vec!["read:a", "write:b"]);
        assert!(c.has_scope("read:a") && !c.has_scope("READ:A"));
        assert!(c.has_permission("p"));
        assert_eq!(c.custom.get("x"), Some(&serde_json::json!(1)));
        assert!(!c.custom.contains_key("iss"));
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(
            parse(r#"{"iss":"i","sub":"s","aud":"a","exp":1.9e9,"iat":10.7}"#)
                .unwrap()
                .iat,
            10
        );
        for bad in [r#""2000000000""#, "true", "null", "-1", "1e300", "[1]"] {
            assert!(
                parse(&format!(
                    r#"{{"iss":"i","sub":"s","aud":"a","iat":1,"exp":{bad}}}"#
                ))
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn wrong_types_and_missing() {
        assert!(parse(&format!(r#"{{{BASE},"scope":["a"]}}"#)).is_err());
        assert!(parse(&format!(r#"{{{BASE},"permissions":"a"}}"#)).is_err());
        assert!(parse(r#"{"iss":["i"],"sub":"s","aud":"a","exp":1,"iat":1}"#).is_err());
        assert!(parse(r#"{"iss":"i","sub":"s","aud":[],"exp":1,"iat":1}"#).is_err());
        assert!(parse(r#"{"iss":"i","sub":"s","aud":["a",1],"exp":1,"iat":1}"#).is_err());
        assert_eq!(
            parse(r#"{"iss":"i","aud":"a","exp":1,"iat":1}"#).unwrap_err(),
            "MissingClaim(\"sub\")"
        );
    }
}
