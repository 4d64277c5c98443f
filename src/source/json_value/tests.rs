//! Tests of the JSON record parser: values, syntax errors and their places, depth.
use super::*;

fn p(s: &str) -> Result<Node<'_>, SyntaxError> {
    parse(s, 64)
}

#[test]
fn parses_values_and_keeps_duplicates_and_number_text() {
    let n = p(r#" {"a": 1.50, "a": "x", "b": [true, false, null], "c": {}} "#).unwrap();
    let Node::Map(fields) = n else { panic!() };
    assert_eq!(fields.len(), 4);
    assert_eq!(fields[0], (Cow::Borrowed("a"), Node::Number("1.50")));
    assert_eq!(fields[1].1, Node::Str(Cow::Borrowed("x")));
    assert_eq!(
        fields[2].1,
        Node::List(vec![Node::Bool(true), Node::Bool(false), Node::Null])
    );
}

#[test]
fn unescapes_strings() {
    let n = p(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#).unwrap();
    assert_eq!(n, Node::Str(Cow::Owned("a\"b\\c/\né😀".to_string())));
    assert!(matches!(
        p(r#""plain""#).unwrap(),
        Node::Str(Cow::Borrowed("plain"))
    ));
}

#[test]
fn rejects_bad_json_with_offsets() {
    for (text, offset) in [
        ("{\"a\":1,}", 7),
        ("[1 2]", 3),
        ("NaN", 0),
        ("{\"a\": 01}", 7),
        ("\"\\ud800\"", 7),
        ("\"a\tb\"", 2),
        ("1e400x", 5),
        ("{} x", 3),
        ("\"abc", 4),
        ("-", 1),
    ] {
        let e = p(text).unwrap_err();
        assert_eq!(e.offset, offset, "{text}: {e:?}");
    }
    // 1e400 is valid JSON; range is a rule's business, not the parser's.
    assert_eq!(p("1e400").unwrap(), Node::Number("1e400"));
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(100_000);
    let e = p(&deep).unwrap_err();
    assert!(
        e.message.contains("nesting deeper than 64"),
        "{}",
        e.message
    );
    let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert!(p(&ok).is_ok());
    let too = format!("{}{}", "[".repeat(65), "]".repeat(65));
    assert!(p(&too).is_err());
}

#[test]
fn line_and_column() {
    let text = "{\n  \"a\": 1,\n  \"b\": ?\n}";
    let e = p(text).unwrap_err();
    assert_eq!(e.line_col(text), (3, 8));
}
