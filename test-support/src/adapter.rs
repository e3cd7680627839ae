//! Shared by the integration tests of the adapters (framework-free): a reqwest client, and the
//! assertion of an RFC 6750 outcome (status, challenge scheme and `error`, JSON body).

pub mod cookie;

use std::sync::LazyLock;

use auth0_core::testing::TestTenant;
use auth0_core::testing::conformance::Case;
use auth0_core::{AccessTokenVerifier, RequiredScopes, ScopeRequirement};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};

/// `read:messages` in `scope` or `permissions`: the requirement the adapters' scope tests use.
#[derive(Debug)]
pub struct ReadMessages;

impl ScopeRequirement for ReadMessages {
    fn required() -> &'static RequiredScopes {
        static REQUIRED: LazyLock<RequiredScopes> =
            LazyLock::new(|| RequiredScopes::all(["read:messages"]));
        &REQUIRED
    }
}

/// A verifier for the tenant's domain and audience, default settings.
pub fn verifier(tenant: &TestTenant) -> AccessTokenVerifier {
    AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap()
}

/// A [`verifier`] of `tenant` that has verified, and so cached, a token of `auth0|alloc` with
/// `read:messages`; with that token's `Authorization` value.
pub async fn cached_token(tenant: &TestTenant) -> (AccessTokenVerifier, String) {
    let verifier = verifier(tenant);
    let token = tenant
        .token()
        .sub("auth0|alloc")
        .scope("read:messages")
        .sign();
    verifier.verify(&token).await.unwrap(); // keys fetched, token cached
    (verifier, bearer(&token))
}

/// GET `url` with each of `authorization` as an `Authorization` header.
pub async fn get(url: &str, authorization: &[&str]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    for value in authorization {
        request = request.header("authorization", *value);
    }
    request.send().await.unwrap()
}

/// Sends one conformance case to `url` and asserts its expected answer; returns the answer for
/// route-specific checks (the body of an accepted case).
pub async fn check_case(url: &str, case: &Case) -> Answer {
    let a = answer(get(url, &case.header_values()).await).await;
    println!("{url} {}: {a:?}", case.name);
    case.assert(
        a.status,
        a.challenge.as_deref(),
        a.content_type.as_deref(),
        &a.body,
    );
    a
}

/// The answer, read completely.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The `WWW-Authenticate` header, if any.
    pub challenge: Option<String>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body, as text.
    pub body: String,
}

/// Reads `response` completely into an [`Answer`].
pub async fn answer(response: reqwest::Response) -> Answer {
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let status = response.status().as_u16();
    let challenge = header(WWW_AUTHENTICATE);
    let retry_after = header(RETRY_AFTER);
    let content_type = header(CONTENT_TYPE);
    let body = response.text().await.unwrap();
    Answer {
        status,
        challenge,
        retry_after,
        content_type,
        body,
    }
}

