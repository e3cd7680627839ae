//! `POST /oauth/token` with `grant_type=authorization_code` (PKCE, confidential or public
//! client) and `grant_type=refresh_token` (rotation with reuse detection).

use aws_lc_rs::digest;
use hyper::StatusCode;
use hyper::header::{self, HeaderMap};
use serde_json::{Value, json};

use super::super::basics::{b64, now};
use super::super::client_auth::client_authenticated;
use super::super::form::Params;
use super::super::mint::TokenBuilder;
use super::super::reply::{Reply, error, token_answer};
use super::super::state::Shared;
use super::super::state::login::{Family, RefreshToken, Session};
use super::random_id;

/// `exp` − `iat` of ID tokens, as Auth0's default.
const ID_TOKEN_LIFETIME: i64 = 36_000;

fn invalid_grant(description: &str) -> Reply {
    error(StatusCode::FORBIDDEN, "invalid_grant", description)
}

fn unauthorized() -> Reply {
    error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized")
}

fn missing(name: &str) -> Reply {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &format!("Missing required parameter: {name}"),
    )
}

/// A parameter, if present and not empty.
fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The PKCE S256 transformation: BASE64URL(SHA-256(verifier)).
fn s256(verifier: &str) -> String {
    b64(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref())
}

/// `unix` as Auth0 writes `updated_at`: `2024-01-31T12:34:56.000Z`.
fn iso8601(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn offline_access(scope: &str) -> bool {
    scope.split_whitespace().any(|s| s == "offline_access")
}

/// The token answer of a login: access token, ID token (with `nonce` when given), the
/// refresh token when given.
fn issue(
    shared: &Shared,
    session: &Session,
    nonce: Option<&str>,
    refresh: Option<String>,
) -> Reply {
    let (signing, lifetime) = {
        let state = shared.lock();
        (state.signing.clone(), state.token_endpoint.lifetime())
    };
    let now = now();
    let user = &session.user;
    let userinfo = shared.url("userinfo");

    let mut access = TokenBuilder::new(&signing)
        .iss(shared.issuer.clone())
        .sub(user.sub.clone())
        .claim("azp", &shared.client_id)
        // Unique, so that a token refreshed within the same second is still a new token.
        .claim("jti", random_id(16))
        .iat(now)
        .exp(now.saturating_add(lifetime))
        .scope(session.scope.clone());
    access = match &session.audience {
        Some(audience) => access.audiences([audience.clone(), userinfo]),
        None => access.aud(userinfo),
    };
    let mut id = TokenBuilder::new(&signing)
        .iss(shared.issuer.clone())
        .sub(user.sub.clone())
        .aud(shared.client_id.clone())
        .iat(now)
        .exp(now.saturating_add(ID_TOKEN_LIFETIME))
        .claim("auth_time", session.auth_time)
        .claim("sid", &session.sid)
        .claim("name", &user.name)
        .claim("nickname", &user.nickname)
        .claim("email", &user.email)
        .claim("email_verified", true)
        .claim("updated_at", iso8601(session.auth_time));
    if let Some(picture) = &user.picture {
        id = id.claim("picture", picture);
    }
    if let Some(nonce) = nonce {
        id = id.claim("nonce", nonce);
    }
    if let Some(organization) = &session.organization {
        access = access.claim("org_id", organization);
        if organization.starts_with("org_") {
            id = id.claim("org_id", organization);
        } else {
            let name = organization.to_lowercase();
            access = access.claim("org_name", &name);
            id = id.claim("org_name", name);
        }
    }
    let mut answer = json!({
        "access_token": access.sign(),
        "id_token": id.sign(),
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": session.scope,
    });
    if let (Some(refresh), Some(map)) = (refresh, answer.as_object_mut()) {
        map.insert("refresh_token".into(), Value::String(refresh));
    }
    token_answer(&answer)
}

/// `grant_type=authorization_code`: a code from the login page, once, within 10 minutes, with
/// its `redirect_uri` and PKCE verifier; client authentication if any is sent, else a public
/// client (`client_id` and `code_verifier`).
pub(crate) fn authorization_code(shared: &Shared, headers: &HeaderMap, params: &Params) -> Reply {
    let credentials = headers.contains_key(header::AUTHORIZATION)
        || params.contains_key("client_secret")
        || params.contains_key("client_assertion");
    let authenticated = if credentials {
        client_authenticated(shared, headers, params)
    } else {
        param(params, "code_verifier").is_some()
            && param(params, "client_id") == Some(shared.client_id.as_str())
    };
    if !authenticated {
        return unauthorized();
    }
    let Some(code) = param(params, "code") else {
        return missing("code");
    };
    let found = {
        let mut state = shared.lock();
        let login = &mut state.login;
        match login.codes.take(code) {
            Some(found) => {
                login
                    .used_codes
                    .insert(code.to_owned(), found.family.clone());
                Some(found)
            }
            None => {
                // A code presented again: what it issued is revoked too (RFC 6749 §4.1.2).
                let family = login.used_codes.get(code).cloned();
                if let Some(family) = family.and_then(|f| login.families.get_mut(&f)) {
                    family.revoked = true;
                }
                None
            }
        }
    };
    let Some(found) = found else {
        return invalid_grant("Invalid authorization code");
    };
    if params.get("redirect_uri") != found.request.params.get("redirect_uri") {
        return invalid_grant(
            "The redirect_uri does not match the one of the authorization request",
        );
    }
    let verified = match (
        param(params, "code_verifier"),
        found.request.param("code_challenge"),
    ) {
        (Some(verifier), Some(challenge)) => s256(verifier) == challenge,
        _ => false,
    };
    if !verified {
        return invalid_grant("Failed to verify code verifier");
    }
    let refresh = offline_access(&found.session.scope).then(|| {
        let token = random_id(32);
        let mut state = shared.lock();
        state.login.families.insert(
            found.family.clone(),
            Family {
                session: found.session.clone(),
                revoked: false,
            },
        );
        state.login.refresh_tokens.insert(
            token.clone(),
            RefreshToken {
                family: found.family.clone(),
                alive: true,
            },
        );
        token
    });
    issue(
        shared,
        &found.session,
        found.request.param("nonce"),
        refresh,
    )
}

/// `grant_type=refresh_token`, with client authentication. With rotation (the default) every
/// use answers a new refresh token and retires the used one; presenting a retired one revokes
/// its whole family.
pub(crate) fn refresh_token(shared: &Shared, headers: &HeaderMap, params: &Params) -> Reply {
    if !client_authenticated(shared, headers, params) {
        return unauthorized();
    }
    let Some(token) = param(params, "refresh_token") else {
        return missing("refresh_token");
    };
    let granted = {
        let mut state = shared.lock();
        let login = &mut state.login;
        let rotate = login.rotate;
        let known = login
            .refresh_tokens
            .get(token)
            .map(|t| (t.family.clone(), t.alive));
        let session = known.as_ref().and_then(|(family, alive)| {
            let family = login.families.get_mut(family)?;
            if *alive && !family.revoked {
                Some(family.session.clone())
            } else {
                // Reuse of a retired token: the whole family goes (Auth0's reuse detection).
                family.revoked = true;
                None
            }
        });
        match (session, known) {
            (Some(session), Some((family, _))) => {
                let next = rotate.then(|| {
                    if let Some(used) = login.refresh_tokens.get_mut(token) {
                        used.alive = false;
                    }
                    let next = random_id(32);
                    login.refresh_tokens.insert(
                        next.clone(),
                        RefreshToken {
                            family,
                            alive: true,
                        },
                    );
                    next
                });
                Some((session, next))
            }
            _ => None,
        }
    };
    match granted {
        Some((session, next)) => issue(shared, &session, None, next),
        None => invalid_grant("Unknown or invalid refresh token."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(iso8601(951_825_600), "2000-02-29T12:00:00.000Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59.000Z");
    }

    #[test]
    fn pkce_s256() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
