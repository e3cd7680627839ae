//! Token minting: a fluent builder for compact JWS tokens, well-formed or deliberately broken.

use std::time::Duration;

use aws_lc_rs::{digest, hmac, rand};
use serde_json::{Map, Value};

use super::basics::{b64, fail, now};
use super::keys::TestKey;

/// Builds a signed JWT (compact JWS) with any header, any claims and any key.
///
/// Start from [`TestTenant::token`](super::TestTenant::token) (prefilled for the tenant) or
/// [`TokenBuilder::new`] (header `{alg, typ: "JWT", kid}` from the key, claims `iat` = now,
/// `exp` = now + 1 h). Every setter takes and returns the builder by value; the finishing
/// methods borrow it, so one builder can produce several variants of the same token.
///
/// Header `alg` and `kid` follow the signing key ([`TokenBuilder::key`]) unless they were set
/// explicitly with [`alg`](TokenBuilder::alg), [`kid`](TokenBuilder::kid),
/// [`no_kid`](TokenBuilder::no_kid), [`header`](TokenBuilder::header) or
/// [`remove_header`](TokenBuilder::remove_header), before or after choosing the key.
#[derive(Clone, Debug)]
pub struct TokenBuilder {
    key: TestKey,
    header: Map<String, Value>,
    claims: Map<String, Value>,
    auto_alg: bool,
    auto_kid: bool,
}

fn to_value(what: &str, value: impl serde::Serialize) -> Value {
    match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => fail(format_args!("{what} is not representable as JSON: {e}")),
    }
}

fn strings<I, S>(it: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::Array(it.into_iter().map(|s| Value::String(s.into())).collect())
}

