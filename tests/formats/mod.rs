//! One result across formats (spec §6): the same leads written as a JSON array, NDJSON, XML
//! and CSV give byte-identical canonical payloads and the same findings; the vendor's XML
//! samples are accepted with the payloads spec §2–§4 say; and the format-specific rules of
//! spec §6 (CSV headers, delimiters, byte-order mark, encodings, decimal comma, boolean
//! words; XML prefixes, CDATA, list merging, repeated and unknown elements) hold.
//!
//! Expectations are written from the spec, never read back from the binary.
//!
//! One difference between formats is expected and asserted explicitly: the path of an
//! `unknown-field` finding names the unknown field *as written in the input*. An unknown
//! element has no catalog name that the PascalCase rule of spec §6 could map it to, so an
//! XML `<MiddleName>` is reported as `MiddleName` where the JSON key `middleName` is
//! reported as `middleName` (the same way a CSV header is echoed as written).
//!
//! The tests are split by responsibility:
//!
//! - `corpus`: the generator's corpus gives one result in all four formats.
//! - `fixtures`: hand-written fixtures, the same leads (valid and faulty) in four formats.
//! - `vendor_xml`: the vendor's XML samples.
//! - `csv_specifics`: the CSV rules of spec §6.
//! - `encodings`: `--encoding` (auto, named), the hint for bytes that are not UTF-8, and
//!   `encoding-suspect`.
//! - `xml_specifics`: the XML rules of spec §6, and the rules that must come out alike in
//!   every format (duplicate fields, `--decimal-comma` for CSV only).
//!
//! This file holds the helpers they share: running files, reading findings, the minimal
//! lead's canonical line.

mod corpus;
mod csv_specifics;
mod encodings;
mod fixtures;
mod input_options;
mod vendor_xml;
mod xml_specifics;

use std::path::PathBuf;

use crate::util::{Run, Workdir};

/// The four formats of spec §6, by file extension.
const FORMATS: [&str; 4] = ["json", "ndjson", "xml", "csv"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs `leadbatch process` on the given files (each written under `in/`), with `args`
/// before the input directory. The Workdir is returned so that the outputs outlive the call.
fn run_files(files: &[(&str, &[u8])], args: &[&str]) -> (Workdir, Run) {
    let wd = Workdir::new();
    for (name, bytes) in files {
        wd.create(name, bytes);
    }
    let run = wd
        .command("process")
        .args(args)
        .arg(wd.input())
        .out(wd.out())
        .run();
    (wd, run)
}

/// One finding of errors.csv: (record ordinal, code, path, severity), in file order.
type Finding = (String, String, String, String);

fn findings(run: &Run) -> Vec<Finding> {
    run.errors()
        .into_iter()
        .map(|r| (r.record, r.code, r.path, r.severity))
        .collect()
}

fn show_findings(f: &[Finding]) -> String {
    let mut s = String::new();
    for (rec, code, path, sev) in f {
        s.push_str(&format!("{rec} | {code} | {path} | {sev}\n"));
    }
    s
}

/// The path of an unknown field as an XML file spells it: the last segment is the element
/// name, the JSON name in PascalCase (see the module docs).
fn as_xml_unknown_path(json_path: &str) -> String {
    let (head, last) = match json_path.rfind('.') {
        Some(i) => (&json_path[..=i], &json_path[i + 1..]),
        None => ("", json_path),
    };
    let mut chars = last.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{head}{}{}",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

/// What the findings of a JSON run become for the same records read from XML.
fn expected_for_xml(json_findings: &[Finding]) -> Vec<Finding> {
    json_findings
        .iter()
        .map(|(rec, code, path, sev)| {
            let path = if code == "unknown-field" {
                as_xml_unknown_path(path)
            } else {
                path.clone()
            };
            (rec.clone(), code.clone(), path, sev.clone())
        })
        .collect()
}

fn assert_counts(run: &Run, records: u64, accepted: u64, rejected: u64, what: &str) {
    let s = run.summary();
    assert_eq!(s["records"], records, "{what}: records\n{s:#}");
    assert_eq!(s["accepted"], accepted, "{what}: accepted\n{s:#}");
    assert_eq!(s["rejected"], rejected, "{what}: rejected\n{s:#}");
    assert_eq!(run.accepted_lines().len() as u64, accepted, "{what}");
    assert_eq!(run.rejected().len() as u64, rejected, "{what}");
}

/// The canonical payload of the minimal individual lead used by the CSV/XML tests below
/// (`csv_row`, `xml_record`). Tests that add fields after `birthDate` in catalog order
/// append them with `with_tail`.
fn minimal_line(comm: &str, ext: &str, first: &str) -> String {
    format!(
        r#"{{"communicationNumber":"{comm}","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"{ext}","applicationDate":"2024-03-01","firstName":"{first}","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15"}}"#
    )
}

/// `minimal_line` with canonical members appended (`tail` starts with a comma).
fn with_tail(line: &str, tail: &str) -> String {
    let body = line.strip_suffix('}').expect("an object");
    format!("{body}{tail}}}\n")
}
