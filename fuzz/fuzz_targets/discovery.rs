//! Fuzz target `discovery`: OpenID provider configuration documents, checked against two
//! fixed issuers (https, and http on loopback).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| auth0_core::fuzzing::discovery(data));
