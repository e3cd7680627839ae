//! What the services built by one [`Auth0Layer`](crate::Auth0Layer) share: the verifier, the
//! error responder, the challenges and the layer's settings, behind one `Arc`.

use std::sync::Arc;

use auth0_core::AccessTokenVerifier;

use crate::challenges::Challenges;

/// What every [`Auth0Service`](crate::Auth0Service) built by one layer shares.
pub(crate) struct Shared<C, R> {
    pub(crate) verifier: AccessTokenVerifier<C>,
    pub(crate) responder: Arc<R>,
    /// The verifier's answers with the layer's realm.
    pub(crate) challenges: Challenges,
    pub(crate) optional: bool,
    /// The cookie the token may also come from.
    pub(crate) token_cookie: Option<Arc<str>>,
}

impl<C, R> Shared<C, R> {
    /// A copy, for a layer whose settings change while services still hold the original.
    pub(crate) fn duplicate(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            responder: Arc::clone(&self.responder),
            challenges: self.challenges.clone(),
            optional: self.optional,
            token_cookie: self.token_cookie.clone(),
        }
    }
}
