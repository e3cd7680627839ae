//! auth0-axum: built out by the adapters work.
