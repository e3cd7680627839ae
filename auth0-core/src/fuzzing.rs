//! Entry points for the project's fuzz targets (the `fuzz/` package), one per target: each feeds
//! arbitrary bytes to the real parsing and verification code and discards the result. Only a
//! panic (or a hang) is a finding. Not a stable API: compiled with the `fuzzing` feature, and in
//! unit tests, which replay every committed corpus under `fuzz/corpus/<target>/`.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::algorithm::Algorithm;
use crate::client::{ApiError, ResponseHeaders, RetryPolicy};
use crate::domain::TenantUrl;
use crate::jwks::{JwksOptions, ManualClock};
use crate::verify::dpop::{Dpop, DpopMode, ProofTarget};
use crate::verify::replay::MemoryReplayStore;
use crate::verify::scopes::RequiredScopes;
use crate::verify::{AccessTokenVerifier, RequestTarget};

/// The Unix time every fuzzed verification runs at (tokens in the corpora are valid then).
pub const NOW: i64 = 1_767_225_600;
/// The tenant of the `jws` target's verifier: a loopback port where nothing listens, so the one
/// refetch an unknown `kid` may cause fails at once and never leaves the machine.
pub const JWS_DOMAIN: &str = "http://127.0.0.1:1";
/// The issuer (`iss`) the `jws` target's verifier accepts.
pub const JWS_ISSUER: &str = "http://127.0.0.1:1/";
/// The audience the `jws` target's verifier accepts.
pub const JWS_AUDIENCE: &str = "https://api.example.com";
/// The scope the `jws` target's verifier requires.
pub const JWS_SCOPE: &str = "read:messages";
/// The key set seeded into the `jws` target's verifier: one RSA public key, `kid` `rsa-0`.
pub const JWS_JWKS: &str = concat!(
    r#"{"keys":[{"kty":"RSA","kid":"rsa-0","alg":"RS256","use":"sig","e":"AQAB","n":""#,
    "vOZUxnfJUmBiRgQh5GiqWlyNd8PksEO5yH9TXV5Sb50uPadVSLdZtWXMjIB1Ul7o3CH-aTOZUqj9jfmxm4K87B",
    "yQyQpIl9QX7GhGjlAWDITXXr3P-PV4rhjlpUmqGUyUSWcsb2ffiWO7HO5GInLg-Rdg4o8ymE-0mol2fq-_rx4G",
    "Qia6H6Jk_3bWEm_bVa2bePtCd68SMjTzQFSd3corbEv4Vkpw-qC-YiaGcZu5uDp2LPDgAlXoist7n047YLmY7g",
    "u98gEQ6bMp2jCVduKTUJHDrPB5I8giXZQEYBStWTX33Xb-GItI56HRUR3KVeb45QLvrAs_2bj8k67yEMwZlw",
    r#""}]}"#,
);
/// The URL a `dpop` input's proof must name (`htu`) when the input names none.
pub const DPOP_HTU: &str = "https://api.example.com/resource";
/// The method a DPoP proof must name (`htm`).
pub const DPOP_HTM: &str = "GET";
/// The access token a DPoP proof must be bound to (`ath`).
pub const DPOP_ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmdXp6In0.c2lnbmF0dXJl";
/// The issuers the `discovery` target checks every document against.
pub const DISCOVERY_ISSUERS: [&str; 2] = ["https://tenant.auth0.com/", "http://127.0.0.1:3000/"];

/// `Authorization` header values: the whole input as one value, then split at every `\n`.
pub fn bearer(data: &[u8]) {
    let one = [data];
    let several: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    for values in [&one[..], &several[..]] {
        let _ = crate::bearer::credentials(values.iter().copied());
        if let Err(e) = crate::bearer::bearer_token(values.iter().copied()) {
            let _ = e.outcome(Some("api")).json_body();
        }
    }
}

/// The current-thread runtime the asynchronous entry points block on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => panic!("fuzzing: no tokio runtime: {e}"),
        }
    })
}

struct Jws {
    runtime: &'static tokio::runtime::Runtime,
    verifier: AccessTokenVerifier,
}

fn jws_harness() -> &'static Jws {
    static JWS: OnceLock<Jws> = OnceLock::new();
    JWS.get_or_init(|| {
        let runtime = runtime();
        let verifier = AccessTokenVerifier::builder(JWS_DOMAIN)
            .audience(JWS_AUDIENCE)
            .algorithms([Algorithm::RS256, Algorithm::PS256, Algorithm::ES256])
            .require_scopes(RequiredScopes::all([JWS_SCOPE]))
            .clock(Arc::new(ManualClock::new(NOW)))
            .jwks_options(
                JwksOptions::default()
                    .timeouts(Duration::from_millis(500), Duration::from_millis(200)),
            )
            .seed_jwks(JWS_JWKS)
            .dpop(DpopMode::Allowed)
            .build();
        match verifier {
            Ok(verifier) => Jws { runtime, verifier },
            Err(e) => panic!("fuzzing: the jws verifier does not build: {e}"),
        }
    })
}

