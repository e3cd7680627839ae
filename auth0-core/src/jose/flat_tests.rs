//! Tests of the quick scan: its word-at-a-time search, the shapes it takes and leaves, and
//! its agreement with the full check.

use super::*;
use crate::jose::json::check_unique_members;
use proptest::prelude::*;

/// The quick road on bytes: text that is not UTF-8 never takes it.
fn quick(json: &[u8]) -> bool {
    std::str::from_utf8(json).is_ok_and(|text| scan(&mut Members::new(text)))
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
