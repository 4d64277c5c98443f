//! `--redact`: masking personal values so that an error report can be mailed to a data
//! owner. A masked value keeps its first character and its length (`Eglė` -> `E***`); field
//! names, codes and paths are kept.

use std::borrow::Cow;

use crate::canonical;
use crate::catalog::{self, Shape, Type};
use crate::record::Node;

/// `Eglė` -> `E***`.
pub fn mask(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let mut out = String::with_capacity(text.len());
            out.push(first);
            out.extend(chars.map(|_| '*'));
            out
        }
    }
}

/// Whether a value spans lines. Under `--redact` such a value is masked whatever its
/// field: in a CSV file a stray quote makes one cell of everything up to the next quote,
/// later rows (and their names and birth dates) included, and nothing tells that cell from
/// a genuine multi-line text. A lead's codes, dates and names never span lines.
pub fn may_hold_other_records(text: &str) -> bool {
    text.bytes().any(|b| b == b'\n' || b == b'\r')
}

/// Writes a record as read with the values of personal fields masked. Values under names
/// the catalog does not know are masked too: nobody can say what they hold. Below such a
/// place the names of an object's members are masked as well (`"firstName": {"Eglė": 1}`):
/// they are not field names of the catalog but data, and no finding names them.
pub fn write_masked(out: &mut Vec<u8>, node: &Node) {
    write_in(out, node, Some(&catalog::LEAD), false);
}

fn write_in(out: &mut Vec<u8>, node: &Node, shape: Option<&Shape>, personal: bool) {
    match node {
        Node::Map(fields) => {
            out.push(b'{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if personal {
                    canonical::write_str(out, &mask(k));
                } else {
                    canonical::write_str(out, k);
                }
                out.push(b':');
                if personal {
                    write_in(out, v, None, true);
                    continue;
                }
                let field = shape.and_then(|s| s.lookup(k).map(|i| &s.fields[i]));
                match field {
                    Some(f) => {
                        let inner = match &f.ty {
                            Type::List(s) | Type::Object(s) => Some(*s),
                            _ => None,
                        };
                        write_in(out, v, inner, f.personal);
                    }
                    None => write_in(out, v, None, true),
                }
            }
            out.push(b'}');
        }
        Node::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_in(out, item, shape, personal);
            }
            out.push(b']');
        }
        Node::Str(s) | Node::Text(s) if may_hold_other_records(s) => {
            canonical::write_str(out, &mask(s));
        }
        leaf if personal => {
            let text: Cow<str> = match leaf {
                Node::Str(s) | Node::Text(s) => Cow::Borrowed(s.as_ref()),
                Node::Number(n) => Cow::Borrowed(n),
                Node::Bool(b) => Cow::Owned(b.to_string()),
                _ => {
                    canonical::write_node(out, leaf);
                    return;
                }
            };
            canonical::write_str(out, &mask(&text));
        }
        leaf => canonical::write_node(out, leaf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_first_character_and_length() {
        assert_eq!(mask("Eglė"), "E***");
        assert_eq!(mask("1990-07-15"), "1*********");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn personal_and_unknown_values_are_masked_in_records() {
        let text = r#"{"firstName":"Eglė","requester":"bank","middleName":"Rūta","listContact":[{"contactType":"EMAIL","contactDetails":"e@x.lt"}]}"#;
        let node = crate::source::json_value::parse(text, 64).unwrap();
        let mut out = Vec::new();
        write_masked(&mut out, &node);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"firstName":"E***","requester":"bank","middleName":"R***","listContact":[{"contactType":"EMAIL","contactDetails":"e*****"}]}"#
        );
    }

    #[test]
    fn values_spanning_lines_are_masked_whatever_their_field() {
        let node = crate::record::Node::Map(vec![
            (
                "citizenshipCountry".into(),
                Node::Text("LT\nC2,Jonas".into()),
            ),
            ("requester".into(), Node::Text("bank".into())),
        ]);
        let mut out = Vec::new();
        write_masked(&mut out, &node);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"citizenshipCountry":"L**********","requester":"bank"}"#
        );
    }

    #[test]
    fn names_inside_personal_and_unknown_values_are_masked() {
        let text = r#"{"firstName":{"Eglė":["Rūta",{"Jonas":1}]},"note":{"Vilnius":"x"},"requester":"bank"}"#;
        let node = crate::source::json_value::parse(text, 64).unwrap();
        let mut out = Vec::new();
        write_masked(&mut out, &node);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"firstName":{"E***":["R***",{"J****":"1"}]},"note":{"V******":"x"},"requester":"bank"}"#
        );
    }
}
