//! The test's own serializers: a `Rec` written as a JSON array (or the `customers`
//! wrapper), NDJSON, XML (prefixes, SOAP envelope; elements in PascalCase, list items named
//! after their shape) and CSV (flattened header paths), each with the byte offset just past every record; and a
//! guard test that the readers take what they write.

use std::fmt::Write as _;

use serde_json::Value;

use leadbatch::catalog::ADDRESS;

use super::run::run_one;
use super::values::string_value;
use super::{Rec, V, canon_lead, same_json};

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
            V::Obj(_, r) => json_rec(r, out),
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
pub(super) fn write_json(leads: &[Rec], wrapper: bool, multiline: bool) -> Vec<u8> {
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
pub(super) fn write_ndjson(leads: &[Rec]) -> (Vec<u8>, Vec<usize>) {
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
pub(super) struct XmlStyle {
    /// `am:` prefix on every element of the record (namespaces are ignored).
    pub(super) prefix: bool,
    /// A SOAP envelope around the wrapper.
    pub(super) soap: bool,
}

fn xml_rec(rec: &Rec, p: &str, out: &mut String) {
    for (k, v) in rec {
        let tag = pascal(k);
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
            V::Obj(_, r) => xml_rec(r, p, out),
            V::List(item, items) => {
                for it in items {
                    let _ = write!(out, "\n<{p}{}>", item.name);
                    xml_rec(it, p, out);
                    let _ = write!(out, "</{p}{}>", item.name);
                }
            }
        }
        let _ = writeln!(out, "</{p}{tag}>");
    }
}

/// XML, and the byte offset just past each record's end tag.
pub(super) fn write_xml(leads: &[Rec], style: XmlStyle) -> (Vec<u8>, Vec<usize>) {
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
        xml_rec(l, p, &mut out);
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
pub(super) struct CsvStyle {
    /// `listAddress[0].country` rather than `listAddress.0.country`.
    pub(super) brackets: bool,
    /// Every segment in PascalCase (headers are case-insensitive).
    pub(super) pascal_headers: bool,
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
            V::Obj(_, r) => flatten(r, &format!("{path}."), style, out),
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
pub(super) fn write_csv(leads: &[Rec], style: CsvStyle) -> (Vec<u8>, Vec<usize>) {
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
                &ADDRESS,
                vec![vec![
                    ("country", string_value("LV".into())),
                    ("addressDetails", string_value("Rīga".into())),
                ]],
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
            soap: true,
        },
    );
    let xml = String::from_utf8(xml).unwrap();
    assert!(
        xml.contains("<Requester>a, &quot;b&quot; &lt;c&gt; &amp; d\ne</Requester>"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<ListAddress>\n<Address><Country>LV</Country>\n<AddressDetails>Rīga</AddressDetails>\n</Address></ListAddress>"
        ),
        "{xml}"
    );
    let expected = r#"{"communicationNumber":"C1","requester":"a, \"b\" <c> & d\ne","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","listAddress":[{"country":"LV","addressDetails":"Rīga"}]}"#;
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
