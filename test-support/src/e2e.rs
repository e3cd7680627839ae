//! The example binaries' end-to-end checks, shared by `examples/axum-api/tests` and
//! `examples/actix-api/tests` so that both binaries are held to exactly the same answers: each
//! check takes the path of the binary under test.

pub mod contract;
pub mod dpop;
pub mod logs;
pub mod metadata;
pub mod process;
