//! Typed answers of the Authentication API. Every type keeps the fields it does not name in
//! `extra`, so nothing Auth0 adds later is lost. Types that carry tokens print them as
//! `[redacted]` in `Debug`, and print only the names of their extra fields.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::error::Error;
use super::request::{Decode, decode_json};

/// Accepts a JSON integer, a non-negative number (truncated) or a numeric string: some OAuth
/// servers send `"3600"`.
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    use serde::de::Error as _;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected a non-negative number of seconds")),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("expected a number of seconds")),
        Some(_) => Err(D::Error::custom("expected a number of seconds")),
    }
}

fn required_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    use serde::de::Error as _;
    lenient_u64(d)?.ok_or_else(|| D::Error::custom("expected a number of seconds"))
}

fn redacted<T>(value: &Option<T>) -> Option<&'static str> {
    value.as_ref().map(|_| "[redacted]")
}

fn keys(map: &Map<String, Value>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

macro_rules! json_answer {
    ($($ty:ident),* $(,)?) => {
        $(
            impl Decode for $ty {
                fn decode(route: &'static str, body: Vec<u8>) -> Result<Self, Error> {
                    decode_json(route, &body, stringify!($ty))
                }
            }
        )*
    };
}

json_answer!(
    TokenResponse,
    UserInfo,
    SignupResponse,
    PasswordlessResponse,
    ParResponse,
    BackChannelLoginResponse,
    DelegationResponse,
);

/// The answer of `/oauth/token` (every grant) and of the legacy `/oauth/access_token`.
///
/// The ID token is **not** verified here; use the crate's ID-token verifier before trusting it.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Usually `Bearer` (empty if the server sent none).
    #[serde(default)]
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    #[serde(
        default,
        deserialize_with = "lenient_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_in: Option<u64>,
    /// The ID token, when `openid` was in the scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// A refresh token, when `offline_access` was granted (or on rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scopes, when they differ from the requested ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Every other field (`issued_token_type`, `authorization_details`…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("id_token", &redacted(&self.id_token))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("scope", &self.scope)
            .field("extra", &keys(&self.extra))
            .finish()
    }
}

/// The answer of `/userinfo`: the OpenID Connect standard claims that Auth0 returns, plus every
/// other claim (custom namespaced claims included) in `extra`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// The user id (`auth0|…`).
    pub sub: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Preferred username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Profile page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Web site URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the email address is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Gender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Birthdate (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoneinfo: Option<String>,
    /// Locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the phone number is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_verified: Option<bool>,
    /// Postal address (a JSON object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Value>,
    /// Last update: Auth0 sends an ISO-8601 string, OIDC specifies UNIX seconds; kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Value>,
    /// Every other claim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/dbconnections/signup`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignupResponse {
    /// The new user's id within the connection (`_id`, without the `auth0|` prefix).
    #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the email address is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Username, for connections that use one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Every other field (`given_name`, `user_metadata`…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/passwordless/start`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PasswordlessResponse {
    /// The user id within the passwordless connection (`_id`).
    #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Email address (email connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the email address is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Phone number (sms connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the phone number is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_verified: Option<bool>,
    /// Every other field (`request_language`…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/oauth/par` (RFC 9126).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParResponse {
    /// The `request_uri` to pass to `/authorize`.
    pub request_uri: String,
    /// Seconds the `request_uri` stays valid.
    #[serde(deserialize_with = "required_u64")]
    pub expires_in: u64,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `/bc-authorize` (OpenID CIBA): poll `/oauth/token` with
/// [`GetToken::backchannel_login`](crate::client::GetToken::backchannel_login).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BackChannelLoginResponse {
    /// The handle to poll with.
    pub auth_req_id: String,
    /// Seconds the request stays valid.
    #[serde(deserialize_with = "required_u64")]
    pub expires_in: u64,
    /// Minimum seconds between polls.
    #[serde(
        default,
        deserialize_with = "lenient_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub interval: Option<u64>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Another name for [`BackChannelLoginResponse`].
pub type CibaResponse = BackChannelLoginResponse;

/// The answer of the legacy `/delegation` endpoint.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DelegationResponse {
    /// The delegated ID token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Usually `Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Lifetime in seconds.
    #[serde(
        default,
        deserialize_with = "lenient_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_in: Option<u64>,
    /// Every other field (target-specific tokens and credentials).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for DelegationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DelegationResponse")
            .field("id_token", &redacted(&self.id_token))
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("extra", &keys(&self.extra))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn token_response_keeps_unknown_fields_and_hides_tokens() {
        let t: TokenResponse = serde_json::from_value(json!({
            "access_token": "AT-secret", "token_type": "Bearer", "expires_in": "86400",
            "id_token": "ID-secret", "refresh_token": "RT-secret", "issued_token_type": "x"
        }))
        .unwrap();
        assert_eq!(t.expires_in, Some(86400));
        assert_eq!(t.extra["issued_token_type"], "x");
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("secret"), "{dbg}");
        assert!(dbg.contains("issued_token_type"));
        let back = serde_json::to_value(&t).unwrap();
        assert_eq!(back["issued_token_type"], "x");
        assert_eq!(back["refresh_token"], "RT-secret");
    }

    #[test]
    fn par_and_ciba() {
        let p: ParResponse =
            serde_json::from_value(json!({"request_uri": "urn:x", "expires_in": 30})).unwrap();
        assert_eq!(p.expires_in, 30);
        assert!(serde_json::from_value::<ParResponse>(json!({"request_uri": "urn:x"})).is_err());
        let c: CibaResponse =
            serde_json::from_value(json!({"auth_req_id": "r", "expires_in": 300, "interval": 5}))
                .unwrap();
        assert_eq!(c.interval, Some(5));
    }
}
