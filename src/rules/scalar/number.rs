//! Numbers and words of the spec: `Integer` of any size with one canonical text per value
//! (`canonical_integer`, `compare_integers`), 64-bit integers (`parse_integer`), `Decimal`
//! with one canonical text per value (`canonical_decimal`, `is_negative`), boolean words, and
//! the heuristic for identifiers a spreadsheet turned into scientific notation.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::cursor::Cursor;
use super::grouping::ungroup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    OutOfRange,
}

/// Spec Integer (§2) -> canonical JSON integer text, of any size: the vendor types amounts
/// such as `companyAssetValue`, `share` and turnover/income `from`/`to` as BigInteger, so
/// `123456789012345678901234` is written digit for digit, never through a float.
///
/// Grammar: `[+-]?[0-9]+`. **(decision)** A leading `+` and leading zeros are accepted, as
/// `BigInteger`'s own parser accepts them, and dropped: JSON allows neither, and numerically
/// equal inputs give identical text (`+007`, `7`, `0007` -> `7`; `-0`, `+0`, `000` -> `0`).
/// Anything else is `NotANumber` (`10.0`, `1e3`, ``, ` 1`, `0x10`, `1_000`). There is no
/// size limit beyond the record's own (`--max-record-bytes`). The text is borrowed when it is
/// already canonical, as it nearly always is.
pub fn canonical_integer(s: &str) -> Result<Cow<'_, str>, NumberError> {
    let b = s.as_bytes();
    let (negative, start) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = &b[start..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NumberError::NotANumber);
    }
    let zeros = digits.iter().take_while(|&&d| d == b'0').count();
    let magnitude = &s[start + zeros.min(digits.len() - 1)..];
    if magnitude == "0" {
        return Ok(Cow::Borrowed("0"));
    }
    if !negative {
        return Ok(Cow::Borrowed(magnitude));
    }
    if zeros == 0 {
        return Ok(Cow::Borrowed(s));
    }
    Ok(Cow::Owned(format!("-{magnitude}")))
}

