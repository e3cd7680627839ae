//! The framework-free request and response the adapters translate from and to.

use std::fmt;

use super::cookies::SetCookie;

/// What the web app reads of a request. The adapters build it from their request type.
///
/// ```
/// use auth0_core::webapp::WebRequest;
/// let request = WebRequest::new("GET", "/callback", Some("code=abc&state=xyz"))
///     .header("cookie", b"appSession=...")
///     .header("accept", b"text/html");
/// assert!(request.wants_html());
/// ```
#[derive(Clone, Default)]
pub struct WebRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) cookies: Vec<&'a [u8]>,
    pub(crate) accept: Option<&'a [u8]>,
    pub(crate) origin: Option<&'a [u8]>,
    pub(crate) sec_fetch_site: Option<&'a [u8]>,
}

impl fmt::Debug for WebRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query carries codes and states, the cookies carry sessions.
        f.debug_struct("WebRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("cookies", &self.cookies.len())
            .finish_non_exhaustive()
    }
}

impl<'a> WebRequest<'a> {
    /// A request with this method, path and raw query (without the `?`).
    pub fn new(method: &'a str, path: &'a str, query: Option<&'a str>) -> Self {
        Self {
            method,
            path,
            query,
            ..Self::default()
        }
    }

    /// Adds a header; only `cookie` (every one), `accept`, `origin` and `sec-fetch-site` are
    /// kept, the rest is ignored. Names are compared case-insensitively.
    pub fn header(mut self, name: &str, value: &'a [u8]) -> Self {
        if name.eq_ignore_ascii_case("cookie") {
            self.cookies.push(value);
        } else if name.eq_ignore_ascii_case("accept") {
            self.accept = Some(value);
        } else if name.eq_ignore_ascii_case("origin") {
            self.origin = Some(value);
        } else if name.eq_ignore_ascii_case("sec-fetch-site") {
            self.sec_fetch_site = Some(value);
        }
        self
    }

    /// The request's path.
    pub fn path(&self) -> &str {
        self.path
    }

    /// Whether the client asked for a page (`Accept` names `text/html`): a browser navigating,
    /// as opposed to a script calling an API.
    pub fn wants_html(&self) -> bool {
        self.accept
            .and_then(|a| std::str::from_utf8(a).ok())
            .is_some_and(|a| a.to_ascii_lowercase().contains("text/html"))
    }

    /// The path and query, as the page to come back to after login.
    pub(crate) fn path_and_query(&self) -> String {
        match self.query {
            Some(q) if !q.is_empty() => format!("{}?{q}", self.path),
            _ => self.path.to_owned(),
        }
    }

    /// The value of query parameter `name` (the first one).
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// Whether the request comes from another site, as far as the browser says
    /// (`Sec-Fetch-Site`, else `Origin`).
    pub(crate) fn cross_site(&self, origin: &str) -> bool {
        if let Some(site) = self.sec_fetch_site {
            return !matches!(site, b"same-origin" | b"none");
        }
        match self.origin {
            Some(o) => o != origin.as_bytes(),
            None => false,
        }
    }

    /// Whether the browser says this request is a same-origin (or user-typed) one.
    pub(crate) fn same_origin(&self, origin: &str) -> bool {
        match self.sec_fetch_site {
            Some(site) => matches!(site, b"same-origin" | b"none"),
            None => self.origin.is_some_and(|o| o == origin.as_bytes()),
        }
    }
}

/// What the web app answers: a status, a redirect or a small page, and cookies. Never cached.
#[derive(Clone)]
pub struct WebResponse {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: String,
    pub(crate) cookies: Vec<SetCookie>,
}

impl fmt::Debug for WebResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebResponse")
            .field("status", &self.status)
            .field("cookies", &self.cookies)
            .finish_non_exhaustive()
    }
}

impl WebResponse {
    pub(crate) fn redirect(location: String) -> Self {
        Self {
            status: 302,
            location: Some(location),
            content_type: None,
            body: String::new(),
            cookies: Vec::new(),
        }
    }

    pub(crate) fn page(status: u16, title: &str, message: &str) -> Self {
        Self {
            status,
            location: None,
            content_type: Some("text/html; charset=utf-8"),
            body: page(title, &format!("<p>{}</p>", escape(message))),
            cookies: Vec::new(),
        }
    }

    pub(crate) fn html(status: u16, body: String) -> Self {
        Self {
            status,
            location: None,
            content_type: Some("text/html; charset=utf-8"),
            body,
            cookies: Vec::new(),
        }
    }

    pub(crate) fn json(status: u16, body: String) -> Self {
        Self {
            status,
            location: None,
            content_type: Some("application/json"),
            body,
            cookies: Vec::new(),
        }
    }

    pub(crate) fn with_cookies(mut self, cookies: impl IntoIterator<Item = SetCookie>) -> Self {
        self.cookies.extend(cookies);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers to send: `Location`, `Content-Type`, `Cache-Control: no-store` and one
    /// `Set-Cookie` per cookie.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::with_capacity(3 + self.cookies.len());
        if let Some(location) = &self.location {
            headers.push(("location", location.clone()));
        }
        if let Some(content_type) = self.content_type {
            headers.push(("content-type", content_type.to_owned()));
        }
        headers.push(("cache-control", "no-store".to_owned()));
        for cookie in &self.cookies {
            headers.push(("set-cookie", cookie.header_value()));
        }
        headers
    }

    /// The cookies this response sets or removes.
    pub fn cookies(&self) -> &[SetCookie] {
        &self.cookies
    }

    /// The body (empty for a redirect).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> String {
        self.body
    }
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A minimal page: `title` (escaped here) and `body` (HTML, escaped by the caller).
pub(crate) fn page(title: &str, body: &str) -> String {
    let title = escape(title);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body><h1 id=\"title\">{title}</h1>{body}</body></html>"
    )
}
