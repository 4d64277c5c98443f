//! Dates (`Type::Date`): a spec Date or timestamp (`scalar::parse_date`; text of a CSV or
//! XML file in `--date-format` too), written as its canonical text. A life date (birth,
//! establishment) lies between 1900-01-01 and the run's date.

use super::Value;
use crate::canonical;
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::Checker;
use crate::rules::scalar::{Date, DateError, DateValue};

/// Earliest plausible birth or establishment date (spec §2).
const EARLIEST: Date = Date {
    year: 1900,
    month: 1,
    day: 1,
};

pub(super) fn check(c: &mut Checker, v: &Value, out: &mut Vec<u8>) -> bool {
    let Some(text) = v.text() else {
        v.bad_type(c, "a date string (YYYY-MM-DD)");
        return false;
    };
    let value = match c.s.parse_date(v.node, text) {
        Ok(value) => value,
        Err(e) => {
            c.report(Diagnostic::error(
                Code::BadDate,
                v.path.render(),
                message(v.field.name, &c.show(v.field, text), &e),
            ));
            return false;
        }
    };
    let date = value.date();
    if v.field.life_date && (date < EARLIEST || date > c.s.as_of) {
        c.report(Diagnostic::error(
            Code::OutOfRange,
            v.path.render(),
            format!(
                "{} {} must be between {EARLIEST} and the run's date {}",
                v.field.name,
                c.show(v.field, &date.to_string()),
                c.s.as_of
            ),
        ));
        return false;
    }
    match value {
        DateValue::Plain(d) => d.write_json(out),
        DateValue::Timestamp { canonical: t, .. } => canonical::write_str(out, &t),
    }
    true
}

/// The message of a value that is no date; `shown` is the value as `Checker::show` gives
/// it (quoted, masked under `--redact`).
fn message(name: &str, shown: &str, e: &DateError) -> String {
    match e {
        DateError::Shape { hint: Some(h) } => format!("{name} {shown} is not a date: {h}"),
        DateError::Shape { hint: None } => {
            format!("{name} {shown} is not a date (expected YYYY-MM-DD or an ISO-8601 timestamp)")
        }
        DateError::NotACalendarDate => {
            format!("{name} {shown} is not a real calendar date or time")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, run, settings, string, text};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::rules::RuleSettings;
    use crate::rules::scalar::{DateFormat, HINT_LOCAL_DATE};

    fn written(s: &RuleSettings, name: &str, node: &crate::record::Node) -> Option<String> {
        let (out, found) = run(s, name, node);
        assert_eq!(found, vec![], "{node:?}");
        out
    }

    #[test]
    fn dates_and_timestamps_are_written_canonically() {
        let s = settings();
        assert_eq!(
            written(&s, "applicationDate", &string("2024-02-29")).as_deref(),
            Some("\"2024-02-29\"")
        );
        assert_eq!(
            written(&s, "applicationDate", &string("2020-09-20t10:11+0200")).as_deref(),
            Some("\"2020-09-20T10:11:00+02:00\"")
        );
        assert_eq!(
            written(&s, "applicationDate", &text("2020-09-20Z")).as_deref(),
            Some("\"2020-09-20\"")
        );
    }

    #[test]
    fn wrong_dates_say_why() {
        let s = settings();
        let bad = |node| run(&s, "applicationDate", &node);
        assert_eq!(
            bad(string("2023-02-29")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadDate,
                    "applicationDate",
                    "applicationDate \"2023-02-29\" is not a real calendar date or time"
                )]
            )
        );
        assert_eq!(
            bad(string("yesterday")).1[0].message,
            "applicationDate \"yesterday\" is not a date (expected YYYY-MM-DD or an ISO-8601 \
             timestamp)"
        );
        assert_eq!(
            bad(string("05/10/2000")).1[0].message,
            format!("applicationDate \"05/10/2000\" is not a date: {HINT_LOCAL_DATE}")
        );
        assert_eq!(
            bad(number("20240101")).1,
            vec![Diagnostic::error(
                Code::BadType,
                "applicationDate",
                "applicationDate: expected a date string (YYYY-MM-DD), found number"
            )]
        );
    }

    #[test]
    fn a_local_order_applies_to_text_only() {
        let s = RuleSettings {
            date_format: Some(DateFormat::DayDotMonth),
            ..settings()
        };
        assert_eq!(
            written(&s, "applicationDate", &text("5.3.2024")).as_deref(),
            Some("\"2024-03-05\"")
        );
        // A JSON string is always ISO.
        assert_eq!(
            run(&s, "applicationDate", &string("5.3.2024")).1[0].code,
            Code::BadDate
        );
    }

    #[test]
    fn a_life_date_lies_between_1900_and_the_run_date() {
        let s = settings();
        assert!(written(&s, "birthDate", &string("1900-01-01")).is_some());
        assert!(written(&s, "birthDate", &string("2026-11-23")).is_some());
        for (date, shown) in [
            ("1899-12-31", "1899-12-31"),
            ("2026-11-24", "2026-11-24"),
            ("2026-11-24T00:30:00+02:00", "2026-11-24"),
        ] {
            assert_eq!(
                run(&s, "birthDate", &string(date)),
                (
                    None,
                    vec![Diagnostic::error(
                        Code::OutOfRange,
                        "birthDate",
                        format!(
                            "birthDate \"{shown}\" must be between 1900-01-01 and the run's \
                             date 2026-11-23"
                        )
                    )]
                ),
                "{date}"
            );
        }
        // Any other date may lie in the future.
        assert!(written(&s, "approvalDate", &string("2099-01-01")).is_some());
    }
}
