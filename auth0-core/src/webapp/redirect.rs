//! The application's own URL, and the return-to targets checked against open redirects: only a
//! path on this application, or an absolute URL with exactly its origin, is ever followed.

use url::Url;

use super::error::WebAppConfigError;

/// The application's base URL (`https://app.example.com`, or `http://127.0.0.1:3000` on
/// loopback), without a trailing slash.
#[derive(Clone, Debug)]
pub(crate) struct Base {
    url: Url,
    text: String,
    secure: bool,
}

fn base_error(url: &str, reason: &'static str) -> WebAppConfigError {
    WebAppConfigError::BaseUrl {
        url: url.to_owned(),
        reason,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Base {
    pub(crate) fn parse(input: &str) -> Result<Self, WebAppConfigError> {
        let url = Url::parse(input).map_err(|_| {
            base_error(
                input,
                "not an absolute URL such as `https://app.example.com`",
            )
        })?;
        let secure = match url.scheme() {
            "https" => true,
            "http" if is_loopback(&url) => false,
            "http" => {
                return Err(base_error(
                    input,
                    "plain http is only allowed on loopback (127.0.0.1, ::1, localhost): cookies \
                     must be Secure everywhere else",
                ));
            }
            _ => return Err(base_error(input, "the scheme must be https")),
        };
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(base_error(input, "no query, fragment or user info allowed"));
        }
        if url.path() != "/" {
            return Err(base_error(
                input,
                "mount the application at the root: no path allowed",
            ));
        }
        let text = url.as_str().trim_end_matches('/').to_owned();
        Ok(Self { url, text, secure })
    }

    /// Whether cookies carry `Secure`.
    pub(crate) fn secure(&self) -> bool {
        self.secure
    }

    /// The origin (`scheme://host[:port]`), as browsers send it in `Origin`.
    pub(crate) fn origin(&self) -> &str {
        &self.text
    }

    /// An absolute URL on this application for `path` (which starts with `/`).
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.text)
    }

    /// `target` as a path on this application, if it is one: a relative reference that starts
    /// with a single `/`, or an absolute URL with exactly this origin. Anything else, including
    /// `//evil.example`, `/\evil.example`, other schemes and control characters, is `None`.
    pub(crate) fn local_path(&self, target: &str) -> Option<String> {
        if target.is_empty()
            || target.len() > 2048
            || target.chars().any(|c| c.is_control() || c == '\\')
        {
            return None;
        }
        if target.starts_with('/') {
            if target.starts_with("//") {
                return None;
            }
            // Resolve against the base so that dot-segments cannot climb anywhere else.
            let resolved = self.url.join(target).ok()?;
            return self.same_origin_path(&resolved);
        }
        let parsed = Url::parse(target).ok()?;
        self.same_origin_path(&parsed)
    }

    fn same_origin_path(&self, url: &Url) -> Option<String> {
        if url.origin() != self.url.origin()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return None;
        }
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        if let Some(fragment) = url.fragment() {
            path.push('#');
            path.push_str(fragment);
        }
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_rules() {
        assert!(!Base::parse("http://127.0.0.1:3000").unwrap().secure());
        assert!(!Base::parse("http://localhost:3000/").unwrap().secure());
        assert!(Base::parse("https://app.example.com").unwrap().secure());
        assert!(Base::parse("http://app.example.com").is_err());
        assert!(Base::parse("ftp://app.example.com").is_err());
        assert!(Base::parse("https://app.example.com/sub").is_err());
        assert!(Base::parse("app.example.com").is_err());
        assert_eq!(
            Base::parse("https://app.example.com/")
                .unwrap()
                .absolute("/x"),
            "https://app.example.com/x"
        );
    }

    #[test]
    fn open_redirects_refused() {
        let base = Base::parse("https://app.example.com").unwrap();
        let ok = |t: &str| base.local_path(t);
        assert_eq!(ok("/profile?a=1#top").as_deref(), Some("/profile?a=1#top"));
        assert_eq!(ok("https://app.example.com/x").as_deref(), Some("/x"));
        assert_eq!(ok("/a/../b").as_deref(), Some("/b"));
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "https://app.example.com.evil.example/",
            "http://app.example.com/",
            "https://app.example.com:444/",
            "https://user@app.example.com/",
            "javascript:alert(1)",
            "evil.example",
            "/\t/evil.example",
            "/%0d%0aSet-Cookie:x",
            "",
        ] {
            let got = ok(bad);
            // An encoded CR/LF stays encoded: harmless, but it is still a local path.
            if bad.starts_with("/%0d") {
                assert_eq!(got.as_deref(), Some(bad));
            } else {
                assert_eq!(got, None, "{bad}");
            }
        }
    }
}
