//! Fuzz target `error_body`: Authentication API error answers, `ApiError` from a status, headers
//! and body, its accessors, and the retry delay it leads to.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::error_body(data));
