//! Booleans (`Type::Bool`): a JSON boolean, or a boolean word in the text of a CSV or XML
//! file (`scalar::parse_bool_word`). A JSON string is not a boolean.

use super::Value;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;
use crate::rules::{Checker, scalar};

pub(super) fn check(c: &mut Checker, v: &Value, out: &mut Vec<u8>) -> bool {
    let b = match v.node {
        Node::Bool(b) => Some(*b),
        Node::Text(t) => scalar::parse_bool_word(t.trim()),
        _ => None,
    };
    if let Some(b) = b {
        out.extend_from_slice(if b { b"true" } else { b"false" });
        return true;
    }
    let shown = match v.node {
        Node::Str(s) | Node::Text(s) => c.show(v.field, s),
        other => other.kind().to_string(),
    };
    c.report(Diagnostic::error(
        Code::BadType,
        v.path.render(),
        format!("{}: expected true or false, found {shown}", v.field.name),
    ));
    false
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, run, settings, string, text};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::record::Node;

    #[test]
    fn json_booleans_and_text_words() {
        let s = settings();
        assert_eq!(
            run(&s, "isPEP", &Node::Bool(true)).0.as_deref(),
            Some("true")
        );
        assert_eq!(
            run(&s, "isPEP", &text(" false ")).0.as_deref(),
            Some("false")
        );
    }

    #[test]
    fn a_json_string_or_number_is_not_a_boolean() {
        let s = settings();
        let expect = |found: &str| {
            (
                None,
                vec![Diagnostic::error(
                    Code::BadType,
                    "isPEP",
                    format!("isPEP: expected true or false, found {found}"),
                )],
            )
        };
        assert_eq!(run(&s, "isPEP", &string("true")), expect("\"true\""));
        assert_eq!(run(&s, "isPEP", &text("maybe")), expect("\"maybe\""));
        assert_eq!(run(&s, "isPEP", &number("1")), expect("number"));
    }
}
