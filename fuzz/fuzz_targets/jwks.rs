//! Fuzz target `jwks`: JWKS documents: import and filter of every key type, DPoP key import
//! and thumbprints.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::jwks(data));
