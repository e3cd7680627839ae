//! jsonwebtoken 11 needs one crypto backend chosen per process; this crate uses aws-lc-rs and
//! installs it explicitly so that an application enabling another backend elsewhere cannot make
//! signing panic.

use std::sync::Once;

/// Installs jsonwebtoken's aws-lc-rs provider once. If the application already installed one,
/// that one is kept.
pub(crate) fn ensure_installed() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    });
}
