//! Scalar type checks of spec §2 and their canonical forms.

use super::mojibake;
use super::scalar::{self, DateError, DateValue, NumberError};
use super::{Checker, Path, Slots};
use crate::canonical;
use crate::catalog::{Field, Shape, Type, iso};
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;

/// Earliest plausible birth or establishment date (spec §2).
const EARLIEST: scalar::Date = scalar::Date {
    year: 1900,
    month: 1,
    day: 1,
};

/// Checks a present scalar value and writes it. Returns whether a value was written.
pub(super) fn scalar(
    c: &mut Checker,
    field: &Field,
    node: &Node,
    path: &Path,
    in_related: bool,
    out: &mut Vec<u8>,
) -> bool {
    match &field.ty {
        Type::Str { max_chars } => {
            let Some(text) = text_of(node) else {
                c.bad_type(field, node, path, "a string");
                return false;
            };
            if let Some(max) = max_chars {
                let n = text.chars().count();
                if n > *max {
                    c.report(Diagnostic::error(
                        Code::TooLong,
                        path.render(),
                        format!(
                            "{} is {n} characters long; at most {max} allowed",
                            field.name
                        ),
                    ));
                    return false;
                }
            }
            if !text.is_ascii() {
                encoding_suspect(c, field, text, path);
            }
            if field.identifier && scalar::looks_excel_mangled(text) {
                c.report(Diagnostic::warning(
                    Code::ExcelMangled,
                    path.render(),
                    format!(
                        "{} looks like a number a spreadsheet rewrote in scientific notation ({}); the original identifier is probably lost",
                        field.name,
                        c.show(field, text)
                    ),
                ));
            }
            canonical::write_str(out, text);
            true
        }
        Type::Enum(words) => {
            let Some(text) = text_of(node) else {
                c.bad_type(field, node, path, "a string");
                return false;
            };
            match words.iter().find(|w| w.eq_ignore_ascii_case(text)) {
                Some(w) => {
                    canonical::write_str(out, w);
                    true
                }
                None => {
                    let code = field.codes.invalid(in_related).unwrap_or(Code::BadEnum);
                    c.report(Diagnostic::error(
                        code,
                        path.render(),
                        format!(
                            "{} {} is not one of {}",
                            field.name,
                            c.show(field, text),
                            words.join(", ")
                        ),
                    ));
                    false
                }
            }
        }
        Type::Country | Type::Currency => {
            let Some(text) = text_of(node) else {
                c.bad_type(field, node, path, "a string");
                return false;
            };
            // Codes are 2-3 ASCII letters: upper-case them on the stack.
            let mut buf = [0u8; 3];
            let upper = (text.len() <= 3 && text.is_ascii())
                .then(|| {
                    buf[..text.len()].copy_from_slice(text.as_bytes());
                    buf[..text.len()].make_ascii_uppercase();
                    std::str::from_utf8(&buf[..text.len()]).ok()
                })
                .flatten()
                .unwrap_or("");
            let (list_name, what) = match field.ty {
                Type::Country => ("country", "an ISO 3166-1 alpha-2 country code"),
                _ => ("currency", "an ISO 4217 currency code"),
            };
            let supplied = c.s.classifiers.as_ref().and_then(|cl| cl.list(list_name));
            let known = match supplied {
                Some(list) => list.contains(upper) || list.contains(text),
                None if list_name == "country" => iso::is_country(upper),
                None => iso::is_currency(upper),
            };
            if known {
                canonical::write_str(out, if upper.is_empty() { text } else { upper });
                true
            } else {
                let code = field.codes.invalid(in_related).unwrap_or(Code::BadCode);
                let shown = c.show(field, text);
                // A supplied list replaces the ISO list: say which one the code missed.
                let against = match supplied_file(c, list_name) {
                    Some(file) => format!("in the supplied {list_name} list ({file})"),
                    None => what.to_string(),
                };
                c.report(Diagnostic::error(
                    code,
                    path.render(),
                    format!("{} {shown} is not {against}", field.name),
                ));
                false
            }
        }
        Type::Classifier(name) => {
            let Some(text) = text_of(node) else {
                c.bad_type(field, node, path, "a string");
                return false;
            };
            if let Some(list) = c.s.classifiers.as_ref().and_then(|cl| cl.list(name))
                && !list.contains(text)
            {
                let code = field.codes.invalid(in_related).unwrap_or(Code::BadCode);
                let shown = c.show(field, text);
                let file = supplied_file(c, name).unwrap_or_default();
                c.report(Diagnostic::error(
                    code,
                    path.render(),
                    format!(
                        "{} {shown} is not in the supplied {name} classifier ({file})",
                        field.name
                    ),
                ));
                return false;
            }
            canonical::write_str(out, text);
            true
        }
        Type::Date => {
            let Some(text) = text_of(node) else {
                c.bad_type(field, node, path, "a date string (YYYY-MM-DD)");
                return false;
            };
            match c.s.parse_date(node, text) {
                Ok(v) => {
                    let date = v.date();
                    if field.life_date && (date < EARLIEST || date > c.s.as_of) {
                        c.report(Diagnostic::error(
                            Code::OutOfRange,
                            path.render(),
                            format!(
                                "{} {} must be between {EARLIEST} and the run's date {}",
                                field.name,
                                c.show(field, &date.to_string()),
                                c.s.as_of
                            ),
                        ));
                        return false;
                    }
                    match v {
                        DateValue::Plain(d) => d.write_json(out),
                        DateValue::Timestamp { canonical: t, .. } => canonical::write_str(out, &t),
                    }
                    true
                }
                Err(e) => {
                    c.report(Diagnostic::error(
                        Code::BadDate,
                        path.render(),
                        date_message(field.name, &c.show(field, text), &e),
                    ));
                    false
                }
            }
        }
        Type::Bool => {
            let b = match node {
                Node::Bool(b) => Some(*b),
                Node::Text(t) => scalar::parse_bool_word(t.trim()),
                _ => None,
            };
            match b {
                Some(b) => {
                    out.extend_from_slice(if b { b"true" } else { b"false" });
                    true
                }
                None => {
                    let shown = match node {
                        Node::Str(s) | Node::Text(s) => c.show(field, s),
                        other => other.kind().to_string(),
                    };
                    c.report(Diagnostic::error(
                        Code::BadType,
                        path.render(),
                        format!("{}: expected true or false, found {shown}", field.name),
                    ));
                    false
                }
            }
        }
        Type::Int { min } => match integer(c, field, node, path) {
            Some(v) => {
                if let Some(min) = min
                    && is_below(&v, *min)
                {
                    c.report(Diagnostic::error(
                        Code::OutOfRange,
                        path.render(),
                        format!(
                            "{} {} is below the minimum {min}",
                            field.name,
                            c.show_plain(field, v.as_ref())
                        ),
                    ));
                    return false;
                }
                out.extend_from_slice(v.as_bytes());
                true
            }
            None => false,
        },
        Type::Percent => match integer(c, field, node, path) {
            Some(v) if is_percentage(&v) => {
                out.extend_from_slice(v.as_bytes());
                true
            }
            Some(v) => {
                c.report(Diagnostic::error(
                    Code::OutOfRange,
                    path.render(),
                    format!(
                        "{} {} is not a percentage from 0 to 100",
                        field.name,
                        c.show_plain(field, v.as_ref())
                    ),
                ));
                false
            }
            None => false,
        },
        Type::Decimal { min_zero } => {
            let (text, comma) = match node {
                Node::Number(n) => (*n, false),
                Node::Str(s) => (crate::record::trim(s), false),
                Node::Text(s) => (crate::record::trim(s), c.s.decimal_comma),
                other => {
                    c.bad_type(field, other, path, "a number");
                    return false;
                }
            };
            match scalar::canonical_decimal(text, comma) {
                Ok(v) if *min_zero && scalar::is_negative(&v) => {
                    c.report(Diagnostic::error(
                        Code::OutOfRange,
                        path.render(),
                        format!(
                            "{} {} must not be negative",
                            field.name,
                            c.show_plain(field, text)
                        ),
                    ));
                    false
                }
                Ok(v) => {
                    out.extend_from_slice(v.as_bytes());
                    true
                }
                Err(NumberError::OutOfRange) => {
                    c.report(Diagnostic::error(
                        Code::OutOfRange,
                        path.render(),
                        format!(
                            "{} {} is too large or too small to be represented",
                            field.name,
                            c.show_plain(field, text)
                        ),
                    ));
                    false
                }
                Err(NumberError::NotANumber) => {
                    let hint = if !comma && text.contains(',') {
                        " (for a decimal comma pass --decimal-comma)"
                    } else {
                        ""
                    };
                    c.report(Diagnostic::error(
                        Code::BadType,
                        path.render(),
                        format!(
                            "{}: {} is not a decimal number{hint}",
                            field.name,
                            c.show(field, text)
                        ),
                    ));
                    false
                }
            }
        }
        Type::EnumList(words) => {
            let items: Vec<&Node> = match node {
                Node::List(items) => items.iter().collect(),
                other => {
                    c.bad_type(field, other, path, "an array of strings");
                    return false;
                }
            };
            let start = out.len();
            out.push(b'[');
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                if item.is_absent() {
                    continue;
                }
                let ipath = path.index(i);
                let Some(text) = text_of(item) else {
                    c.report(Diagnostic::error(
                        Code::BadType,
                        ipath.render(),
                        format!("expected a string, found {}", item.kind()),
                    ));
                    ok = false;
                    continue;
                };
                match words.iter().find(|w| w.eq_ignore_ascii_case(text)) {
                    Some(w) => {
                        canonical::separate(out);
                        canonical::write_str(out, w);
                    }
                    None => {
                        let code = field.codes.invalid(in_related).unwrap_or(Code::BadEnum);
                        c.report(Diagnostic::error(
                            code,
                            ipath.render(),
                            format!(
                                "Screening process is undefined: {} (known: {})",
                                c.show_plain(field, text),
                                words.join(", ")
                            ),
                        ));
                        ok = false;
                    }
                }
            }
            if !ok || out.len() == start + 1 {
                out.truncate(start);
                return false;
            }
            out.push(b']');
            true
        }
        Type::AnyScalar => match node {
            Node::Str(s) | Node::Text(s) => {
                canonical::write_str(out, crate::record::trim(s));
                true
            }
            Node::Bool(b) => {
                canonical::write_str(out, if *b { "true" } else { "false" });
                true
            }
            Node::Number(n) => {
                canonical::write_str(out, n);
                true
            }
            other => {
                c.bad_type(field, other, path, "a string, number or boolean");
                false
            }
        },
        Type::List(_) | Type::Object(_) => unreachable!("containers are checked by the walker"),
    }
}

