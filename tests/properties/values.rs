//! Strategies for scalar values, one per catalog type (`of_type`): random text (markup and
//! delimiter characters of every format, line breaks, non-Latin letters), enum words and
//! the catalog's country and currency codes in random letter case, booleans, integers and
//! decimals in their written forms, dates and timestamps. Each value carries how every
//! format writes it and its canonical value by spec §2.

use leadbatch::catalog::{Type, iso};
use proptest::prelude::*;
use serde_json::Value;

use super::V;

/// A value of a scalar type: `life_date` for a birth or establishment date (spec §2: not
/// before 1900, not in the future), `mandatory` for a field that must not be blank.
pub(super) fn of_type(ty: &Type, life_date: bool, mandatory: bool) -> BoxedStrategy<V> {
    if let Type::Str {
        max_chars: Some(max),
    } = ty
    {
        assert!(
            *max >= TEXT_CHARS,
            "text of {TEXT_CHARS} characters would be too long"
        );
    }
    match ty {
        // Blank text is absent: a mandatory one must have a letter. Classifier codes are
        // never blank (a blank code is not a code).
        Type::Str { .. } if !mandatory => text().boxed(),
        Type::Str { .. } | Type::Classifier(_) => nb_text().boxed(),
        Type::Enum(words) => word(words).boxed(),
        Type::EnumList(words) => word_list(words).boxed(),
        Type::Country => word(iso::COUNTRIES).boxed(),
        Type::Currency => word(iso::CURRENCIES).boxed(),
        Type::Date if life_date => date(1900, 2025).boxed(),
        Type::Date => date_or_timestamp().boxed(),
        Type::Bool => boolean().boxed(),
        Type::Int { .. } => integer(0..=2_000_000_000).boxed(),
        Type::Percent => integer(0..=100).boxed(),
        Type::Decimal { .. } => decimal().boxed(),
        Type::List(_) | Type::Object(_) | Type::AnyScalar => {
            panic!("{ty:?} is not a scalar of its own (AnyScalar is tied to its datatype)")
        }
    }
}

// ------------------------------------------------------------------------------------------
// Strategies.
// ------------------------------------------------------------------------------------------

const SPECIAL_CHARS: &[char] = &[
    ' ', ',', '"', '\'', '<', '>', '&', ';', '\n', '\t', '\r', '.', '[', ']', '{', '}', '\\', '=',
    '#', 'é', 'Ž', 'ė', 'ų', 'ß', '山', '田', 'さ', '€', '😀', '\u{a0}',
];

/// Characters of random text: letters and digits, markup and delimiter characters of every
/// format, line breaks, tabs, non-Latin letters, an emoji, a no-break space.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        1 => prop::char::range('0', '9'),
        4 => prop::sample::select(SPECIAL_CHARS),
    ]
}

fn raw_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(text_char(), 0..=max).prop_map(String::from_iter)
}

pub(super) fn string_value(text: String) -> V {
    let trimmed = text.trim();
    let canon = (!trimmed.is_empty()).then(|| Value::from(trimmed));
    V::S {
        json: serde_json::to_string(&text).unwrap(),
        text,
        canon,
    }
}

/// The most characters generated text has.
const TEXT_CHARS: usize = 12;

/// Any text, maybe blank (then absent).
pub(super) fn text() -> impl Strategy<Value = V> {
    raw_text(TEXT_CHARS).prop_map(string_value)
}

/// Text that is never blank (a mandatory string or classifier code).
pub(super) fn nb_text() -> impl Strategy<Value = V> {
    (prop::char::range('A', 'Z'), raw_text(TEXT_CHARS - 1))
        .prop_map(|(c, rest)| string_value(format!("{c}{rest}")))
}

