//! auth0-tower: built out by the adapters work.
