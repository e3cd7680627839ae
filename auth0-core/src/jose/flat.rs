//! The quick road of the duplicate-member check, for the shape almost every token payload has:
//! one flat object of at most [`FEW`] members whose values are strings, short numbers without
//! exponent, literals or arrays of those, with no escape in any string.
//!
//! [`scan`] answers `true` only for such an object, well-formed and with unique member names;
//! for anything else (a nested object, an escape, a control character, more members, a long
//! number or an exponent, any syntax it does not expect) it answers `false` without deciding, and
//! the caller runs the full check of [`super::json`], which then accepts or refuses. So this road
//! can only ever save work: a document it passes is one the full check passes too. It reads each
//! byte once, with no allocation, and compares names without decoding them (without escapes,
//! equal names are equal bytes). The members it records, names and raw values, are read by
//! [`super::flat_de`] without a second parse.

use super::json::MAX_NAME_LEN;

/// Most members the quick road handles (names are compared pairwise).
const FEW: usize = 16;
/// Longest number the quick road handles: far within an `f64`'s range.
const LONGEST_NUMBER: usize = 24;

/// Longest integer read as it stands (as a `u64`, the way serde_json reads it): 19 digits never
/// overflow.
const LONGEST_PLAIN_INTEGER: usize = 19;

/// Fills `members` (made by [`Members::new`] for the text to scan) and answers `true` when the
/// text is certainly one flat JSON object of unique members, in the shape described in the
/// module docs; `false` leaves the decision to the full check.
pub(crate) fn scan(members: &mut Members<'_>) -> bool {
    let mut scan = Scan::new(members.text);
    if u32::try_from(members.text.len()).is_err() || scan.object(members).is_none() {
        return false;
    }
    scan.space();
    members.plain_numbers = scan.plain_numbers;
    scan.rest.is_empty()
}

/// The members of a flat object, in document order: each name (the bytes between its quotes,
/// which hold no escape) and the raw text of its value, kept as byte ranges of the text.
pub(crate) struct Members<'a> {
    text: &'a str,
    /// Each name's length and first eight bytes, which decide almost every comparison.
    keys: [u128; FEW],
    /// Each member's name and value: `[name start, name end, value start, value end]`.
    spans: [[u32; 4]; FEW],
    count: usize,
    /// Every number in the object is a non-negative integer of at most
    /// [`LONGEST_PLAIN_INTEGER`] digits.
    pub(crate) plain_numbers: bool,
}

impl<'a> Members<'a> {
    /// Room for the members of `text`, to be filled by [`scan`].
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            keys: [0; FEW],
            spans: [[0; 4]; FEW],
            count: 0,
            plain_numbers: false,
        }
    }

    /// The text the members are of.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    fn slice(&self, start: u32, end: u32) -> &'a str {
        // The ranges end at quotes and structural bytes, so they are always within the text and
        // on character boundaries.
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Each member's name and raw value.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.spans[..self.count]
            .iter()
            .map(|&[name, name_end, value, value_end]| {
                (self.slice(name, name_end), self.slice(value, value_end))
            })
    }

    /// Whether a name already seen has the bytes `name` (whose key is `key`).
    fn seen(&self, key: u128, name: &[u8]) -> bool {
        self.keys[..self.count]
            .iter()
            .zip(&self.spans[..self.count])
            .any(|(&seen, &[start, end, ..])| {
                seen == key && (name.len() <= 8 || self.slice(start, end).as_bytes() == name)
            })
    }
}

/// The raw text of each element of an array of scalars, given the text between its brackets.
pub(crate) fn elements(inner: &str) -> impl Iterator<Item = &str> {
    let mut scan = Scan::new(inner);
    std::iter::from_fn(move || {
        scan.space();
        let start = scan.offset();
        scan.scalar()?;
        let element = scan.text.get(start..scan.offset());
        // The separator, if any: the array was checked whole by `scan`.
        let _ = scan.eat(b',');
        element
    })
}

/// A name's comparison key: its length and first eight bytes.
fn name_key(bytes: &[u8]) -> u128 {
    let head = bytes
        .iter()
        .take(8)
        .enumerate()
        .fold(0u64, |head, (i, &b)| head | u64::from(b) << (8 * i));
    (bytes.len() as u128) << 64 | u128::from(head)
}

/// What remains of the document; every method answers `None` for "not the quick road's shape".
struct Scan<'a> {
    text: &'a str,
    rest: &'a [u8],
    /// No number so far is other than a short non-negative integer.
    plain_numbers: bool,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            rest: text.as_bytes(),
            plain_numbers: true,
        }
    }

    /// Where `rest` starts in `text`.
    fn offset(&self) -> usize {
        self.text.len() - self.rest.len()
    }

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
    fn object(&mut self, members: &mut Members<'a>) -> Option<()> {
        self.eat(b'{')?;
        self.space();
        if self.peek()? == b'}' {
            self.skip(1);
            return Some(());
        }
        loop {
            self.eat(b'"')?;
            let name_start = self.offset();
            let name = self.string_body()?;
            if members.count == FEW || name.len() > MAX_NAME_LEN {
                return None;
            }
            let key = name_key(name);
            if members.seen(key, name) {
                return None;
            }
            self.eat(b':')?;
            self.space();
            let value_start = self.offset();
            if self.peek()? == b'[' {
                self.skip(1);
                self.array()?;
            } else {
                self.scalar()?;
            }
            // Offsets fit: `scan` takes no text longer than `u32::MAX`.
            let at = |offset: usize| offset as u32;
            members.keys[members.count] = key;
            members.spans[members.count] = [
                at(name_start),
                at(name_start + name.len()),
                at(value_start),
                at(self.offset()),
            ];
            members.count += 1;
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
        let mut plain = true;
        if self.peek() == Some(b'-') {
            self.skip(1);
            plain = false;
        }
        match self.peek()? {
            b'0' => self.skip(1),
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.skip(1);
            self.some_digits()?;
            plain = false;
        }
        let len = before - self.rest.len();
        self.plain_numbers &= plain && len <= LONGEST_PLAIN_INTEGER;
        (len <= LONGEST_NUMBER).then_some(())
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
#[path = "flat_tests.rs"]
mod tests;
