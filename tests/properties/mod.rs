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
//!
//! The code is split by responsibility; this file holds the model of a lead that the rest
//! shares (`V`, `Rec`, and what spec §2 makes of them):
//!
//! - `serializers`: the small JSON, NDJSON, XML and CSV writers (and their guard test).
//! - `values`, `records`, `leads`: the strategies: scalar values, nested objects and lists,
//!   whole leads.
//! - `run`: running the pipeline in-process and checking its accounting.
//! - `same_payload`: property 1, one canonical payload whatever the format.
//! - `mutations`: property 2, mutated files never lose a record.

mod leads;
mod mutations;
mod records;
mod run;
mod same_payload;
mod serializers;
mod values;

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
