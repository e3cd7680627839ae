//! Writes the starting corpora of the fuzz targets into `fuzz/corpus/<target>/seed-<name>`:
//! tokens, DPoP proofs and JWKS documents made with auth0-core's test kit (valid at
//! `auth0_core::fuzzing::NOW` for the targets' fixed verifiers), and hand-written discovery
//! documents, `Cache-Control` values and Authentication API error answers.
//!
//! `cargo +nightly run --manifest-path fuzz/Cargo.toml --features seed --example seed`

use std::path::{Path, PathBuf};

use auth0_core::Algorithm;
use auth0_core::fuzzing::{
    DPOP_ACCESS_TOKEN, DPOP_HTM, DPOP_HTU, JWS_AUDIENCE, JWS_ISSUER, JWS_JWKS, JWS_SCOPE, NOW,
};
use auth0_core::testing::{TestKey, TokenBuilder, jwks};
use serde_json::{Value, json};

mod documents;

/// One corpus directory being written.
struct Corpus {
    dir: PathBuf,
    count: usize,
    failed: Option<std::io::Error>,
}

impl Corpus {
    fn new(root: &Path, target: &str) -> std::io::Result<Corpus> {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        Ok(Corpus {
            dir,
            count: 0,
            failed: None,
        })
    }

    /// Writes one seed; the first write error is kept for `finish`.
    fn add(&mut self, name: &str, data: impl AsRef<[u8]>) {
        if self.failed.is_some() {
            return;
        }
        match std::fs::write(self.dir.join(format!("seed-{name}")), data) {
            Ok(()) => self.count += 1,
            Err(e) => self.failed = Some(e),
        }
    }

