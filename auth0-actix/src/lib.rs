//! auth0-actix: built out by the adapters work.
