//! Thousands separators under `--decimal-comma` (`1.234,56`, `1 234,56`): the integer part
//! of a CSV decimal written by a spreadsheet in a comma locale. Only the grouping is read
//! here; `number::canonical_decimal` does the rest.

use super::cursor::Cursor;

/// Thousands separators of the integer part under `--decimal-comma`: `.` (German,
/// Lithuanian exports: `1.234,56`), a space, a no-break space U+00A0 or a narrow no-break
/// space U+202F (what spreadsheets in the Baltic and French locales write: `1 234,56`).
const GROUP_SEPARATORS: [&[u8]; 4] = [b".", b" ", "\u{a0}".as_bytes(), "\u{202f}".as_bytes()];

/// After the first `first` digits of an integer part: when a thousands separator follows,
/// reads the groups (every one exactly three digits, all after the same separator) and
/// returns the digits without separators; None (the cursor unmoved) when no separator
/// follows, or the groups are not well formed (`1.23,5`, `1.2345`, `1 234.567`), which
/// then fail as the plain grammar does.
pub(super) fn ungroup(c: &mut Cursor, first: usize) -> Option<Vec<u8>> {
    let start = c.pos;
    let rest = &c.b[start..];
    let sep = GROUP_SEPARATORS.iter().find(|s| rest.starts_with(s))?;
    // A first group of more than three digits is not grouped (`1234.567`).
    if first > 3 {
        return None;
    }
    let mut digits = c.b[start - first..start].to_vec();
    let mut pos = start;
    while c.b[pos..].starts_with(sep) {
        let group = c.b.get(pos + sep.len()..pos + sep.len() + 3)?;
        if !group.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.extend_from_slice(group);
        pos += sep.len() + 3;
    }
    // A fourth digit after a group is a malformed group (`1.2345`).
    if c.b.get(pos).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    c.pos = pos;
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::super::number::{NumberError, canonical_decimal};

    #[test]
    fn decimal_comma_thousands_separators() {
        for (s, want) in [
            ("1.000,50", "1000.5"),
            ("1.234.567,89", "1234567.89"),
            ("-12.345", "-12345"),
            ("1 234,56", "1234.56"),
            ("1\u{a0}234\u{a0}567", "1234567"),
            ("123\u{202f}456,7", "123456.7"),
            ("+999.000,000", "999000"),
        ] {
            assert_eq!(canonical_decimal(s, true).as_deref(), Ok(want), "{s}");
        }
        for s in [
            "1.23,5",
            "1.2345",
            "1.2345,6",
            "1234.567",
            ".123",
            "1..234",
            "1.234 567",
            "1.234.",
            "1 234.567,8",
            "1.234e3",
            "1,234.56",
            "1.23",
            "1 23",
        ] {
            assert_eq!(
                canonical_decimal(s, true),
                Err(NumberError::NotANumber),
                "{s}"
            );
        }
        // The default mode reads no comma, grouping or not.
        for s in ["1,234.56", "1,234", "1.234,56", "1 234"] {
            assert_eq!(
                canonical_decimal(s, false),
                Err(NumberError::NotANumber),
                "{s}"
            );
        }
    }
}
