//! The login transaction: what `/login` remembers for `/callback` (state, nonce, PKCE verifier,
//! where to return), sealed into a short-lived cookie, and the authorize URL it starts.

use std::time::Duration;

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The start of every transaction cookie's name. Each login has a cookie of its own, named
/// after the start of its state, so that logins started in two tabs do not overwrite each
/// other's transaction.
pub(crate) const COOKIE_PREFIX: &str = "auth_verification_";
/// Characters of the state in its cookie's name (96 bits of it).
const NAME_STATE_CHARS: usize = 16;
/// Most logins one browser may have under way: starting one more forgets the oldest, so that
/// abandoned logins cannot grow the `Cookie` header past what servers and proxies accept.
pub(crate) const MAX_PENDING: usize = 4;
/// How long a login may take, from `/login` to `/callback`.
pub(crate) const LIFETIME: i64 = 600;

/// Per-login choices, for the login route's query or for a custom login route built with
/// [`WebApp::login`](super::WebApp::login).
///
/// ```
/// use auth0_core::webapp::LoginOptions;
/// let signup = LoginOptions::new().return_to("/welcome").screen_hint("signup");
/// # let _ = signup;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginOptions {
    /// Where to go after login: a path on this application (checked; default `/`).
    pub return_to: Option<String>,
    /// The organization to log in to (`org_…` id or name); the ID token must carry it.
    pub organization: Option<String>,
    /// An organization invitation's ticket id.
    pub invitation: Option<String>,
    /// Skip the login page's choice and use this connection.
    pub connection: Option<String>,
    /// `signup` opens the sign-up form.
    pub screen_hint: Option<String>,
    /// `login` forces the login page, `none` asks for a silent login.
    pub prompt: Option<String>,
    /// Asks the user to have authenticated within this time; `auth_time` is checked.
    pub max_age: Option<Duration>,
    /// Any other authorize parameter.
    pub params: Vec<(String, String)>,
}

impl LoginOptions {
    /// Defaults: back to `/`, nothing else.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where to go after login.
    pub fn return_to(mut self, path: impl Into<String>) -> Self {
        self.return_to = Some(path.into());
        self
    }

    /// The organization to log in to.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// An invitation ticket.
    pub fn invitation(mut self, invitation: impl Into<String>) -> Self {
        self.invitation = Some(invitation.into());
        self
    }

    /// The connection.
    pub fn connection(mut self, connection: impl Into<String>) -> Self {
        self.connection = Some(connection.into());
        self
    }

    /// The screen hint (`signup`).
    pub fn screen_hint(mut self, hint: impl Into<String>) -> Self {
        self.screen_hint = Some(hint.into());
        self
    }

    /// The `prompt`.
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// The `max_age`.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// An extra authorize parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }
}

/// What the transaction cookie holds.
#[derive(Serialize, Deserialize)]
pub(crate) struct Transaction {
    pub(crate) state: String,
    pub(crate) nonce: String,
    pub(crate) verifier: String,
    pub(crate) return_to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) max_age: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) organization: Option<String>,
    pub(crate) created_at: i64,
}

/// The name of the transaction cookie of the login whose state is `state`, if `state` has the
/// shape of one (its start is taken as is, so it must be base64url).
pub(crate) fn cookie_name(state: &str) -> Option<String> {
    let start = state.get(..NAME_STATE_CHARS)?;
    start
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        .then(|| format!("{COOKIE_PREFIX}{start}"))
}

/// The transaction cookies among a request's cookies: `(name, value)`.
pub(crate) fn pending<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    pairs
        .iter()
        .filter(|(name, _)| {
            name.strip_prefix(COOKIE_PREFIX)
                .is_some_and(|rest| rest.len() == NAME_STATE_CHARS && !rest.contains('.'))
        })
        .copied()
        .collect()
}

/// 32 random bytes, base64url: states, nonces, PKCE verifiers, session ids.
pub(crate) fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 challenge of a PKCE verifier (RFC 7636 §4.2). `plain` is never used.
pub(crate) fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn cookie_names_follow_the_state() {
        let state = random_token().unwrap();
        let name = cookie_name(&state).unwrap();
        assert_eq!(name, format!("auth_verification_{}", &state[..16]));
        assert_eq!(cookie_name("short"), None);
        assert_eq!(cookie_name("abcdefgh;jklmnop-more"), None);
        assert_eq!(cookie_name("abcdefgh\u{e9}klmnop"), None);
        let pairs = [
            (name.as_str(), "v"),
            ("auth_verification_tooshort", "x"),
            ("auth_verification_abcdefghijklmnop.0", "chunk"),
            ("appSession", "s"),
        ];
        assert_eq!(pending(&pairs), vec![(name.as_str(), "v")]);
    }

    #[test]
    fn random_tokens_differ() {
        let a = random_token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token().unwrap());
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, "x"));
    }
}
