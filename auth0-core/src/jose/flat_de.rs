//! Claims read straight from the members [`super::flat`] found: a serde deserializer over a flat
//! object whose strings hold no escape and whose numbers are all short non-negative integers.
//!
//! It hands every visitor what serde_json hands it for the same text (a borrowed string for a
//! string, a `u64` for such a number, `()` for `null`, a sequence for an array, a map for the
//! object), so any `Deserialize` type reads the same value either way; what it saves is parsing
//! the text a second time. Under test and fuzzing every read is repeated with serde_json, and the
//! two must agree.

use serde::de::value::{BorrowedStrDeserializer, Error};
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde::forward_to_deserialize_any;

use super::flat::{self, Members};

/// Reads a `T` from the members of a flat object whose numbers are all plain
/// ([`Members::plain_numbers`]). Member names are handed out as strings only: a map keyed by
/// numbers (which serde_json parses out of its keys' text) is not for this reader; the claims
/// are a struct.
pub(crate) fn from_members<'de, T: de::Deserialize<'de>>(
    members: &Members<'de>,
) -> Result<T, Error> {
    T::deserialize(Object(members))
}

/// The whole object.
struct Object<'m, 'de>(&'m Members<'de>);

impl<'de> Deserializer<'de> for Object<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut access = MemberAccess {
            members: self.0.iter(),
            value: "",
        };
        let object = visitor.visit_map(&mut access)?;
        // serde_json refuses an object its visitor left unfinished.
        match access.members.next() {
            None => Ok(object),
            Some(_) => Err(de::Error::custom("members left unread")),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// The members one after the other; `value` is the raw value of the last name handed out.
struct MemberAccess<'de, I> {
    members: I,
    value: &'de str,
}

impl<'de, I: Iterator<Item = (&'de str, &'de str)>> de::MapAccess<'de> for MemberAccess<'de, I> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((name, value)) = self.members.next() else {
            return Ok(None);
        };
        self.value = value;
        seed.deserialize(BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(Value(self.value))
    }
}

/// One value, as its raw text: a string without escapes, a plain integer, a literal, or an array
/// of those.
struct Value<'de>(&'de str);

impl<'de> Value<'de> {
    /// The text between the first and last byte (a string's quotes, an array's brackets).
    fn inner(&self) -> &'de str {
        self.0
            .get(1..self.0.len().saturating_sub(1))
            .unwrap_or_default()
    }
}

impl<'de> Deserializer<'de> for Value<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.as_bytes().first() {
            Some(b'"') => visitor.visit_borrowed_str(self.inner()),
            Some(b'[') => {
                let mut elements = Elements(flat::elements(self.inner()));
                let array = visitor.visit_seq(&mut elements)?;
                // serde_json refuses an array its visitor left unfinished (a tuple too short).
                match elements.0.next() {
                    None => Ok(array),
                    Some(_) => Err(de::Error::custom("elements left unread")),
                }
            }
            Some(b't') => visitor.visit_bool(true),
            Some(b'f') => visitor.visit_bool(false),
            Some(b'n') => visitor.visit_unit(),
            _ => match self.0.parse::<u64>() {
                Ok(n) => visitor.visit_u64(n),
                // Not reached: the scan let through only plain integers.
                Err(_) => Err(de::Error::custom("not a plain integer")),
            },
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0 == "null" {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A string names a unit variant; anything else is refused by the visitor.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if self.0.starts_with('"') {
            let variant = BorrowedStrDeserializer::<'de, Error>::new(self.inner());
            variant.deserialize_enum(name, variants, visitor)
        } else {
            self.deserialize_any(visitor)
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.starts_with('"') {
            visitor.visit_borrowed_bytes(self.inner().as_bytes())
        } else {
            self.deserialize_any(visitor)
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    /// Only a string names a field or a variant (serde_json reads no number as one).
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.starts_with('"') {
            visitor.visit_borrowed_str(self.inner())
        } else {
            Err(de::Error::custom("an identifier that is not a string"))
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map struct
    }
}

/// The elements of an array, each a scalar.
struct Elements<I>(I);

impl<'de, I: Iterator<Item = &'de str>> de::SeqAccess<'de> for Elements<I> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|e| seed.deserialize(Value(e)))
            .transpose()
    }
}

/// Reads `text` with this reader and with serde_json into several kinds of `Deserialize` type
/// (the access-token claims, a JSON value, a typed struct, a map) and panics unless both give
/// the same value or both refuse. Documents the quick scan does not hand over, or whose
/// numbers are not all plain, are skipped.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn assert_agrees(text: &str) {
    use std::collections::BTreeMap;

    use crate::verify::claims::RawClaims;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum Kind {
        A,
        #[serde(rename = "b")]
        B,
        C(u8),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Typed {
        #[serde(default)]
        a: Option<String>,
        #[serde(default)]
        b: Vec<u64>,
        #[serde(default)]
        c: Option<bool>,
        #[serde(default)]
        d: Option<()>,
        #[serde(default)]
        e: Option<Kind>,
        #[serde(default)]
        f: Option<u8>,
        #[serde(default)]
        g: Option<i32>,
        #[serde(default)]
        h: Option<f64>,
        #[serde(default)]
        i: Option<char>,
        #[serde(default)]
        j: Option<(String, u64)>,
        #[serde(flatten)]
        rest: BTreeMap<String, serde_json::Value>,
    }

    fn same<T: de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        members: &Members<'_>,
        text: &str,
    ) {
        let ours = from_members::<T>(members).ok();
        let theirs = serde_json::from_str::<T>(text).ok();
        assert_eq!(
            ours, theirs,
            "the flat reader and serde_json disagree on {text:?}"
        );
    }

    let mut members = Members::new(text);
    if !flat::scan(&mut members) || !members.plain_numbers {
        return;
    }
    let claims =
        |raw: RawClaims<serde_json::Map<String, serde_json::Value>>| raw.into_claims().ok();
    assert_eq!(
        from_members(&members).ok().and_then(claims),
        serde_json::from_str(text).ok().and_then(claims),
        "the flat reader and serde_json read different claims from {text:?}"
    );
    same::<serde_json::Value>(&members, text);
    same::<Typed>(&members, text);
    same::<BTreeMap<String, serde_json::Value>>(&members, text);
    same::<BTreeMap<String, Vec<String>>>(&members, text);
}

#[cfg(test)]
#[path = "flat_de_tests.rs"]
mod tests;
