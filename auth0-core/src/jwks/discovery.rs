//! OpenID Connect Discovery: the provider metadata document at
//! `<issuer>/.well-known/openid-configuration`, fetched with the same hygiene as a JWKS (GET only,
//! no redirects, no cookies or credentials, a 5 s total deadline, exactly `200`, a 64 KiB cap) and
//! checked against the issuer it was asked for.
//!
//! [`discover`] goes direct and reads no proxy variable; [`discover_with`] uses the proxy of its
//! options ([`JwksOptions::proxy`] or [`JwksOptions::proxy_from_env`]), as a key store does.

use serde::Deserialize;

use crate::domain::TenantUrl;
use crate::jwks::error::JwksError;
use crate::jwks::fetch::{fetch, http_client};
use crate::jwks::options::JwksOptions;

/// The path appended to an issuer identifier to find its metadata (OIDC Discovery 1.0 §4).
const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// The parts of an OpenID Provider's metadata (OIDC Discovery 1.0 §3) that this crate uses,
/// checked by [`discover`].
///
/// Guarantees after a successful [`discover`]:
/// * `issuer` is exactly the issuer identifier that was asked for (byte for byte, trailing slash
///   included); it is the value to compare with a token's `iss`.
/// * `jwks_uri` is `https` (or `http` on a loopback host), on the issuer's host and port, and
///   not `http` when the issuer is `https`.
/// * `token_endpoint` and `userinfo_endpoint`, when present, are `https` (or `http` on a
///   loopback host); they may be on another host.
///
/// Feed the first two to
/// [`AccessTokenVerifierBuilder::oidc_issuer`](crate::verify::AccessTokenVerifierBuilder::oidc_issuer):
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth0_core::AccessTokenVerifier;
/// use auth0_core::jwks::discover;
/// let meta = discover("https://login.example.com/realms/main").await?;
/// let verifier = AccessTokenVerifier::empty_builder()
///     .oidc_issuer(&meta.issuer, &meta.jwks_uri)
///     .audience("https://api.example.com")
///     .build()?;
/// # let _ = verifier; Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderMetadata {
    /// The issuer identifier (`issuer`), equal to the one [`discover`] was given.
    pub issuer: String,
    /// Where the provider publishes its signing keys (`jwks_uri`).
    pub jwks_uri: String,
    /// The OAuth 2.0 token endpoint (`token_endpoint`), if advertised.
    pub token_endpoint: Option<String>,
    /// The OIDC UserInfo endpoint (`userinfo_endpoint`), if advertised.
    pub userinfo_endpoint: Option<String>,
    /// Where browsers are sent to log in (`authorization_endpoint`), if advertised.
    pub authorization_endpoint: Option<String>,
    /// Where browsers are sent to log out, OIDC RP-initiated logout (`end_session_endpoint`),
    /// if advertised.
    pub end_session_endpoint: Option<String>,
    /// `id_token_signing_alg_values_supported` (empty when absent).
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `token_endpoint_auth_methods_supported` (empty when absent).
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// `grant_types_supported` (empty when absent).
    pub grant_types_supported: Vec<String>,
}

/// The wire shape; unknown members are ignored, a repeated member makes the document invalid.
#[derive(Deserialize)]
struct Document {
    issuer: Option<String>,
    jwks_uri: Option<String>,
    token_endpoint: Option<String>,
    userinfo_endpoint: Option<String>,
    authorization_endpoint: Option<String>,
    end_session_endpoint: Option<String>,
    #[serde(default)]
    id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    grant_types_supported: Vec<String>,
}

/// Fetches and checks the discovery document of `issuer` with the default fetch settings
/// (5 s total deadline, 2 s to connect, 64 KiB cap, direct: no proxy, none read from the
/// environment).
///
/// The document is read from `<issuer without its trailing slash>/.well-known/openid-configuration`.
///
/// # Errors
/// * [`JwksError::InvalidUrl`]: `issuer` is not `https` (or `http` on loopback), or has a query
///   or fragment (nothing is fetched); or an advertised URL is not acceptable.
/// * [`JwksError::Status`], [`JwksError::Timeout`], [`JwksError::Transport`],
///   [`JwksError::TooLarge`]: the fetch failed (a redirect is a `Status` error, never followed).
/// * [`JwksError::InvalidDocument`]: not a JSON object, a repeated member, a member of the wrong
///   type.
/// * [`JwksError::Discovery`]: `issuer` in the document differs from `issuer` (OIDC Discovery
///   §4.3), `jwks_uri` is missing or not on the issuer's host.
pub async fn discover(issuer: &str) -> Result<ProviderMetadata, JwksError> {
    discover_with(issuer, &JwksOptions::default()).await
}

