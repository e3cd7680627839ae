//! Reading the request's cookies and writing `Set-Cookie` values, with a sealed value chunked
//! over several cookies when it would pass the browsers' 4 KB limit per cookie.

use std::fmt::Write as _;

/// The largest value put in one cookie: with the name and attributes, a cookie stays under the
/// 4096 bytes every browser keeps.
pub(crate) const CHUNK_LEN: usize = 3_800;
/// At most this many chunks are read or written: a session past 10 × 3.8 KB is refused.
pub(crate) const MAX_CHUNKS: usize = 10;

/// The `name=value` pairs of the request's `Cookie` headers, in order. A pair without `=` or
/// with an empty name is skipped; quotes around a value are removed.
pub(crate) fn parse<'a>(headers: &[&'a [u8]]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = Vec::new();
    for header in headers {
        let Ok(text) = std::str::from_utf8(header) else {
            continue;
        };
        for pair in text.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let name = name.trim();
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            if !name.is_empty() {
                pairs.push((name, value));
            }
        }
    }
    pairs
}

/// Why a cookie's value could not be read; never carries the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The same name twice, or a chunk sequence with a gap or a duplicate.
    Ambiguous,
    /// More than [`MAX_CHUNKS`] chunks, or a chunk over [`CHUNK_LEN`].
    Oversized,
}

/// The value of cookie `name`, joined from `name.0`, `name.1`, … when chunked.
pub(crate) fn read_chunked(
    pairs: &[(&str, &str)],
    name: &str,
) -> Result<Option<String>, ReadError> {
    let mut whole = None;
    let mut chunks: Vec<Option<&str>> = Vec::new();
    for (n, value) in pairs {
        if *n == name {
            if whole.replace(*value).is_some() {
                return Err(ReadError::Ambiguous);
            }
            continue;
        }
        let Some(index) = n.strip_prefix(name).and_then(|rest| rest.strip_prefix('.')) else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if index >= MAX_CHUNKS {
            return Err(ReadError::Oversized);
        }
        if chunks.len() <= index {
            chunks.resize(index + 1, None);
        }
        if chunks[index].replace(*value).is_some() {
            return Err(ReadError::Ambiguous);
        }
    }
    let too_long = |v: &str| v.len() > CHUNK_LEN;
    match (whole, chunks.is_empty()) {
        (Some(value), true) => {
            if too_long(value) {
                return Err(ReadError::Oversized);
            }
            Ok(Some(value.to_owned()))
        }
        (Some(_), false) => Err(ReadError::Ambiguous),
        (None, true) => Ok(None),
        (None, false) => {
            let mut joined = String::new();
            for chunk in &chunks {
                let Some(chunk) = chunk else {
                    return Err(ReadError::Ambiguous);
                };
                if too_long(chunk) {
                    return Err(ReadError::Oversized);
                }
                joined.push_str(chunk);
            }
            Ok(Some(joined))
        }
    }
}

/// The names of the cookies that hold `name` (whole or chunked) in this request.
pub(crate) fn names_present(pairs: &[(&str, &str)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(n, _)| {
            *n == name
                || n.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|i| i.parse::<usize>().is_ok())
        })
        .map(|(n, _)| (*n).to_owned())
        .collect()
}

/// One `Set-Cookie` header value: always `Path=/`, `HttpOnly` and `SameSite=Lax`; `Secure`
/// unless the application is served over plain http on a loopback address.
#[derive(Clone, PartialEq, Eq)]
pub struct SetCookie {
    name: String,
    value: String,
    max_age: i64,
    secure: bool,
}