impl Answer {
    /// Asserts a refusal: status, `Bearer` challenge with `realm`, its `error` (none for a
    /// bare challenge), and the JSON body carrying the same code.
    pub fn assert_refused(&self, status: u16, error: Option<&str>, realm: &str) {
        assert_eq!(self.status, status, "{self:?}");
        let challenge = self
            .challenge
            .as_deref()
            .expect("a WWW-Authenticate challenge");
        assert!(challenge.starts_with("Bearer "), "{challenge}");
        assert!(
            challenge.contains(&format!(r#"realm="{realm}""#)),
            "{challenge}"
        );
        match error {
            Some(code) => {
                assert!(
                    challenge.contains(&format!(r#"error="{code}""#)),
                    "{challenge}"
                );
                assert_eq!(
                    self.content_type.as_deref(),
                    Some("application/json"),
                    "{self:?}"
                );
                let body: serde_json::Value = serde_json::from_str(&self.body).unwrap();
                assert_eq!(body["error"], code, "{self:?}");
                assert!(body["error_description"].is_string(), "{self:?}");
            }
            None => {
                assert!(!challenge.contains("error="), "{challenge}");
                assert!(self.body.is_empty(), "{self:?}");
            }
        }
    }

    /// Asserts a 503 with `Retry-After` and no challenge.
    pub fn assert_unavailable(&self) {
        assert_eq!(self.status, 503, "{self:?}");
        assert!(self.challenge.is_none(), "{self:?}");
        let seconds: u64 = self
            .retry_after
            .as_deref()
            .expect("Retry-After")
            .parse()
            .unwrap();
        assert!(seconds >= 1, "{self:?}");
    }

    /// The JSON body.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// `Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A verifier for the tenant with DPoP in `mode`, proofs checked against `base_url` when given
/// (otherwise against the request's `Host`).
pub fn dpop_verifier(
    tenant: &TestTenant,
    mode: auth0_core::DpopMode,
    base_url: Option<&str>,
) -> AccessTokenVerifier {
    let mut builder = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .dpop(mode);
    if let Some(base_url) = base_url {
        builder = builder.dpop_base_url(base_url);
    }
    builder.build().unwrap()
}

/// `method url` with each `(name, value)` header.
pub async fn send(method: &str, url: &str, headers: &[(&str, &str)]) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    answer(request.send().await.unwrap()).await
}

impl Answer {
    /// The `Bearer` and the `DPoP` challenge of `WWW-Authenticate` (core writes
    /// `Bearer …, DPoP …`; quoted values never contain `", DPoP "`).
    pub fn challenges(&self) -> (Option<&str>, Option<&str>) {
        let value = self
            .challenge
            .as_deref()
            .expect("a WWW-Authenticate challenge");
        if let Some(dpop) = value.strip_prefix("DPoP") {
            assert!(!value.contains("Bearer"), "{value}");
            return (None, Some(dpop));
        }
        let bearer = value.strip_prefix("Bearer").expect("Bearer or DPoP");
        match bearer.split_once(", DPoP") {
            Some((bearer, dpop)) => (Some(bearer), Some(dpop)),
            None => (Some(bearer), None),
        }
    }

    /// Asserts a refusal whose `error` is on the challenge of `scheme` (`"Bearer"` or
    /// `"DPoP"`) and in the JSON body, and absent from the other challenge.
    pub fn assert_error_on(&self, status: u16, scheme: &str, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        let (bearer, dpop) = self.challenges();
        let (on, other) = match scheme {
            "Bearer" => (bearer, dpop),
            _ => (dpop, bearer),
        };
        let on = on.unwrap_or_else(|| panic!("no {scheme} challenge: {self:?}"));
        assert!(on.contains(&format!(r#"error="{code}""#)), "{self:?}");
        assert!(!other.unwrap_or_default().contains("error="), "{self:?}");
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        assert_eq!(self.json()["error"], code, "{self:?}");
    }
}

/// A client key, a token bound to it and proofs for a protected URL.
pub struct DpopClient {
    /// The client's key, which signs its proofs.
    pub key: auth0_core::testing::TestKey,
    /// The access token bound to `key` (`cnf.jkt`).
    pub token: String,
}

impl DpopClient {
    /// A client whose token (sub `auth0|dpop`, plus `scope`) is bound to its key by `cnf.jkt`.
    pub fn new(tenant: &TestTenant, scope: &str) -> Self {
        let key = auth0_core::testing::TestKey::es256(42);
        let token = tenant
            .token()
            .sub("auth0|dpop")
            .scope(scope)
            .claim("cnf", serde_json::json!({ "jkt": key.jwk_thumbprint() }))
            .sign();
        Self { key, token }
    }

    /// A fresh proof (new `jti`) for `htm htu` and the client's token.
    pub fn proof(&self, htm: &str, htu: &str) -> String {
        self.key.dpop_proof(htm, htu, Some(&self.token)).sign()
    }

    /// `GET url` with `Authorization: DPoP <token>` and a proof naming `htu`.
    pub async fn get(&self, url: &str, htu: &str) -> Answer {
        let auth = format!("DPoP {}", self.token);
        let proof = self.proof("GET", htu);
        send("GET", url, &[("authorization", &auth), ("dpop", &proof)]).await
    }
}

/// The DPoP checks every adapter must pass with a verifier in `DpopMode::Allowed`: `url` is the
/// protected route (answering `{"sub": …}`), `htu` the URL its proofs must name.
pub async fn dpop_allowed_scenario(tenant: &TestTenant, url: &str, htu: &str) {
    let realm = tenant.audience();
    let client = DpopClient::new(tenant, "openid");
    let auth = format!("DPoP {}", client.token);

    // A valid DPoP request.
    let a = client.get(url, htu).await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, "auth0|dpop".into()),
        "{a:?}"
    );
    // A plain bearer token still works in the allowed mode.
    let plain = tenant.token().sub("auth0|plain").sign();
    let a = send("GET", url, &[("authorization", &bearer(&plain))]).await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, "auth0|plain".into()),
        "{a:?}"
    );

    // DPoP scheme without a proof: 400 invalid_request on the DPoP challenge.
    let a = send("GET", url, &[("authorization", &auth)]).await;
    a.assert_error_on(400, "DPoP", "invalid_request");

    // Invalid proofs: wrong method, another URL, a replayed one.
    for (name, proof) in [
        ("wrong htm", client.proof("POST", htu)),
        (
            "wrong htu",
            client.proof("GET", "https://other.example.com/api"),
        ),
    ] {
        let a = send("GET", url, &[("authorization", &auth), ("dpop", &proof)]).await;
        println!("{name}: {a:?}");
        a.assert_error_on(400, "DPoP", "invalid_dpop_proof");
    }
    let proof = client.proof("GET", htu);
    let headers = [("authorization", auth.as_str()), ("dpop", proof.as_str())];
    assert_eq!(send("GET", url, &headers).await.status, 200);
    send("GET", url, &headers)
        .await
        .assert_error_on(400, "DPoP", "invalid_dpop_proof");

    // A bound token sent as a bearer token: 401 invalid_token on the Bearer challenge.
    let a = send("GET", url, &[("authorization", &bearer(&client.token))]).await;
    a.assert_error_on(401, "Bearer", "invalid_token");

    // No credentials: both challenges, no error.
    let a = send("GET", url, &[]).await;
    assert_eq!(a.status, 401, "{a:?}");
    let (bearer_challenge, dpop_challenge) = a.challenges();
    assert_eq!(
        bearer_challenge,
        Some(&*format!(r#" realm="{realm}""#)),
        "{a:?}"
    );
    let dpop_challenge = dpop_challenge.unwrap();
    assert!(dpop_challenge.contains(r#"algs="ES256 PS256""#), "{a:?}");
    assert!(!dpop_challenge.contains("error="), "{a:?}");
    assert!(a.body.is_empty(), "{a:?}");
}

/// `DpopMode::Required`: a bearer token is answered like no credentials, with the DPoP
/// challenge only; a DPoP request passes.
pub async fn dpop_required_scenario(tenant: &TestTenant, url: &str, htu: &str) {
    let a = send(
        "GET",
        url,
        &[("authorization", &bearer(&tenant.token().sign()))],
    )
    .await;
    assert_eq!(a.status, 401, "{a:?}");
    let (bearer_challenge, dpop_challenge) = a.challenges();
    assert!(bearer_challenge.is_none(), "{a:?}");
    let dpop_challenge = dpop_challenge.unwrap();
    assert!(dpop_challenge.contains(r#"algs="ES256 PS256""#), "{a:?}");
    assert!(!dpop_challenge.contains("error="), "{a:?}");

    let client = DpopClient::new(tenant, "openid");
    let a = client.get(url, htu).await;
    assert_eq!(
        (a.status, a.json()["sub"].clone()),
        (200, "auth0|dpop".into()),
        "{a:?}"
    );
}
