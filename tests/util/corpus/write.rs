//! The corpus in each of the four formats, laid out as the python generator lays it out:
//!
//! - NDJSON: one compact object per line; JSON: an array, one record per line.
//! - XML: one `<Leads>` root holding one `<AMLYZE_CUSTOMER>` per record; element names are
//!   the JSON names with the first letter upper-cased; a list is `<ListX>` of item elements
//!   named after the vendor's type (`ListAddress`/`Address`); screening processes are
//!   `<Process>` elements.
//! - CSV: one column per dotted path with list indices (`listAddress.0.country`), the header
//!   the union of the paths over the whole corpus in first-seen order (a first pass makes
//!   it), booleans as `true`/`false`, screening processes joined with `;`, absent = empty.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::{Expected, Obj, V, records};

/// Writes `count` records of seed `seed` to `path` in `format` (`json`, `ndjson`, `xml`,
/// `csv`) and returns their expectations.
pub fn write_corpus(path: &Path, format: &str, count: u32, seed: u32) -> Vec<Expected> {
    let file = File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BufWriter::new(file);
    let mut expected = Vec::with_capacity(count as usize);
    match format {
        "csv" => write_csv(&mut out, count, seed, &mut expected),
        "ndjson" | "json" | "xml" => {
            let mut text = String::new();
            text.push_str(match format {
                "json" => "[\n",
                "xml" => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Leads>\n",
                _ => "",
            });
            for (rec, exp) in records(count, seed) {
                match format {
                    "ndjson" => {
                        json(&mut text, &V::Obj(rec));
                        text.push('\n');
                    }
                    "json" => {
                        if exp.ordinal > 1 {
                            text.push_str(",\n");
                        }
                        json(&mut text, &V::Obj(rec));
                    }
                    _ => xml_record(&mut text, &rec),
                }
                expected.push(exp);
                if text.len() > 1 << 16 {
                    out.write_all(text.as_bytes()).unwrap();
                    text.clear();
                }
            }
            text.push_str(match format {
                "json" => "\n]\n",
                "xml" => "</Leads>\n",
                _ => "",
            });
            out.write_all(text.as_bytes()).unwrap();
        }
        other => panic!("no corpus format {other:?}"),
    }
    out.flush().unwrap();
    expected
}

fn json(out: &mut String, v: &V) {
    match v {
        V::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
        V::Int(n) => out.push_str(&n.to_string()),
        V::Dec(d) => out.push_str(d),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::List(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                json(out, item);
            }
            out.push(']');
        }
        V::Obj(fields) => {
            out.push('{');
            for (n, (k, v)) in fields.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                json(out, v);
            }
            out.push('}');
        }
    }
}

/// A scalar as text (CSV cell, XML element content).
fn text(v: &V) -> String {
    match v {
        V::Str(s) | V::Dec(s) => s.clone(),
        V::Int(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
        V::List(_) | V::Obj(_) => unreachable!("not a scalar: {v:?}"),
    }
}

// ------------------------------------------------------------------------------------ XML

/// The vendor's type name of a list's items (the list name without `list`, singular).
pub(super) fn xml_item(list: &str) -> &'static str {
    match list {
        "listAddress" => "Address",
        "listContact" => "Contact",
        "listBusinessEntityDocument" => "BusinessEntityDocument",
        "listRelatedEntity" => "RelatedEntity",
        "listDeclaredTurnover" => "DeclaredTurnover",
        "listPaymentCountry" => "PaymentCountry",
        other => panic!("the generator writes no list {other}"),
    }
}

fn pascal(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Escapes what element content must (as python's `xml.sax.saxutils.escape`).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn xml_record(out: &mut String, rec: &Obj) {
    out.push_str(
        "  <AMLYZE_CUSTOMER xmlns=\"urn:amlyze-services:EvaluateCustomerService_v2r0\">\n",
    );
    xml_fields(out, rec, "    ");
    out.push_str("  </AMLYZE_CUSTOMER>\n");
}

fn xml_fields(out: &mut String, obj: &Obj, indent: &str) {
    for (k, v) in obj {
        let tag = pascal(k);
        match v {
            V::List(items) => {
                out.push_str(&format!("{indent}<{tag}>\n"));
                for item in items {
                    match item {
                        V::Obj(fields) => {
                            let name = xml_item(k);
                            out.push_str(&format!("{indent}  <{name}>\n"));
                            xml_fields(out, fields, &format!("{indent}    "));
                            out.push_str(&format!("{indent}  </{name}>\n"));
                        }
                        word => {
                            let w = escape(&text(word));
                            out.push_str(&format!("{indent}  <Process>{w}</Process>\n"));
                        }
                    }
                }
                out.push_str(&format!("{indent}</{tag}>\n"));
            }
            V::Obj(fields) => {
                out.push_str(&format!("{indent}<{tag}>\n"));
                xml_fields(out, fields, &format!("{indent}  "));
                out.push_str(&format!("{indent}</{tag}>\n"));
            }
            scalar => {
                let t = escape(&text(scalar));
                out.push_str(&format!("{indent}<{tag}>{t}</{tag}>\n"));
            }
        }
    }
}

// ------------------------------------------------------------------------------------ CSV

/// The record's cells by dotted path, in field order.
fn flatten(obj: &Obj, prefix: &str, out: &mut Vec<(String, String)>) {
    for (k, v) in obj {
        let path = format!("{prefix}{k}");
        match v {
            V::Obj(fields) => flatten(fields, &format!("{path}."), out),
            V::List(items) if items.iter().all(|i| !matches!(i, V::Obj(_))) => {
                let words: Vec<String> = items.iter().map(text).collect();
                out.push((path, words.join(";")));
            }
            V::List(items) => {
                for (n, item) in items.iter().enumerate() {
                    let V::Obj(fields) = item else {
                        unreachable!("{path}.{n} is not an object")
                    };
                    flatten(fields, &format!("{path}.{n}."), out);
                }
            }
            scalar => out.push((path, text(scalar))),
        }
    }
}

fn write_csv(out: &mut impl Write, count: u32, seed: u32, expected: &mut Vec<Expected>) {
    // Pass 1: the header.
    let mut columns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (rec, _) in records(count, seed) {
        let mut cells = Vec::new();
        flatten(&rec, "", &mut cells);
        for (path, _) in cells {
            if !index.contains_key(&path) {
                index.insert(path.clone(), columns.len());
                columns.push(path);
            }
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(&columns).unwrap();
    // Pass 2: the rows (the same records: the generator is deterministic).
    let mut row = vec![String::new(); columns.len()];
    for (rec, exp) in records(count, seed) {
        row.iter_mut().for_each(String::clear);
        let mut cells = Vec::new();
        flatten(&rec, "", &mut cells);
        for (path, value) in cells {
            row[index[&path]] = value;
        }
        w.write_record(&row).unwrap();
        expected.push(exp);
    }
    w.flush().unwrap();
}
