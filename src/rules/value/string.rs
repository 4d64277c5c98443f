//! Free text (`Type::Str`): at most `max_chars` characters; a warning for text that reads
//! like UTF-8 decoded twice (`encoding-suspect`) and for an identifier a spreadsheet
//! rewrote in scientific notation (`excel-mangled`).

use super::Value;
use crate::canonical;
use crate::diagnostic::{Code, Diagnostic};
use crate::rules::{Checker, mojibake, scalar};

pub(super) fn check(
    c: &mut Checker,
    v: &Value,
    max_chars: Option<usize>,
    out: &mut Vec<u8>,
) -> bool {
    let Some(text) = v.text() else {
        v.bad_type(c, "a string");
        return false;
    };
    if let Some(max) = max_chars {
        let n = text.chars().count();
        if n > max {
            c.report(Diagnostic::error(
                Code::TooLong,
                v.path.render(),
                format!(
                    "{} is {n} characters long; at most {max} allowed",
                    v.field.name
                ),
            ));
            return false;
        }
    }
    if !text.is_ascii() {
        encoding_suspect(c, v, text);
    }
    if v.field.identifier && scalar::looks_excel_mangled(text) {
        let message = format!(
            "{} looks like a number a spreadsheet rewrote in scientific notation ({}); the \
             original identifier is probably lost",
            v.field.name,
            c.show(v.field, text)
        );
        c.warn(Code::ExcelMangled, v.path.render(), message);
    }
    canonical::write_str(out, text);
    true
}

/// `encoding-suspect` (`mojibake`), for a value that is not ASCII.
fn encoding_suspect(c: &mut Checker, v: &Value, text: &str) {
    let Some((garbled, meant)) = mojibake::suspect(text) else {
        return;
    };
    let field = v.field;
    let probably = mojibake::repaired(text)
        .map(|r| format!(", probably {}", c.show(field, &r)))
        .unwrap_or_default();
    let message = format!(
        "{} {} looks like UTF-8 decoded twice ({} for {}){probably}: check the encoding \
         of the export it came from",
        field.name,
        c.show(field, text),
        c.show(field, garbled),
        c.show(field, meant.encode_utf8(&mut [0; 4])),
    );
    c.warn(Code::EncodingSuspect, v.path.render(), message);
}

#[cfg(test)]
mod tests {
    use super::super::testing::{number, run, settings, text};
    use crate::diagnostic::{Code, Diagnostic};

    #[test]
    fn text_is_written_trimmed_and_escaped() {
        let s = settings();
        assert_eq!(
            run(&s, "firstName", &text("  Jonas \"J\"  ")),
            (Some(r#""Jonas \"J\"""#.into()), vec![])
        );
    }

    #[test]
    fn too_long_counts_characters_not_bytes() {
        let s = settings();
        // communicationNumber: at most 256 characters.
        let most = "ž".repeat(256);
        assert_eq!(run(&s, "communicationNumber", &text(&most)).1, vec![]);
        let long = "ž".repeat(257);
        assert_eq!(
            run(&s, "communicationNumber", &text(&long)),
            (
                None,
                vec![Diagnostic::error(
                    Code::TooLong,
                    "communicationNumber",
                    "communicationNumber is 257 characters long; at most 256 allowed"
                )]
            )
        );
    }

    #[test]
    fn a_number_is_not_text() {
        let s = settings();
        assert_eq!(
            run(&s, "firstName", &number("12")),
            (
                None,
                vec![Diagnostic::error(
                    Code::BadType,
                    "firstName",
                    "firstName: expected a string, found number"
                )]
            )
        );
    }

    #[test]
    fn double_decoded_utf8_is_a_warning_with_the_repair() {
        let s = settings();
        let (written, found) = run(&s, "lastName", &text("JankÅ«nas"));
        assert_eq!(written.as_deref(), Some("\"JankÅ«nas\""));
        assert_eq!(
            found,
            vec![Diagnostic::warning(
                Code::EncodingSuspect,
                "lastName",
                "lastName \"JankÅ«nas\" looks like UTF-8 decoded twice (\"Å«\" for \"ū\"), \
                 probably \"Jankūnas\": check the encoding of the export it came from"
            )]
        );
        assert_eq!(run(&s, "lastName", &text("Jankūnas")).1, vec![]);
    }

    #[test]
    fn a_mangled_identifier_is_a_warning() {
        let s = settings();
        let (written, found) = run(&s, "customerExtId", &text("1.23457E+15"));
        assert_eq!(written.as_deref(), Some("\"1.23457E+15\""));
        assert_eq!(
            found,
            vec![Diagnostic::warning(
                Code::ExcelMangled,
                "customerExtId",
                "customerExtId looks like a number a spreadsheet rewrote in scientific \
                 notation (\"1.23457E+15\"); the original identifier is probably lost"
            )]
        );
        // Only identifiers: a title may read like a number.
        assert_eq!(run(&s, "title", &text("1.23457E+15")).1, vec![]);
    }
}
