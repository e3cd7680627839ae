//! Fuzz target `bearer`: `Authorization` header values through `auth0_core::bearer::credentials`
//! and `bearer_token`, the input taken as one value and split at every `\n`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::bearer(data));
