//! Fuzz target `dpop`: DPoP proofs (RFC 9449), parsed and verified against a fixed request
//! and access token.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::dpop(data));
