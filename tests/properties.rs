//! Properties of the readers and the pipeline (proptest), run in-process through
//! `leadbatch::pipeline::run`:
//!
//! 1. Any valid lead (individual or organization, random subsets of the optional fields and
//!    nested lists, random unicode text with quotes, commas, `<`, `&`, `;` and line breaks,
//!    random valid dates, countries and enum words in random letter case) written as a JSON
//!    array, NDJSON, XML and CSV by this file's own small serializers is accepted in every
//!    format with the same canonical payload, byte for byte, and that payload holds the
//!    canonical values of spec §2 (compared as JSON values, numbers by value).
//! 2. Any mutation of a valid file's bytes (bit flips, truncation, insertion of `{`, `"`,
//!    `<`, `,`, deletion) never panics and never loses a record: the run completes, every
//!    record ends accepted or rejected (`records == accepted + rejected` in total and per
//!    file, matching the lines of accepted.ndjson and rejected.ndjson), every record wholly
//!    before the first mutated byte is counted, and an NDJSON file has exactly one record
//!    per non-blank line.
//!
//! Each property runs 64 cases (`PROPTEST_CASES=N` for more); no failure file is written
//! (the minimal failing input is in the failure message).

use std::fmt::Write as _;
use std::path::PathBuf;

use leadbatch::pipeline::{self, Settings};
use leadbatch::rules::scalar::Date;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value};

// ------------------------------------------------------------------------------------------
// The model of a lead: what each serializer writes, and what spec §2 makes of it.
// ------------------------------------------------------------------------------------------