impl std::fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.name)
            .field("value", &"[redacted]")
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl SetCookie {
    pub(crate) fn new(name: impl Into<String>, value: String, max_age: i64, secure: bool) -> Self {
        Self {
            name: name.into(),
            value,
            max_age: max_age.max(0),
            secure,
        }
    }

    /// A cookie that removes `name` from the browser.
    pub(crate) fn removal(name: impl Into<String>, secure: bool) -> Self {
        Self::new(name, String::new(), 0, secure)
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this cookie removes the browser's cookie of that name.
    pub fn is_removal(&self) -> bool {
        self.max_age == 0
    }

    /// The `Set-Cookie` header value.
    pub fn header_value(&self) -> String {
        let mut out = String::with_capacity(self.name.len() + self.value.len() + 64);
        let _ = write!(
            out,
            "{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax",
            self.name, self.value, self.max_age
        );
        if self.secure {
            out.push_str("; Secure");
        }
        out
    }
}

/// The cookies that store `value` under `name`, chunked as needed, plus the removals of the
/// chunks the browser holds (`present`) that the new value no longer uses. `None` when the
/// value needs more than [`MAX_CHUNKS`] chunks.
pub(crate) fn write_chunked(
    name: &str,
    value: &str,
    max_age: i64,
    secure: bool,
    present: &[String],
) -> Option<Vec<SetCookie>> {
    let mut out = Vec::new();
    let mut written: Vec<String> = Vec::new();
    if value.len() <= CHUNK_LEN {
        out.push(SetCookie::new(name, value.to_owned(), max_age, secure));
        written.push(name.to_owned());
    } else {
        // base64url text: every byte boundary is a char boundary.
        let chunks: Vec<&str> = value
            .as_bytes()
            .chunks(CHUNK_LEN)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        if chunks.len() > MAX_CHUNKS {
            return None;
        }
        for (i, chunk) in chunks.into_iter().enumerate() {
            let chunk_name = format!("{name}.{i}");
            out.push(SetCookie::new(
                chunk_name.clone(),
                chunk.to_owned(),
                max_age,
                secure,
            ));
            written.push(chunk_name);
        }
    }
    for stale in present {
        if !written.contains(stale) {
            out.push(SetCookie::removal(stale.clone(), secure));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs() {
        let h = [&b"a=1; b=\"2\"; junk; =x"[..], &b"c=3"[..]];
        assert_eq!(parse(&h), vec![("a", "1"), ("b", "2"), ("c", "3")]);
    }

    #[test]
    fn chunks_round_trip_and_clear_stale() {
        let value = "x".repeat(CHUNK_LEN * 2 + 5);
        let present = vec!["s".to_owned(), "s.3".to_owned()];
        let cookies = write_chunked("s", &value, 60, true, &present).unwrap();
        let names: Vec<&str> = cookies.iter().map(SetCookie::name).collect();
        assert_eq!(names, ["s.0", "s.1", "s.2", "s", "s.3"]);
        assert!(cookies[3].is_removal() && cookies[4].is_removal());
        let values: Vec<String> = cookies[..3]
            .iter()
            .map(|c| {
                let h = c.header_value();
                h.split_once('=')
                    .unwrap()
                    .1
                    .split(';')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let pairs: Vec<(&str, &str)> = names[..3]
            .iter()
            .zip(values.iter())
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        assert_eq!(read_chunked(&pairs, "s").unwrap().unwrap(), value);
        assert!(
            cookies[0]
                .header_value()
                .ends_with("HttpOnly; SameSite=Lax; Secure")
        );
    }

    #[test]
    fn refuses_ambiguity_gaps_and_size() {
        assert_eq!(
            read_chunked(&[("s", "a"), ("s", "b")], "s"),
            Err(ReadError::Ambiguous)
        );
        assert_eq!(
            read_chunked(&[("s.0", "a"), ("s.2", "b")], "s"),
            Err(ReadError::Ambiguous)
        );
        assert_eq!(
            read_chunked(&[("s", "a"), ("s.0", "b")], "s"),
            Err(ReadError::Ambiguous)
        );
        assert_eq!(
            read_chunked(&[("s.10", "a")], "s"),
            Err(ReadError::Oversized)
        );
        let big = "x".repeat(CHUNK_LEN + 1);
        assert_eq!(read_chunked(&[("s", &big)], "s"), Err(ReadError::Oversized));
        assert_eq!(read_chunked(&[("other", "a"), ("s.x", "b")], "s"), Ok(None));
        assert!(write_chunked("s", &"x".repeat(CHUNK_LEN * 11), 1, false, &[]).is_none());
    }
}