/// Orders two canonical integer texts (`canonical_integer`'s output) by value, without
/// converting them to a machine integer.
pub fn compare_integers(a: &str, b: &str) -> Ordering {
    match (a.strip_prefix('-'), b.strip_prefix('-')) {
        (None, None) => magnitude_order(a, b),
        (Some(a), Some(b)) => magnitude_order(b, a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
    }
}

/// Orders two digit strings without leading zeros: the longer is larger, else the text.
fn magnitude_order(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A 64-bit integer (`AdditionalValue` of datatype INTEGER): `[+-]?[0-9]+` (leading zeros
/// allowed) that fits an `i64`. Anything else is `NotANumber` (`10.0`, `1e3`, ``, ` 1`,
/// `0x10`); well-formed but too big is `OutOfRange`.
pub fn parse_integer(s: &str) -> Result<i64, NumberError> {
    let b = s.as_bytes();
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NumberError::NotANumber);
    }
    // Accumulate towards the sign so that i64::MIN, whose magnitude exceeds i64::MAX, fits.
    digits.iter().try_fold(0i64, |acc, &c| {
        let d = i64::from(c - b'0');
        acc.checked_mul(10)
            .and_then(|a| {
                if negative {
                    a.checked_sub(d)
                } else {
                    a.checked_add(d)
                }
            })
            .ok_or(NumberError::OutOfRange)
    })
}

/// Exponents of this magnitude or more are `OutOfRange` (`1e400`, `1e-500`).
const MAX_EXPONENT: i64 = 400;
/// Longest canonical decimal text.
const MAX_DECIMAL_CHARS: i64 = 1000;

/// Spec Decimal -> canonical JSON number text.
///
/// Grammar: `[+-]?digits[.digits]?([eE][+-]?digits)?`; `.5` and `5.` are `NotANumber`. With
/// `decimal_comma` (`--decimal-comma`, CSV only), `,` replaces `.` as the decimal mark and
/// the integer part may carry thousands separators (`1.234,56`, `1 234 567,8`; see
/// `grouping`), never with an exponent. Without it a comma is never read: `1,234.56` is
/// `NotANumber`, as the vendor's API wants plain numbers and `1,234` is a decimal in half
/// of Europe, so the ambiguous form is refused rather than guessed. Canonical text: no `+`, no leading
/// zeros in the integer part (one `0` kept), no trailing fraction zeros (nor a bare dot), the
/// exponent applied by moving the point, `-0` -> `0`. Numerically equal inputs give identical
/// text (`10000.50`, `1.00005e4`, `+010000.500` -> `10000.5`).
///
/// `OutOfRange` when the exponent's magnitude is 400 or more, or the canonical text would be
/// longer than 1000 characters.
pub fn canonical_decimal(s: &str, decimal_comma: bool) -> Result<String, NumberError> {
    let b = s.as_bytes();
    let sep = if decimal_comma { b',' } else { b'.' };
    let mut c = Cursor { b, pos: 0 };
    let negative = c.eat(b'-');
    if !negative {
        c.eat(b'+');
    }
    let int_start = c.pos;
    let first_group = c.skip_digits();
    if first_group == 0 {
        return Err(NumberError::NotANumber);
    }
    let grouped = if decimal_comma {
        ungroup(&mut c, first_group)
    } else {
        None
    };
    let int: &[u8] = match &grouped {
        Some(digits) => digits,
        None => &b[int_start..c.pos],
    };
    let mut frac: &[u8] = &[];
    if c.eat(sep) {
        let start = c.pos;
        if c.skip_digits() == 0 {
            return Err(NumberError::NotANumber);
        }
        frac = &b[start..c.pos];
    }
    let mut exp: i64 = 0;
    // A spreadsheet writes thousands separators or an exponent, never both.
    if grouped.is_some() && matches!(c.peek(), Some(b'e' | b'E')) {
        return Err(NumberError::NotANumber);
    }
    if c.eat(b'e') || c.eat(b'E') {
        let exp_negative = c.eat(b'-');
        if !exp_negative {
            c.eat(b'+');
        }
        let start = c.pos;
        if c.skip_digits() == 0 {
            return Err(NumberError::NotANumber);
        }
        // Saturate: past the limit the exact value no longer matters, and a saturated
        // accumulator cannot overflow however many digits follow.
        for &d in &b[start..c.pos] {
            exp = (exp * 10 + i64::from(d - b'0')).min(MAX_EXPONENT);
        }
        if exp_negative {
            exp = -exp;
        }
    }
    if !c.at_end() {
        return Err(NumberError::NotANumber);
    }
    if exp.abs() >= MAX_EXPONENT {
        return Err(NumberError::OutOfRange);
    }

    // The digits int ++ frac, viewed without copying.
    let n = int.len() + frac.len();
    let digit = |i: usize| {
        if i < int.len() {
            int[i]
        } else {
            frac[i - int.len()]
        }
    };
    let lead = (0..n).take_while(|&i| digit(i) == b'0').count();
    if lead == n {
        return Ok(String::from("0"));
    }
    let trail = (0..n).rev().take_while(|&i| digit(i) == b'0').count();
    let significant = lead..n - trail;
    // Value = significant digits × 10^(point - k): `point` is where the decimal point falls,
    // counted in significant digits from the left.
    let k = significant.len() as i64;
    let point = k + exp - frac.len() as i64 + trail as i64;
    let body_len = if point >= k {
        point
    } else if point > 0 {
        k + 1
    } else {
        2 - point + k
    };
    let total = body_len + i64::from(negative);
    if total > MAX_DECIMAL_CHARS {
        return Err(NumberError::OutOfRange);
    }

    let mut out = String::with_capacity(total as usize);
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
    }
    for (j, i) in significant.enumerate() {
        if point > 0 && j as i64 == point {
            out.push('.');
        }
        out.push(char::from(digit(i)));
    }
    if point > k {
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    }
    Ok(out)
}

/// True when the canonical decimal text is negative (starts with '-').
pub fn is_negative(canonical: &str) -> bool {
    canonical.starts_with('-')
}

/// True when `s` looks like an identifier a spreadsheet turned into a number in scientific
/// notation: `1.23457E+15`, `5.0001E+10`, `1E+15`, `4.5e+11` (digits, optional fraction,
/// `E`/`e`, optional sign, digits). A decimal comma (`1,23457E+15`) counts as well, since
/// spreadsheets in such locales display it that way.
pub fn looks_excel_mangled(s: &str) -> bool {
    let mut c = Cursor {
        b: s.as_bytes(),
        pos: 0,
    };
    if c.skip_digits() == 0 {
        return false;
    }
    if (c.eat(b'.') || c.eat(b',')) && c.skip_digits() == 0 {
        return false;
    }
    if !(c.eat(b'E') || c.eat(b'e')) {
        return false;
    }
    if !c.eat(b'+') {
        c.eat(b'-');
    }
    c.skip_digits() > 0 && c.at_end()
}