    fn finish(self) -> std::io::Result<usize> {
        self.failed.map_or(Ok(self.count), Err)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let key = TestKey::rsa(0);
    let published: Value = serde_json::from_str(JWS_JWKS)?;
    assert_eq!(published, jwks(&[&key]), "JWS_JWKS is not TestKey::rsa(0)");

    let mut written = Vec::new();
    for (target, fill) in [
        ("bearer", bearer as fn(&mut Corpus, &TestKey)),
        ("jws", jws),
        ("jwks", documents::jwks),
        ("discovery", documents::discovery),
        ("dpop", dpop),
        ("cache_control", documents::cache_control),
        ("error_body", documents::error_body),
    ] {
        let mut corpus = Corpus::new(&root, target)?;
        fill(&mut corpus, &key);
        written.push(format!("{target}: {}", corpus.finish()?));
    }
    println!(
        "seeds written under {}: {}",
        root.display(),
        written.join(", ")
    );
    Ok(())
}

/// A token the `jws` target's verifier accepts.
fn good_token(key: &TestKey) -> TokenBuilder {
    TokenBuilder::new(key)
        .iss(JWS_ISSUER)
        .sub("auth0|fuzz")
        .aud(JWS_AUDIENCE)
        .scope(format!("openid {JWS_SCOPE}"))
        .claim("azp", "fuzz-client")
        .iat(NOW - 60)
        .exp(NOW + 3600)
}

fn bearer(c: &mut Corpus, key: &TestKey) {
    let token = good_token(key).sign();
    c.add("token", format!("Bearer {token}"));
    c.add("dpop", format!("DPoP {token}"));
    c.add("lower", "bearer abc.def.ghi");
    c.add("spaces", "Bearer    abc");
    c.add("tab", "Bearer\tabc");
    c.add("padding", "Bearer YWJj==");
    c.add("inner-equals", "Bearer a=b");
    c.add("alphabet", "Bearer AZaz09-._~+/=");
    c.add("trailing-part", "Bearer abc def");
    c.add("no-token", "Bearer");
    c.add("basic", "Basic dXNlcjpwYXNz");
    c.add("two-headers", "Bearer abc\nBearer def");
    c.add("empty", "");
    c.add("non-utf8", b"Bearer \xff\xfe");
    c.add("long", format!("Bearer {}", "a".repeat(16 * 1024 + 1)));
}

fn jws(c: &mut Corpus, key: &TestKey) {
    let good = good_token(key);
    let token = good.sign();
    c.add("valid", &token);
    c.add("valid-lines", format!("Bearer {token}\nBearer {token}"));
    c.add("permissions", good.clone().permissions([JWS_SCOPE]).sign());
    c.add(
        "audiences",
        good.clone().audiences(["other", JWS_AUDIENCE]).sign(),
    );
    c.add(
        "at-jwt",
        good.clone().typ("at+jwt").claim("client_id", "c").sign(),
    );
    let org = good
        .clone()
        .claim("org_id", "org_1")
        .claim("org_name", "acme");
    c.add("organization", org.sign());
    c.add(
        "nested-claims",
        good.clone()
            .claim("https://x/roles", json!([{"a": [1, 2.5, null]}]))
            .sign(),
    );
    c.add("expired", good.clone().exp(NOW - 3600).sign());
    c.add("not-yet-valid", good.clone().nbf(NOW + 3600).sign());
    c.add("issued-in-future", good.clone().iat(NOW + 3600).sign());
    c.add("float-exp", good.clone().claim("exp", 1.8e9).sign());
    c.add("string-exp", good.clone().claim("exp", "1800000000").sign());
    c.add("no-scope", good.clone().remove_claim("scope").sign());
    c.add(
        "wrong-audience",
        good.clone().aud("https://other.example.com").sign(),
    );
    c.add(
        "wrong-issuer",
        good.clone().iss("https://evil.example.com/").sign(),
    );
    c.add("no-kid", good.clone().no_kid().sign());
    c.add("unknown-kid", good.clone().kid("rsa-9").sign());
    c.add(
        "ps256",
        good.clone()
            .key(&key.clone().with_alg(Algorithm::PS256))
            .sign(),
    );
    c.add("es256", good.clone().key(&TestKey::es256(1)).sign());
    c.add(
        "hs256",
        good.sign_hmac("HS256", key.public_key_pem().as_bytes()),
    );
    c.add("none", good.unsigned());
    c.add("bad-signature", good.sign_with_bad_signature());
    c.add("typ-bad", good.clone().typ("id_token+jwt").sign());
    c.add("crit", good.clone().header("crit", ["exp"]).sign());
    c.add(
        "jku",
        good.clone().header("jku", "https://evil/jwks").sign(),
    );
    let header = good.header_json();
    let payload = good.payload_json();
    let dup = payload.replacen('{', r#"{"sub":"auth0|other","#, 1);
    c.add(
        "duplicate-claim",
        auth0_core::testing::sign_raw(&header, &dup, key),
    );
    c.add(
        "array-payload",
        auth0_core::testing::sign_raw(&header, "[1]", key),
    );
    c.add("two-dots", "a.b.c");
    c.add("four-parts", "a.b.c.d");
    c.add("empty-parts", "..");
    // A DPoP-bound token, sent with the DPoP scheme and its proof on the next line.
    let proof_key = TestKey::es256(2);
    let bound = good
        .clone()
        .claim("cnf", json!({"jkt": proof_key.jwk_thumbprint()}))
        .sign();
    let proof = proof_key
        .dpop_proof(DPOP_HTM, DPOP_HTU, Some(&bound))
        .iat(NOW)
        .claim("jti", "seed-jti")
        .sign();
    c.add("dpop-bound", format!("DPoP {bound}\n{proof}"));
    c.add("dpop-bound-as-bearer", &bound);
}

fn dpop(c: &mut Corpus, _key: &TestKey) {
    let keys = [
        TestKey::es256(3),
        TestKey::es384(3),
        TestKey::ed25519(3),
        TestKey::rsa(1).with_alg(Algorithm::PS256),
        TestKey::rsa(2),
    ];
    for key in &keys {
        let proof = key
            .dpop_proof(DPOP_HTM, DPOP_HTU, Some(DPOP_ACCESS_TOKEN))
            .iat(NOW)
            .claim("jti", format!("jti-{}", key.kid()));
        c.add(&format!("valid-{}", key.kid()), proof.sign());
    }
    let base = keys[0]
        .dpop_proof(DPOP_HTM, DPOP_HTU, Some(DPOP_ACCESS_TOKEN))
        .iat(NOW)
        .claim("jti", "jti-base");
    let htu_variant = "https://API.example.com:443/resource?q=1#f";
    c.add(
        "htu-normalised",
        format!(
            "{}\n{htu_variant}",
            base.clone().claim("htu", htu_variant).sign()
        ),
    );
    c.add("wrong-htm", base.clone().claim("htm", "POST").sign());
    c.add(
        "wrong-htu",
        base.clone()
            .claim("htu", "https://api.example.com/other")
            .sign(),
    );
    c.add("old", base.clone().iat(NOW - 3600).sign());
    c.add("future", base.clone().iat(NOW + 3600).sign());
    c.add("no-ath", base.clone().remove_claim("ath").sign());
    c.add(
        "long-jti",
        base.clone().claim("jti", "j".repeat(300)).sign(),
    );
    c.add("typ-jwt", base.clone().typ("JWT").sign());
    c.add(
        "application-typ",
        base.clone().typ("application/dpop+jwt").sign(),
    );
    c.add("crit", base.clone().header("crit", ["htm"]).sign());
    c.add("kid", base.clone().kid("k").sign());
    let mut private = keys[0].public_jwk();
    private["d"] = json!("AAAA");
    c.add("private-jwk", base.clone().header("jwk", private).sign());
    c.add("no-jwk", base.clone().remove_header("jwk").sign());
    c.add("hs256", base.sign_hmac("HS256", b"secret"));
    c.add("none", base.unsigned());
    c.add("bad-signature", base.sign_with_bad_signature());
    c.add(
        "http-htu",
        format!(
            "{}\nhttp://localhost:80",
            base.clone().claim("htu", "http://localhost").sign()
        ),
    );
}
