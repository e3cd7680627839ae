//! What a refusal's answer costs to build: the status, the `WWW-Authenticate` challenge and the
//! JSON body, for the refusals a flood sends most (a bad signature, a malformed header, no
//! credentials), with and without DPoP and RFC 9728 metadata in the challenge.
//!
//! `cargo bench -p auth0-core --bench refusal_answers`
#![allow(clippy::unwrap_used, missing_docs)]

use auth0_core::{AccessTokenVerifier, DpopMode, ErrorKind, VerifyError};
use criterion::{Criterion, criterion_group, criterion_main};

fn verifier(dpop: DpopMode, metadata: bool) -> AccessTokenVerifier {
    let mut builder = AccessTokenVerifier::builder("my-tenant.us.auth0.com")
        .audience("https://api.example.com")
        .dpop(dpop);
    if metadata {
        builder = builder
            .resource_metadata_url("https://api.example.com/.well-known/oauth-protected-resource");
    }
    builder.build().unwrap()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("refusal_answers");
    let verifiers = [
        ("Bearer", verifier(DpopMode::Disabled, false)),
        (
            "Bearer + resource_metadata",
            verifier(DpopMode::Disabled, true),
        ),
        ("Bearer and DPoP", verifier(DpopMode::Allowed, false)),
    ];
    let errors = [
        ("bad signature", ErrorKind::Signature),
        ("malformed", ErrorKind::MalformedRequest),
        ("no credentials", ErrorKind::MissingCredentials),
    ];
    for (setup, verifier) in &verifiers {
        for (refusal, kind) in &errors {
            let error = VerifyError::new(kind.clone());
            group.bench_function(format!("{setup}: {refusal}"), |b| {
                b.iter(|| {
                    let outcome = verifier.outcome(std::hint::black_box(&error));
                    let body = outcome.json_body();
                    (
                        outcome.www_authenticate.map(|c| c.len()),
                        body.map(|b| b.len()),
                    )
                })
            });
        }
    }
    group.finish();
}

criterion_group!(refusal_answers, benches);
criterion_main!(refusal_answers);
