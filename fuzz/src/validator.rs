//! Structured fuzzing of the validator: the input drives the construction of a lead record
//! that follows the catalog (every field of every shape, values that are mostly of the
//! field's type and near its limits, sometimes of the wrong type, unknown or repeated
//! names), as JSON would give it (typed leaves) or as XML/CSV would (untyped text).
//! The record goes straight to `rules::check_record`.

use std::borrow::Cow;

use arbitrary::{Result, Unstructured};
use leadbatch::catalog::{self, Field, Shape, Type};
use leadbatch::record::Node;

/// Owned tree; `Node` borrows from it.
enum V {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Text(String),
    List(Vec<V>),
    Map(Vec<(String, V)>),
}

impl V {
    fn node(&self) -> Node<'_> {
        match self {
            V::Null => Node::Null,
            V::Bool(b) => Node::Bool(*b),
            V::Num(s) => Node::Number(s),
            V::Str(s) => Node::Str(Cow::Borrowed(s)),
            V::Text(s) => Node::Text(Cow::Borrowed(s)),
            V::List(v) => Node::List(v.iter().map(V::node).collect()),
            V::Map(m) => Node::Map(
                m.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.node()))
                    .collect(),
            ),
        }
    }
}

struct Gen<'u, 'd> {
    u: &'u mut Unstructured<'d>,
    /// Untyped leaves, as XML and CSV give them.
    text: bool,
}

const COUNTRIES: &[&str] = &[
    "LT", "US", "JP", "DE", "lt", "XX", "LTU", " LT ", "", "ZZ", "EU",
];
const CURRENCIES: &[&str] = &["EUR", "USD", "JPY", "eur", "XXX", "EURO", "", "BTC"];
const DATES: &[&str] = &[
    "2024-02-29",
    "2023-02-29",
    "2025-12-31T23:59:59Z",
    "2025-01-01T00:00:00+02:00",
    "2025-01-01T00:00:00.123456789Z",
    "1899-12-31",
    "9999-12-31",
    "0000-01-01",
    "2026-01-02",
    "2025-13-01",
    "2025-00-10",
    "31/12/2025",
    "45123",
    "2025-1-1",
    "+2025-01-01",
    "2025-01-01T25:00:00Z",
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "100",
    "101",
    "1.5",
    "-1.5",
    "1e3",
    "1E-3",
    "1e400",
    "-1e400",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "0.0000000000000000001",
    "123456789012345678901234567890.123456789",
    "1,5",
    "1 000",
    "NaN",
    "Infinity",
    "0x10",
    "1.2E+15",
    "00",
    "01",
    ".5",
    "5.",
];
const BOOLS: &[&str] = &[
    "true", "false", "TRUE", "True", "1", "0", "yes", "no", "Y", "N", "",
];

