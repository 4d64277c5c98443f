//! Any scalar (`Type::AnyScalar`, `AdditionalValue.value`): text, a number or a boolean,
//! written as a string; whether it fits the declared datatype is `additional`'s business.

use super::Value;
use crate::canonical;
use crate::record::Node;
use crate::rules::Checker;

pub(super) fn check(c: &mut Checker, v: &Value, out: &mut Vec<u8>) -> bool {
    let text = match v.node {
        Node::Str(s) | Node::Text(s) => crate::record::trim(s),
        Node::Bool(b) => {
            if *b {
                "true"
            } else {
                "false"
            }
        }
        Node::Number(n) => n,
        _ => {
            v.bad_type(c, "a string, number or boolean");
            return false;
        }
    };
    canonical::write_str(out, text);
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, run, settings, string};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::record::Node;

    #[test]
    fn every_scalar_is_written_as_a_string() {
        let s = settings();
        for (node, written) in [
            (string(" a \" b "), r#""a \" b""#),
            (number("1.50"), r#""1.50""#),
            (Node::Bool(false), r#""false""#),
        ] {
            assert_eq!(run(&s, "value", &node), (Some(written.into()), vec![]));
        }
        assert_eq!(
            run(&s, "value", &Node::List(vec![])),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadType,
                    "value",
                    "value: expected a string, number or boolean, found array"
                )]
            )
        );
    }
}
