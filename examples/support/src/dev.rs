//! The embedded dev tenant: a local Auth0 look-alike started when `AUTH0_DOMAIN` is unset, and
//! the banner that shows how to call the API with its tokens.

use std::fmt::Write as _;
use std::time::Duration;

use auth0_core::testing::TestTenant;

use crate::READ_MESSAGES;

/// How long the printed tokens stay valid.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Starts the dev tenant on a free loopback port, for `audience` (or the kit's default).
pub(crate) async fn start(audience: Option<&str>) -> std::io::Result<TestTenant> {
    let mut builder = TestTenant::builder().default_scope(READ_MESSAGES);
    if let Some(audience) = audience {
        builder = builder.audience(audience);
    }
    builder.try_start().await
}

/// The banner: the tenant's issuer and audience, then `curl` commands for every route with
/// freshly minted tokens.
pub(crate) fn banner(tenant: &TestTenant, base: &str) -> String {
    let user = tenant
        .token()
        .sub("auth0|dev-user")
        .expires_in(TOKEN_LIFETIME);
    let plain = user.clone().scope("openid profile").sign();
    let scoped = user.scope("openid profile read:messages").sign();
    let mut out = String::new();
    let mut line = |text: String| {
        let _ = writeln!(out, "{text}");
    };
    line("No AUTH0_DOMAIN set: started a local Auth0 dev tenant (test keys, for trying the API only).".into());
    line(format!("  issuer:   {}", tenant.issuer()));
    line(format!("  audience: {}", tenant.audience()));
    line(String::new());
    line(format!(
        "Try it (tokens valid for {} minutes):",
        TOKEN_LIFETIME.as_secs() / 60
    ));
    line("  # public: no token needed -> 200".into());
    line(format!("  curl -i {base}/api/public"));
    line("  # private: no token -> 401".into());
    line(format!("  curl -i {base}/api/private"));
    line("  # private: a valid token -> 200".into());
    line(format!(
        "  curl -i {base}/api/private -H 'Authorization: Bearer {plain}'"
    ));
    line("  # private-scoped: a token with read:messages -> 200".into());
    line(format!(
        "  curl -i {base}/api/private-scoped -H 'Authorization: Bearer {scoped}'"
    ));
    line("  # private-scoped: a token without read:messages -> 403 insufficient_scope".into());
    line(format!(
        "  curl -i {base}/api/private-scoped -H 'Authorization: Bearer {plain}'"
    ));
    line("  # a fresh token from the dev tenant (client credentials, with read:messages)".into());
    line(format!(
        "  curl -s {} -H 'content-type: application/json' -d '{{\"grant_type\":\"client_credentials\",\"client_id\":\"{}\",\"client_secret\":\"{}\",\"audience\":\"{}\"}}'",
        tenant.token_url(),
        tenant.client_id(),
        tenant.client_secret(),
        tenant.audience(),
    ));
    line(String::new());
    line("With your own tenant: AUTH0_DOMAIN=<tenant>.auth0.com AUTH0_AUDIENCE=<API identifier> (and PORT).".into());
    out.trim_end().to_owned()
}
