//! One linear pass over a JSON document read from a token, a JWKS or a discovery document:
//! it accepts only a UTF-8 JSON object whose member names are unique at every depth (RFC 7515
//! §4, RFC 7519 §4, RFC 7517 §4: the crate refuses duplicates rather than picking one), within
//! caps on members per object, nesting depth and member-name length, so that the work done on
//! untrusted input is linear in its length with a small constant.

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use crate::error::ErrorKind;

/// Most members one object may have. Auth0 tokens carry a dozen or two, a JWK about ten, a
/// discovery document about forty.
pub(crate) const MAX_MEMBERS: usize = 256;
/// Deepest nesting of objects and arrays.
pub(crate) const MAX_DEPTH: usize = 32;
/// Longest member name, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 1024;
/// Objects up to this size compare names by a linear scan; larger ones use a hash set (seeded
/// per process, so colliding names cannot be prepared in advance).
const SMALL_OBJECT: usize = 16;

/// Fails with [`ErrorKind::Malformed`] unless `text` is one JSON object whose member names
/// are unique at every depth, within the caps of this module. Skipped values are not decoded:
/// the whole document's encoding is checked by the caller, which turned its bytes into `text`.
pub(crate) fn check_text(text: &str) -> Result<(), ErrorKind> {
    check_text_within(text, MAX_MEMBERS)
}

/// [`check_text`] with at most `max_members` members per object.
fn check_text_within(text: &str, max_members: usize) -> Result<(), ErrorKind> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(Object {
        depth: 1,
        max_members,
    })
    .map_err(|_| ErrorKind::Malformed)?;
    de.end().map_err(|_| ErrorKind::Malformed)
}

/// [`check_text`] on bytes, which must be UTF-8.
#[cfg(test)]
pub(crate) fn check_unique_members(json: &[u8]) -> Result<(), ErrorKind> {
    check_unique_members_within(json, MAX_MEMBERS)
}

/// [`check_unique_members`] with at most `max_members` members per object.
#[cfg(test)]
fn check_unique_members_within(json: &[u8], max_members: usize) -> Result<(), ErrorKind> {
    let text = std::str::from_utf8(json).map_err(|_| ErrorKind::Malformed)?;
    check_text_within(text, max_members)
}

/// A top-level member of a JOSE header as [`read_header`] keeps it.
#[derive(Debug, Default)]
pub(crate) enum Member {
    /// Absent, or `null`.
    #[default]
    Absent,
    /// A string.
    Str(String),
    /// Any other value.
    Other,
}

/// What [`read_header`] keeps of a header object.
#[derive(Debug, Default)]
pub(crate) struct HeaderMembers {
    pub(crate) alg: Member,
    pub(crate) kid: Member,
    pub(crate) typ: Member,
    /// Whether a member named in `refused` is present (whatever its value, `null` included).
    pub(crate) refused: bool,
}

/// [`check_text`] and the reading of a header in the same pass: fails with
/// [`ErrorKind::Malformed`] exactly when that check does, and otherwise returns the values of
/// `alg`, `kid` and `typ` and whether any member named in `refused` is present.
pub(crate) fn read_header(
    json: &[u8],
    max_members: usize,
    refused: &'static [&'static str],
) -> Result<HeaderMembers, ErrorKind> {
    let text = std::str::from_utf8(json).map_err(|_| ErrorKind::Malformed)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let members = de
        .deserialize_map(Header {
            max_members,
            refused,
        })
        .map_err(|_| ErrorKind::Malformed)?;
    de.end().map_err(|_| ErrorKind::Malformed)?;
    Ok(members)
}

/// The top-level object of a header: [`Object`] at depth 1, keeping some members.
struct Header {
    max_members: usize,
    refused: &'static [&'static str],
}

impl<'de> Visitor<'de> for Header {
    type Value = HeaderMembers;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with unique member names")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeaderMembers, A::Error> {
        let mut members = HeaderMembers::default();
        let mut seen = Seen::new();
        let mut count = 0usize;
        let value = || Value {
            depth: 1,
            max_members: self.max_members,
        };
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            count += 1;
            if count > self.max_members {
                return Err(de::Error::custom("too many members"));
            }
            let slot = match name.as_ref() {
                "alg" => Some(&mut members.alg),
                "kid" => Some(&mut members.kid),
                "typ" => Some(&mut members.typ),
                other => {
                    if self.refused.contains(&other) {
                        members.refused = true;
                    }
                    None
                }
            };
            if !seen.insert(name) {
                return Err(de::Error::custom("duplicate member"));
            }
            match slot {
                Some(slot) => *slot = map.next_value_seed(Keep(value()))?,
                None => map.next_value_seed(value())?,
            }
        }
        Ok(members)
    }
}

/// A value checked like [`Value`], kept when it is a string.
struct Keep(Value);

