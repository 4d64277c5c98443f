//! An AdditionalValue (spec §4): its `value` must read as its `datatype` says (vendor code
//! AV07, C017.C016.AV07 in a related entity), with the vendor's own messages.

use crate::catalog::Shape;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;
use crate::rules::{Checker, Path, Slots, scalar};

/// Checks an AdditionalValue object's `value` against its `datatype` once both were
/// checked on their own (an unknown datatype or a wrong type was reported then).
pub(in crate::rules) fn additional_value(
    c: &mut Checker,
    shape: &Shape,
    slots: &Slots,
    path: &Path,
    in_related: bool,
) {
    let dt = slots[shape.idx("datatype")].and_then(Node::as_text);
    let value = slots[shape.idx("value")].filter(|v| !v.is_absent());
    let code_text = slots[shape.idx("code")]
        .and_then(Node::as_text)
        .unwrap_or("");
    let (Some(dt), Some(value)) = (dt, value) else {
        return;
    };
    let text: String = match value {
        Node::Str(s) | Node::Text(s) => s.trim().to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Number(n) => n.to_string(),
        _ => return, // reported as bad-type already
    };
    let Some(message) = problem(&dt.to_ascii_uppercase(), &text, code_text) else {
        return;
    };
    let code = shape.fields[shape.idx("value")]
        .codes
        .invalid(in_related)
        .unwrap_or(Code::AV07);
    c.report(Diagnostic::error(code, path.key("value").render(), message));
}

/// The vendor's message when `text` is no value of `datatype` (upper-case); None when it is,
/// or the datatype is unknown (reported by the enum check).
fn problem(datatype: &str, text: &str, code_text: &str) -> Option<String> {
    match datatype {
        "STRING" => None,
        "BOOLEAN" => scalar::parse_bool_word(text)
            .is_none()
            .then(|| format!("Bad value for BOOLEAN (values: true false) valueCode: {code_text}")),
        "INTEGER" => scalar::parse_integer(text)
            .is_err()
            .then(|| format!("Bad value for INTEGER valueCode: {code_text}")),
        "DECIMAL" => scalar::canonical_decimal(text, false)
            .is_err()
            .then(|| format!("Bad value for DECIMAL valueCode: {code_text}")),
        "DATE" => scalar::parse_date(text)
            .is_err()
            .then(|| format!("Bad value for DATE (format: 'yyyy-MM-dd') valueCode: {code_text}")),
        "TIMESTAMP" => scalar::check_vendor_timestamp(text).is_err().then(|| {
            format!(
                "Bad value for TIMESTAMP (format: 'yyyy-MM-dd HH:mm:ss.SSSZ') valueCode: \
                 {code_text}"
            )
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, settings, string};
    use crate::catalog::ADDITIONAL_VALUE;
    use crate::diagnostic::Diagnostic;
    use crate::record::Node;
    use crate::rules::{Check, Checker, Path};

    /// The findings of an AdditionalValue with these three fields, at `listAdditionalValues[0]`.
    fn check(datatype: &str, value: &Node, in_related: bool) -> Vec<Diagnostic> {
        let s = settings();
        let mut c = Checker::new(Check::new(&s));
        let shape = &ADDITIONAL_VALUE;
        let (code, datatype) = (string("SCORE"), string(datatype));
        let mut slots = vec![None; shape.fields.len()];
        slots[shape.idx("code")] = Some(&code);
        slots[shape.idx("datatype")] = Some(&datatype);
        slots[shape.idx("value")] = Some(value);
        let root = Path::root();
        let list = root.key("listAdditionalValues");
        super::additional_value(&mut c, shape, &slots, &list.index(0), in_related);
        c.result.diagnostics
    }

    #[test]
    fn values_of_their_datatype_pass() {
        for (datatype, value) in [
            ("STRING", string("anything")),
            ("boolean", Node::Bool(true)),
            ("BOOLEAN", string("FALSE")),
            ("INTEGER", number("-12")),
            ("DECIMAL", string("1.5e3")),
            ("DATE", string("2024-02-29")),
            ("TIMESTAMP", string("2022-12-11 12:10:11.000+0200")),
            ("TIMESTAMP", string("2022-12-11T12:10:11Z")),
            ("COLOUR", string("red")),
        ] {
            assert_eq!(
                check(datatype, &value, false),
                vec![],
                "{datatype} {value:?}"
            );
        }
    }

    #[test]
    fn a_value_not_of_its_datatype_gets_the_vendor_message_and_code() {
        let vendor = |in_related| {
            let field = &ADDITIONAL_VALUE.fields[ADDITIONAL_VALUE.idx("value")];
            field.codes.invalid(in_related).expect("a vendor code")
        };
        let path = "listAdditionalValues[0].value";
        for (datatype, value, message) in [
            (
                "BOOLEAN",
                string("yes"),
                "Bad value for BOOLEAN (values: true false) valueCode: SCORE",
            ),
            (
                "INTEGER",
                number("1.5"),
                "Bad value for INTEGER valueCode: SCORE",
            ),
            (
                "DECIMAL",
                string("1,5"),
                "Bad value for DECIMAL valueCode: SCORE",
            ),
            (
                "DATE",
                string("2023-02-29"),
                "Bad value for DATE (format: 'yyyy-MM-dd') valueCode: SCORE",
            ),
            (
                "TIMESTAMP",
                string("2022-12-11 12:10:11+0200"),
                "Bad value for TIMESTAMP (format: 'yyyy-MM-dd HH:mm:ss.SSSZ') valueCode: SCORE",
            ),
        ] {
            assert_eq!(
                check(datatype, &value, false),
                vec![Diagnostic::error(vendor(false), path, message)]
            );
        }
        assert_eq!(
            check("DATE", &string("soon"), true),
            vec![Diagnostic::error(
                vendor(true),
                path,
                "Bad value for DATE (format: 'yyyy-MM-dd') valueCode: SCORE"
            )]
        );
    }
}