/// The request of the `jws` target's DPoP calls: `GET` [`DPOP_HTU`].
fn jws_request() -> RequestTarget<'static> {
    RequestTarget::new(DPOP_HTM, "/resource").host("api.example.com")
}

/// A compact JWS through the public verifier: as a token, behind `Bearer `, as raw
/// `Authorization` values split at every `\n`, and as a request whose first line is the
/// `Authorization` value and the rest its `DPoP` proof (`GET https://api.example.com/resource`).
pub fn jws(data: &[u8]) {
    let Jws { runtime, verifier } = jws_harness();
    let token = String::from_utf8_lossy(data);
    let bearer = [&b"Bearer "[..], data].concat();
    let several: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let (authorization, proof) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    runtime.block_on(async {
        let results = [
            verifier.verify(&token).await,
            verifier.verify_authorization([&bearer[..]]).await,
            verifier.verify_authorization(several.iter().copied()).await,
            verifier
                .verify_request(jws_request(), [authorization], proof)
                .await,
        ];
        for result in results {
            match result {
                Ok(claims) => {
                    let _ = (
                        claims.has_scope(JWS_SCOPE),
                        claims.has_permission(JWS_SCOPE),
                    );
                }
                Err(e) => {
                    let _ = verifier.outcome(&e).json_body();
                }
            }
        }
    });
}

/// A JWKS document: import and filter, then each usable key checks a (wrong) signature, and
/// each member of `keys` is imported as a DPoP proof key and thumbprinted.
pub fn jwks(data: &[u8]) {
    use crate::jwks::key::{import_unnamed, thumbprint};
    use crate::jwks::set::KeySet;

    let ttl = Duration::from_secs(600);
    if let Ok((set, _rejected)) = KeySet::import(data, &Algorithm::ALL, 32, Instant::now(), ttl) {
        let _ = (set.same_keys(&set), set.len(), set.refresh_at());
        if let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(data)
            && let Some(Value::Array(keys)) = doc.get("keys")
        {
            for kid in keys.iter().filter_map(|k| k.get("kid")?.as_str()) {
                if let Some(key) = set.get(kid) {
                    let _ = key.verify(b"fuzz.input", &[0x55; 256]);
                }
            }
        }
    }
    if let Ok(Value::Object(doc)) = serde_json::from_slice::<Value>(data)
        && let Some(Value::Array(keys)) = doc.get("keys")
    {
        for jwk in keys.iter().filter_map(Value::as_object) {
            let _ = import_unnamed(jwk, &Algorithm::ALL);
            let _ = thumbprint(jwk);
        }
    }
}

/// An OpenID provider configuration document, checked against each of [`DISCOVERY_ISSUERS`];
/// and, as any flat JSON object, read by the claims' flat reader and by serde_json, which must
/// agree.
pub fn discovery(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        crate::jose::assert_flat_reader_agrees(text);
    }
    for issuer in DISCOVERY_ISSUERS {
        if let Ok(url) = TenantUrl::parse(issuer) {
            let _ = crate::jwks::discovery::parse(issuer, &url, data);
        }
    }
}

fn dpop_verifier() -> &'static Dpop {
    static DPOP: OnceLock<Dpop> = OnceLock::new();
    DPOP.get_or_init(|| {
        let clock = Arc::new(ManualClock::new(NOW));
        let replay = Arc::new(MemoryReplayStore::with_clock(clock));
        Dpop::new(DpopMode::Allowed, Algorithm::ALL.to_vec(), 300, 30, replay)
    })
}

/// A DPoP proof for [`DPOP_ACCESS_TOKEN`] and `GET` [`DPOP_HTU`] at [`NOW`]; an input
/// `proof\nhtu` names its own `htu`.
pub fn dpop(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (proof, htu) = text.split_once('\n').unwrap_or((text, DPOP_HTU));
    let _ = crate::verify::dpop::normalize_htu(htu);
    let target = ProofTarget {
        method: DPOP_HTM,
        htu,
    };
    let verify = dpop_verifier().verify_proof(proof, DPOP_ACCESS_TOKEN, &target, NOW);
    let _ = runtime().block_on(verify);
}

/// A `Cache-Control` value of a JWKS response, and the key-set lifetime it leads to.
pub fn cache_control(data: &[u8]) {
    let value = String::from_utf8_lossy(data);
    let max_age = crate::jwks::fetch::parse_max_age(&value);
    let _ = JwksOptions::default().clamp_ttl(max_age);
}

