//! Fuzz target `jws`: compact JWS access tokens through the public `AccessTokenVerifier` (split,
//! header, payload, signature, claims), as a token and as raw `Authorization` values.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::jws(data));
