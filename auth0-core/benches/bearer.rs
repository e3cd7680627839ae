//! The `Authorization` header's parse: scheme, separator, size cap and the `b64token` alphabet
//! scan, for a token of ordinary size and one at the 16 KiB cap (the scan is the part that
//! grows with the token).
//!
//! `cargo bench -p auth0-core --bench bearer`
#![allow(clippy::unwrap_used, missing_docs)]

use auth0_core::bearer::{MAX_TOKEN_LEN, bearer_token};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `Bearer ` and a token of `len` characters shaped like a JWS (three segments).
fn header(len: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut token: Vec<u8> = (0..len).map(|i| ALPHABET[(i * 7) % 64]).collect();
    token[len / 8] = b'.';
    token[len - len / 4] = b'.';
    let mut value = b"Bearer ".to_vec();
    value.extend(token);
    value
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("bearer_token");
    for (name, len) in [("750 B", 750), ("16 KiB", MAX_TOKEN_LEN)] {
        let value = header(len);
        assert_eq!(bearer_token([&value[..]]).unwrap().len(), len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                bearer_token([std::hint::black_box(&value[..])])
                    .unwrap()
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(bearer, benches);
criterion_main!(bearer);
