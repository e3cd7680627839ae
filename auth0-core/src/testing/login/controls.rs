//! The [`TestTenant`] methods of the login flow: users, URLs, counters, refresh-token rotation.

use std::sync::atomic::Ordering;

use super::super::tenant::TestTenant;
use super::TestUser;

/// The browser login flow.
impl TestTenant {
    /// The users who can log in on the login page (by default alice and bob, see
    /// [`TestUser::alice`] and [`TestUser::bob`]), each with its `picture`.
    pub fn users(&self) -> Vec<TestUser> {
        self.shared.login.users.clone()
    }

    /// `http://127.0.0.1:PORT/authorize`, where the browser login starts.
    pub fn authorize_url(&self) -> String {
        self.shared.url("authorize")
    }

    /// `http://127.0.0.1:PORT/v2/logout`, Auth0's logout endpoint.
    pub fn logout_url(&self) -> String {
        self.shared.url("v2/logout")
    }

    /// `http://127.0.0.1:PORT/oidc/logout`, the OIDC RP-initiated logout endpoint
    /// (`end_session_endpoint`).
    pub fn oidc_logout_url(&self) -> String {
        self.shared.url("oidc/logout")
    }

    /// `http://127.0.0.1:PORT/oauth/par`, the pushed-authorization-request endpoint.
    pub fn par_url(&self) -> String {
        self.shared.url("oauth/par")
    }

    /// Refresh-token rotation (on by default): every use of a refresh token answers a new one
    /// and retires the used one, whose reuse revokes the whole family. Off: the answer has no
    /// `refresh_token` and the same token keeps working.
    pub fn rotate_refresh_tokens(&self, rotate: bool) {
        self.shared.lock().login.rotate = rotate;
    }

    /// The number of `GET /authorize` requests received so far, refused ones included.
    pub fn authorize_requests(&self) -> usize {
        self.shared.login.authorize_requests.load(Ordering::SeqCst)
    }

    /// The number of `POST /authorize/login` requests (login form submissions) so far.
    pub fn login_submissions(&self) -> usize {
        self.shared.login.login_submissions.load(Ordering::SeqCst)
    }

    /// The number of `GET /v2/logout` and `GET /oidc/logout` requests received so far.
    pub fn logout_requests(&self) -> usize {
        self.shared.login.logout_requests.load(Ordering::SeqCst)
    }

    /// The number of `POST /oauth/par` requests received so far, refused ones included.
    pub fn par_requests(&self) -> usize {
        self.shared.login.par_requests.load(Ordering::SeqCst)
    }
}
