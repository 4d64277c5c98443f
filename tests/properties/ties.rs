//! What the rules add to the catalog's shapes, for the generator to make valid leads: the
//! values a rule narrows (`pinned`) and the fields a rule ties together, generated as one
//! (`tied`). Everything else about a field (name, aliases, type, enum words, presence,
//! nesting) is read from the catalog. Each tie names the rule it follows; a field it names
//! that the catalog lacks fails the test at once (`Shape::idx`).

use leadbatch::catalog::{Field, Shape, Type};
use proptest::prelude::*;
use serde_json::Value;

use super::V;
use super::values::{date_or_timestamp, date_value, kept, nb_text, recase, word, ymd};

/// Categories with the lead marker (spec §1: without it a CREATE is not a lead).
const LEAD_CATEGORIES: &[&str] = &[
    "LEAD_IND",
    "lead_org",
    "LEAD_AMLYZE",
    "IND_LEAD",
    "Org_Lead",
];

/// A value a rule narrows beyond the field's type, or `None`.
pub(super) fn pinned(shape: &Shape, f: &Field) -> Option<BoxedStrategy<V>> {
    match (shape.name, f.name) {
        ("AMLYZE_CUSTOMER", "riskManagementCategory") => Some(kept(LEAD_CATEGORIES).boxed()),
        // Spec §1: a lead may only be EVALUATEd (IMPORT is for customers).
        ("AMLYZE_CUSTOMER", "sourceOfRiskLevel") => Some(word(&["EVALUATE"]).boxed()),
        _ => None,
    }
}

type Tied = BoxedStrategy<Vec<(&'static str, V)>>;

/// The fields of `shape` a rule ties together, and their strategy (no fields and an empty
/// record for a shape without ties).
pub(super) fn tied(shape: &'static Shape) -> (&'static [&'static str], Tied) {
    let (names, strategy): (&'static [&'static str], Tied) = match shape.name {
        "AMLYZE_CUSTOMER" => (
            &["customerStatus", "closingDate"],
            status_and_closing(shape),
        ),
        "BusinessEntityDocument" => (
            &["documentIssueDate", "documentExpiryDate"],
            document_dates(),
        ),
        "DeclaredTurnover" => (&["from", "to"], turnover_range()),
        "AdditionalValue" => (&["datatype", "value"], typed_value(shape)),
        _ => (&[], Just(Vec::new()).boxed()),
    };
    for name in names {
        shape.idx(name);
    }
    (names, strategy)
}

/// The enum words of field `name` of `shape`.
fn words(shape: &Shape, name: &str) -> &'static [&'static str] {
    match shape.fields[shape.idx(name)].ty {
        Type::Enum(words) => words,
        ref other => panic!("{}.{name} is {other:?}, not an enum", shape.name),
    }
}

/// Spec §1: closingDate is mandatory with customerStatus CLOSED and forbidden otherwise.
fn status_and_closing(shape: &Shape) -> Tied {
    prop::option::weighted(
        0.2,
        (word(words(shape, "customerStatus")), date_or_timestamp()),
    )
    .prop_map(|status| {
        let Some((status, closing)) = status else {
            return Vec::new();
        };
        let closed = matches!(&status, V::S { canon: Some(c), .. } if c == "CLOSED");
        let mut fields = vec![("customerStatus", status)];
        if closed {
            fields.push(("closingDate", closing));
        }
        fields
    })
    .boxed()
}

/// Spec §4: a document's expiry is not before its issue (issued 2000–2025, expiring 0–15
/// years later, maybe already expired: a warning only).
fn document_dates() -> Tied {
    (
        (2000u32..=2025, 1u32..=12, 1u32..=28),
        prop::option::of(0u32..=15),
    )
        .prop_map(|((y, m, d), expiry)| {
            let issue = format!("{y:04}-{m:02}-{d:02}");
            let mut r = vec![("documentIssueDate", date_value(issue.clone(), issue))];
            if let Some(k) = expiry {
                let e = format!("{:04}-{m:02}-{d:02}", y + k);
                r.push(("documentExpiryDate", date_value(e.clone(), e)));
            }
            r
        })
        .boxed()
}

fn int_value(n: u32) -> V {
    V::S {
        text: n.to_string(),
        json: n.to_string(),
        canon: Some(Value::from(n)),
    }
}

/// Spec §4: a declared turnover has at least one of from and to, and from <= to.
fn turnover_range() -> Tied {
    (0u32..100_000, 0u32..100_000, 0u8..3)
        .prop_map(|(a, b, which)| {
            let mut r = Vec::new();
            if which != 1 {
                r.push(("from", int_value(a.min(b))));
            }
            if which != 0 {
                r.push(("to", int_value(a.max(b))));
            }
            r
        })
        .boxed()
}

/// Spec §4: an additional value's text parses as its datatype (any of the catalog's words,
/// in random letter case); in JSON a boolean or integer may be sent as a JSON boolean or
/// number; canonical: the text as a string.
fn typed_value(shape: &Shape) -> Tied {
    let datatypes = words(shape, "datatype");
    (prop::sample::select(datatypes), any::<u64>())
        .prop_flat_map(|(dt, bits)| {
            let datatype = recase(dt, bits);
            let datatype = V::S {
                json: serde_json::to_string(&datatype).unwrap(),
                text: datatype,
                canon: Some(Value::from(dt)),
            };
            value_of_datatype(dt)
                .prop_map(move |value| vec![("datatype", datatype.clone()), ("value", value)])
        })
        .boxed()
}

/// A value written as the datatype `dt` asks (spec §4).
fn value_of_datatype(dt: &str) -> BoxedStrategy<V> {
    match dt {
        "STRING" => nb_text().boxed(),
        "INTEGER" => (0u32..100_000, any::<bool>())
            .prop_map(|(n, raw)| scalar_as_text(n.to_string(), raw))
            .boxed(),
        "DECIMAL" => (0u32..100_000, 0u32..100)
            .prop_map(|(a, b)| scalar_as_text(format!("{a}.{b:02}"), false))
            .boxed(),
        "BOOLEAN" => (any::<bool>(), any::<bool>())
            .prop_map(|(b, raw)| scalar_as_text(b.to_string(), raw))
            .boxed(),
        "DATE" => ymd(1950, 2030)
            .prop_map(|(y, m, d)| scalar_as_text(format!("{y:04}-{m:02}-{d:02}"), false))
            .boxed(),
        "TIMESTAMP" => (ymd(2000, 2030), any::<bool>())
            .prop_map(|((y, m, d), vendor)| {
                let t = if vendor {
                    format!("{y:04}-{m:02}-{d:02} 12:10:11.000+0200")
                } else {
                    format!("{y:04}-{m:02}-{d:02}T12:10:11Z")
                };
                scalar_as_text(t, false)
            })
            .boxed(),
        other => panic!(
            "a datatype the generator does not know: {other} (spec §4 says how it is written)"
        ),
    }
}

/// A value whose canonical form is its text as a string; in JSON the raw literal when
/// `raw` (a number or boolean), else a string.
fn scalar_as_text(text: String, raw: bool) -> V {
    V::S {
        json: if raw {
            text.clone()
        } else {
            serde_json::to_string(&text).unwrap()
        },
        canon: Some(Value::from(text.clone())),
        text,
    }
}