impl TokenBuilder {
    /// A token signed by `key`: header `{alg, typ: "JWT", kid}`, claims `iat` = now and
    /// `exp` = now + 3600. No `iss`, `sub` or `aud` yet.
    pub fn new(key: &TestKey) -> TokenBuilder {
        let mut header = Map::new();
        header.insert("typ".into(), "JWT".into());
        let now = now();
        let mut claims = Map::new();
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), (now + 3600).into());
        TokenBuilder {
            key: key.clone(),
            header,
            claims,
            auto_alg: true,
            auto_kid: true,
        }
    }

    /// Sets the `iss` claim.
    pub fn iss(self, v: impl Into<String>) -> Self {
        self.claim("iss", v.into())
    }

    /// Sets the `sub` claim.
    #[allow(clippy::should_implement_trait)] // the claim's name, as users expect it
    pub fn sub(self, v: impl Into<String>) -> Self {
        self.claim("sub", v.into())
    }

    /// Sets `aud` to a single string.
    pub fn aud(self, v: impl Into<String>) -> Self {
        self.claim("aud", v.into())
    }

    /// Sets `aud` to an array of strings (Auth0 sends `[api, "https://tenant/userinfo"]` when
    /// `openid` is requested).
    pub fn audiences<I, S>(self, it: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.claim("aud", strings(it))
    }

    /// Sets the `scope` claim (space separated, e.g. `"read:messages write:messages"`).
    pub fn scope(self, space_separated: impl Into<String>) -> Self {
        self.claim("scope", space_separated.into())
    }

    /// Sets the `permissions` claim (an array of strings, as Auth0's RBAC adds it).
    pub fn permissions<I, S>(self, it: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.claim("permissions", strings(it))
    }

    /// Sets any claim to any JSON value (a string, a number, an object, `null`, a wrong type…).
    ///
    /// # Panics
    /// If `value` cannot be serialised to JSON.
    pub fn claim(mut self, name: &str, value: impl serde::Serialize) -> Self {
        self.claims.insert(name.to_owned(), to_value(name, value));
        self
    }

    /// Removes a claim (`exp`, `iat`, `sub`…), if present.
    pub fn remove_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// `exp` = now + `d` (and `iat` = now).
    pub fn expires_in(self, d: Duration) -> Self {
        let now = now();
        let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        self.iat(now).exp(now.saturating_add(secs))
    }

    /// An expired token: `exp` = now − 3600, `iat` = now − 7200.
    pub fn expired(self) -> Self {
        let now = now();
        self.iat(now - 7200).exp(now - 3600)
    }

    /// Sets `exp` (Unix seconds).
    pub fn exp(self, unix: i64) -> Self {
        self.claim("exp", unix)
    }

    /// Sets `iat` (Unix seconds).
    pub fn iat(self, unix: i64) -> Self {
        self.claim("iat", unix)
    }

    /// Sets `nbf` (Unix seconds).
    pub fn nbf(self, unix: i64) -> Self {
        self.claim("nbf", unix)
    }

    /// Sets any header member to any JSON value (`crit`, `jku`, `jwk`, `b64`, `enc`, a numeric
    /// `kid`…). Setting `alg` or `kid` here stops them from following the key.
    ///
    /// # Panics
    /// If `value` cannot be serialised to JSON.
    pub fn header(mut self, name: &str, value: impl serde::Serialize) -> Self {
        self.pin(name);
        self.header.insert(name.to_owned(), to_value(name, value));
        self
    }

    /// Removes a header member (`typ`, `alg`, `kid`…).
    pub fn remove_header(mut self, name: &str) -> Self {
        self.pin(name);
        self.header.remove(name);
        self
    }

    fn pin(&mut self, name: &str) {
        match name {
            "alg" => self.auto_alg = false,
            "kid" => self.auto_kid = false,
            _ => {}
        }
    }

    /// Sets the header `kid` (e.g. one the tenant does not publish).
    pub fn kid(self, kid: impl Into<String>) -> Self {
        self.header("kid", kid.into())
    }

    /// Removes the header `kid`.
    pub fn no_kid(self) -> Self {
        self.remove_header("kid")
    }

    /// Sets the header `alg` only (`"none"`, `"HS256"`, `"rs256"`…): the key still signs with its
    /// own algorithm, which is how algorithm-confusion tokens are made.
    pub fn alg(self, alg: &str) -> Self {
        self.header("alg", alg)
    }

    /// Sets the header `typ` (`"at+jwt"`, `"application/at+jwt"`, `"JWT"`…).
    pub fn typ(self, typ: &str) -> Self {
        self.header("typ", typ)
    }

    /// Signs with this key (a foreign key, another algorithm, the weak RSA key…). Header `alg`
    /// and `kid` follow it unless set explicitly.
    pub fn key(mut self, key: &TestKey) -> Self {
        self.key = key.clone();
        self
    }

    /// The key that [`sign`](TokenBuilder::sign) uses.
    pub fn signing_key(&self) -> &TestKey {
        &self.key
    }

    fn header_map(&self) -> Map<String, Value> {
        let mut header = self.header.clone();
        if self.auto_alg {
            header.insert("alg".into(), self.key.algorithm().as_str().into());
        }
        if self.auto_kid {
            header.insert("kid".into(), self.key.kid().into());
        }
        header
    }

    /// The header JSON that [`sign`](TokenBuilder::sign) would encode.
    pub fn header_json(&self) -> String {
        Value::Object(self.header_map()).to_string()
    }

    /// The claims JSON that [`sign`](TokenBuilder::sign) would encode.
    pub fn payload_json(&self) -> String {
        Value::Object(self.claims.clone()).to_string()
    }

    /// The compact JWS `header.payload.signature`, signed by the key with its own algorithm.
    pub fn sign(&self) -> String {
        sign_raw(&self.header_json(), &self.payload_json(), &self.key)
    }

    /// The same token with its signature corrupted (one byte flipped): well-formed, wrong
    /// signature.
    pub fn sign_with_bad_signature(&self) -> String {
        let signing_input = signing_input(&self.header_json(), &self.payload_json());
        let mut sig = self.key.sign(signing_input.as_bytes());
        let middle = sig.len() / 2;
        if let Some(byte) = sig.get_mut(middle) {
            *byte ^= 0x5a;
        }
        format!("{signing_input}.{}", b64(&sig))
    }

    /// An unsecured JWS: header `alg` `"none"` (other header members kept), empty signature
    /// (`header.payload.`).
    pub fn unsigned(&self) -> String {
        let mut header = self.header_map();
        header.insert("alg".into(), "none".into());
        let header = Value::Object(header).to_string();
        format!("{}.", signing_input(&header, &self.payload_json()))
    }

    /// An HMAC-signed token (`alg` `HS256`, `HS384` or `HS512`) over the same header and claims:
    /// for shared-secret ID tokens, and for the RS→HS key-confusion attack (the secret being the
    /// RSA public key PEM). The header `alg` becomes `alg` unless set explicitly; the `kid` is
    /// kept.
    ///
    /// # Panics
    /// If `alg` is not one of the three HMAC algorithms.
    pub fn sign_hmac(&self, alg: &str, secret: &[u8]) -> String {
        let hmac_alg = match alg {
            "HS256" => hmac::HMAC_SHA256,
            "HS384" => hmac::HMAC_SHA384,
            "HS512" => hmac::HMAC_SHA512,
            other => fail(format_args!(
                "sign_hmac: {other:?} is not HS256, HS384 or HS512"
            )),
        };
        let mut header = self.header_map();
        if self.auto_alg {
            header.insert("alg".into(), alg.into());
        }
        let input = signing_input(&Value::Object(header).to_string(), &self.payload_json());
        let tag = hmac::sign(&hmac::Key::new(hmac_alg, secret), input.as_bytes());
        format!("{input}.{}", b64(tag.as_ref()))
    }

    /// The claims as a JSON object, e.g. to compare with what a verifier returns.
    pub fn claims(&self) -> Value {
        Value::Object(self.claims.clone())
    }
}

