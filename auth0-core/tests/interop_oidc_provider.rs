//! Interop with an OpenID Provider nobody here wrote: Node's `oidc-provider` (a certified
//! implementation), started on loopback by `interop/provider.mjs` and installed from the
//! committed lockfile by `interop/setup.sh`.
//!
//! For RS256, PS256 and ES256 signing keys: our [`AuthenticationClient`] obtains a
//! client-credentials token (form-encoded, `client_secret_post`, the API named with `resource=`
//! per RFC 8707); [`discover`] reads and checks the provider's metadata; the
//! [`AccessTokenVerifier`] (RFC 9068 profile) built from it accepts the token with the expected
//! claims, and refuses it for a wrong audience, a wrong algorithm, an issuer that differs by a
//! trailing slash, and after tampering.
//!
//! Without Node.js or `interop/node_modules`, each test says `SKIPPED: …` on stderr and passes,
//! unless the suite is required: `AUTH0_RS_REQUIRE_INTEROP=1`, or `CI` set (to anything but
//! `false` or `0`), as continuous integration does; then it fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth0_core::client::AuthenticationClient;
use auth0_core::jwks::{ProviderMetadata, discover};
use auth0_core::{AccessTokenVerifier, Algorithm, ErrorKind, TokenProfile};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The API (resource indicator) the provider issues tokens for; `provider.mjs` knows it too.
const API: &str = "https://api.interop.example/";
/// How long the provider may take to generate its key and listen.
const STARTUP: Duration = Duration::from_secs(30);

/// What `provider.mjs` prints on its `READY` line.
#[derive(Debug, serde::Deserialize)]
struct Ready {
    issuer: String,
    alg: String,
    kid: String,
    client_id: String,
    client_secret: String,
    audience: String,
    token_endpoint: String,
}

/// A child process that is killed (and reaped) on drop.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The running provider.
struct OidcProvider {
    _child: KillOnDrop,
    ready: Ready,
    stderr: Arc<Mutex<String>>,
}

impl OidcProvider {
    /// Whatever the provider logged so far, for failure messages.
    fn logs(&self) -> String {
        logs(&self.stderr)
    }
}

fn logs(stderr: &Mutex<String>) -> String {
    stderr.lock().map(|s| s.clone()).unwrap_or_default()
}

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives in a workspace")
        .join("interop")
}

/// Why the interop suite must run, if it must: `AUTH0_RS_REQUIRE_INTEROP=1`, or a `CI`
/// variable (continuous integration) other than empty, `false` or `0`.
fn required() -> Option<&'static str> {
    if std::env::var("AUTH0_RS_REQUIRE_INTEROP").is_ok_and(|v| v == "1") {
        return Some("AUTH0_RS_REQUIRE_INTEROP=1");
    }
    let ci = std::env::var("CI").unwrap_or_default();
    let ci = ci.trim();
    if !ci.is_empty() && !ci.eq_ignore_ascii_case("false") && ci != "0" {
        return Some("CI is set");
    }
    None
}

