//! The quick road of the duplicate-member check, for the shape almost every token payload has:
//! one flat object of at most [`FEW`] members whose values are strings, short numbers without
//! exponent, literals or arrays of those, with no escape in any string.
//!
//! [`is_flat_and_unique`] answers `true` only for such an object, well-formed and with unique
//! member names; for anything else (a nested object, an escape, a control character, more
//! members, a long number or an exponent, any syntax it does not expect) it answers `false` without deciding, and the caller
//! runs the full check of [`super::json`], which then accepts or refuses. So this road can only
//! ever save work: a document it passes is one the full check passes too. It reads each byte
//! once, with no allocation, and compares names without decoding them (without escapes, equal
//! names are equal bytes).

use super::json::MAX_NAME_LEN;

/// Most members the quick road handles (names are compared pairwise).
const FEW: usize = 16;
/// Longest number the quick road handles: far within an `f64`'s range.
const LONGEST_NUMBER: usize = 24;

/// Whether `json` is certainly one flat JSON object of unique members, in the shape described
/// in the module docs; `false` leaves the decision to the full check.
pub(crate) fn is_flat_and_unique(json: &str) -> bool {
    let mut scan = Scan {
        rest: json.as_bytes(),
    };
    scan.object().is_some() && {
        scan.space();
        scan.rest.is_empty()
    }
}

/// A member name as compared: its length and first eight bytes decide almost every comparison,
/// the whole bytes the rest.
#[derive(Clone, Copy)]
struct Name<'a> {
    key: u128,
    bytes: &'a [u8],
}

impl<'a> Name<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let head = bytes
            .iter()
            .take(8)
            .enumerate()
            .fold(0u64, |head, (i, &b)| head | u64::from(b) << (8 * i));
        Self {
            key: (bytes.len() as u128) << 64 | u128::from(head),
            bytes,
        }
    }

    fn same(&self, other: &Name<'_>) -> bool {
        self.key == other.key && (self.bytes.len() <= 8 || self.bytes == other.bytes)
    }
}

