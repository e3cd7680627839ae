//! The example's pages, the same for every framework. Every value from a token is escaped.

use auth0_core::webapp::{Session, escape};
use serde_json::Value;

use crate::ApiCall;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;\
padding:0 1rem;color:#1f2328}nav a{margin-right:1rem}header{display:flex;align-items:center;\
gap:1rem}img#picture{width:64px;height:64px;border-radius:50%}pre{background:#f6f8fa;\
padding:1rem;overflow:auto;border-radius:6px}button,a.button{font-size:1rem;padding:.4rem 1rem}";

fn document(title: &str, logged_in: bool, body: &str) -> String {
    let nav = match logged_in {
        true => "<nav><a href=\"/\">Home</a><a href=\"/profile\">Profile</a>\
                    <a href=\"/api-call\">Call the API</a></nav>"
            .to_owned(),
        false => "<nav><a href=\"/\">Home</a></nav>".to_owned(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title>\
         <style>{STYLE}</style></head><body>{nav}{body}</body></html>",
        title = escape(title)
    )
}

fn claim<'a>(session: &'a Session, name: &str) -> &'a str {
    session.claim_str(name).unwrap_or_default()
}

fn logout_form() -> &'static str {
    "<form method=\"post\" action=\"/logout\"><button id=\"logout\" type=\"submit\">Log out</button></form>"
}

/// `/`: "Log in" when logged out; the user's name, picture and claims and "Log out" when in.
pub fn home(session: Option<&Session>) -> String {
    let body = match session {
        None => "<h1 id=\"title\">auth0-rs web app</h1><p>You are not logged in.</p>\
                 <p><a id=\"login\" class=\"button\" href=\"/login\">Log in</a></p>"
            .to_owned(),
        Some(session) => {
            let claims = serde_json::to_string_pretty(&Value::Object(session.user().clone()))
                .unwrap_or_default();
            format!(
                "<header><img id=\"picture\" src=\"{picture}\" alt=\"\">\
                 <h1 id=\"title\">Welcome, <span id=\"name\">{name}</span></h1></header>\
                 <p>Logged in as <span id=\"email\">{email}</span>.</p>{logout}\
                 <h2>ID token claims</h2><pre id=\"claims\">{claims}</pre>",
                picture = escape(claim(session, "picture")),
                name = escape(claim(session, "name")),
                email = escape(claim(session, "email")),
                logout = logout_form(),
                claims = escape(&claims),
            )
        }
    };
    document("auth0-rs web app", session.is_some(), &body)
}

/// `/profile` (login required).
pub fn profile(session: &Session) -> String {
    let body = format!(
        "<h1 id=\"title\">Profile</h1><dl><dt>Name</dt><dd id=\"name\">{name}</dd>\
         <dt>Email</dt><dd id=\"email\">{email}</dd><dt>User id</dt><dd id=\"sub\">{sub}</dd>\
         <dt>Refreshable access token</dt><dd>{refresh}</dd></dl>{logout}",
        name = escape(claim(session, "name")),
        email = escape(claim(session, "email")),
        sub = escape(session.sub()),
        refresh = if session.has_refresh_token() {
            "yes"
        } else {
            "no"
        },
        logout = logout_form(),
    );
    document("Profile", true, &body)
}

/// `/api-call` (login required): the API's status and answer.
pub fn api_call(result: &ApiCall) -> String {
    let status = result
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "no call".to_owned());
    let body = format!(
        "<h1 id=\"title\">The API's answer</h1><p>Status: <span id=\"api-status\">{status}</span></p>\
         <pre id=\"api-response\">{body}</pre>",
        body = escape(&result.body),
    );
    document("Call the API", true, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_out_home_offers_login() {
        let page = home(None);
        assert!(page.contains("id=\"login\""));
        assert!(!page.contains("id=\"logout\""));
    }

    #[test]
    fn api_page_escapes_the_answer() {
        let page = api_call(&ApiCall {
            status: Some(200),
            body: "<script>alert(1)</script>".to_owned(),
        });
        assert!(page.contains("<span id=\"api-status\">200</span>"));
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("<script>alert"));
    }
}