/// Boolean words for CSV/XML text: "true"/"false" case-insensitive -> Some(bool); else None.
pub fn parse_bool_word(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- integers ----

    #[test]
    fn integers() {
        assert_eq!(parse_integer("0"), Ok(0));
        assert_eq!(parse_integer("42"), Ok(42));
        assert_eq!(parse_integer("+42"), Ok(42));
        assert_eq!(parse_integer("-42"), Ok(-42));
        assert_eq!(parse_integer("-0"), Ok(0));
        assert_eq!(parse_integer("007"), Ok(7));
        assert_eq!(parse_integer("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse_integer("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_integer("0000000000000000000000000001"), Ok(1));
    }

    #[test]
    fn integer_errors() {
        for s in [
            "10.0", "1e3", "", " 1", "1 ", "0x10", "+", "-", "+-1", "--1", "1_000", "١",
        ] {
            assert_eq!(parse_integer(s), Err(NumberError::NotANumber), "{s}");
        }
        assert_eq!(
            parse_integer("9223372036854775808"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_integer("-9223372036854775809"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_integer("99999999999999999999999"),
            Err(NumberError::OutOfRange)
        );
        // A malformed tail wins over the overflow.
        assert_eq!(
            parse_integer("99999999999999999999999x"),
            Err(NumberError::NotANumber)
        );
    }

    fn int(s: &str) -> Result<String, NumberError> {
        canonical_integer(s).map(Cow::into_owned)
    }

    #[test]
    fn integers_of_any_size_keep_every_digit() {
        let big = "123456789012345678901234";
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("+0", "0"),
            ("000", "0"),
            ("-000", "0"),
            ("7", "7"),
            ("+7", "7"),
            ("007", "7"),
            ("+007", "7"),
            ("-7", "-7"),
            ("-007", "-7"),
            ("100", "100"),
            ("-100", "-100"),
            ("9223372036854775808", "9223372036854775808"),
            (big, big),
            ("-123456789012345678901234", "-123456789012345678901234"),
            ("00123456789012345678901234", big),
        ];
        for (input, want) in cases {
            assert_eq!(int(input).as_deref(), Ok(want), "{input}");
        }
        let huge = "9".repeat(5000);
        assert_eq!(int(&huge).as_deref(), Ok(huge.as_str()));
        // Already canonical: no copy.
        assert!(matches!(canonical_integer(big), Ok(Cow::Borrowed(_))));
        assert!(matches!(canonical_integer("-42"), Ok(Cow::Borrowed(_))));
        for s in [
            "10.0", "1e3", "", " 1", "1 ", "0x10", "+", "-", "+-1", "--1", "1_000", "١", "1,5",
        ] {
            assert_eq!(int(s), Err(NumberError::NotANumber), "{s}");
        }
    }

    #[test]
    fn integer_order_is_by_value() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("0", "0", Equal),
            ("1", "2", Less),
            ("10", "9", Greater),
            ("-10", "-9", Less),
            ("-1", "0", Less),
            ("0", "-1", Greater),
            (
                "123456789012345678901234",
                "123456789012345678901233",
                Greater,
            ),
            (
                "123456789012345678901234",
                "99999999999999999999999",
                Greater,
            ),
            (
                "-123456789012345678901234",
                "-99999999999999999999999",
                Less,
            ),
            ("-5", "123456789012345678901234", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_integers(a, b), want, "{a} vs {b}");
        }
    }

    // ---- decimals ----

    fn dec(s: &str) -> Result<String, NumberError> {
        canonical_decimal(s, false)
    }

    #[test]
    fn decimal_canonical_forms() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("+0", "0"),
            ("0.000", "0"),
            ("-0.0e5", "0"),
            ("00", "0"),
            ("1", "1"),
            ("+1", "1"),
            ("-1", "-1"),
            ("007", "7"),
            ("10", "10"),
            ("100", "100"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("0.5", "0.5"),
            ("-0.5", "-0.5"),
            ("000.050", "0.05"),
            ("1.5e3", "1500"),
            ("1.5E3", "1500"),
            ("1.5e+3", "1500"),
            ("25E-1", "2.5"),
            ("25e-3", "0.025"),
            ("25e-2", "0.25"),
            ("123.456e1", "1234.56"),
            ("123.456e-5", "0.00123456"),
            ("1e0", "1"),
            ("1e-0", "1"),
            ("1e00000000000000000000000002", "100"),
            ("-1.2e2", "-120"),
            (
                "12345678901234567890.123456789",
                "12345678901234567890.123456789",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(dec(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn equal_values_give_identical_text() {
        for s in [
            "10000.50",
            "10000.5",
            "1.00005e4",
            "+010000.500",
            "1000050e-2",
            "0.0100005E+6",
        ] {
            assert_eq!(dec(s).as_deref(), Ok("10000.5"), "{s}");
        }
    }

    #[test]
    fn decimal_comma_mode() {
        assert_eq!(
            canonical_decimal("10000,50", true).as_deref(),
            Ok("10000.5")
        );
        assert_eq!(canonical_decimal("-0,25", true).as_deref(), Ok("-0.25"));
        assert_eq!(canonical_decimal("1,5e3", true).as_deref(), Ok("1500"));
        assert_eq!(canonical_decimal("42", true).as_deref(), Ok("42"));
        for s in ["10000.50", "1,000,50", ",5", "5,"] {
            assert_eq!(
                canonical_decimal(s, true),
                Err(NumberError::NotANumber),
                "{s}"
            );
        }
        assert_eq!(dec("1,5"), Err(NumberError::NotANumber));
    }

    #[test]
    fn decimal_grammar_errors() {
        for s in [
            "", ".5", "5.", "-.5", "+", "-", "1.2.3", "1e", "1e+", "e5", "1.5e3.2", " 1", "1 ",
            "1_0", "0x10", "NaN", "inf", "1..2", "++1", "-+1", "1e5x", "١",
        ] {
            assert_eq!(dec(s), Err(NumberError::NotANumber), "{s}");
        }
    }

    #[test]
    fn decimal_range_errors() {
        for s in [
            "1e400",
            "1e-500",
            "1e999999999999",
            "1e-999999999999",
            "1e99999999999999999999999999999999999999",
            "0e400",
            "1e-400",
        ] {
            assert_eq!(dec(s), Err(NumberError::OutOfRange), "{s}");
        }
        // Right under the exponent limit, and inside 1000 characters.
        let big = dec("1e399").unwrap();
        assert_eq!(big.len(), 400);
        assert!(big.starts_with('1') && big[1..].bytes().all(|b| b == b'0'));
        let small = dec("-1e-399").unwrap();
        assert_eq!(small.len(), 402);
        assert!(small.starts_with("-0.000") && small.ends_with("01"));
        // The length limit counts the canonical text, sign included.
        let ok = "9".repeat(1000);
        assert_eq!(dec(&ok).as_deref(), Ok(ok.as_str()));
        assert_eq!(dec(&format!("-{ok}")), Err(NumberError::OutOfRange));
        assert_eq!(dec(&"9".repeat(1001)), Err(NumberError::OutOfRange));
        let padded = format!("{}1.5{}", "0".repeat(5000), "0".repeat(5000));
        assert_eq!(dec(&padded).as_deref(), Ok("1.5"));
        assert_eq!(
            dec(&format!("{}e-1", "1".repeat(999))),
            Ok(format!("{}.1", "1".repeat(998)))
        );
        assert_eq!(
            dec(&format!("{}e-1", "1".repeat(1000))),
            Err(NumberError::OutOfRange)
        );
    }

    #[test]
    fn negativity() {
        assert!(is_negative(&dec("-0.5").unwrap()));
        assert!(!is_negative(&dec("-0").unwrap()));
        assert!(!is_negative(&dec("+3").unwrap()));
        assert!(!is_negative("0"));
    }

    // ---- misc ----

    #[test]
    fn excel_mangling() {
        for s in [
            "1.23457E+15",
            "5.0001E+10",
            "1E+15",
            "4.5e+11",
            "1e15",
            "1.5E-3",
            "1,23457E+15",
        ] {
            assert!(looks_excel_mangled(s), "{s}");
        }
        for s in [
            "",
            "123456789012345",
            "1.5",
            "E+15",
            "1.E+15",
            ".5E+15",
            "1.5E+",
            "1.5E",
            "-1.5E+15",
            "1.5E+15 ",
            "LT1.5E+15",
            "1.5E+1.5",
            "12AB34",
        ] {
            assert!(!looks_excel_mangled(s), "{s}");
        }
    }

    #[test]
    fn bool_words() {
        assert_eq!(parse_bool_word("true"), Some(true));
        assert_eq!(parse_bool_word("TRUE"), Some(true));
        assert_eq!(parse_bool_word("True"), Some(true));
        assert_eq!(parse_bool_word("false"), Some(false));
        assert_eq!(parse_bool_word("FaLsE"), Some(false));
        for s in [
            "", "1", "0", "yes", "no", "t", "f", " true", "true ", "truee",
        ] {
            assert_eq!(parse_bool_word(s), None, "{s}");
        }
    }
}