/// Skips the test with a message that shows even when test output is captured, or fails it
/// when the interop suite is required.
fn skip(alg: &str, reason: &str) {
    if let Some(why) = required() {
        panic!(
            "the oidc-provider interop suite is required ({why}) but {reason}: install Node.js \
             (20 or later) and npm, then run `bash interop/setup.sh` (`scripts/test` does)"
        );
    }
    let message = format!(
        "SKIPPED: interop with oidc-provider ({alg}): {reason}; run `bash interop/setup.sh` \
         (needs Node.js and npm); with AUTH0_RS_REQUIRE_INTEROP=1 or CI=true this is a failure"
    );
    eprintln!("{message}");
    // `eprintln!` is captured by the test harness when the test passes; say it on the real
    // stderr too so that a skipped interop run is visible in `cargo test` output.
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// Starts `node interop/provider.mjs --alg <alg>` and waits for its readiness line; `None`
/// (after [`skip`]) when Node.js or the installed dependency is missing.
fn start(alg: &str) -> Option<OidcProvider> {
    let dir = interop_dir();
    if !dir
        .join("node_modules/oidc-provider/package.json")
        .is_file()
    {
        skip(
            alg,
            "interop/node_modules is missing (oidc-provider is not installed)",
        );
        return None;
    }
    let spawned = Command::new("node")
        .arg("provider.mjs")
        .args(["--alg", alg, "--port", "0"])
        .current_dir(&dir)
        .stdin(Stdio::piped()) // the provider exits when this closes, even if we are killed
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => KillOnDrop(child),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            skip(alg, "node is not installed (not found on PATH)");
            return None;
        }
        Err(e) => panic!("cannot start node: {e}"),
    };

    let stderr = Arc::new(Mutex::new(String::new()));
    let mut err_pipe = child.0.stderr.take().expect("piped stderr");
    let sink = Arc::clone(&stderr);
    let (stderr_closed, stderr_read) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = err_pipe.read(&mut buf) {
            if let Ok(mut s) = sink.lock() {
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        let _ = stderr_closed.send(());
    });

    let out = child.0.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if let Some(json) = line.strip_prefix("READY ") {
                let _ = tx.send(json.to_owned());
            }
        }
    });

    let line = match rx.recv_timeout(STARTUP) {
        Ok(line) => line,
        Err(e) => {
            let status = child.0.try_wait().ok().flatten();
            // Stop the provider, so that its stderr closes, and let the reader collect the
            // reason to the end (or what it has after a few seconds).
            let _ = child.0.kill();
            let _ = child.0.wait();
            let _ = stderr_read.recv_timeout(Duration::from_secs(5));
            panic!(
                "oidc-provider ({alg}) did not become ready ({e}; exit status {status:?}); \
                 its stderr:\n{}",
                logs(&stderr)
            );
        }
    };
    let ready: Ready = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("unreadable READY line {line:?}: {e}"));
    assert_eq!(ready.alg, alg);
    assert_eq!(ready.audience, API);
    Some(OidcProvider {
        _child: child,
        ready,
        stderr,
    })
}