/// A field value.
#[derive(Debug, Clone)]
enum V {
    /// A scalar: `text` is written in XML and CSV, `json` (a JSON literal) in JSON;
    /// `canon` is its canonical value by spec §2 (`None`: absent, e.g. blank text).
    S {
        text: String,
        json: String,
        canon: Option<Value>,
    },
    /// `initializeScreeningProcesses`: enum words (JSON array, XML `<Process>`, CSV `;`).
    Words(Vec<String>),
    Obj(Rec),
    /// A list: the XML item element name, the items.
    List(&'static str, Vec<Rec>),
}

/// A record or nested object: fields in writing order. Names are written as given in JSON
/// and CSV (`GIIN` is an alias) and in PascalCase in XML.
type Rec = Vec<(&'static str, V)>;

/// The canonical value of a field (spec §2): `None` when absent.
fn canon(v: &V) -> Option<Value> {
    match v {
        V::S { canon, .. } => canon.clone(),
        V::Words(w) => {
            let items: Vec<Value> = w.iter().map(|s| Value::from(s.to_uppercase())).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        V::Obj(rec) => canon_rec(rec),
        V::List(_, items) => {
            let items: Vec<Value> = items.iter().filter_map(canon_rec).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
    }
}

/// Aliases are written under their canonical name.
fn canonical_name(name: &str) -> &str {
    match name {
        "GIIN" => "giin",
        "LEI" => "lei",
        n => n,
    }
}

fn canon_rec(rec: &Rec) -> Option<Value> {
    let mut m = Map::new();
    for (k, v) in rec {
        if let Some(c) = canon(v) {
            m.insert(canonical_name(k).to_string(), c);
        }
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

/// The canonical payload of a top-level lead: `action` always stated (spec §1).
fn canon_lead(rec: &Rec) -> Value {
    let mut v = canon_rec(rec).expect("a lead has fields");
    v.as_object_mut()
        .unwrap()
        .entry("action")
        .or_insert_with(|| Value::from("CREATE"));
    v
}

/// JSON equality with numbers compared by value (`1250` and `1250.0` are the same number).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, a)| y.get(k).is_some_and(|b| same_json(a, b)))
        }
        _ => a == b,
    }
}

// ------------------------------------------------------------------------------------------
// Serializers.
// ------------------------------------------------------------------------------------------

fn json_rec(rec: &Rec, out: &mut String) {
    out.push('{');
    for (i, (k, v)) in rec.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(k).unwrap());
        out.push(':');
        match v {
            V::S { json, .. } => out.push_str(json),
            V::Words(w) => out.push_str(&serde_json::to_string(w).unwrap()),
            V::Obj(r) => json_rec(r, out),
            V::List(_, items) => {
                out.push('[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    json_rec(item, out);
                }
                out.push(']');
            }
        }
    }
    out.push('}');
}

fn to_json_text(rec: &Rec) -> String {
    let mut s = String::new();
    json_rec(rec, &mut s);
    s
}

/// A JSON file: an array, or the vendor's `{"customers": [...]}` wrapper; one element per
/// line or all on one line.
fn write_json(leads: &[Rec], wrapper: bool, multiline: bool) -> Vec<u8> {
    let sep = if multiline { ",\n" } else { "," };
    let body: Vec<String> = leads.iter().map(to_json_text).collect();
    let array = format!("[{}]", body.join(sep));
    let text = if wrapper {
        format!("{{\"customers\": {array}}}\n")
    } else {
        format!("{array}\n")
    };
    text.into_bytes()
}

/// NDJSON, and the byte offset just past each record's line.
fn write_ndjson(leads: &[Rec]) -> (Vec<u8>, Vec<usize>) {
    let mut out = String::new();
    let mut ends = Vec::new();
    for l in leads {
        out.push_str(&to_json_text(l));
        out.push('\n');
        ends.push(out.len());
    }
    (out.into_bytes(), ends)
}

fn pascal(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// XML text: the five markup characters escaped, CR as a character reference (a raw CR
/// would be a line end, which XML normalises).
fn xml_escape(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// How the XML is spelled.
#[derive(Debug, Clone, Copy)]
struct XmlStyle {
    /// `am:` prefix on every element of the record (namespaces are ignored).
    prefix: bool,
    /// `Code`/`Amount` instead of the vendor's `SourceOfWealthCode`/`Value`.
    plain_sow: bool,
    /// A SOAP envelope around the wrapper.
    soap: bool,
}

fn xml_rec(rec: &Rec, p: &str, in_sow: bool, style: XmlStyle, out: &mut String) {
    for (k, v) in rec {
        let tag = match (*k, in_sow, style.plain_sow) {
            ("code", true, false) => "SourceOfWealthCode".to_string(),
            ("amount", true, false) => "Value".to_string(),
            (k, _, _) => pascal(k),
        };
        let _ = write!(out, "<{p}{tag}>");
        match v {
            V::S { text, .. } => xml_escape(text, out),
            V::Words(w) => {
                for word in w {
                    let _ = write!(out, "<{p}Process>");
                    xml_escape(word, out);
                    let _ = write!(out, "</{p}Process>");
                }
            }
            V::Obj(r) => xml_rec(r, p, false, style, out),
            V::List(item, items) => {
                for it in items {
                    let _ = write!(out, "\n<{p}{item}>");
                    xml_rec(it, p, *k == "listSourceOfWealth", style, out);
                    let _ = write!(out, "</{p}{item}>");
                }
            }
        }
        let _ = writeln!(out, "</{p}{tag}>");
    }
}

/// XML, and the byte offset just past each record's end tag.
fn write_xml(leads: &[Rec], style: XmlStyle) -> (Vec<u8>, Vec<usize>) {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if style.soap {
        out.push_str(
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>\n",
        );
    }
    out.push_str("<Leads>\n");
    let mut ends = Vec::new();
    let p = if style.prefix { "am:" } else { "" };
    for l in leads {
        if style.prefix {
            out.push_str(concat!(
                "<am:AMLYZE_CUSTOMER ",
                "xmlns:am=\"urn:amlyze-services:EvaluateCustomerService_v2r0\">\n"
            ));
        } else {
            out.push_str(
                "<AMLYZE_CUSTOMER xmlns=\"urn:amlyze-services:EvaluateCustomerService_v2r0\">\n",
            );
        }
        xml_rec(l, p, false, style, &mut out);
        let _ = write!(out, "</{p}AMLYZE_CUSTOMER>");
        ends.push(out.len());
        out.push('\n');
    }
    out.push_str("</Leads>\n");
    if style.soap {
        out.push_str("</soap:Body></soap:Envelope>\n");
    }
    (out.into_bytes(), ends)
}

/// How the CSV header is spelled.
#[derive(Debug, Clone, Copy)]
struct CsvStyle {
    /// `listAddress[0].country` rather than `listAddress.0.country`.
    brackets: bool,
    /// Every segment in PascalCase (headers are case-insensitive).
    pascal_headers: bool,
}

fn flatten(rec: &Rec, prefix: &str, style: CsvStyle, out: &mut Vec<(String, String)>) {
    for (k, v) in rec {
        let name = if style.pascal_headers {
            pascal(k)
        } else {
            k.to_string()
        };
        let path = format!("{prefix}{name}");
        match v {
            V::S { text, .. } => out.push((path, text.clone())),
            V::Words(w) => out.push((path, w.join(";"))),
            V::Obj(r) => flatten(r, &format!("{path}."), style, out),
            V::List(_, items) => {
                for (i, it) in items.iter().enumerate() {
                    let p = if style.brackets {
                        format!("{path}[{i}].")
                    } else {
                        format!("{path}.{i}.")
                    };
                    flatten(it, &p, style, out);
                }
            }
        }
    }
}

/// A CSV cell, quoted when it holds a delimiter, a quote or a line break.
fn csv_cell(s: &str, out: &mut String) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// CSV (header: the union of the records' paths in order of first appearance), and the byte
/// offset just past each record's row.
fn write_csv(leads: &[Rec], style: CsvStyle) -> (Vec<u8>, Vec<usize>) {
    let rows: Vec<Vec<(String, String)>> = leads
        .iter()
        .map(|l| {
            let mut cells = Vec::new();
            flatten(l, "", style, &mut cells);
            cells
        })
        .collect();
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for (p, _) in row {
            if !columns.contains(p) {
                columns.push(p.clone());
            }
        }
    }
    let mut out = String::new();
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(c, &mut out);
    }
    out.push('\n');
    let mut ends = Vec::new();
    for row in &rows {
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Some((_, v)) = row.iter().find(|(p, _)| p == c) {
                csv_cell(v, &mut out);
            }
        }
        out.push('\n');
        ends.push(out.len());
    }
    (out.into_bytes(), ends)
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

fn string_value(text: String) -> V {
    let trimmed = text.trim();
    let canon = (!trimmed.is_empty()).then(|| Value::from(trimmed));
    V::S {
        json: serde_json::to_string(&text).unwrap(),
        text,
        canon,
    }
}

/// Any text, maybe blank (then absent).
fn text() -> impl Strategy<Value = V> {
    raw_text(12).prop_map(string_value)
}

/// Text that is never blank (a mandatory string or classifier code).
fn nb_text() -> impl Strategy<Value = V> {
    (prop::char::range('A', 'Z'), raw_text(10))
        .prop_map(|(c, rest)| string_value(format!("{c}{rest}")))
}

/// `word` with each letter upper- or lower-cased by `bits`.
fn recase(word: &str, bits: u64) -> String {
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
fn word(words: &'static [&'static str]) -> impl Strategy<Value = V> {
    (prop::sample::select(words), any::<u64>()).prop_map(|(w, bits)| {
        let text = recase(w, bits);
        V::S {
            json: serde_json::to_string(&text).unwrap(),
            canon: Some(Value::from(w)),
            text,
        }
    })
}

/// A value kept as given (here: the lead category, which must carry the lead marker).
fn kept(values: &'static [&'static str]) -> impl Strategy<Value = V> {
    prop::sample::select(values).prop_map(|t| string_value(t.to_string()))
}