/// What remains of the document; every method answers `None` for "not the quick road's shape".
struct Scan<'a> {
    rest: &'a [u8],
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    fn skip(&mut self, n: usize) {
        self.rest = self.rest.get(n..).unwrap_or_default();
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.skip(1);
        }
    }

    /// Skips white space, then `byte`.
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.space();
        (self.peek()? == byte).then(|| self.skip(1))
    }

    /// Skips white space, then answers whether the next byte closes the list (`close`) or
    /// continues it (`,`), skipping that byte.
    fn closes(&mut self, close: u8) -> Option<bool> {
        self.space();
        let next = self.peek()?;
        self.skip(1);
        match next {
            b',' => Some(false),
            b if b == close => Some(true),
            _ => None,
        }
    }

    /// The top-level object: names unique, values flat.
    fn object(&mut self) -> Option<()> {
        self.eat(b'{')?;
        self.space();
        if self.peek()? == b'}' {
            self.skip(1);
            return Some(());
        }
        let mut names = [Name::new(&[]); FEW];
        let mut count = 0;
        loop {
            self.eat(b'"')?;
            let name = self.string_body()?;
            if count == FEW || name.len() > MAX_NAME_LEN {
                return None;
            }
            let name = Name::new(name);
            if names[..count].iter().any(|seen| seen.same(&name)) {
                return None;
            }
            names[count] = name;
            count += 1;
            self.eat(b':')?;
            self.space();
            if self.peek()? == b'[' {
                self.skip(1);
                self.array()?;
            } else {
                self.scalar()?;
            }
            if self.closes(b'}')? {
                return Some(());
            }
        }
    }

    /// The rest of an array of scalars after its `[`.
    fn array(&mut self) -> Option<()> {
        self.space();
        if self.peek()? == b']' {
            self.skip(1);
            return Some(());
        }
        loop {
            self.space();
            self.scalar()?;
            if self.closes(b']')? {
                return Some(());
            }
        }
    }

    /// A string, number or literal.
    fn scalar(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.skip(1);
                self.string_body().map(drop)
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// The rest of a string after its opening quote, up to and past the closing one; the bytes
    /// between the quotes. An escape or a control character leaves the quick road.
    fn string_body(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest;
        let len = string_stop(rest)?;
        if rest[len] != b'"' {
            return None;
        }
        self.rest = &rest[len + 1..];
        Some(&rest[..len])
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.rest.starts_with(word).then(|| self.skip(word.len()))
    }

    /// A number of the kind tokens carry: RFC 8259's grammar without an exponent,
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)?`, at most [`LONGEST_NUMBER`] bytes long. Longer ones
    /// and exponents leave the quick road: a number beyond the range of an `f64` is refused by
    /// the full check.
    fn number(&mut self) -> Option<()> {
        let before = self.rest.len();
        if self.peek() == Some(b'-') {
            self.skip(1);
        }
        match self.peek()? {
            b'0' => self.skip(1),
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.skip(1);
            self.some_digits()?;
        }
        (before - self.rest.len() <= LONGEST_NUMBER).then_some(())
    }

    fn digits(&mut self) {
        let n = self
            .rest
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.rest.len());
        self.skip(n);
    }

    fn some_digits(&mut self) -> Option<()> {
        let before = self.rest.len();
        self.digits();
        (self.rest.len() < before).then_some(())
    }
}

/// The index of the first byte of `bytes` that ends a string's plain run: a quote, a backslash
/// or a control character. Eight bytes at a time: in each word, the lowest flagged byte is
/// always a true match (a borrow only ever carries upwards), so it is the first one.
fn string_stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let x = u64::from_le_bytes(eight);
        let stops = has_zero(x ^ (ONES * u64::from(b'"')))
            | has_zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::json::check_unique_members;
    use proptest::prelude::*;

    /// The quick road on bytes: text that is not UTF-8 never takes it.
    fn quick(json: &[u8]) -> bool {
        std::str::from_utf8(json).is_ok_and(is_flat_and_unique)
    }

    #[test]
    fn string_stop_finds_the_first_stop_at_every_position() {
        for len in 0..20 {
            for at in 0..=len {
                for stop in [b'"', b'\\', 0x00, 0x1f] {
                    let mut bytes = vec![b'a'; len];
                    // Bytes a borrow could mistake for a stop, everywhere after it.
                    for (i, b) in bytes.iter_mut().enumerate().skip(at + 1) {
                        *b = [0x21, 0x80, 0xff, 0x5d, 0x23][i % 5];
                    }
                    if at < len {
                        bytes[at] = stop;
                        assert_eq!(string_stop(&bytes), Some(at), "{bytes:?}");
                    } else {
                        assert_eq!(string_stop(&bytes), None, "{bytes:?}");
                    }
                }
            }
        }
        let all: Vec<u8> = (0x20..=0xffu8)
            .filter(|&b| b != b'"' && b != b'\\')
            .collect();
        assert_eq!(string_stop(&all), None);
    }

    #[test]
    fn the_usual_payload_takes_the_quick_road() {
        let payload = br#"{"iss":"https://t.example/","sub":"auth0|1","aud":["a","b"],"iat":1700000000,"exp":1700000000.5,"azp":"c","scope":"read:a write:b","n":null,"t":true,"f":false,"neg":-0.5,"e":[]}"#;
        assert!(quick(payload));
        assert!(quick(b" { } "));
        assert!(quick(b"{ \"a\" : [ 1 , \"x\" ] ,\n\"b\":2}"));
    }

    #[test]
    fn anything_else_is_left_to_the_full_check() {
        for doc in [
            &br#"{"a":1,"a":2}"#[..],
            br#"{"ab":1,"ab":2}"#,
            br#"{"abcdefghij":1,"abcdefghij":2}"#,
            br#"{"abcdefghij":1,"abcdefghik":2,"abcdefghij":3}"#,
            br#"{"a":1,"\u0061":2}"#,
            br#"{"a":{"b":1}}"#,
            br#"{"a":[[1]]}"#,
            br#"{"a":[{"b":1}]}"#,
            br#"{"a":"x\"y"}"#,
            b"{\"a\":\"\x01\"}",
            b"{\"a\":\"\xff\"}",
            br#"{"a":01}"#,
            br#"{"a":1.}"#,
            br#"{"a":1e}"#,
            br#"{"a":-}"#,
            br#"{"a":1e3}"#,
            br#"{"a":1E-3}"#,
            br#"{"a":1000000000000000000000000}"#,
            br#"{"a":+1}"#,
            br#"{"a":tru}"#,
            br#"{"a":1,}"#,
            br#"{"a":[1,]}"#,
            br#"{,}"#,
            br#"{"a" 1}"#,
            br#"{"a":1"#,
            br#"{"a":1} {}"#,
            br#"[]"#,
            b"",
        ] {
            assert!(!quick(doc), "{}", String::from_utf8_lossy(doc));
        }
        let many: Vec<String> = (0..=FEW).map(|i| format!("\"m{i}\":{i}")).collect();
        assert!(!quick(format!("{{{}}}", many.join(",")).as_bytes()));
        assert!(quick(format!("{{{}}}", many[..FEW].join(",")).as_bytes()));
    }

    /// Fragments that put together make flat objects, near-flat ones and broken ones.
    fn fragment() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\"a\"",
            "\"b\"",
            "\"a\"",
            "\"\\u0061\"",
            "\"\\\"\"",
            "1",
            "-0",
            "0.5",
            "1e3",
            "1e999",
            "99999999999999999999999999",
            "01",
            "1.",
            "true",
            "null",
            "fals",
            "\"é\"",
            "\u{1}",
            "\"",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// The word-at-a-time search finds what a byte-at-a-time one finds.
        #[test]
        fn string_stop_agrees_with_a_plain_search(bytes in prop::collection::vec(prop::sample::select(vec![0u8, 0x1f, 0x20, 0x21, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff]), 0..40)) {
            let plain = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            prop_assert_eq!(string_stop(&bytes), plain);
        }

        /// The quick road never passes what the full check refuses.
        #[test]
        fn never_passes_what_the_full_check_refuses(parts in prop::collection::vec(fragment(), 0..24)) {
            let doc = parts.concat();
            if quick(doc.as_bytes()) {
                prop_assert!(check_unique_members(doc.as_bytes()).is_ok(), "{}", doc);
            }
        }

        /// Generated flat objects take it exactly when their names are unique.
        #[test]
        fn flat_objects_pass_exactly_when_unique(names in prop::collection::vec("(abcdefgh)?[a-c]{1,2}", 0..FEW), values in prop::collection::vec(prop::sample::select(vec!["1", "\"s\"", "[1,\"t\"]", "null", "-2.5"]), FEW)) {
            let members: Vec<String> = names.iter().zip(&values).map(|(n, v)| format!("\"{n}\":{v}")).collect();
            let doc = format!("{{{}}}", members.join(","));
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(quick(doc.as_bytes()), unique.len() == names.len(), "{}", doc);
            prop_assert_eq!(check_unique_members(doc.as_bytes()).is_ok(), unique.len() == names.len());
        }
    }
}
