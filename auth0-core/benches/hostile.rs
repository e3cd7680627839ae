//! The cost of refusing crafted tokens at the 16 KiB cap (`auth0_core::testing::hostile`)
//! against the cost of refusing a normal-size RS256 token with a bad signature, with the
//! default verifier (caches on) over a loopback tenant. Every iteration sends a token the
//! verifier has not seen (the signature varies), so that the refusal cache cannot answer: this
//! measures the first refusal, the one an attacker pays nothing for.
//!
//! `cargo bench -p auth0-core --features testing --bench hostile`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use auth0_core::AccessTokenVerifier;
use auth0_core::testing::TestTenant;
use auth0_core::testing::hostile::hostile_tokens;
use criterion::{Criterion, criterion_group, criterion_main};

/// Variants per row: more than the refusal cache holds, so no variant is served from it.
const VARIANTS: usize = 4096;

/// `token` with its signature's characters rotated so that each variant is distinct, keeps
/// its length and stays a well-formed (wrong) signature.
fn variants(token: &str) -> Vec<String> {
    let Some(dot) = token.rfind('.') else {
        return vec![token.to_owned(); VARIANTS];
    };
    let (head, sig) = token.split_at(dot + 1);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..VARIANTS)
        .map(|i| {
            let mut s = sig.as_bytes().to_vec();
            if s.len() > 8 {
                // Change characters away from the end (the last one carries padding bits).
                s[1] = ALPHABET[i % 64];
                s[2] = ALPHABET[(i / 64) % 64];
                s[3] = ALPHABET[(i / 4096) % 64];
            }
            format!("{head}{}", String::from_utf8(s).unwrap())
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tenant = rt.block_on(TestTenant::start());
    let verifier = AccessTokenVerifier::builder(&tenant.domain())
        .audience(tenant.audience())
        .build()
        .unwrap();
    rt.block_on(verifier.warm_up()).unwrap();

    let mut rows = vec![(
        "bad-signature (normal size)".to_owned(),
        tenant
            .token()
            .scope("read:messages")
            .claim("azp", "client-id")
            .sign_with_bad_signature(),
    )];
    for t in hostile_tokens(&tenant.issuer(), &tenant.audience(), &tenant.signing_key()) {
        rows.push((t.name.to_owned(), t.token));
    }
    let mut group = c.benchmark_group("refusal");
    for (name, token) in rows {
        let pool = variants(&token);
        // Every variant is refused, with 401 invalid_token.
        for t in pool.iter().take(3) {
            let err = rt.block_on(verifier.verify(t)).unwrap_err();
            assert_eq!(verifier.outcome(&err).status, 401, "{name}");
        }
        let mut i = 0usize;
        group.bench_function(name.as_str(), |b| {
            b.iter(|| {
                i = (i + 1) % VARIANTS;
                rt.block_on(verifier.verify(std::hint::black_box(&pool[i])))
                    .unwrap_err()
            })
        });
    }
    group.finish();
}

criterion_group!(hostile, benches);
criterion_main!(hostile);