const COUNTRIES: &[&str] = &[
    "LT", "LV", "EE", "PL", "DE", "FR", "JP", "US", "GB", "ES", "XK", "AT", "RU", "IE", "CA", "UA",
];
const CURRENCIES: &[&str] = &["EUR", "USD", "JPY", "GBP", "CHF"];

fn country() -> impl Strategy<Value = V> {
    word(COUNTRIES)
}

fn boolean() -> impl Strategy<Value = V> {
    (any::<bool>(), any::<u64>()).prop_map(|(b, bits)| V::S {
        text: recase(if b { "true" } else { "false" }, bits),
        json: b.to_string(),
        canon: Some(Value::from(b)),
    })
}

/// An integer in `range`, written as digits; as text also with a `+` sign or leading zeros
/// (then a JSON string of digits, spec §2).
fn integer(range: std::ops::RangeInclusive<u32>) -> impl Strategy<Value = V> {
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
fn decimal() -> impl Strategy<Value = V> {
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
fn ymd(from: u32, to: u32) -> impl Strategy<Value = (u32, u32, u32)> {
    (from..=to, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| (y, m, d.min(days_in(y, m))))
}

fn date_value(text: String, plain: String) -> V {
    V::S {
        json: serde_json::to_string(&text).unwrap(),
        text,
        canon: Some(Value::from(plain)),
    }
}

/// A Date: `YYYY-MM-DD`, or an XML date with a zone (canonical: the plain date).
fn date(from: u32, to: u32) -> impl Strategy<Value = V> {
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
fn date_or_timestamp() -> impl Strategy<Value = V> {
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

type Field = (&'static str, V);
type FieldS = BoxedStrategy<Option<Field>>;

fn req(name: &'static str, s: impl Strategy<Value = V> + 'static) -> FieldS {
    s.prop_map(move |v| Some((name, v))).boxed()
}

fn opt(p: f64, name: &'static str, s: impl Strategy<Value = V> + 'static) -> FieldS {
    prop::option::weighted(p, s.prop_map(move |v| (name, v))).boxed()
}

/// A record of the given field strategies (absent ones left out).
fn rec(fields: Vec<FieldS>) -> impl Strategy<Value = Rec> {
    fields.prop_map(|v| v.into_iter().flatten().collect())
}

/// An optional object field, left out when none of its fields came out.
fn obj(p: f64, name: &'static str, fields: Vec<FieldS>) -> FieldS {
    prop::option::weighted(p, rec(fields))
        .prop_map(move |r| r.filter(|r| !r.is_empty()).map(|r| (name, V::Obj(r))))
        .boxed()
}

/// An optional list field of 1..=max items.
fn list(
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

fn contact() -> impl Strategy<Value = Rec> {
    rec(vec![
        req(
            "contactType",
            word(&["MOBILEPHONE", "FIXEDPHONE", "EMAIL", "WEBSITE"]),
        ),
        req("contactDetails", nb_text()),
        opt(0.5, "useForCommunication", boolean()),
    ])
}

fn address() -> impl Strategy<Value = Rec> {
    rec(vec![
        req("country", country()),
        opt(0.4, "addressType", nb_text()),
        opt(0.4, "addressDetails", text()),
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
fn document() -> impl Strategy<Value = Rec> {
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

fn income_source() -> impl Strategy<Value = Rec> {
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

fn declared_turnover() -> impl Strategy<Value = Rec> {
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

fn activity() -> impl Strategy<Value = Rec> {
    rec(vec![
        req("activityType", nb_text()),
        opt(0.5, "incomePercentage", integer(0..=100)),
    ])
}

fn one(name: &'static str, s: impl Strategy<Value = V> + 'static) -> impl Strategy<Value = Rec> {
    rec(vec![req(name, s)])
}

/// An additional value whose text parses as its datatype; in JSON a boolean or integer may
/// be sent as a JSON boolean or number (spec §4); canonical: the text as a string.
fn additional_value() -> impl Strategy<Value = Rec> {
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

fn related_entity() -> impl Strategy<Value = Rec> {
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

/// Fields of both entity types (spec §3 "O | O").
fn common_fields() -> Vec<FieldS> {
    vec![
        req("communicationNumber", nb_text()),
        req("requester", nb_text()),
        opt(0.5, "action", word(&["CREATE", "UPDATE"])),
        req("sourceOfRiskLevel", word(&["EVALUATE"])),
        opt(
            0.1,
            "riskLevel",
            word(&["NONE", "LOW", "MEDIUM", "HIGH", "EXTREME"]),
        ),
        opt(
            0.1,
            "customerStatus",
            word(&["PENDING", "ACTIVE", "REJECTED", "SUSPENDED"]),
        ),
        opt(
            0.3,
            "initializeScreeningProcesses",
            (
                prop::sample::subsequence(
                    &["SANCTIONS", "PEP", "ADVERSE_MEDIA", "INTERNAL_LIST"][..],
                    1..=4,
                ),
                any::<u64>(),
            )
                .prop_map(|(w, bits)| V::Words(w.iter().map(|s| recase(s, bits)).collect())),
        ),
        opt(0.3, "businessUnit", nb_text()),
        req(
            "riskManagementCategory",
            kept(&[
                "LEAD_IND",
                "lead_org",
                "LEAD_AMLYZE",
                "IND_LEAD",
                "Org_Lead",
            ]),
        ),
        req("customerExtId", nb_text()),
        req("applicationDate", date_or_timestamp()),
        opt(0.3, "approvalDate", date_or_timestamp()),
        opt(0.3, "nationalCode", text()),
        opt(0.2, "isPEP", boolean()),
        opt(0.2, "isSanctioned", boolean()),
        opt(0.1, "isInAdverseMedia", boolean()),
        opt(0.1, "isInInternalList", boolean()),
        opt(0.2, "listPurpose", word(&["BLACK", "WHITE"])),
        opt(0.1, "isActualAddressDeclared", boolean()),
        opt(0.1, "isCorrespondenceAddressDeclared", boolean()),
        opt(0.1, "doesCashDominate", boolean()),
        opt(0.3, "activityDescription", text()),
        opt(0.1, "incomeSourceDescription", text()),
        opt(0.1, "incomingPaymentDescription", text()),
        opt(0.1, "outgoingPaymentDescription", text()),
        opt(0.1, "initialDepositSource", text()),
        opt(0.1, "initialDepositBank", text()),
        opt(0.1, "initialDepositAccount", text()),
        opt(0.3, "initialDepositAmount", decimal()),
        opt(0.2, "initialDepositCurrency", word(CURRENCIES)),
        list(0.4, "listContact", "Contact", 3, contact()),
        list(0.4, "listAddress", "Address", 2, address()),
        list(
            0.3,
            "listBusinessEntityDocument",
            "BusinessEntityDocument",
            2,
            document(),
        ),
        list(
            0.1,
            "listAppealReason",
            "AppealReason",
            2,
            one("appealReasonType", nb_text()),
        ),
        list(
            0.1,
            "listIntroductionSource",
            "IntroductionSource",
            2,
            one("introductionSource", nb_text()),
        ),
        list(
            0.1,
            "listOrderedService",
            "OrderedService",
            2,
            one("serviceType", nb_text()),
        ),
        list(
            0.15,
            "listDeclaredTurnover",
            "DeclaredTurnover",
            2,
            declared_turnover(),
        ),
        list(0.15, "listIncomeSource", "IncomeSource", 2, income_source()),
        list(
            0.1,
            "listPaymentPurpose",
            "PaymentPurpose",
            2,
            rec(vec![
                req("paymentPurposeType", nb_text()),
                req("turnoverDirection", word(&["IN", "OUT"])),
            ]),
        ),
        list(
            0.3,
            "listSourceOfWealth",
            "SourceOfWealth",
            2,
            rec(vec![
                req("code", nb_text()),
                opt(0.6, "amount", decimal()),
                opt(0.4, "comment", text()),
            ]),
        ),
        list(
            0.15,
            "listPaymentCountry",
            "PaymentCountry",
            3,
            rec(vec![
                req("country", country()),
                req("turnoverDirection", word(&["IN", "OUT"])),
            ]),
        ),
        list(0.1, "listActivity", "Activity", 2, activity()),
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
            0.1,
            "listCountryOfTaxPayment",
            "CountryOfTaxPayment",
            2,
            rec(vec![
                req("country", country()),
                opt(0.5, "taxpayerNumber", text()),
            ]),
        ),
        list(
            0.3,
            "listAdditionalValues",
            "AdditionalValue",
            3,
            additional_value(),
        ),
        list(
            0.3,
            "listRelatedEntity",
            "RelatedEntity",
            2,
            related_entity(),
        ),
    ]
}

fn individual() -> impl Strategy<Value = Rec> {
    let mut fields = common_fields();
    fields.extend([
        req("entityType", word(&["INDIVIDUAL"])),
        req("firstName", nb_text()),
        req("lastName", nb_text()),
        req("citizenshipCountry", country()),
        req("birthDate", date(1900, 2025)),
        opt(0.3, "birthCountry", country()),
        opt(0.2, "secondCitizenshipCountry", country()),
        opt(0.2, "permanentResidenceCountry", country()),
        opt(0.2, "isLegalResident", boolean()),
        opt(0.2, "isFamilyPEP", boolean()),
        opt(0.1, "isLitigated", boolean()),
        opt(0.1, "amlOfficer", boolean()),
        obj(
            0.4,
            "fieldOfActivity",
            vec![
                obj(
                    0.6,
                    "employment",
                    vec![
                        opt(0.5, "employerTitle", text()),
                        opt(0.5, "employmentPositionDescription", text()),
                        opt(0.5, "isEmployee", boolean()),
                        opt(0.3, "isSelfEmployed", boolean()),
                        opt(0.3, "isUnemployed", boolean()),
                    ],
                ),
                obj(
                    0.3,
                    "other",
                    vec![
                        opt(0.7, "isOtherStatus", boolean()),
                        opt(0.5, "otherStatusDescription", text()),
                    ],
                ),
                obj(
                    0.3,
                    "pension",
                    vec![
                        opt(0.7, "isPensioner", boolean()),
                        opt(0.5, "pensionCountry", country()),
                    ],
                ),
                obj(
                    0.5,
                    "student",
                    vec![
                        opt(0.7, "isStudent", boolean()),
                        opt(0.5, "higherSchoolTitle", text()),
                        opt(0.5, "higherSchoolCountry", country()),
                    ],
                ),
            ],
        ),
    ]);
    rec(fields)
}

fn organization() -> impl Strategy<Value = Rec> {
    let mut fields = common_fields();
    fields.extend([
        req("entityType", word(&["ORGANIZATION"])),
        req("title", nb_text()),
        req("registrationCountry", country()),
        req("legalForm", nb_text()),
        opt(0.3, "tradingName", text()),
        opt(0.4, "establishmentDate", date(1900, 2025)),
        // Written under the input alias or the canonical name.
        opt(0.2, "GIIN", text()),
        opt(0.2, "lei", text()),
        opt(0.1, "giin", text()),
        opt(0.1, "LEI", text()),
        opt(0.1, "activityInRestrictedRegionDescription", text()),
        opt(0.1, "regionOfActivityDescription", text()),
        opt(0.2, "companyAssetValue", integer(0..=2_000_000_000)),
        opt(0.3, "numberOfEmployees", integer(0..=100_000)),
        opt(0.1, "numberOfAudits", integer(0..=50)),
        opt(0.1, "periodsOfAuditsInYears", integer(0..=50)),
        opt(0.1, "periodsOfFiningInYears", integer(0..=50)),
        opt(0.2, "isAudited", boolean()),
        opt(0.1, "hasMultiLayerStructure", boolean()),
        opt(0.1, "isFinancialInstitution", boolean()),
        opt(0.1, "isDirectlyManaged", boolean()),
        opt(0.1, "noMajorShareHolders", boolean()),
        opt(0.1, "isFined", boolean()),
        opt(0.1, "isListed", boolean()),
        opt(0.1, "isRegulated", boolean()),
        opt(0.1, "isLicenseRequired", boolean()),
        opt(0.1, "thirdPartyServicesUsed", boolean()),
        opt(0.1, "organizationalStructureDescription", text()),
        opt(0.1, "licenseDescription", text()),
        opt(0.1, "thirdPartyServicesUsedDescription", text()),
    ]);
    rec(fields)
}

/// A lead with its fields in random order.
fn lead() -> impl Strategy<Value = Rec> {
    prop_oneof![7 => individual(), 3 => organization()].prop_shuffle()
}

/// Without the giin/GIIN (or lei/LEI) pair twice, which would be a duplicate field.
fn without_alias_pairs(mut r: Rec) -> Rec {
    for (a, b) in [("GIIN", "giin"), ("LEI", "lei")] {
        if r.iter().any(|(k, _)| *k == a) {
            r.retain(|(k, _)| *k != b);
        }
    }
    r
}

/// 1–3 leads; communicationNumber and customerExtId made unique within the file.
fn leads() -> impl Strategy<Value = Vec<Rec>> {
    prop::collection::vec(lead(), 1..=3).prop_map(|leads| {
        leads
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let mut r = without_alias_pairs(r);
                for (k, v) in r.iter_mut() {
                    if (*k == "communicationNumber" || *k == "customerExtId")
                        && let V::S { text, .. } = v
                    {
                        let unique = format!("N{i}_{}", text.trim());
                        *v = string_value(unique);
                    }
                }
                r
            })
            .collect()
    })
}

// ------------------------------------------------------------------------------------------
// Running the pipeline in-process.
// ------------------------------------------------------------------------------------------

struct Ran {
    summary: leadbatch::output::Summary,
    accepted: String,
    rejected: String,
    errors: Vec<u8>,
}

/// Runs the pipeline on one file (`name`, `bytes`) in a fresh directory: `--jobs 1`,
/// `--as-of 2026-11-23`.
fn run_one(name: &str, bytes: &[u8]) -> Ran {
    let dir = tempfile::Builder::new()
        .prefix("leadbatch-prop-")
        .tempdir_in(scratch_root())
        .unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join(name), bytes).unwrap();
    let out = dir.path().join("out");
    let summary = run_settings(vec![input], out.clone());
    let read = |f: &str| std::fs::read(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    Ran {
        summary,
        accepted: String::from_utf8(read("accepted.ndjson")).unwrap(),
        rejected: String::from_utf8(read("rejected.ndjson")).unwrap(),
        errors: read("errors.csv"),
    }
}

/// Where the runs' directories go: a RAM file system when there is one (the pipeline
/// fsyncs its outputs, which dominates the run time on a disk), else the temp directory.
fn scratch_root() -> &'static PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        let writable = shm.is_dir()
            && tempfile::Builder::new()
                .prefix("leadbatch-probe-")
                .tempfile_in(&shm)
                .is_ok();
        if writable { shm } else { std::env::temp_dir() }
    })
}

fn run_settings(inputs: Vec<PathBuf>, out: PathBuf) -> leadbatch::output::Summary {
    let mut settings = Settings::new(inputs, out);
    settings.jobs = 1;
    settings.rules.as_of = Date::parse_plain(crate::util::AS_OF).unwrap();
    match pipeline::run(&settings) {
        Ok(s) => s,
        Err(e) => panic!("the run failed: {e}"),
    }
}

/// Every record ends accepted or rejected, in total and per file, and the output files hold
/// exactly the counted lines.
fn check_accounting(r: &Ran) -> Result<(), TestCaseError> {
    let s = &r.summary;
    prop_assert_eq!(s.records, s.accepted + s.rejected, "total");
    let mut sum = (0, 0, 0);
    for f in &s.by_file {
        prop_assert_eq!(f.records, f.accepted + f.rejected, "file {}", f.source);
        sum = (sum.0 + f.records, sum.1 + f.accepted, sum.2 + f.rejected);
    }
    prop_assert_eq!(sum, (s.records, s.accepted, s.rejected), "per-file sums");
    prop_assert_eq!(
        r.accepted.lines().count() as u64,
        s.accepted,
        "accepted.ndjson lines"
    );
    prop_assert_eq!(
        r.rejected.lines().count() as u64,
        s.rejected,
        "rejected.ndjson lines"
    );
    Ok(())
}

/// (record, code, path, severity) of an errors.csv row.
type Finding = (String, String, String, String);

fn findings_of(errors: &[u8]) -> Vec<Finding> {
    crate::util::read_errors(errors)
        .into_iter()
        .map(|e| (e.record, e.code, e.path, e.severity))
        .collect()
}

/// 64 cases, unless PROPTEST_CASES asks for another number (for a longer hunt).
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn describe(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ------------------------------------------------------------------------------------------
// Property 1: one canonical payload whatever the format.
// ------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_leads_read_back_to_the_same_payload_in_every_format(
        leads in leads(),
        wrapper in any::<bool>(),
        multiline in any::<bool>(),
        xml_style in (any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(prefix, plain_sow, soap)| XmlStyle { prefix, plain_sow, soap }),
        csv_style in (any::<bool>(), any::<bool>())
            .prop_map(|(brackets, pascal_headers)| CsvStyle { brackets, pascal_headers }),
    ) {
        let files: [(&str, Vec<u8>); 4] = [
            ("leads.json", write_json(&leads, wrapper, multiline)),
            ("leads.ndjson", write_ndjson(&leads).0),
            ("leads.xml", write_xml(&leads, xml_style).0),
            ("leads.csv", write_csv(&leads, csv_style).0),
        ];
        let n = leads.len() as u64;
        let mut first: Option<(String, Vec<Finding>)> = None;
        for (name, bytes) in &files {
            let r = run_one(name, bytes);
            check_accounting(&r)?;
            let findings = findings_of(&r.errors);
            // Valid leads: all accepted; at most warnings (date order, expired documents,
            // riskLevel/customerStatus with EVALUATE, identifiers that look mangled).
            prop_assert_eq!(
                (r.summary.records, r.summary.accepted), (n, n),
                "{}: findings {:?}\n{}", name, findings, describe(bytes)
            );
            prop_assert!(
                findings.iter().all(|f| f.3 == "warning"),
                "{}: {:?}\n{}", name, findings, describe(bytes)
            );
            // The payloads hold the canonical values of spec §2.
            for (i, (line, lead)) in r.accepted.lines().zip(&leads).enumerate() {
                let got: Value = serde_json::from_str(line).unwrap();
                let want = canon_lead(lead);
                prop_assert!(
                    same_json(&got, &want),
                    "{} record {}:\n got: {}\nwant: {}\n{}", name, i + 1, got, want, describe(bytes)
                );
            }
            match &first {
                None => first = Some((r.accepted.clone(), findings)),
                Some((accepted, f)) => {
                    prop_assert_eq!(
                        accepted, &r.accepted,
                        "{} vs leads.json\n{}", name, describe(bytes)
                    );
                    prop_assert_eq!(f, &findings, "{} findings vs leads.json", name);
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Property 2: mutated files never lose a record.
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    Flip(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        3 => (any::<prop::sample::Index>(), prop::sample::select(&b"{\"<,"[..]))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => (any::<prop::sample::Index>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

/// Applies the mutations in turn; returns the smallest position any of them touched (all
/// bytes before it are as written).
fn mutate(bytes: &mut Vec<u8>, mutations: &[Mutation]) -> usize {
    let mut first = bytes.len();
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let at = match m {
            Mutation::Flip(i, bit) => {
                let at = i.index(bytes.len());
                bytes[at] ^= 1 << bit;
                at
            }
            Mutation::Truncate(i) => {
                let at = i.index(bytes.len());
                bytes.truncate(at);
                at
            }
            Mutation::Insert(i, b) => {
                let at = i.index(bytes.len() + 1);
                bytes.insert(at, *b);
                at
            }
            Mutation::Delete(i, n) => {
                let at = i.index(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
                at
            }
        };
        first = first.min(at);
    }
    first
}

/// Runs a mutated file and checks that no record is lost; returns the mutated bytes and the
/// run.
fn check_mutated(
    name: &str,
    original: (Vec<u8>, Vec<usize>),
    mutations: &[Mutation],
) -> Result<(Vec<u8>, Ran), TestCaseError> {
    let (mut bytes, ends) = original;
    let first = mutate(&mut bytes, mutations);
    let r = run_one(name, &bytes);
    check_accounting(&r)?;
    // Records wholly before the first mutated byte were read before anything went wrong.
    let intact = ends.iter().filter(|&&e| e <= first).count() as u64;
    prop_assert!(
        r.summary.records >= intact,
        "{}: {} records, {} intact before byte {}\n{}",
        name,
        r.summary.records,
        intact,
        first,
        describe(&bytes)
    );
    Ok((bytes, r))
}

fn ndjson_records(bytes: &[u8]) -> u64 {
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .count() as u64
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_ndjson_never_loses_a_record(
        leads in leads(),
        mutations in prop::collection::vec(mutation(), 1..=4),
    ) {
        let (bytes, r) = check_mutated("leads.ndjson", write_ndjson(&leads), &mutations)?;
        // Spec §6: one record per line, blank lines skipped: every other line is a record.
        prop_assert_eq!(r.summary.records, ndjson_records(&bytes), "\n{}", describe(&bytes));
    }

    #[test]
    fn mutated_xml_never_loses_a_record(
        leads in leads(),
        mutations in prop::collection::vec(mutation(), 1..=4),
        prefix in any::<bool>(),
    ) {
        let style = XmlStyle { prefix, plain_sow: false, soap: false };
        check_mutated("leads.xml", write_xml(&leads, style), &mutations)?;
    }

    #[test]
    fn mutated_csv_never_loses_a_record(
        leads in leads(),
        mutations in prop::collection::vec(mutation(), 1..=4),
    ) {
        let style = CsvStyle { brackets: false, pascal_headers: false };
        check_mutated("leads.csv", write_csv(&leads, style), &mutations)?;
    }
}

#[test]
fn serializers_write_what_the_readers_expect() {
    // A fixed lead through the test's own serializers, as a guard on the serializers.
    let lead: Rec = vec![
        ("communicationNumber", string_value("C1".into())),
        ("requester", string_value("a, \"b\" <c> & d\ne".into())),
        ("sourceOfRiskLevel", string_value("EVALUATE".into())),
        ("riskManagementCategory", string_value("LEAD_IND".into())),
        ("customerExtId", string_value("E1".into())),
        ("entityType", string_value("INDIVIDUAL".into())),
        ("applicationDate", string_value("2024-03-01".into())),
        ("firstName", string_value("Eglė".into())),
        ("lastName", string_value("Šimkus".into())),
        ("citizenshipCountry", string_value("LT".into())),
        ("birthDate", string_value("1990-07-15".into())),
        (
            "listAddress",
            V::List(
                "Address",
                vec![vec![("country", string_value("LV".into()))]],
            ),
        ),
    ];
    let (csv, ends) = write_csv(
        std::slice::from_ref(&lead),
        CsvStyle {
            brackets: true,
            pascal_headers: false,
        },
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("listAddress[0].country"), "{csv}");
    assert!(csv.contains("\"a, \"\"b\"\" <c> & d\ne\""), "{csv}");
    assert_eq!(ends, [csv.len()]);
    let (xml, _) = write_xml(
        std::slice::from_ref(&lead),
        XmlStyle {
            prefix: false,
            plain_sow: false,
            soap: true,
        },
    );
    let xml = String::from_utf8(xml).unwrap();
    assert!(
        xml.contains("<Requester>a, &quot;b&quot; &lt;c&gt; &amp; d\ne</Requester>"),
        "{xml}"
    );
    assert!(
        xml.contains("<ListAddress>\n<Address><Country>LV</Country>\n</Address></ListAddress>"),
        "{xml}"
    );
    let expected = r#"{"communicationNumber":"C1","requester":"a, \"b\" <c> & d\ne","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","listAddress":[{"country":"LV"}]}"#;
    for (name, bytes) in [
        (
            "l.json",
            write_json(std::slice::from_ref(&lead), true, true),
        ),
        ("l.ndjson", write_ndjson(std::slice::from_ref(&lead)).0),
        ("l.xml", xml.into_bytes()),
        ("l.csv", csv.into_bytes()),
    ] {
        let r = run_one(name, &bytes);
        assert_eq!(r.accepted, format!("{expected}\n"), "{name}");
        let got: Value = serde_json::from_str(r.accepted.trim_end()).unwrap();
        assert!(same_json(&got, &canon_lead(&lead)), "{name}: {got}");
    }
}
