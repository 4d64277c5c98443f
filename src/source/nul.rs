//! NUL characters (U+0000) in values: a well-formedness fault in every format.
//!
//! XML allows no U+0000 anywhere, raw or as `&#0;`, and JSON no raw NUL in a string; both
//! were already a `parse-error` of their record. A NUL that its format lets through — JSON's
//! `\u0000` escape, a byte in a CSV cell — is the same fault here, so that a value holding
//! one is refused whatever the format it came in: nothing downstream keeps it faithfully
//! (C strings end at it, PostgreSQL's `text` refuses it), and in a name or a code it is
//! never data. The finding is a record's `parse-error`, located by line and column like
//! the others, with the path of the value (or member name) that holds it.

use crate::record::Node;

/// The message of the fault (after its "line L, column C: ").
pub const MESSAGE: &str = "a NUL character (U+0000) in a value; no format allows one";

/// The path of the first string value or member name holding U+0000 (a NUL in a name is
/// written `\u0000`), rendered as the rules
/// render paths (`listContact[0].contactDetails`); `None` when the tree holds none (the
/// NUL was in something the tree does not keep, such as an XML attribute or comment).
pub fn path_of_nul(node: &Node) -> Option<String> {
    let mut path = String::new();
    find(node, &mut path).then_some(path)
}

fn find(node: &Node, path: &mut String) -> bool {
    match node {
        Node::Str(s) | Node::Text(s) => s.contains('\0'),
        Node::Map(fields) => fields.iter().any(|(k, v)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            if k.contains('\0') {
                // A NUL in a member name: written as its JSON escape, not raw into a report.
                path.push_str(&k.replace('\0', "\\u0000"));
                return true;
            }
            path.push_str(k);
            if find(v, path) {
                return true;
            }
            path.truncate(len);
            false
        }),
        Node::List(items) => items.iter().enumerate().any(|(i, v)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            if find(v, path) {
                return true;
            }
            path.truncate(len);
            false
        }),
        Node::Null | Node::Bool(_) | Node::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_of_the_first_nul_is_rendered_like_a_finding_path() {
        let text = r#"{"firstName":"Jonas","listContact":[{"contactType":"EMAIL"},{"contactDetails":"a\u0000b"}]}"#;
        let e = crate::source::json_value::parse(text, 64).unwrap_err();
        assert_eq!(e.path, "listContact[1].contactDetails");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (text.find("\\u0000").unwrap(), MESSAGE)
        );
        // A raw NUL is the same fault (the grammar refuses it too), at the byte.
        let raw = "{\"a\":{\"b\":\"x\0\"}}";
        let e = crate::source::json_value::parse(raw, 64).unwrap_err();
        assert_eq!((e.path.as_str(), e.offset), ("a.b", 12));
        let plain = crate::source::json_value::parse(r#"{"a":["b"]}"#, 64).unwrap();
        assert_eq!(path_of_nul(&plain), None);
        let key = Node::Map(vec![("x\0".into(), Node::Null)]);
        assert_eq!(path_of_nul(&key).as_deref(), Some("x\\u0000"));
    }
}