/// `word` with each letter upper- or lower-cased by `bits`.
pub(super) fn recase(word: &str, bits: u64) -> String {
    word.chars()
        .enumerate()
        .map(|(i, c)| {
            if bits >> (i % 64) & 1 == 1 {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// An enum word (or country or currency code) in random letter case: canonical upper-case.
pub(super) fn word(words: &'static [&'static str]) -> impl Strategy<Value = V> {
    (prop::sample::select(words), any::<u64>()).prop_map(|(w, bits)| {
        let text = recase(w, bits);
        V::S {
            json: serde_json::to_string(&text).unwrap(),
            canon: Some(Value::from(w)),
            text,
        }
    })
}

/// A list of 1 or more of `words`, each in random letter case: canonical upper-case.
pub(super) fn word_list(words: &'static [&'static str]) -> impl Strategy<Value = V> {
    (
        prop::sample::subsequence(words, 1..=words.len()),
        any::<u64>(),
    )
        .prop_map(|(w, bits)| V::Words(w.iter().map(|s| recase(s, bits)).collect()))
}

/// A value kept as given (here: the lead category, which must carry the lead marker).
pub(super) fn kept(values: &'static [&'static str]) -> impl Strategy<Value = V> {
    prop::sample::select(values).prop_map(|t| string_value(t.to_string()))
}

pub(super) fn boolean() -> impl Strategy<Value = V> {
    (any::<bool>(), any::<u64>()).prop_map(|(b, bits)| V::S {
        text: recase(if b { "true" } else { "false" }, bits),
        json: b.to_string(),
        canon: Some(Value::from(b)),
    })
}

/// An integer in `range`, written as digits; as text also with a `+` sign or leading zeros
/// (then a JSON string of digits, spec §2).
pub(super) fn integer(range: std::ops::RangeInclusive<u32>) -> impl Strategy<Value = V> {
    (range, 0u8..4).prop_map(|(n, form)| {
        let (text, json) = match form {
            0 | 1 => (n.to_string(), n.to_string()),
            2 => {
                let t = format!("+{n}");
                let j = serde_json::to_string(&t).unwrap();
                (t, j)
            }
            _ => {
                let t = format!("00{n}");
                let j = serde_json::to_string(&t).unwrap();
                (t, j)
            }
        };
        V::S {
            text,
            json,
            canon: Some(Value::from(n)),
        }
    })
}

/// A decimal ≥ 0 (`10000`, `10000.5`, `0.25`, `12.50`): a JSON number or numeric string.
pub(super) fn decimal() -> impl Strategy<Value = V> {
    (
        0u32..2_000_000,
        prop::option::of((0u32..1000, 1usize..=3)),
        any::<bool>(),
    )
        .prop_map(|(int, frac, as_string)| {
            let text = match frac {
                Some((f, digits)) => {
                    let f = f % 10u32.pow(digits as u32);
                    format!("{int}.{f:0digits$}")
                }
                None => int.to_string(),
            };
            let value: f64 = text.parse().unwrap();
            V::S {
                json: if as_string {
                    serde_json::to_string(&text).unwrap()
                } else {
                    text.clone()
                },
                text,
                canon: Some(serde_json::json!(value)),
            }
        })
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A real calendar date in [from, to] years, as (y, m, d).
pub(super) fn ymd(from: u32, to: u32) -> impl Strategy<Value = (u32, u32, u32)> {
    (from..=to, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| (y, m, d.min(days_in(y, m))))
}

pub(super) fn date_value(text: String, plain: String) -> V {
    V::S {
        json: serde_json::to_string(&text).unwrap(),
        text,
        canon: Some(Value::from(plain)),
    }
}

/// A Date: `YYYY-MM-DD`, or an XML date with a zone (canonical: the plain date).
pub(super) fn date(from: u32, to: u32) -> impl Strategy<Value = V> {
    (
        ymd(from, to),
        prop::sample::select(&["", "", "Z", "+02:00", "-05:00"][..]),
    )
        .prop_map(|((y, m, d), zone)| {
            let plain = format!("{y:04}-{m:02}-{d:02}");
            date_value(format!("{plain}{zone}"), plain)
        })
}

/// A Date or an RFC 3339 timestamp (kept as given).
pub(super) fn date_or_timestamp() -> impl Strategy<Value = V> {
    prop_oneof![
        2 => date(2015, 2026),
        1 => (ymd(2015, 2026), 0u32..24, 0u32..60, 0u32..60, any::<bool>(),
              prop::sample::select(&["Z", "+02:00", "-05:30"][..]))
            .prop_map(|((y, m, d), hh, mm, ss, millis, zone)| {
                let frac = if millis { ".000" } else { "" };
                let t = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{frac}{zone}");
                date_value(t.clone(), t)
            }),
    ]
}
