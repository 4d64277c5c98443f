//! Codes of a list: ISO 3166-1 alpha-2 countries and ISO 4217 currencies (`Type::Country`,
//! `Type::Currency`), and the codes of an AMLYZE classifier (`Type::Classifier`). A list
//! supplied with `--classifiers` replaces the ISO list of its name and is the only one a
//! classifier's codes are checked against (without it, any non-empty code goes).

use super::Value;
use crate::canonical;
use crate::catalog::iso;
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::Checker;

/// The ISO lists built in.
#[derive(Clone, Copy)]
pub(super) enum Iso {
    Country,
    Currency,
}

impl Iso {
    /// The classifier name a supplied list replaces this one under.
    fn name(self) -> &'static str {
        match self {
            Iso::Country => "country",
            Iso::Currency => "currency",
        }
    }

    /// What a value of this list is, for messages.
    fn what(self) -> &'static str {
        match self {
            Iso::Country => "an ISO 3166-1 alpha-2 country code",
            Iso::Currency => "an ISO 4217 currency code",
        }
    }

    fn contains(self, upper: &str) -> bool {
        match self {
            Iso::Country => iso::is_country(upper),
            Iso::Currency => iso::is_currency(upper),
        }
    }
}

/// A country or currency code, in any case; written upper-case.
pub(super) fn iso(c: &mut Checker, v: &Value, list: Iso, out: &mut Vec<u8>) -> bool {
    let Some(text) = v.text() else {
        v.bad_type(c, "a string");
        return false;
    };
    // Codes are 2-3 ASCII letters: upper-case them on the stack. Most are written in upper
    // case already and are their own upper case: no copy, and no `from_utf8` of it (a
    // call, 48 instructions; callgrind, 60,000 XML records: this check 30M to 18M).
    let mut buf = [0u8; 3];
    let short = text.len() <= 3 && text.is_ascii();
    let upper = if short && !text.bytes().any(|b| b.is_ascii_lowercase()) {
        text
    } else if short {
        buf[..text.len()].copy_from_slice(text.as_bytes());
        buf[..text.len()].make_ascii_uppercase();
        std::str::from_utf8(&buf[..text.len()]).unwrap_or("")
    } else {
        ""
    };
    let supplied = c.s.classifiers.as_ref().and_then(|cl| cl.list(list.name()));
    let known = match supplied {
        Some(codes) => codes.contains(upper) || codes.contains(text),
        None => list.contains(upper),
    };
    if known {
        canonical::write_str(out, if upper.is_empty() { text } else { upper });
        return true;
    }
    let shown = c.show(v.field, text);
    // A supplied list replaces the ISO list: say which one the code missed.
    let against = match supplied_file(c, list.name()) {
        Some(file) => format!("in the supplied {} list ({file})", list.name()),
        None => list.what().to_string(),
    };
    c.report(Diagnostic::error(
        v.invalid_code(Code::BadCode),
        v.path.render(),
        format!("{} {shown} is not {against}", v.field.name),
    ));
    false
}

/// A code of classifier `name`: any text, unless a list of it was supplied.
pub(super) fn classifier(c: &mut Checker, v: &Value, name: &str, out: &mut Vec<u8>) -> bool {
    let Some(text) = v.text() else {
        v.bad_type(c, "a string");
        return false;
    };
    if let Some(codes) = c.s.classifiers.as_ref().and_then(|cl| cl.list(name))
        && !codes.contains(text)
    {
        let shown = c.show(v.field, text);
        let file = supplied_file(c, name).unwrap_or_default();
        c.report(Diagnostic::error(
            v.invalid_code(Code::BadCode),
            v.path.render(),
            format!(
                "{} {shown} is not in the supplied {name} classifier ({file})",
                v.field.name
            ),
        ));
        return false;
    }
    canonical::write_str(out, text);
    true
}

/// The file a supplied list (`--classifiers`) came from.
fn supplied_file<'c>(c: &'c Checker, name: &str) -> Option<&'c str> {
    c.s.classifiers.as_ref().and_then(|cl| cl.file(name))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::testing::{field, run, settings, string, text};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::rules::RuleSettings;
    use crate::rules::classifiers::Classifiers;

    fn supplied(lists: &[(&str, &[&str])]) -> RuleSettings {
        let lists = lists.iter().map(|(name, codes)| {
            let codes = codes.iter().map(|c| c.to_string()).collect();
            (name.to_string(), codes)
        });
        RuleSettings {
            classifiers: Some(Arc::new(Classifiers::from_lists(lists))),
            ..settings()
        }
    }

    #[test]
    fn iso_codes_in_any_case_are_written_upper_case() {
        let s = settings();
        assert_eq!(
            run(&s, "citizenshipCountry", &string("lt")),
            (Some("\"LT\"".into()), vec![])
        );
        assert_eq!(
            run(&s, "initialDepositCurrency", &text(" eur ")),
            (Some("\"EUR\"".into()), vec![])
        );
        for written in ["LT", "Lt", "lT"] {
            assert_eq!(
                run(&s, "citizenshipCountry", &text(written)),
                (Some("\"LT\"".into()), vec![])
            );
        }
    }

    #[test]
    fn an_unknown_iso_code_says_which_list() {
        let s = settings();
        let vendor = field("citizenshipCountry").codes.invalid(false);
        assert_eq!(
            run(&s, "citizenshipCountry", &string("XX")),
            (
                None,
                vec![Diagnostic::error(
                    vendor.unwrap_or(Code::BadCode),
                    "citizenshipCountry",
                    "citizenshipCountry \"XX\" is not an ISO 3166-1 alpha-2 country code"
                )]
            )
        );
        assert_eq!(
            run(&s, "initialDepositCurrency", &string("Litas")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadCode,
                    "initialDepositCurrency",
                    "initialDepositCurrency \"Litas\" is not an ISO 4217 currency code"
                )]
            )
        );
    }

    #[test]
    fn a_supplied_list_replaces_the_iso_list() {
        let s = supplied(&[("currency", &["EUR", "XTS"])]);
        assert_eq!(
            run(&s, "initialDepositCurrency", &string("xts"))
                .0
                .as_deref(),
            Some("\"XTS\"")
        );
        assert_eq!(
            run(&s, "initialDepositCurrency", &string("USD")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadCode,
                    "initialDepositCurrency",
                    "initialDepositCurrency \"USD\" is not in the supplied currency list \
                     (currency.txt)"
                )]
            )
        );
    }

    #[test]
    fn a_classifier_takes_any_code_unless_supplied() {
        let s = settings();
        assert_eq!(
            run(&s, "businessUnit", &string(" Retail ")),
            (Some("\"Retail\"".into()), vec![])
        );
        let s = supplied(&[("businessUnit", &["RETAIL"])]);
        assert_eq!(
            run(&s, "businessUnit", &string("RETAIL")).0.as_deref(),
            Some("\"RETAIL\"")
        );
        // Codes of a supplied classifier match exactly, case too.
        assert_eq!(
            run(&s, "businessUnit", &string("Retail")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadCode,
                    "businessUnit",
                    "businessUnit \"Retail\" is not in the supplied businessUnit classifier \
                     (businessUnit.txt)"
                )]
            )
        );
    }
}
