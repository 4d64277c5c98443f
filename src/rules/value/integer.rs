//! Integers (`Type::Int`, with an optional minimum) and percentages (`Type::Percent`, an
//! integer from 0 to 100): a JSON integer or a string of digits, of any size, written as
//! its canonical text (`scalar::canonical_integer`).

use std::borrow::Cow;

use super::Value;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;
use crate::rules::{Checker, scalar};

/// An integer, at least `min` when there is one.
pub(super) fn int(c: &mut Checker, v: &Value, min: Option<i64>, out: &mut Vec<u8>) -> bool {
    let Some(n) = integer(c, v) else {
        return false;
    };
    if let Some(min) = min
        && is_below(&n, min)
    {
        c.report(Diagnostic::error(
            Code::OutOfRange,
            v.path.render(),
            format!(
                "{} {} is below the minimum {min}",
                v.field.name,
                c.show_plain(v.field, n.as_ref())
            ),
        ));
        return false;
    }
    out.extend_from_slice(n.as_bytes());
    true
}

/// A percentage: an integer from 0 to 100.
pub(super) fn percent(c: &mut Checker, v: &Value, out: &mut Vec<u8>) -> bool {
    let Some(n) = integer(c, v) else {
        return false;
    };
    if !scalar::is_negative(&n) && scalar::compare_integers(&n, "100").is_le() {
        out.extend_from_slice(n.as_bytes());
        return true;
    }
    c.report(Diagnostic::error(
        Code::OutOfRange,
        v.path.render(),
        format!(
            "{} {} is not a percentage from 0 to 100",
            v.field.name,
            c.show_plain(v.field, n.as_ref())
        ),
    ));
    false
}

/// An Integer (spec §2): a JSON integer or a string of digits, of any size, as its
/// canonical text (see `scalar::canonical_integer`); None once reported.
fn integer<'t>(c: &mut Checker, v: &Value<'t, '_>) -> Option<Cow<'t, str>> {
    let text = match v.node {
        Node::Number(n) => *n,
        Node::Str(s) | Node::Text(s) => crate::record::trim(s),
        other => {
            c.report(Diagnostic::error(
                Code::BadType,
                v.path.render(),
                format!(
                    "{}: expected an integer, found {}",
                    v.field.name,
                    other.kind()
                ),
            ));
            return None;
        }
    };
    match scalar::canonical_integer(text) {
        Ok(n) => Some(n),
        Err(_) => {
            // 1e400 and 1.5 are numbers, but not integers.
            c.report(Diagnostic::error(
                Code::BadType,
                v.path.render(),
                format!(
                    "{}: {} is not an integer",
                    v.field.name,
                    c.show(v.field, text)
                ),
            ));
            None
        }
    }
}

/// Whether a canonical Integer is below `min`, without allocating: one that does not fit an
/// `i64` is below any `i64` when negative, above it otherwise.
fn is_below(n: &str, min: i64) -> bool {
    match n.parse::<i64>() {
        Ok(n) => n < min,
        Err(_) => scalar::is_negative(n),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, run, settings, string, text};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::record::Node;

    #[test]
    fn integers_of_any_size_are_written_canonically() {
        let s = settings();
        assert_eq!(
            run(&s, "companyAssetValue", &number("-0")).0.as_deref(),
            Some("0")
        );
        assert_eq!(
            run(&s, "companyAssetValue", &text(" 0012 ")).0.as_deref(),
            Some("12")
        );
        let big = "123456789012345678901234567890";
        assert_eq!(
            run(&s, "companyAssetValue", &string(big)).0.as_deref(),
            Some(big)
        );
    }

    #[test]
    fn a_fraction_or_a_boolean_is_no_integer() {
        let s = settings();
        assert_eq!(
            run(&s, "companyAssetValue", &number("1.5")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadType,
                    "companyAssetValue",
                    "companyAssetValue: \"1.5\" is not an integer"
                )]
            )
        );
        assert_eq!(
            run(&s, "companyAssetValue", &Node::Bool(true)).1[0].message,
            "companyAssetValue: expected an integer, found boolean"
        );
    }

    #[test]
    fn a_minimum_holds_for_integers_of_any_size() {
        let s = settings();
        // numberOfEmployees: a count, at least 0.
        assert_eq!(
            run(&s, "numberOfEmployees", &number("0")).0.as_deref(),
            Some("0")
        );
        for n in ["-1", "-99999999999999999999999"] {
            assert_eq!(
                run(&s, "numberOfEmployees", &number(n)),
                (
                    None,
                    vec![Diagnostic::error(
                        Code::OutOfRange,
                        "numberOfEmployees",
                        format!("numberOfEmployees {n} is below the minimum 0")
                    )]
                ),
            );
        }
        assert!(
            run(&s, "numberOfEmployees", &number("99999999999999999999999"))
                .0
                .is_some()
        );
    }

    #[test]
    fn a_percentage_is_from_0_to_100() {
        let s = settings();
        for n in ["0", "100", "0100"] {
            assert!(run(&s, "share", &string(n)).0.is_some(), "{n}");
        }
        for (n, shown) in [
            ("101", "101"),
            ("-1", "-1"),
            ("1000000000000000000000", "1000000000000000000000"),
        ] {
            assert_eq!(
                run(&s, "share", &number(n)),
                (
                    None,
                    vec![Diagnostic::error(
                        Code::OutOfRange,
                        "share",
                        format!("share {shown} is not a percentage from 0 to 100")
                    )]
                ),
            );
        }
    }
}
