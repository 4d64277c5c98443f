//! Decimals (`Type::Decimal`, optionally not negative): a JSON number or a string, written
//! as its one canonical text (`scalar::canonical_decimal`). A record the CSV reader marked
//! as written with decimal commas (`--decimal-comma`, `Check::decimal_comma`) has its text
//! read with `,` as the decimal mark; JSON strings and XML text never are.

use super::Value;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::{Node, trim};
use crate::rules::Checker;
use crate::rules::scalar::{self, NumberError};

pub(super) fn check(c: &mut Checker, v: &Value, min_zero: bool, out: &mut Vec<u8>) -> bool {
    let (text, comma) = match v.node {
        Node::Number(n) => (*n, false),
        Node::Str(s) => (trim(s), false),
        Node::Text(s) => (trim(s), c.check.decimal_comma),
        other => {
            c.bad_type(v.field, other, v.path, "a number");
            return false;
        }
    };
    let message = match scalar::canonical_decimal(text, comma) {
        Ok(n) if !(min_zero && scalar::is_negative(&n)) => {
            out.extend_from_slice(n.as_bytes());
            return true;
        }
        Ok(_) => (
            Code::OutOfRange,
            format!(
                "{} {} must not be negative",
                v.field.name,
                c.show_plain(v.field, text)
            ),
        ),
        Err(NumberError::OutOfRange) => (
            Code::OutOfRange,
            format!(
                "{} {} is too large or too small to be represented",
                v.field.name,
                c.show_plain(v.field, text)
            ),
        ),
        Err(NumberError::NotANumber) => {
            let hint = if !comma && text.contains(',') {
                " (for a decimal comma pass --decimal-comma)"
            } else {
                ""
            };
            (
                Code::BadType,
                format!(
                    "{}: {} is not a decimal number{hint}",
                    v.field.name,
                    c.show(v.field, text)
                ),
            )
        }
    };
    let (code, message) = message;
    c.report(Diagnostic::error(code, v.path.render(), message));
    false
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, run, run_as, settings, string, text};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::record::Node;
    use crate::rules::{Check, RuleSettings};

    /// `initialDepositAmount` (not negative) of a CSV record, decimal commas or not.
    fn csv(s: &RuleSettings, cell: &str, decimal_comma: bool) -> (Option<String>, Vec<Diagnostic>) {
        let check = Check {
            decimal_comma,
            ..Check::new(s)
        };
        run_as(check, "initialDepositAmount", &text(cell), false)
    }

    #[test]
    fn decimals_are_written_canonically() {
        let s = settings();
        assert_eq!(
            run(&s, "initialDepositAmount", &number("1.50"))
                .0
                .as_deref(),
            Some("1.5")
        );
        assert_eq!(
            run(&s, "initialDepositAmount", &string(" 1e3 "))
                .0
                .as_deref(),
            Some("1000")
        );
    }

    #[test]
    fn a_decimal_comma_is_read_only_in_a_record_marked_so() {
        let s = settings();
        assert_eq!(csv(&s, "1.234,5", true), (Some("1234.5".into()), vec![]));
        let no_comma = Diagnostic::error(
            Code::BadType,
            "initialDepositAmount",
            "initialDepositAmount: \"1,5\" is not a decimal number (for a decimal comma pass \
             --decimal-comma)",
        );
        assert_eq!(csv(&s, "1,5", false), (None, vec![no_comma.clone()]));
        // A JSON string is never read with a decimal comma.
        let check = Check {
            decimal_comma: true,
            ..Check::new(&s)
        };
        let json = run_as(check, "initialDepositAmount", &string("1,5"), false);
        assert_eq!(json, (None, vec![no_comma]));
        // With the comma as the mark, a comma is no hint.
        assert_eq!(
            csv(&s, "1,5,5", true).1[0].message,
            "initialDepositAmount: \"1,5,5\" is not a decimal number"
        );
    }

    #[test]
    fn range_errors() {
        let s = settings();
        assert_eq!(
            run(&s, "initialDepositAmount", &number("-0.01")),
            (
                None,
                vec![Diagnostic::error(
                    Code::OutOfRange,
                    "initialDepositAmount",
                    "initialDepositAmount -0.01 must not be negative"
                )]
            )
        );
        // A wealth amount may be negative.
        assert_eq!(
            run(&s, "amount", &number("-0.01")).0.as_deref(),
            Some("-0.01")
        );
        assert_eq!(
            run(&s, "amount", &number("1e999999999999")).1,
            vec![Diagnostic::error(
                Code::OutOfRange,
                "amount",
                "amount 1e999999999999 is too large or too small to be represented"
            )]
        );
        assert_eq!(
            run(&s, "amount", &Node::Bool(false)).1[0].message,
            "amount: expected a number, found boolean"
        );
    }
}