/// The file a supplied list (`--classifiers`) came from.
fn supplied_file<'c>(c: &'c Checker, name: &str) -> Option<&'c str> {
    c.s.classifiers.as_ref().and_then(|cl| cl.file(name))
}

/// Text of a string leaf (JSON string or XML/CSV text), trimmed.
/// `encoding-suspect` (`mojibake`), for a value that is not ASCII.
fn encoding_suspect(c: &mut Checker, field: &Field, text: &str, path: &Path) {
    let Some((garbled, meant)) = mojibake::suspect(text) else {
        return;
    };
    let probably = mojibake::repaired(text)
        .map(|r| format!(", probably {}", c.show(field, &r)))
        .unwrap_or_default();
    c.report(Diagnostic::warning(
        Code::EncodingSuspect,
        path.render(),
        format!(
            "{} {} looks like UTF-8 decoded twice ({} for {}){probably}: check the encoding \
             of the export it came from",
            field.name,
            c.show(field, text),
            c.show(field, garbled),
            c.show(field, meant.encode_utf8(&mut [0; 4])),
        ),
    ));
}

fn text_of<'n>(node: &'n Node) -> Option<&'n str> {
    node.as_text()
}

/// An Integer (spec §2): a JSON integer or a string of digits, of any size, as its canonical
/// text (see `scalar::canonical_integer`).
fn integer<'t>(
    c: &mut Checker,
    field: &Field,
    node: &'t Node,
    path: &Path,
) -> Option<std::borrow::Cow<'t, str>> {
    let text = match node {
        Node::Number(n) => *n,
        Node::Str(s) | Node::Text(s) => crate::record::trim(s),
        other => {
            c.report(Diagnostic::error(
                Code::BadType,
                path.render(),
                format!(
                    "{}: expected an integer, found {}",
                    field.name,
                    other.kind()
                ),
            ));
            return None;
        }
    };
    match scalar::canonical_integer(text) {
        Ok(v) => Some(v),
        Err(_) => {
            // 1e400 and 1.5 are numbers, but not integers.
            c.report(Diagnostic::error(
                Code::BadType,
                path.render(),
                format!("{}: {} is not an integer", field.name, c.show(field, text)),
            ));
            None
        }
    }
}