/// Changes one claim of a signed token and keeps the original signature.
fn with_forged_payload(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["scope"] = serde_json::json!("read:messages write:messages");
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// Flips one bit of the signature.
fn with_flipped_signature(token: &str) -> String {
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn verifier(meta: &ProviderMetadata, audience: &str, alg: Algorithm) -> AccessTokenVerifier {
    AccessTokenVerifier::empty_builder()
        .oidc_issuer(&meta.issuer, &meta.jwks_uri)
        .audience(audience)
        .algorithms([alg])
        .profile(TokenProfile::Rfc9068)
        .build()
        .expect("a valid verifier configuration")
}

async fn refused(v: &AccessTokenVerifier, token: &str) -> ErrorKind {
    v.verify(token)
        .await
        .expect_err("the token should be refused")
        .kind()
        .clone()
}

async fn interop(alg: Algorithm) {
    let name = alg.as_str();
    let Some(provider) = start(name) else { return };
    let ready = &provider.ready;

    // 1. Our Authentication API client gets a token: the provider's token endpoint takes a
    //    form-encoded body and names the API with `resource=` (RFC 8707); the `audience` that
    //    `client_credentials` sends for Auth0 is an unknown parameter to it and is ignored.
    let client = AuthenticationClient::builder(&ready.issuer, &ready.client_id)
        .client_secret(&ready.client_secret)
        .build()
        .expect("a valid client configuration");
    let token = client
        .get_token()
        .client_credentials(API)
        .param("resource", API)
        .param("scope", "read:messages")
        .form()
        .await
        .unwrap_or_else(|e| panic!("token request failed: {e:?}\n{}", provider.logs()));
    assert!(token.token_type.eq_ignore_ascii_case("bearer"), "{token:?}");
    assert_eq!(token.expires_in, Some(300));
    assert_eq!(token.scope.as_deref(), Some("read:messages"));
    assert_eq!(token.id_token, None);

    // The provider's OAuth error reaches us as an API error with its code.
    let err = client
        .get_token()
        .client_credentials(API)
        .param("resource", "https://not-registered.example/")
        .form()
        .await
        .expect_err("an unknown resource is refused");
    let api = err.api().unwrap_or_else(|| panic!("an API error: {err:?}"));
    assert_eq!(
        (api.status(), api.error_code()),
        (400, "invalid_target"),
        "{err:?}"
    );

    // 2. Discovery: the document names exactly this issuer, and its keys on the same host.
    let meta = discover(&ready.issuer)
        .await
        .unwrap_or_else(|e| panic!("discovery failed: {e}\n{}", provider.logs()));
    assert_eq!(meta.issuer, ready.issuer);
    assert_eq!(
        meta.token_endpoint.as_deref(),
        Some(ready.token_endpoint.as_str())
    );
    assert_eq!(meta.jwks_uri, format!("{}/jwks", ready.issuer));
    assert!(
        meta.grant_types_supported
            .iter()
            .any(|g| g == "client_credentials"),
        "{meta:?}"
    );
    // Issuers are compared exactly: the same URL with a trailing slash is another issuer.
    assert!(discover(&format!("{}/", ready.issuer)).await.is_err());

    // 3. The verifier (RFC 9068 profile) accepts the token.
    let v = verifier(&meta, API, alg);
    let claims = match v.verify(&token.access_token).await {
        Ok(claims) => claims,
        Err(e) => panic!(
            "{name}: the verifier refused a legitimate token from oidc-provider: {:?} ({})",
            e.kind(),
            e.description()
        ),
    };
    assert_eq!(claims.iss, ready.issuer);
    assert_eq!(claims.aud, [API]);
    assert_eq!(claims.client_id.as_deref(), Some(ready.client_id.as_str()));
    assert_eq!(claims.sub, ready.client_id);
    assert_eq!(claims.scope, ["read:messages"]);
    assert!(claims.has_scope("read:messages"));
    assert!(!claims.has_scope("write:messages"));
    assert!(claims.jti.as_deref().is_some_and(|j| !j.is_empty()));
    assert!(claims.exp > claims.iat);
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.access_token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], name);
    assert_eq!(header["kid"], ready.kid.as_str());
    let metrics = v.metrics();
    assert_eq!(metrics.len(), 1);
    assert_eq!(metrics[0].1.keys, 1, "{metrics:?}");

    // A second token (both scopes) from the same client, through the warm key store.
    let both = client
        .get_token()
        .client_credentials(API)
        .param("resource", API)
        .param("scope", "read:messages write:messages")
        .form()
        .await
        .unwrap();
    let claims2 = v.verify(&both.access_token).await.unwrap();
    assert_eq!(claims2.scope, ["read:messages", "write:messages"]);
    assert_ne!(claims2.jti, claims.jti);

    // 4. Negatives.
    let wrong_audience = verifier(&meta, "https://another-api.example/", alg);
    assert_eq!(
        refused(&wrong_audience, &token.access_token).await,
        ErrorKind::Audience
    );
    assert_eq!(
        refused(&v, &with_forged_payload(&token.access_token)).await,
        ErrorKind::Signature
    );
    assert_eq!(
        refused(&v, &with_flipped_signature(&token.access_token)).await,
        ErrorKind::Signature
    );
    let other_alg = if alg == Algorithm::ES256 {
        Algorithm::RS256
    } else {
        Algorithm::ES256
    };
    assert_eq!(
        refused(&verifier(&meta, API, other_alg), &token.access_token).await,
        ErrorKind::Algorithm
    );
    let slash = AccessTokenVerifier::empty_builder()
        .oidc_issuer(&format!("{}/", meta.issuer), &meta.jwks_uri)
        .audience(API)
        .algorithms([alg])
        .profile(TokenProfile::Rfc9068)
        .build()
        .unwrap();
    assert_eq!(
        refused(&slash, &token.access_token).await,
        ErrorKind::Issuer
    );
}

#[tokio::test]
async fn oidc_provider_rs256() {
    interop(Algorithm::RS256).await;
}

#[tokio::test]
async fn oidc_provider_ps256() {
    interop(Algorithm::PS256).await;
}

#[tokio::test]
async fn oidc_provider_es256() {
    interop(Algorithm::ES256).await;
}