/// [`discover`] with the timeouts, body cap and proxy of `options`.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth0_core::jwks::{JwksOptions, discover_with};
/// let options = JwksOptions::default().proxy("http://proxy.internal:3128");
/// let meta = discover_with("https://login.example.com/realms/main", &options).await?;
/// # let _ = meta; Ok(()) }
/// ```
///
/// # Errors
/// As [`discover`], and [`JwksError::Proxy`] for an unusable proxy setting (nothing is fetched).
pub async fn discover_with(
    issuer: &str,
    options: &JwksOptions,
) -> Result<ProviderMetadata, JwksError> {
    let issuer_url = check_url(issuer)?;
    let url = format!("{}{WELL_KNOWN}", issuer.strip_suffix('/').unwrap_or(issuer));
    let client = http_client(options)?;
    let fetched = fetch(&client, &url, options.max_body).await?;
    parse(issuer, &issuer_url, &fetched.body)
}

/// Parses a fetched document and applies the checks of [`discover`].
pub(crate) fn parse(
    issuer: &str,
    issuer_url: &TenantUrl,
    body: &[u8],
) -> Result<ProviderMetadata, JwksError> {
    crate::jose::check_unique_members(body).map_err(|_| JwksError::InvalidDocument)?;
    let doc: Document = serde_json::from_slice(body).map_err(|_| JwksError::InvalidDocument)?;
    let doc_issuer = doc
        .issuer
        .ok_or(JwksError::Discovery("the document has no issuer"))?;
    if doc_issuer != issuer {
        return Err(JwksError::Discovery(
            "issuer differs from the configured issuer",
        ));
    }
    let jwks_uri = doc
        .jwks_uri
        .ok_or(JwksError::Discovery("the document has no jwks_uri"))?;
    let jwks_url = check_url(&jwks_uri)?;
    if jwks_url.authority() != issuer_url.authority() {
        return Err(JwksError::Discovery("jwks_uri is not on the issuer's host"));
    }
    if issuer_url.is_https() && !jwks_url.is_https() {
        return Err(JwksError::Discovery("jwks_uri is not https"));
    }
    for endpoint in [
        &doc.token_endpoint,
        &doc.userinfo_endpoint,
        &doc.authorization_endpoint,
        &doc.end_session_endpoint,
    ]
    .into_iter()
    .flatten()
    {
        check_url(endpoint)?;
    }
    Ok(ProviderMetadata {
        issuer: doc_issuer,
        jwks_uri,
        token_endpoint: doc.token_endpoint,
        userinfo_endpoint: doc.userinfo_endpoint,
        authorization_endpoint: doc.authorization_endpoint,
        end_session_endpoint: doc.end_session_endpoint,
        id_token_signing_alg_values_supported: doc.id_token_signing_alg_values_supported,
        token_endpoint_auth_methods_supported: doc.token_endpoint_auth_methods_supported,
        grant_types_supported: doc.grant_types_supported,
    })
}