/// An Authentication API error answer, as text: the status on the first line, `name: value`
/// header lines, an empty line, then the body.
pub fn error_body(data: &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (&[][..], data),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let status = lines
        .next()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or(400);
    let pairs = lines.filter_map(|l| l.split_once(':'));
    let headers = ResponseHeaders::from_pairs(pairs.map(|(n, v)| (n.trim(), v.trim())));
    let api = ApiError::new(status, headers, body.to_vec());
    let _ = (api.status(), api.error_code(), api.message(), api.body());
    let _ = (api.body_text(), api.json(), api.is_rate_limited());
    let _ = (api.reset_at(), api.retry_after(), api.mfa_token());
    let _ = (format!("{api}"), format!("{api:?}"), api.headers().len());
    let now = UNIX_EPOCH + Duration::from_secs(NOW.unsigned_abs());
    let _ = api.headers().retry_after_at(now);
    let _ = api.headers().ratelimit_reset_wait(now);
    let _ = api.headers().retry_after_at(SystemTime::now());
    for policy in [
        RetryPolicy::new(),
        RetryPolicy::new().max_delay(Duration::MAX),
    ] {
        let _ = policy.delay(&api, 0);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Feeds every file of `fuzz/corpus/<target>/` to `entry`; fails on a missing or empty corpus.
    fn replay(target: &str, entry: fn(&[u8])) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/corpus")
            .join(target);
        assert!(dir.is_dir(), "no corpus directory {}", dir.display());
        let mut count = 0;
        for entry_path in std::fs::read_dir(&dir).unwrap() {
            let path = entry_path.unwrap().path();
            if path.is_file() {
                entry(&std::fs::read(&path).unwrap());
                count += 1;
            }
        }
        assert!(count > 0, "the corpus {} is empty", dir.display());
    }

    /// The fixed verifiers accept what the test kit mints, so that the corpora reach past the
    /// signature checks.
    #[cfg(feature = "testing")]
    #[test]
    fn harnesses_accept_minted_tokens_and_proofs() {
        use super::*;
        use crate::testing::{TestKey, TokenBuilder, jwks};

        let key = TestKey::rsa(0);
        let published: Value = serde_json::from_str(JWS_JWKS).unwrap();
        assert_eq!(published, jwks(&[&key]));
        let token = TokenBuilder::new(&key)
            .iss(JWS_ISSUER)
            .aud(JWS_AUDIENCE)
            .sub("auth0|fuzz")
            .scope(JWS_SCOPE)
            .iat(NOW - 60)
            .exp(NOW + 3600)
            .sign();
        let Jws { runtime, verifier } = jws_harness();
        let claims = runtime.block_on(verifier.verify(&token)).unwrap();
        assert_eq!(claims.sub, "auth0|fuzz");

        let proof_key = TestKey::es256(3);
        let bound = TokenBuilder::new(&key)
            .iss(JWS_ISSUER)
            .aud(JWS_AUDIENCE)
            .sub("auth0|bound")
            .scope(JWS_SCOPE)
            .iat(NOW - 60)
            .exp(NOW + 3600)
            .claim(
                "cnf",
                serde_json::json!({ "jkt": proof_key.jwk_thumbprint() }),
            )
            .sign();
        let bound_proof = proof_key
            .dpop_proof(DPOP_HTM, DPOP_HTU, Some(&bound))
            .iat(NOW)
            .sign();
        let authorization = format!("DPoP {bound}");
        let request = verifier.verify_request(
            jws_request(),
            [authorization.as_bytes()],
            [bound_proof.as_bytes()],
        );
        assert_eq!(runtime.block_on(request).unwrap().sub, "auth0|bound");

        let proof = proof_key
            .dpop_proof(DPOP_HTM, DPOP_HTU, Some(DPOP_ACCESS_TOKEN))
            .iat(NOW)
            .sign();
        let target = ProofTarget {
            method: DPOP_HTM,
            htu: DPOP_HTU,
        };
        let jkt = dpop_verifier().verify_proof(&proof, DPOP_ACCESS_TOKEN, &target, NOW);
        assert_eq!(runtime.block_on(jkt).unwrap(), proof_key.jwk_thumbprint());
    }

    #[test]
    fn replays_bearer_corpus() {
        replay("bearer", super::bearer);
    }

    #[test]
    fn replays_jws_corpus() {
        replay("jws", super::jws);
    }

    #[test]
    fn replays_jwks_corpus() {
        replay("jwks", super::jwks);
    }

    #[test]
    fn replays_discovery_corpus() {
        replay("discovery", super::discovery);
    }

    #[test]
    fn replays_dpop_corpus() {
        replay("dpop", super::dpop);
    }

    #[test]
    fn replays_cache_control_corpus() {
        replay("cache_control", super::cache_control);
    }

    #[test]
    fn replays_error_body_corpus() {
        replay("error_body", super::error_body);
    }
}
