//! A pass over a JSON document that accepts only an object whose member names are unique
//! (RFC 7515 §4, RFC 7519 §4: the crate refuses duplicates rather than picking one).

use serde::Deserializer;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

use crate::verify::error::ErrorKind;

/// Fails with [`ErrorKind::Malformed`] unless `json` is one UTF-8 JSON object whose top-level
/// member names are all distinct.
pub(crate) fn check_unique_members(json: &[u8]) -> Result<(), ErrorKind> {
    // Skipped values are not decoded, so check the encoding of the whole document here.
    std::str::from_utf8(json).map_err(|_| ErrorKind::Malformed)?;
    let mut de = serde_json::Deserializer::from_slice(json);
    de.deserialize_map(UniqueKeys { deep: false })
        .map_err(|_| ErrorKind::Malformed)?;
    de.end().map_err(|_| ErrorKind::Malformed)
}

/// Like [`check_unique_members`], and every nested object too (used for JWKS documents).
pub(crate) fn check_unique_members_deep(json: &[u8]) -> Result<(), ErrorKind> {
    std::str::from_utf8(json).map_err(|_| ErrorKind::Malformed)?;
    let mut de = serde_json::Deserializer::from_slice(json);
    de.deserialize_map(UniqueKeys { deep: true })
        .map_err(|_| ErrorKind::Malformed)?;
    de.end().map_err(|_| ErrorKind::Malformed)
}

#[derive(Clone, Copy)]
struct UniqueKeys {
    deep: bool,
}

/// A value checked recursively: objects through [`UniqueKeys`], arrays element by element.
struct Deep;

impl<'de> de::DeserializeSeed<'de> for Deep {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(DeepVisitor)
    }
}

struct DeepVisitor;

impl<'de> Visitor<'de> for DeepVisitor {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        UniqueKeys { deep: true }.visit_map(map)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Deep)?.is_some() {}
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

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with unique member names")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: Vec<Cow<'de, str>> = Vec::with_capacity(16);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom("duplicate member"));
            }
            seen.push(key);
            if self.deep {
                map.next_value_seed(Deep)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// A member name, borrowed from the input unless it contains escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_members() {
        assert!(check_unique_members(br#"{"a":1,"b":{"a":1,"a":2}}"#).is_ok());
        assert!(check_unique_members(br#"{"a":1,"a":1}"#).is_err());
        assert!(check_unique_members(br#"{"a":1,"\u0061":2}"#).is_err());
        assert!(check_unique_members(b"[]").is_err());
        assert!(check_unique_members(b"{} {}").is_err());
        assert!(check_unique_members(b"\xef\xbb\xbf{}").is_err());
        assert!(check_unique_members(b"{\"a\":\"\xff\"}").is_err());
        assert!(check_unique_members_deep(br#"{"keys":[{"a":1,"b":[1,{"c":null}]}]}"#).is_ok());
        assert!(check_unique_members_deep(br#"{"keys":[{"a":1,"a":2}]}"#).is_err());
    }
}
