//! OAuth 2.0 Protected Resource Metadata (RFC 9728): the document an API publishes at
//! `/.well-known/oauth-protected-resource` so that clients (MCP clients among them) discover
//! which authorization server issues its tokens, and the URL 401 challenges point to.
//!
//! Framework-free: [`ProtectedResourceMetadata`] serialises to JSON; each adapter serves it.
//!
//! ```
//! use auth0_core::AccessTokenVerifier;
//! use auth0_core::resource_metadata::{ProtectedResourceMetadata, metadata_url};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let url = metadata_url("https://api.example.com")?;
//! assert_eq!(url, "https://api.example.com/.well-known/oauth-protected-resource");
//! let verifier = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
//!     .audience("https://api.example.com")
//!     .resource_metadata_url(&url) // 401 challenges name it
//!     .build()?;
//! let metadata = ProtectedResourceMetadata::for_verifier(&verifier, "https://api.example.com")
//!     .scopes_supported(["read:messages"])
//!     .resource_name("Messages API");
//! let json: serde_json::Value = serde_json::from_str(&metadata.to_json())?;
//! assert_eq!(json["authorization_servers"][0], "https://my-tenant.us.auth0.com/");
//! assert_eq!(json["bearer_methods_supported"][0], "header");
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};

use crate::outcome::DpopMode;
use crate::verify::AccessTokenVerifier;

/// The well-known path of the metadata (RFC 9728 §3).
pub const WELL_KNOWN_PATH: &str = "/.well-known/oauth-protected-resource";

/// `Cache-Control` value the ready handlers send with the document: it changes only with the
/// configuration, so clients may keep it for an hour.
pub const CACHE_CONTROL: &str = "public, max-age=3600";

/// The metadata document of a protected resource (RFC 9728 §2). Optional members that are
/// not set are omitted from the JSON; unknown members are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProtectedResourceMetadata {
    /// The protected resource's identifier (for an Auth0 API, its audience).
    pub resource: String,
    /// Issuer identifiers of the authorization servers that issue tokens for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_servers: Vec<String>,
    /// The resource's own JWK Set (for signed responses; rarely used by APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// Scopes used in requests to the resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// How bearer tokens may be sent: this crate accepts only `header`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bearer_methods_supported: Vec<String>,
    /// JWS algorithms the resource signs its responses with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_signing_alg_values_supported: Vec<String>,
    /// A human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// A page with developer documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_documentation: Option<String>,
    /// A page about how client data is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy_uri: Option<String>,
    /// The terms of service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_tos_uri: Option<String>,
    /// Whether mutual-TLS certificate-bound tokens are supported (RFC 8705).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_client_certificate_bound_access_tokens: Option<bool>,
    /// Supported `authorization_details` types (RFC 9396).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_details_types_supported: Vec<String>,
    /// DPoP proof algorithms accepted (RFC 9449), when DPoP is enabled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dpop_signing_alg_values_supported: Vec<String>,
    /// Whether only DPoP-bound tokens are accepted, when DPoP is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_bound_access_tokens_required: Option<bool>,
    /// Other members (extensions, `signed_metadata`), kept as they are.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ProtectedResourceMetadata {
    /// A document for `resource` with only that member set.
    #[must_use]
    pub fn new(resource: impl Into<String>) -> Self {
        Self {
            resource: resource.into(),
            ..Self::default()
        }
    }

    /// The document of an API protected by `verifier`: `resource`, the verifier's issuers as
    /// `authorization_servers`, `bearer_methods_supported` = `["header"]` and, when DPoP is
    /// enabled, its proof algorithms and whether DPoP is required.
    #[must_use]
    pub fn for_verifier<C>(verifier: &AccessTokenVerifier<C>, resource: impl Into<String>) -> Self {
        let mut metadata = Self::new(resource);
        metadata.authorization_servers = verifier.issuers().map(str::to_owned).collect();
        metadata.bearer_methods_supported = vec!["header".to_owned()];
        let mode = verifier.dpop_mode();
        if mode != DpopMode::Disabled {
            metadata.dpop_signing_alg_values_supported = verifier
                .dpop_algorithms()
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect();
            metadata.dpop_bound_access_tokens_required = Some(mode == DpopMode::Required);
        }
        metadata
    }

    /// Sets `scopes_supported`.
    #[must_use]
    pub fn scopes_supported<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes_supported = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `resource_name`.
    #[must_use]
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.resource_name = Some(name.into());
        self
    }

    /// Sets `resource_documentation`.
    #[must_use]
    pub fn resource_documentation(mut self, url: impl Into<String>) -> Self {
        self.resource_documentation = Some(url.into());
        self
    }

    /// Sets `resource_policy_uri`.
    #[must_use]
    pub fn resource_policy_uri(mut self, url: impl Into<String>) -> Self {
        self.resource_policy_uri = Some(url.into());
        self
    }

    /// Sets `resource_tos_uri`.
    #[must_use]
    pub fn resource_tos_uri(mut self, url: impl Into<String>) -> Self {
        self.resource_tos_uri = Some(url.into());
        self
    }

    /// Sets another member (an extension); standard members are better set through their
    /// fields, which take precedence when both are present.
    #[must_use]
    pub fn member(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// The document as JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Strings, booleans and JSON values only: serialisation cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// The metadata URL of a resource served at `base` (RFC 9728 §3.1): the well-known path goes
/// between the host and the path, a terminating slash of the path dropped:
/// `https://api.example.com` → `https://api.example.com/.well-known/oauth-protected-resource`,
/// `https://example.com/api/` → `https://example.com/.well-known/oauth-protected-resource/api`.
///
/// # Errors
/// A reason when `base` is not an absolute `https` URL (`http` only on loopback), has a
/// fragment, or characters a challenge cannot carry.
pub fn metadata_url(base: &str) -> Result<String, &'static str> {
    let (origin, path, query) = split(base)?;
    let mut url = format!("{origin}{WELL_KNOWN_PATH}{path}");
    if let Some(query) = query {
        url.push('?');
        url.push_str(&query);
    }
    Ok(url)
}