impl<'de> DeserializeSeed<'de> for Keep {
    type Value = Member;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Member, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Keep {
    type Value = Member;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Member, A::Error> {
        self.0.visit_map(map).map(|()| Member::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Member, A::Error> {
        self.0.visit_seq(seq).map(|()| Member::Other)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Member, E> {
        Ok(Member::Other)
    }
    fn visit_str<E>(self, v: &str) -> Result<Member, E> {
        Ok(Member::Str(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Member, E> {
        Ok(Member::Absent)
    }
}

/// The member names of one object seen so far: the first [`SMALL_OBJECT`] on the stack (no
/// allocation for the common small object), then a hash set.
#[allow(clippy::large_enum_variant)] // the small variant is the point: it lives on the stack
enum Seen<'de> {
    Few {
        names: [Cow<'de, str>; SMALL_OBJECT],
        len: usize,
    },
    Many(HashSet<Cow<'de, str>>),
}

impl<'de> Seen<'de> {
    fn new() -> Self {
        Self::Few {
            names: [const { Cow::Borrowed("") }; SMALL_OBJECT],
            len: 0,
        }
    }

    /// Records `name`; false if it was already there.
    fn insert(&mut self, name: Cow<'de, str>) -> bool {
        match self {
            Self::Few { names, len } if *len < SMALL_OBJECT => {
                if names[..*len].contains(&name) {
                    return false;
                }
                names[*len] = name;
                *len += 1;
                true
            }
            Self::Few { names, .. } => {
                let mut set: HashSet<Cow<'de, str>> =
                    names.iter_mut().map(std::mem::take).collect();
                let fresh = set.insert(name);
                *self = Self::Many(set);
                fresh
            }
            Self::Many(set) => set.insert(name),
        }
    }
}

/// An object at `depth`.
struct Object {
    depth: usize,
    max_members: usize,
}

impl<'de> Visitor<'de> for Object {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with unique member names")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Seen::new();
        let mut count = 0usize;
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            count += 1;
            if count > self.max_members {
                return Err(de::Error::custom("too many members"));
            }
            if !seen.insert(name) {
                return Err(de::Error::custom("duplicate member"));
            }
            map.next_value_seed(Value {
                depth: self.depth,
                max_members: self.max_members,
            })?;
        }
        Ok(())
    }
}

/// Any value inside an object or array at `depth`.
struct Value {
    depth: usize,
    max_members: usize,
}

impl<'de> DeserializeSeed<'de> for Value {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        nested(self.depth)?;
        Object {
            depth: self.depth + 1,
            max_members: self.max_members,
        }
        .visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        nested(self.depth)?;
        let inner = || Value {
            depth: self.depth + 1,
            max_members: self.max_members,
        };
        while seq.next_element_seed(inner())?.is_some() {}
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

fn nested<E: de::Error>(depth: usize) -> Result<(), E> {
    if depth >= MAX_DEPTH {
        Err(E::custom("nested too deeply"))
    } else {
        Ok(())
    }
}

/// A member name, borrowed from the input unless it contains escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                long(v)?;
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                long(v)?;
                Ok(Name(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(NameVisitor)
    }
}

fn long<E: de::Error>(name: &str) -> Result<(), E> {
    if name.len() > MAX_NAME_LEN {
        Err(E::custom("member name too long"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object_with_members(n: usize) -> String {
        let members: Vec<String> = (0..n).map(|i| format!("\"m{i}\":{i}")).collect();
        format!("{{{}}}", members.join(","))
    }

    fn nested_arrays(depth: usize) -> String {
        format!("{{\"a\":{}1{}}}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn unique_members_at_every_depth() {
        assert!(check_unique_members(br#"{"a":1,"b":{"a":1,"c":[{"a":2}]}}"#).is_ok());
        assert!(check_unique_members(br#"{"a":1,"a":1}"#).is_err());
        assert!(check_unique_members(br#"{"a":1,"\u0061":2}"#).is_err());
        assert!(check_unique_members(br#"{"a":1,"b":{"a":1,"a":2}}"#).is_err());
        assert!(check_unique_members(br#"{"keys":[{"a":1,"a":2}]}"#).is_err());
        assert!(check_unique_members(b"[]").is_err());
        assert!(check_unique_members(b"{} {}").is_err());
        assert!(check_unique_members(b"\xef\xbb\xbf{}").is_err());
        assert!(check_unique_members(b"{\"a\":\"\xff\"}").is_err());
    }

    #[test]
    fn duplicates_found_past_the_small_object_size() {
        let mut json = object_with_members(SMALL_OBJECT + 10);
        json.pop();
        json.push_str(",\"m3\":0}");
        assert!(check_unique_members(json.as_bytes()).is_err());
        let mut json = object_with_members(SMALL_OBJECT + 10);
        json.pop();
        json.push_str(&format!(",\"m{}\":0}}", SMALL_OBJECT + 5));
        assert!(check_unique_members(json.as_bytes()).is_err());
    }

    #[test]
    fn caps() {
        assert!(check_unique_members(object_with_members(MAX_MEMBERS).as_bytes()).is_ok());
        assert!(check_unique_members(object_with_members(MAX_MEMBERS + 1).as_bytes()).is_err());
        assert!(check_unique_members(nested_arrays(MAX_DEPTH - 1).as_bytes()).is_ok());
        assert!(check_unique_members(nested_arrays(MAX_DEPTH).as_bytes()).is_err());
        let small = object_with_members(9);
        assert!(check_unique_members_within(small.as_bytes(), 9).is_ok());
        assert!(check_unique_members_within(small.as_bytes(), 8).is_err());
        let name = "n".repeat(MAX_NAME_LEN);
        assert!(check_unique_members(format!("{{\"{name}\":1}}").as_bytes()).is_ok());
        assert!(check_unique_members(format!("{{\"{name}x\":1}}").as_bytes()).is_err());
    }
}
