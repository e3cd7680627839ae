//! The `Auth0-Client` telemetry header and the `User-Agent` the client sends.
//!
//! `Auth0-Client` is the standard base64 alphabet, with padding, of a compact JSON object. By
//! default it is `{"name":"auth0-rs","version":<crate version>,"env":{"rust":<rustc version>}}`.
//! The compiler version is read at build time from the `AUTH0_RS_RUSTC_VERSION` environment
//! variable when a build sets it, and is `"unknown"` otherwise: the crate has no build script
//! that could ask `rustc`, and guessing would be worse than saying so.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::VERSION;

/// The library name reported in telemetry and `User-Agent`.
pub(crate) const LIBRARY_NAME: &str = "auth0-rs";

/// The compiler version reported in telemetry.
pub(crate) fn rust_version() -> &'static str {
    option_env!("AUTH0_RS_RUSTC_VERSION").unwrap_or("unknown")
}

/// `auth0-rs/<version>`.
pub(crate) fn user_agent() -> String {
    format!("{LIBRARY_NAME}/{VERSION}")
}

/// What the client reports about itself in `Auth0-Client`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ClientInfo {
    /// `auth0-rs` and this crate's version.
    Default,
    /// A wrapper SDK's name and version; `env` still names Rust and this crate.
    Identity { name: String, version: String },
    /// A complete JSON object, sent as given.
    Custom(serde_json::Map<String, Value>),
}

impl ClientInfo {
    /// The JSON document the header encodes.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Self::Default => json!({
                "name": LIBRARY_NAME,
                "version": VERSION,
                "env": { "rust": rust_version() },
            }),
            Self::Identity { name, version } => json!({
                "name": name,
                "version": version,
                "env": { "rust": rust_version(), LIBRARY_NAME: VERSION },
            }),
            Self::Custom(map) => Value::Object(map.clone()),
        }
    }

    /// The `Auth0-Client` header value: standard base64 (with padding) of the compact JSON.
    pub(crate) fn header_value(&self) -> String {
        STANDARD.encode(self.to_json().to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn decode(value: &str) -> Value {
        serde_json::from_slice(&STANDARD.decode(value).unwrap()).unwrap()
    }

    #[test]
    fn default_identity() {
        let value = ClientInfo::Default.header_value();
        assert_eq!(
            decode(&value),
            json!({"name": "auth0-rs", "version": VERSION, "env": {"rust": rust_version()}})
        );
    }

    #[test]
    fn wrapper_identity_keeps_library_version() {
        let info = ClientInfo::Identity {
            name: "auth0-wrapper".into(),
            version: "1.2.3".into(),
        };
        let decoded = decode(&info.header_value());
        assert_eq!(decoded["name"], "auth0-wrapper");
        assert_eq!(decoded["version"], "1.2.3");
        assert_eq!(decoded["env"]["auth0-rs"], VERSION);
    }

    #[test]
    fn uses_padding_and_standard_alphabet() {
        // 1 byte of JSON beyond a multiple of 3 forces padding.
        let mut map = serde_json::Map::new();
        map.insert("a".into(), json!("??>"));
        let value = ClientInfo::Custom(map).header_value();
        assert!(value.ends_with('='), "{value}");
        assert_eq!(decode(&value), json!({"a": "??>"}));
    }
}
