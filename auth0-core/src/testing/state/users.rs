//! The tenant's users: [`TestUser`], the default users alice and bob, and their avatars' path.

use std::fmt;

use url::Url;

/// The email of the default user alice.
pub const ALICE_EMAIL: &str = "alice@example.com";
/// The password of the default user alice.
pub const ALICE_PASSWORD: &str = "alice-password";
/// The `sub` of the default user alice.
pub const ALICE_SUB: &str = "auth0|alice";
/// The email of the default user bob.
pub const BOB_EMAIL: &str = "bob@example.com";
/// The password of the default user bob.
pub const BOB_PASSWORD: &str = "bob-password";
/// The `sub` of the default user bob.
pub const BOB_SUB: &str = "auth0|bob";

/// A user who can log in on the tenant's login page. Its `Debug` leaves the password out.
///
/// ```
/// use auth0_core::testing::{TestTenant, TestUser};
/// # async fn demo() {
/// let tenant = TestTenant::builder()
///     .user(TestUser::new("carol@example.com", "carol-password").with_name("Carol Example"))
///     .start()
///     .await;
/// let carol = tenant.users().into_iter().find(|u| u.nickname == "carol").unwrap();
/// assert_eq!(carol.sub, "auth0|carol");
/// assert_eq!(carol.picture, Some(format!("{}avatars/carol.svg", tenant.issuer())));
/// # }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo());
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TestUser {
    /// The `sub` of the user's tokens, e.g. `auth0|alice`.
    pub sub: String,
    /// The login name and `email` claim.
    pub email: String,
    /// The password the login page accepts.
    pub password: String,
    /// The `name` claim.
    pub name: String,
    /// The `nickname` claim.
    pub nickname: String,
    /// The `picture` claim; `None` until the tenant starts, which sets it to the avatar it
    /// serves, `{issuer}avatars/<nickname>.svg`, unless one was chosen.
    pub picture: Option<String>,
}

impl fmt::Debug for TestUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestUser")
            .field("sub", &self.sub)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("nickname", &self.nickname)
            .field("picture", &self.picture)
            .finish_non_exhaustive()
    }
}

impl TestUser {
    /// A user logging in with `email` and `password`; `nickname` and `name` are the part of the
    /// email before the `@`, `sub` is `auth0|<nickname>`.
    pub fn new(email: impl Into<String>, password: impl Into<String>) -> TestUser {
        let email = email.into();
        let nickname = email.split('@').next().unwrap_or_default().to_owned();
        TestUser {
            sub: format!("auth0|{nickname}"),
            name: nickname.clone(),
            nickname,
            email,
            password: password.into(),
            picture: None,
        }
    }

    /// The default user alice: [`ALICE_EMAIL`], [`ALICE_PASSWORD`], `Alice Example`, nickname
    /// `alice`, [`ALICE_SUB`].
    pub fn alice() -> TestUser {
        TestUser::new(ALICE_EMAIL, ALICE_PASSWORD)
            .with_name("Alice Example")
            .with_sub(ALICE_SUB)
    }

    /// The default user bob: [`BOB_EMAIL`], [`BOB_PASSWORD`], `Bob Example`, nickname `bob`,
    /// [`BOB_SUB`].
    pub fn bob() -> TestUser {
        TestUser::new(BOB_EMAIL, BOB_PASSWORD)
            .with_name("Bob Example")
            .with_sub(BOB_SUB)
    }

    /// Another `sub`.
    pub fn with_sub(mut self, sub: impl Into<String>) -> TestUser {
        self.sub = sub.into();
        self
    }

    /// Another `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> TestUser {
        self.name = name.into();
        self
    }

    /// Another `nickname` (and so another avatar URL).
    pub fn with_nickname(mut self, nickname: impl Into<String>) -> TestUser {
        self.nickname = nickname.into();
        self
    }

    /// A `picture` URL instead of the tenant's avatar.
    pub fn with_picture(mut self, picture: impl Into<String>) -> TestUser {
        self.picture = Some(picture.into());
        self
    }
}

/// `/avatars/<nickname>.svg`, the nickname percent-encoded as a path segment.
pub(crate) fn avatar_path(nickname: &str) -> String {
    let mut url = match Url::parse("http://tenant/avatars/") {
        Ok(url) => url,
        Err(_) => return String::new(),
    };
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop().push(&format!("{nickname}.svg"));
    }
    url.path().to_owned()
}
