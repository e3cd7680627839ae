//! The HTML of the login flow: the login page, the error and logged-out pages.
//! Every reflected value goes through [`escape`].

use std::fmt::Write as _;

use hyper::StatusCode;
use hyper::header;

use super::super::faults::TestBody;
use super::super::reply::{Reply, reply};
use super::super::state::login::AuthRequest;
use super::super::state::users::TestUser;

/// HTML-escapes text for an element or a quoted attribute: the web app's own escaping.
pub(super) use crate::webapp::escape;

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1e212a;margin:0}\
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 2px 8px rgba(0,0,0,.1)}\
label{display:block;margin-top:1rem;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:.6rem;margin-top:.3rem;font-size:1rem}\
button{margin-top:1.2rem;margin-right:.5rem;padding:.6rem 1.2rem;font-size:1rem}\
#error{color:#b00020;font-weight:600}.note{color:#666;font-size:.9rem}\
table{border-collapse:collapse;width:100%;font-size:.9rem}\
td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #ddd}\
dl{font-size:.85rem;word-break:break-all}dt{font-weight:600;margin-top:.4rem}";

/// Headers of every page: HTML, never cached, never framed, no scripts.
fn html(status: StatusCode, body: String) -> Reply {
    reply(
        status,
        &[
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
            ),
        ],
        TestBody::full(body),
    )
}

fn document(title: &str, main: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{main}</main>\n\
         </body>\n</html>\n",
        escape(title)
    )
}

/// What the login page shows besides the form.
pub(super) struct LoginPage<'a> {
    pub(super) issuer: &'a str,
    pub(super) tx: &'a str,
    pub(super) request: &'a AuthRequest,
    pub(super) users: &'a [TestUser],
    /// Prefilled into the email field (the previous attempt, or `login_hint`).
    pub(super) username: &'a str,
    pub(super) error: Option<&'a str>,
}

/// `200` with the login page.
pub(super) fn login_page(page: &LoginPage<'_>) -> Reply {
    let heading = if page.request.param("screen_hint") == Some("signup") {
        "Sign up"
    } else {
        "Log in"
    };
    let mut main = String::new();
    let _ = writeln!(main, "<h1>{heading}</h1>");
    let _ = writeln!(
        main,
        "<p class=\"note\">A local dev tenant at {}: not a real Auth0 tenant.</p>",
        escape(page.issuer)
    );
    if let Some(message) = page.error {
        let _ = writeln!(
            main,
            "<p id=\"error\" role=\"alert\">{}</p>",
            escape(message)
        );
    }
    let _ = writeln!(
        main,
        "<form method=\"post\" action=\"/authorize/login\">\n\
         <input type=\"hidden\" name=\"tx\" value=\"{}\">\n\
         <label for=\"username\">Email</label>\n\
         <input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" value=\"{}\" autofocus>\n\
         <label for=\"password\">Password</label>\n\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\n\
         <button id=\"login\" type=\"submit\" name=\"action\" value=\"login\">Log in</button>\n\
         <button id=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Cancel</button>\n\
         </form>",
        escape(page.tx),
        escape(page.username)
    );
    main.push_str(
        "<h2>Test users</h2>\n<table id=\"users\">\n\
         <tr><th>Email</th><th>Password</th><th>Name</th></tr>\n",
    );
    for user in page.users {
        let _ = writeln!(
            main,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&user.email),
            escape(&user.password),
            escape(&user.name)
        );
    }
    main.push_str("</table>\n<h2>Request</h2>\n<dl id=\"request\">\n");
    for (name, value) in &page.request.params {
        let _ = writeln!(main, "<dt>{}</dt><dd>{}</dd>", escape(name), escape(value));
    }
    main.push_str("</dl>\n");
    html(StatusCode::OK, document("Log in · dev tenant", &main))
}

/// A page with a heading and a message (errors, logged out).
pub(super) fn message_page(status: StatusCode, title: &str, message: &str) -> Reply {
    let main = format!(
        "<h1>{}</h1>\n<p id=\"message\">{}</p>\n",
        escape(title),
        escape(message)
    );
    html(status, document(&format!("{title} · dev tenant"), &main))
}

/// A `400` error page: never a redirect to a URI that was not checked.
pub(super) fn bad_request(message: &str) -> Reply {
    message_page(StatusCode::BAD_REQUEST, "Bad request", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"<script>alert("x&'y")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape("plain · text"), "plain · text");
    }
}
