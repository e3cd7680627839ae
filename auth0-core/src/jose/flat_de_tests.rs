//! Tests of the flat reader: the usual claims and the odd shapes read as serde_json reads them.

use super::*;
use proptest::prelude::*;

/// Whether the quick scan takes `text`, and if so whether its numbers are all plain.
fn plain(text: &str) -> Option<bool> {
    let mut members = Members::new(text);
    flat::scan(&mut members).then_some(members.plain_numbers)
}

#[test]
fn the_usual_claims_read_as_serde_json_reads_them() {
    for text in [
        r#"{"iss":"https://t.example/","sub":"auth0|1","aud":["a","b"],"iat":1700000000,"exp":1700003600,"azp":"c","scope":"read:a write:b","permissions":["p"],"org_id":"o"}"#,
        r#"{"iss":"i","sub":"s","aud":"a","exp":1,"iat":0,"x":null,"y":true,"z":[1,"two",false,null]}"#,
        r#"{"a":"x","b":[1,2],"c":true,"d":null,"e":"A","f":255,"g":7,"h":3,"i":"c","j":["s",1]}"#,
        r#"{"e":"b"}"#,
        r#"{"e":"C"}"#,
        r#"{"e":"D"}"#,
        r#"{"f":256}"#,
        r#"{"g":2147483648}"#,
        r#"{"i":"cc"}"#,
        r#"{"j":["s"]}"#,
        r#"{"j":["s",1,2]}"#,
        r#"{"d":1}"#,
        r#"{"aud":[]}"#,
        r#"{"aud":5}"#,
        r#"{"scope":["a"]}"#,
        r#"{"exp":9999999999999999999}"#,
        r#"{"exp":"1"}"#,
        r#"{"cnf":"x"}"#,
        r#"{"iss":null,"sub":"s","aud":"a","exp":1,"iat":0}"#,
        " { \"a\" : \"x\" , \"b\" : [ 1 , 2 ] } ",
        "{}",
    ] {
        assert!(plain(text) == Some(true), "{text} takes the flat reader");
        assert_agrees(text);
    }
}

#[test]
fn numbers_other_than_short_plain_integers_go_to_serde_json() {
    for text in [
        r#"{"exp":-1}"#,
        r#"{"exp":-0}"#,
        r#"{"exp":1.5}"#,
        r#"{"exp":10000000000000000000}"#,
        r#"{"a":[1,2.0]}"#,
    ] {
        assert!(plain(text) == Some(false), "{text}");
    }
}

/// A name: a registered claim, a field of the typed test struct, or another.
fn name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "nbf",
        "jti",
        "azp",
        "scope",
        "permissions",
        "org_id",
        "gty",
        "cnf",
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "g",
        "h",
        "i",
        "j",
        "x",
        "yy",
    ])
}

fn scalar() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "\"\"",
        "\"s\"",
        "\"A\"",
        "\"b\"",
        "\"C\"",
        "\"read:a  write:b\"",
        "\"é\"",
        "\"x y\"",
        "0",
        "1",
        "255",
        "256",
        "2147483648",
        "1700000000",
        "9999999999999999999",
        "true",
        "false",
        "null",
    ])
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        scalar().prop_map(str::to_owned),
        prop::collection::vec(scalar(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Every flat object of plain numbers reads the same with both readers, into every
    /// kind of type the oracle tries.
    #[test]
    fn flat_objects_read_the_same_either_way(members in prop::collection::vec((name(), value()), 0..10)) {
        let mut seen = std::collections::BTreeSet::new();
        let members: Vec<String> = members
            .into_iter()
            .filter(|(n, _)| seen.insert(*n))
            .map(|(n, v)| format!("\"{n}\":{v}"))
            .collect();
        let text = format!("{{{}}}", members.join(","));
        prop_assert!(plain(&text) == Some(true), "{}", text);
        assert_agrees(&text);
    }
}