/// An absolute `https` URL (or `http` on a loopback host) without user info, query or
/// fragment; returns its scheme and authority (normalised) for comparisons.
fn check_url(url: &str) -> Result<TenantUrl, JwksError> {
    TenantUrl::endpoint(url).map_err(|e| JwksError::InvalidUrl(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    use std::time::Duration;

    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn doc(issuer: &str, jwks_uri: &str) -> Vec<u8> {
        json!({
            "issuer": issuer,
            "jwks_uri": jwks_uri,
            "token_endpoint": format!("{}/token", issuer.trim_end_matches('/')),
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "grant_types_supported": ["client_credentials"],
            "response_types_supported": ["code"],
        })
        .to_string()
        .into_bytes()
    }

    fn check(issuer: &str, body: &[u8]) -> Result<ProviderMetadata, JwksError> {
        parse(issuer, &check_url(issuer)?, body)
    }

    async fn serve(template: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(WELL_KNOWN))
            .respond_with(template)
            .mount(&server)
            .await;
        server
    }

    #[test]
    fn accepts_a_matching_document() {
        let meta = check(
            "https://op.example.com",
            &doc("https://op.example.com", "https://op.example.com/jwks"),
        )
        .unwrap();
        assert_eq!(meta.issuer, "https://op.example.com");
        assert_eq!(meta.jwks_uri, "https://op.example.com/jwks");
        assert_eq!(
            meta.token_endpoint.as_deref(),
            Some("https://op.example.com/token")
        );
        assert_eq!(meta.userinfo_endpoint, None);
        assert_eq!(
            meta.id_token_signing_alg_values_supported,
            ["RS256", "ES256"]
        );
        assert_eq!(meta.grant_types_supported, ["client_credentials"]);
        assert!(meta.token_endpoint_auth_methods_supported.is_empty());
        // An issuer with a path (Okta, Keycloak…) and a host that differs only in case.
        let issuer = "https://OP.example.com/realms/main";
        let meta = check(
            issuer,
            &doc(issuer, "https://op.example.com/realms/main/certs"),
        )
        .unwrap();
        assert_eq!(meta.issuer, issuer);
    }

    #[test]
    fn issuer_must_match_exactly() {
        for (asked, advertised) in [
            ("https://op.example.com", "https://op.example.com/"),
            ("https://op.example.com/", "https://op.example.com"),
            ("https://op.example.com", "https://OP.example.com"),
            ("https://op.example.com", "http://op.example.com"),
            ("https://op.example.com", "https://evil.example.com"),
            ("https://op.example.com/a", "https://op.example.com/b"),
        ] {
            let err = check(asked, &doc(advertised, "https://op.example.com/jwks")).unwrap_err();
            assert_eq!(
                err,
                JwksError::Discovery("issuer differs from the configured issuer"),
                "{asked} vs {advertised}"
            );
        }
        let missing = json!({ "jwks_uri": "https://op.example.com/jwks" }).to_string();
        assert!(matches!(
            check("https://op.example.com", missing.as_bytes()),
            Err(JwksError::Discovery(_))
        ));
    }

    #[test]
    fn jwks_uri_must_be_on_the_issuer_host_and_secure() {
        let issuer = "https://op.example.com";
        for jwks_uri in [
            "https://evil.example.com/jwks",
            "https://op.example.com.evil.example/jwks",
            "https://op.example.com:8443/jwks",
            "https://user@evil.example.com/jwks",
        ] {
            assert!(check(issuer, &doc(issuer, jwks_uri)).is_err(), "{jwks_uri}");
        }
        for jwks_uri in [
            "http://op.example.com/jwks",
            "ftp://op.example.com/jwks",
            "/jwks",
            "https://op.example.com/jwks?x=1",
            "",
        ] {
            assert!(
                matches!(
                    check(issuer, &doc(issuer, jwks_uri)),
                    Err(JwksError::InvalidUrl(_))
                ),
                "{jwks_uri}"
            );
        }
        // Loopback http is fine, but only on the issuer's own port.
        let local = "http://127.0.0.1:4010";
        assert!(check(local, &doc(local, "http://127.0.0.1:4010/jwks")).is_ok());
        assert_eq!(
            check(local, &doc(local, "http://127.0.0.1:4011/jwks")).unwrap_err(),
            JwksError::Discovery("jwks_uri is not on the issuer's host")
        );
        // An https issuer never gets an http key set, even on loopback.
        let secure_local = "https://127.0.0.1:4010";
        assert_eq!(
            check(
                secure_local,
                &doc(secure_local, "http://127.0.0.1:4010/jwks")
            )
            .unwrap_err(),
            JwksError::Discovery("jwks_uri is not https")
        );
        let missing = json!({ "issuer": issuer }).to_string();
        assert_eq!(
            check(issuer, missing.as_bytes()).unwrap_err(),
            JwksError::Discovery("the document has no jwks_uri")
        );
    }

    #[test]
    fn endpoints_must_be_acceptable_urls() {
        let issuer = "https://op.example.com";
        let mut body: serde_json::Value =
            serde_json::from_slice(&doc(issuer, "https://op.example.com/jwks")).unwrap();
        body["token_endpoint"] = json!("http://evil.example.com/token");
        assert!(matches!(
            check(issuer, body.to_string().as_bytes()),
            Err(JwksError::InvalidUrl(_))
        ));
        body["token_endpoint"] = json!("https://mtls.op.example.com/token");
        assert!(check(issuer, body.to_string().as_bytes()).is_ok());
    }

    #[test]
    fn refuses_malformed_documents() {
        let issuer = "https://op.example.com";
        for body in [
            &b"<html>captive portal</html>"[..],
            b"[]",
            b"null",
            br#"{"issuer": 1, "jwks_uri": "https://op.example.com/jwks"}"#,
            br#"{"issuer": "https://op.example.com", "jwks_uri": "https://op.example.com/jwks", "issuer": "https://op.example.com"}"#,
            br#"{"issuer": "https://op.example.com", "jwks_uri": "https://op.example.com/jwks", "grant_types_supported": "client_credentials"}"#,
        ] {
            let shown = String::from_utf8_lossy(body);
            let err = check(issuer, body).unwrap_err();
            assert_eq!(err, JwksError::InvalidDocument, "{shown}");
        }
    }

    #[tokio::test]
    async fn refuses_bad_issuers_without_fetching() {
        for issuer in [
            "http://op.example.com",
            "op.example.com",
            "https://op.example.com/?x",
            "https://op.example.com/#f",
            "https://",
        ] {
            assert!(
                matches!(discover(issuer).await, Err(JwksError::InvalidUrl(_))),
                "{issuer}"
            );
        }
    }

    #[tokio::test]
    async fn fetches_from_the_well_known_path() {
        let server = MockServer::start().await;
        let issuer = server.uri();
        let jwks = format!("{issuer}/jwks");
        Mock::given(method("GET"))
            .and(path(WELL_KNOWN))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(doc(&issuer, &jwks), "application/json"),
            )
            .expect(2)
            .mount(&server)
            .await;
        let meta = discover(&issuer).await.unwrap();
        assert_eq!(
            (meta.issuer.as_str(), meta.jwks_uri.as_str()),
            (issuer.as_str(), jwks.as_str())
        );
        // A trailing slash is removed before the well-known path, and then has to match too.
        let with_slash = format!("{issuer}/");
        let err = discover(&with_slash).await.unwrap_err();
        assert_eq!(
            err,
            JwksError::Discovery("issuer differs from the configured issuer")
        );
    }

    #[tokio::test]
    async fn follows_no_redirect_and_wants_exactly_200() {
        let target = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                doc(&target.uri(), &format!("{}/jwks", target.uri())),
                "application/json",
            ))
            .expect(0)
            .mount(&target)
            .await;
        for status in [301, 302, 307, 308] {
            let template = ResponseTemplate::new(status)
                .insert_header("location", format!("{}{WELL_KNOWN}", target.uri()));
            let server = serve(template).await;
            assert_eq!(
                discover(&server.uri()).await.unwrap_err(),
                JwksError::Status(status)
            );
        }
        for status in [203, 204, 404, 500] {
            let server = serve(ResponseTemplate::new(status)).await;
            assert_eq!(
                discover(&server.uri()).await.unwrap_err(),
                JwksError::Status(status)
            );
        }
    }

    #[tokio::test]
    async fn caps_the_body_and_the_time() {
        let server = serve(
            ResponseTemplate::new(200).set_body_raw(vec![b' '; 64 * 1024 + 1], "application/json"),
        )
        .await;
        assert_eq!(
            discover(&server.uri()).await.unwrap_err(),
            JwksError::TooLarge(64 * 1024)
        );

        let server = serve(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
        let options =
            JwksOptions::default().timeouts(Duration::from_millis(200), Duration::from_millis(200));
        assert_eq!(
            discover_with(&server.uri(), &options).await.unwrap_err(),
            JwksError::Timeout
        );
    }
}