impl Gen<'_, '_> {
    fn pick<'a>(&mut self, words: &'a [&'a str]) -> Result<&'a str> {
        Ok(words[self.u.choose_index(words.len())?])
    }

    fn string(&mut self) -> Result<String> {
        let s: &str = self.u.arbitrary()?;
        Ok(s.chars().take(200).collect())
    }

    /// A leaf holding text: a JSON string, or untyped text.
    fn leaf(&self, s: String) -> V {
        if self.text { V::Text(s) } else { V::Str(s) }
    }

    /// A number as JSON gives it (when `s` is a valid JSON number) or as text.
    fn number(&self, s: String) -> V {
        let json_ok = !s.is_empty()
            && leadbatch::source::json_value::parse(&s, 4)
                .is_ok_and(|n| matches!(n, Node::Number(_)));
        if self.text {
            V::Text(s)
        } else if json_ok {
            V::Num(s)
        } else {
            V::Str(s)
        }
    }

    fn any_scalar(&mut self) -> Result<V> {
        Ok(match self.u.int_in_range(0..=5)? {
            0 => V::Null,
            1 => V::Bool(self.u.arbitrary()?),
            2 => {
                let s = self.pick(NUMBERS)?.to_string();
                self.number(s)
            }
            3 => {
                let n: i64 = self.u.arbitrary()?;
                self.number(n.to_string())
            }
            4 => V::Text(self.string()?),
            _ => V::Str(self.string()?),
        })
    }

    /// Any value at all, of any type (a wrong-type mutation).
    fn any(&mut self, depth: usize) -> Result<V> {
        if depth > 6 {
            return self.any_scalar();
        }
        Ok(match self.u.int_in_range(0..=7)? {
            0 => V::List(Vec::new()),
            1 => {
                let n = self.u.int_in_range(0..=3)?;
                let mut v = Vec::new();
                for _ in 0..n {
                    v.push(self.any(depth + 1)?);
                }
                V::List(v)
            }
            2 => V::Map(Vec::new()),
            3 => {
                let n = self.u.int_in_range(0..=3)?;
                let mut m = Vec::new();
                for _ in 0..n {
                    m.push((self.string()?, self.any(depth + 1)?));
                }
                V::Map(m)
            }
            _ => self.any_scalar()?,
        })
    }

    fn text_near(&mut self, max: Option<usize>) -> Result<V> {
        let len = match (max, self.u.int_in_range(0..=4)?) {
            (Some(m), 0) => m,
            (Some(m), 1) => m + 1,
            (Some(m), 2) => m.saturating_sub(1),
            _ => {
                return Ok({
                    let s = self.string()?;
                    self.leaf(s)
                });
            }
        };
        let ch = *self
            .u
            .choose(&['a', 'Ž', '太', ' ', '\u{1F600}', '\u{0301}'])?;
        Ok(self.leaf(std::iter::repeat_n(ch, len).collect()))
    }

    fn enum_word(&mut self, words: &[&str]) -> Result<String> {
        let w = self.pick(words)?;
        Ok(match self.u.int_in_range(0..=9)? {
            0 => w.to_ascii_lowercase(),
            1 => format!(" {w} "),
            2 => self.string()?,
            3 => format!("{w}X"),
            _ => w.to_string(),
        })
    }

    fn value(&mut self, f: &Field, depth: usize) -> Result<V> {
        // Sometimes a value of the wrong type, null or blank.
        match self.u.int_in_range(0..=19)? {
            0 => return self.any(depth),
            1 => return Ok(V::Null),
            2 => return Ok(self.leaf(String::new())),
            _ => {}
        }
        Ok(match f.ty {
            Type::Str { max_chars } => self.text_near(max_chars)?,
            Type::Enum(words) => {
                let w = self.enum_word(words)?;
                self.leaf(w)
            }
            Type::Country => {
                let w = self.pick(COUNTRIES)?.to_string();
                self.leaf(w)
            }
            Type::Currency => {
                let w = self.pick(CURRENCIES)?.to_string();
                self.leaf(w)
            }
            Type::Classifier(_) => {
                let s = if self.u.arbitrary()? {
                    "CODE1".to_string()
                } else {
                    self.string()?
                };
                self.leaf(s)
            }
            Type::Date => {
                let s = if self.u.ratio(3, 4)? {
                    self.pick(DATES)?.to_string()
                } else {
                    let (y, m, d): (i16, u8, u8) = self.u.arbitrary()?;
                    format!("{y:04}-{:02}-{:02}", m % 14, d % 33)
                };
                self.leaf(s)
            }
            Type::Bool => {
                if !self.text && self.u.ratio(3, 4)? {
                    V::Bool(self.u.arbitrary()?)
                } else {
                    let w = self.pick(BOOLS)?.to_string();
                    self.leaf(w)
                }
            }
            Type::Int { .. } | Type::Decimal { .. } | Type::Percent => {
                let s = match self.u.int_in_range(0..=2)? {
                    0 => self.pick(NUMBERS)?.to_string(),
                    1 => self.u.int_in_range(-5i64..=105)?.to_string(),
                    _ => {
                        let x: f64 = self.u.arbitrary()?;
                        x.to_string()
                    }
                };
                self.number(s)
            }
            Type::EnumList(words) => {
                if self.text && self.u.arbitrary()? {
                    let n = self.u.int_in_range(0..=4)?;
                    let mut parts = Vec::new();
                    for _ in 0..n {
                        parts.push(self.enum_word(words)?);
                    }
                    V::Text(parts.join(";"))
                } else {
                    let n = self.u.int_in_range(0..=4)?;
                    let mut v = Vec::new();
                    for _ in 0..n {
                        let w = self.enum_word(words)?;
                        v.push(self.leaf(w));
                    }
                    V::List(v)
                }
            }
            Type::List(shape) => {
                if depth > 4 {
                    return Ok(V::List(Vec::new()));
                }
                let n = self.u.int_in_range(0..=3)?;
                let mut v = Vec::new();
                for _ in 0..n {
                    v.push(self.object(shape, depth + 1)?);
                }
                V::List(v)
            }
            Type::Object(shape) => {
                if depth > 4 {
                    return Ok(V::Map(Vec::new()));
                }
                self.object(shape, depth + 1)?
            }
            Type::AnyScalar => self.any_scalar()?,
        })
    }

    fn object(&mut self, shape: &'static Shape, depth: usize) -> Result<V> {
        let mut m = Vec::new();
        for f in shape.fields {
            // Mostly present, so that the rules get past "missing" into the values.
            if self.u.ratio(1, 5)? {
                continue;
            }
            let name = match self.u.int_in_range(0..=15)? {
                0 if !f.aliases.is_empty() => self.pick(f.aliases)?.to_string(),
                1 => catalog::pascal(f.name),
                2 => f.name.to_ascii_uppercase(),
                _ => f.name.to_string(),
            };
            let v = self.value(f, depth)?;
            m.push((name, v));
        }
        // Unknown or repeated names, and a shuffled order.
        let extra = self.u.int_in_range(0..=2)?;
        for _ in 0..extra {
            let name = if self.u.arbitrary()? && !shape.fields.is_empty() {
                let f = &shape.fields[self.u.choose_index(shape.fields.len())?];
                f.name.to_string()
            } else {
                self.string()?
            };
            let v = self.any(depth + 1)?;
            m.push((name, v));
        }
        if self.u.ratio(1, 4)? && m.len() > 1 {
            let i = self.u.choose_index(m.len())?;
            let j = self.u.choose_index(m.len())?;
            m.swap(i, j);
        }
        Ok(V::Map(m))
    }
}

/// Builds a lead record from the fuzzer's bytes and checks it.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(text) = u.arbitrary::<bool>() else {
        return;
    };
    let mut g = Gen { u: &mut u, text };
    let Ok(record) = g.object(&catalog::LEAD, 0) else {
        return;
    };
    crate::check(&record.node());
}