/// Whether a canonical Integer is below `min`, without allocating: one that does not fit an
/// `i64` is below any `i64` when negative, above it otherwise.
fn is_below(v: &str, min: i64) -> bool {
    match v.parse::<i64>() {
        Ok(n) => n < min,
        Err(_) => scalar::is_negative(v),
    }
}

/// Spec Percent: a canonical Integer from 0 to 100.
fn is_percentage(v: &str) -> bool {
    !scalar::is_negative(v) && scalar::compare_integers(v, "100").is_le()
}

/// `shown` is the value as `Checker::show` gives it: quoted, masked under `--redact`.
pub(super) fn date_message(name: &str, shown: &str, e: &DateError) -> String {
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

/// AdditionalValue: `value` must parse as `datatype` (vendor code AV07).
pub(super) fn additional_value(
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
    let upper = dt.to_ascii_uppercase();
    let problem = match upper.as_str() {
        "STRING" => None,
        "BOOLEAN" => scalar::parse_bool_word(&text)
            .is_none()
            .then(|| format!("Bad value for BOOLEAN (values: true false) valueCode: {code_text}")),
        "INTEGER" => scalar::parse_integer(&text)
            .is_err()
            .then(|| format!("Bad value for INTEGER valueCode: {code_text}")),
        "DECIMAL" => scalar::canonical_decimal(&text, false)
            .is_err()
            .then(|| format!("Bad value for DECIMAL valueCode: {code_text}")),
        "DATE" => scalar::parse_date(&text)
            .is_err()
            .then(|| format!("Bad value for DATE (format: 'yyyy-MM-dd') valueCode: {code_text}")),
        "TIMESTAMP" => scalar::check_vendor_timestamp(&text).is_err().then(|| {
            format!("Bad value for TIMESTAMP (format: 'yyyy-MM-dd HH:mm:ss.SSSZ') valueCode: {code_text}")
        }),
        _ => None, // an unknown datatype is reported by the enum check
    };
    if let Some(message) = problem {
        let code = shape.fields[shape.idx("value")]
            .codes
            .invalid(in_related)
            .unwrap_or(Code::AV07);
        c.report(Diagnostic::error(code, path.key("value").render(), message));
    }
}
