//! Fuzz target `cache_control`: `Cache-Control` values of a JWKS response, and the key-set
//! lifetime they lead to.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::cache_control(data));
