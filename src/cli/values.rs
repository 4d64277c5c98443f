//! Option values that need more than a type: `--deny`'s codes and `--delimiter`'s character.

/// `--deny`: codes of record warnings to reject the record for, as `--strict` does for all.
/// An error code is accepted and changes nothing (it rejects already): a nightly
/// configuration may list the codes it cares about whatever their severity, and a code
/// that is an error today stays valid if the table changes. Refused (exit 2): a code
/// `leadbatch codes` does not know, and `empty-file`, a warning about a file that has no
/// record to reject.
pub(super) fn parse_deny(codes: &[String]) -> Result<Vec<&'static str>, String> {
    use crate::diagnostic::{CODES, Severity, code_info};
    let warnings = || {
        CODES
            .iter()
            .filter(|c| c.severity == Severity::Warning && c.code != EMPTY_FILE)
            .map(|c| c.code)
            .collect::<Vec<_>>()
            .join(", ")
    };
    const EMPTY_FILE: &str = crate::diagnostic::Code::EmptyFile;
    let mut deny = Vec::new();
    for text in codes {
        let name = text.trim();
        match code_info(name) {
            Some(c) if c.code == EMPTY_FILE => {
                return Err(format!(
                    "--deny {EMPTY_FILE}: a file without records has no record to reject; \
                     --deny takes record warnings: {}",
                    warnings()
                ));
            }
            Some(c) if c.severity == Severity::Warning => {
                if !deny.contains(&c.code) {
                    deny.push(c.code);
                }
            }
            Some(_) => {} // an error rejects already
            None => {
                return Err(format!(
                    "--deny: unknown code {name:?}; the warning codes are: {} (see leadbatch \
                     codes)",
                    warnings()
                ));
            }
        }
    }
    Ok(deny)
}

/// `--delimiter`: one ASCII character, or `tab` (also written `\t`, as shells and
/// spreadsheets' dialogs spell it). Refused: the quote `"` and line breaks (the CSV syntax
/// itself), other control characters, letters and digits, and the `.` `[` `]` of header
/// paths (`listAddress.0.country`, `listAddress[0].city`): with any of these the header
/// could not be cut into field paths.
pub(super) fn parse_delimiter(s: &str) -> Result<u8, String> {
    if s.eq_ignore_ascii_case("tab") || s == "\\t" || s == "\t" {
        return Ok(b'\t');
    }
    match s.as_bytes() {
        [b] if b.is_ascii_graphic() || *b == b' ' => {
            if b.is_ascii_alphanumeric() || matches!(b, b'"' | b'.' | b'[' | b']') {
                Err(format!(
                    "--delimiter {s:?} cannot separate CSV fields: it is part of quoting or of \
                     header paths; use a character such as , ; | or tab"
                ))
            } else {
                Ok(*b)
            }
        }
        _ => Err(format!(
            "--delimiter {s:?} is not one ASCII character: use a character such as , ; | or tab"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_one_ascii_character_or_tab() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("|"), Ok(b'|'));
        assert_eq!(parse_delimiter(" "), Ok(b' '));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter("TAB"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\t"), Ok(b'\t'));
        for bad in ["", ";;", "§", "\n", "\"", ".", "a", "7", "\u{0}"] {
            assert!(parse_delimiter(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn deny_takes_record_warning_codes() {
        let codes = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_deny(&codes(&[
                "document-expired",
                " date-order",
                "document-expired"
            ])),
            Ok(vec!["document-expired", "date-order"])
        );
        assert_eq!(parse_deny(&codes(&["bad-date", "C002"])), Ok(vec![]));
        let e = parse_deny(&codes(&["document-expird"])).unwrap_err();
        assert!(
            e.starts_with("--deny: unknown code \"document-expird\""),
            "{e}"
        );
        assert!(
            e.contains("ignored-for-evaluate, date-order, document-expired"),
            "{e}"
        );
        assert!(parse_deny(&codes(&["empty-file"])).is_err());
    }
}