fn signing_input(header_json: &str, payload_json: &str) -> String {
    format!(
        "{}.{}",
        b64(header_json.as_bytes()),
        b64(payload_json.as_bytes())
    )
}

/// Signs arbitrary header and payload text as given (duplicate members, a BOM, trailing
/// garbage, non-JSON…): `b64url(header).b64url(payload).b64url(signature)` with the key's own
/// algorithm.
pub fn sign_raw(header_json: &str, payload_json: &str, key: &TestKey) -> String {
    let input = signing_input(header_json, payload_json);
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

impl TestKey {
    /// A DPoP proof (RFC 9449) signed by this key: header `{typ: "dpop+jwt", alg, jwk}` (the
    /// public JWK, no `kid`), claims `jti` (random), `htm`, `htu`, `iat` = now, and `ath` (the
    /// access token's SHA-256, base64url) when `access_token` is given. Adjust it with the usual
    /// setters and finish with [`TokenBuilder::sign`].
    pub fn dpop_proof(&self, htm: &str, htu: &str, access_token: Option<&str>) -> TokenBuilder {
        let mut jwk = self.public_jwk();
        if let Some(map) = jwk.as_object_mut() {
            for member in ["kid", "alg", "use"] {
                map.remove(member);
            }
        }
        let mut jti = [0u8; 16];
        if rand::fill(&mut jti).is_err() {
            fail("no randomness for a DPoP jti");
        }
        let mut proof = TokenBuilder::new(self)
            .no_kid()
            .typ("dpop+jwt")
            .header("jwk", jwk)
            .remove_claim("exp")
            .claim("jti", b64(&jti))
            .claim("htm", htm)
            .claim("htu", htu);
        if let Some(token) = access_token {
            proof = proof.claim("ath", access_token_hash(token));
        }
        proof
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: the value of a
    /// DPoP-bound token's `cnf.jkt`.
    pub fn jwk_thumbprint(&self) -> String {
        jwk_thumbprint(&self.public_jwk())
    }
}

/// The RFC 7638 SHA-256 thumbprint of a public JWK (RSA, EC or OKP), base64url.
pub(crate) fn jwk_thumbprint(jwk: &Value) -> String {
    jwk.as_object()
        .and_then(crate::jwks::key::thumbprint)
        .unwrap_or_else(|| fail("a test key's JWK has no thumbprint"))
}

/// `ath`: base64url(SHA-256(access token)), RFC 9449 §4.2.
pub fn access_token_hash(access_token: &str) -> String {
    b64(digest::digest(&digest::SHA256, access_token.as_bytes()).as_ref())
}
