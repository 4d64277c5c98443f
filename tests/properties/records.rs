//! Strategies for records: fields (required, optional), objects and lists built from field
//! strategies, and the nested objects of a lead (contacts, addresses, documents, income
//! sources, turnovers, activities, additional values, related entities).

use proptest::prelude::*;
use serde_json::Value;

use super::values::{
    boolean, country, date, date_value, integer, nb_text, recase, text, word, ymd,
};
use super::{Rec, V};

type Field = (&'static str, V);
pub(super) type FieldS = BoxedStrategy<Option<Field>>;

pub(super) fn req(name: &'static str, s: impl Strategy<Value = V> + 'static) -> FieldS {
    s.prop_map(move |v| Some((name, v))).boxed()
}

pub(super) fn opt(p: f64, name: &'static str, s: impl Strategy<Value = V> + 'static) -> FieldS {
    prop::option::weighted(p, s.prop_map(move |v| (name, v))).boxed()
}

/// A record of the given field strategies (absent ones left out).
pub(super) fn rec(fields: Vec<FieldS>) -> impl Strategy<Value = Rec> {
    fields.prop_map(|v| v.into_iter().flatten().collect())
}

/// An optional object field, left out when none of its fields came out.
pub(super) fn obj(p: f64, name: &'static str, fields: Vec<FieldS>) -> FieldS {
    prop::option::weighted(p, rec(fields))
        .prop_map(move |r| r.filter(|r| !r.is_empty()).map(|r| (name, V::Obj(r))))
        .boxed()
}

/// An optional list field of 1..=max items.
pub(super) fn list(
    p: f64,
    name: &'static str,
    item: &'static str,
    max: usize,
    s: impl Strategy<Value = Rec> + 'static,
) -> FieldS {
    prop::option::weighted(p, prop::collection::vec(s, 1..=max))
        .prop_map(move |items| items.map(|items| (name, V::List(item, items))))
        .boxed()
}

pub(super) fn contact() -> impl Strategy<Value = Rec> {
    rec(vec![
        req(
            "contactType",
            word(&["MOBILEPHONE", "FIXEDPHONE", "EMAIL", "WEBSITE"]),
        ),
        req("contactDetails", nb_text()),
        opt(0.5, "useForCommunication", boolean()),
    ])
}

/// An address of a related entity: addressDetails is optional there (spec §4).
pub(super) fn address() -> impl Strategy<Value = Rec> {
    address_with(opt(0.4, "addressDetails", text()))
}

/// An address of the lead itself: spec §4 makes addressDetails mandatory there.
pub(super) fn lead_address() -> impl Strategy<Value = Rec> {
    address_with(req("addressDetails", nb_text()))
}

fn address_with(details: FieldS) -> impl Strategy<Value = Rec> {
    rec(vec![
        req("country", country()),
        opt(0.4, "addressType", nb_text()),
        details,
        opt(0.5, "city", text()),
        opt(0.3, "region", text()),
        opt(0.3, "streetAddress", text()),
        opt(0.3, "zipCode", text()),
        opt(0.3, "useForCorrespondence", boolean()),
    ])
    .prop_shuffle()
}

/// A document: issued in 2000–2025, expiring 0–15 years later (maybe already expired:
/// a warning only).
pub(super) fn document() -> impl Strategy<Value = Rec> {
    (
        rec(vec![
            req("entityType", word(&["INDIVIDUAL", "ORGANIZATION"])),
            req(
                "identityDocumentType",
                word(&[
                    "PASSPORT",
                    "IDENTITYCARD",
                    "RESIDENCEPERMIT",
                    "DRIVINGLICENSE",
                    "REGISTRATIONCERTIFICATE",
                    "OTHER",
                ]),
            ),
            req("documentNumber", nb_text()),
            req("documentIssueCountry", country()),
            req("documentIssueAuthority", nb_text()),
            opt(0.3, "description", text()),
        ]),
        (2000u32..=2025, 1u32..=12, 1u32..=28),
        prop::option::of(0u32..=15),
    )
        .prop_map(|(mut r, (y, m, d), expiry)| {
            let issue = format!("{y:04}-{m:02}-{d:02}");
            r.push(("documentIssueDate", date_value(issue.clone(), issue)));
            if let Some(k) = expiry {
                let e = format!("{:04}-{m:02}-{d:02}", y + k);
                r.push(("documentExpiryDate", date_value(e.clone(), e)));
            }
            r
        })
}

pub(super) fn income_source() -> impl Strategy<Value = Rec> {
    (
        rec(vec![
            req("incomeSourceType", nb_text()),
            opt(0.5, "incomePercentage", integer(0..=100)),
        ]),
        prop::option::of((0u32..5000, 0u32..5000)),
    )
        .prop_map(|(mut r, range)| {
            if let Some((a, b)) = range {
                r.push(("from", int_value(a.min(b))));
                r.push(("to", int_value(a.max(b))));
            }
            r
        })
}

fn int_value(n: u32) -> V {
    V::S {
        text: n.to_string(),
        json: n.to_string(),
        canon: Some(Value::from(n)),
    }
}

pub(super) fn declared_turnover() -> impl Strategy<Value = Rec> {
    (
        rec(vec![
            req("turnoverType", nb_text()),
            req(
                "turnoverRange",
                word(&["SINGLE", "DAILY", "MONTHLY", "ANNUAL"]),
            ),
        ]),
        0u32..100_000,
        0u32..100_000,
        0u8..3,
    )
        .prop_map(|(mut r, a, b, which)| {
            // At least one of from/to; from <= to when both.
            if which != 1 {
                r.push(("from", int_value(a.min(b))));
            }
            if which != 0 {
                r.push(("to", int_value(a.max(b))));
            }
            r
        })
}

pub(super) fn activity() -> impl Strategy<Value = Rec> {
    rec(vec![
        req("activityType", nb_text()),
        opt(0.5, "incomePercentage", integer(0..=100)),
    ])
}

pub(super) fn one(
    name: &'static str,
    s: impl Strategy<Value = V> + 'static,
) -> impl Strategy<Value = Rec> {
    rec(vec![req(name, s)])
}

/// An additional value whose text parses as its datatype; in JSON a boolean or integer may
/// be sent as a JSON boolean or number (spec §4); canonical: the text as a string.
pub(super) fn additional_value() -> impl Strategy<Value = Rec> {
    let value = prop_oneof![
        nb_text().prop_map(|v| ("STRING", v)),
        (0u32..100_000, any::<bool>())
            .prop_map(|(n, raw)| ("INTEGER", scalar_as_text(n.to_string(), raw))),
        (0u32..100_000, 0u32..100)
            .prop_map(|(a, b)| ("DECIMAL", scalar_as_text(format!("{a}.{b:02}"), false))),
        (any::<bool>(), any::<bool>())
            .prop_map(|(b, raw)| ("BOOLEAN", scalar_as_text(b.to_string(), raw))),
        ymd(1950, 2030).prop_map(|(y, m, d)| (
            "DATE",
            scalar_as_text(format!("{y:04}-{m:02}-{d:02}"), false)
        )),
        (ymd(2000, 2030), any::<bool>()).prop_map(|((y, m, d), vendor)| {
            let t = if vendor {
                format!("{y:04}-{m:02}-{d:02} 12:10:11.000+0200")
            } else {
                format!("{y:04}-{m:02}-{d:02}T12:10:11Z")
            };
            ("TIMESTAMP", scalar_as_text(t, false))
        }),
    ];
    (nb_text(), nb_text(), value, any::<u64>()).prop_map(|(code, desc, (dt, value), bits)| {
        let datatype = recase(dt, bits);
        vec![
            ("code", code),
            (
                "datatype",
                V::S {
                    json: serde_json::to_string(&datatype).unwrap(),
                    text: datatype,
                    canon: Some(Value::from(dt)),
                },
            ),
            ("description", desc),
            ("value", value),
        ]
    })
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

pub(super) fn related_entity() -> impl Strategy<Value = Rec> {
    let individual = any::<bool>();
    individual.prop_flat_map(|ind| {
        let mut fields = vec![
            req(
                "entityType",
                word(if ind {
                    &["INDIVIDUAL"]
                } else {
                    &["ORGANIZATION"]
                }),
            ),
            req("relationType", nb_text()),
            opt(0.3, "relationDescription", text()),
            opt(0.3, "extId", text()),
            opt(0.2, "nationalCode", text()),
            opt(0.2, "activityDescription", text()),
            opt(0.2, "regionOfActivityDescription", text()),
            opt(0.3, "share", integer(0..=100)),
            opt(0.3, "votePercentage", integer(0..=100)),
            opt(0.3, "country", country()),
            opt(0.2, "registrationCountry", country()),
            opt(0.2, "countryOfBusinessOperations", country()),
            opt(0.2, "birthCountry", country()),
            opt(0.2, "isPEP", boolean()),
            opt(0.2, "isSanctioned", boolean()),
            opt(0.1, "isInAdverseMedia", boolean()),
            opt(0.1, "isInInternalList", boolean()),
            opt(0.2, "legalForm", nb_text()),
            list(0.3, "listContact", "Contact", 2, contact()),
            list(0.3, "listAddress", "Address", 2, address()),
            list(
                0.2,
                "listBusinessEntityDocument",
                "BusinessEntityDocument",
                1,
                document(),
            ),
            list(0.15, "listIncomeSource", "IncomeSource", 2, income_source()),
            list(0.15, "listActivity", "Activity", 2, activity()),
            list(
                0.1,
                "listRegionOfActivity",
                "RegionOfActivity",
                2,
                one("region", nb_text()),
            ),
            list(
                0.1,
                "listCountryOfActivity",
                "CountryOfActivity",
                2,
                one("country", country()),
            ),
            list(
                0.2,
                "listAdditionalValues",
                "AdditionalValue",
                2,
                additional_value(),
            ),
        ];
        if ind {
            fields.push(req("firstName", nb_text()));
            fields.push(req("lastName", nb_text()));
            fields.push(opt(0.4, "birthDate", date(1900, 2025)));
        } else {
            fields.push(req("title", nb_text()));
            fields.push(opt(0.4, "establishmentDate", date(1900, 2025)));
        }
        rec(fields).prop_shuffle()
    })
}