/// The path (without query) under which a resource served at `base` publishes its metadata:
/// `/.well-known/oauth-protected-resource` plus the path of `base`, for routing.
///
/// # Errors
/// As [`metadata_url`].
pub fn well_known_path(base: &str) -> Result<String, &'static str> {
    let (_, path, _) = split(base)?;
    Ok(format!("{WELL_KNOWN_PATH}{path}"))
}

/// Checks a URL that a challenge will carry (see
/// [`resource_metadata_url`](crate::verify::AccessTokenVerifierBuilder::resource_metadata_url)).
pub(crate) fn check_url(url: &str) -> Result<(), &'static str> {
    split(url).map(|_| ())
}

/// Origin (`scheme://authority`, normalised by the URL parser), path without terminating slash,
/// and query. The URL must be absolute, `https` (`http` on loopback), without user information
/// or fragment, and written with characters a challenge can carry.
fn split(url: &str) -> Result<(String, String, Option<String>), &'static str> {
    if url
        .chars()
        .any(|c| !('!'..='~').contains(&c) || c == '"' || c == '\\')
    {
        return Err("spaces, quotes, backslashes and non-ASCII characters are not allowed");
    }
    if url.contains('#') {
        return Err("a fragment is not allowed");
    }
    let parsed = url::Url::parse(url).map_err(|_| "an absolute URL (https://…) is required")?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("a host (without user information) is required");
    }
    let origin = crate::TenantUrl::from_url(&parsed).map_err(|reason| {
        if reason.starts_with("plain http") {
            "plain http is allowed only for loopback hosts"
        } else if reason.starts_with("the scheme") {
            "the scheme must be https (or http for a loopback host)"
        } else {
            "a host (without user information) is required"
        }
    })?;
    let path = parsed.path();
    let path = path.strip_suffix('/').unwrap_or(path).to_owned();
    Ok((
        origin.base().to_owned(),
        path,
        parsed.query().map(str::to_owned),
    ))
}

#[cfg(test)]
mod tests;
