//! The finding-code table: every finding code of the spec, each case one mutation of a valid
//! base lead (`super::individual`, `super::organization`) with the findings the spec expects
//! for it. A table runs as one NDJSON file (record i is case i).
//!
//! - `valid`: valid variants, accepted without any finding.
//! - `vendor`: the vendor's codes, top level and nested.
//! - `local`: the local codes, and `bad-type` for coded fields.
//! - `warnings`: the warnings (the record is still accepted) and the cases after them in the
//!   table, and `date-order` between timestamps.
//!
//! `error_cases` joins `vendor`, `local` and `warnings` in this order, the order of the one
//! table they were written as, so every case keeps its ordinal.

mod local;
mod valid;
mod vendor;
mod warnings;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{individual, organization};
use crate::util::{ErrorRow, Workdir, findings_of};
use local::{local_cases, wrong_type_for_coded_fields_cases};
use valid::valid_cases;
use vendor::vendor_cases;
use warnings::{date_order_timestamp_cases, warning_cases};

// ------------------------------------------------------------------------------ the table

#[derive(Clone, Copy, PartialEq)]
enum Base {
    Ind,
    Org,
}

/// One mutation of a valid base lead and the findings the spec expects for it.
struct Case {
    name: &'static str,
    base: Base,
    edit: fn(&mut Value),
    /// Applied to the serialized line (for what a `Value` cannot express, e.g. a key twice).
    raw: Option<fn(String) -> String>,
    /// (code, path alternatives separated by '|', severity).
    expect: &'static [(&'static str, &'static str, &'static str)],
    /// (code, text the message must contain, case-insensitively).
    message: Option<(&'static str, &'static str)>,
}

const E: &str = "error";
const W: &str = "warning";

fn case(
    name: &'static str,
    base: Base,
    edit: fn(&mut Value),
    expect: &'static [(&'static str, &'static str, &'static str)],
) -> Case {
    Case {
        name,
        base,
        edit,
        raw: None,
        expect,
        message: None,
    }
}

impl Case {
    fn message(mut self, code: &'static str, text: &'static str) -> Case {
        self.message = Some((code, text));
        self
    }
    fn raw(mut self, f: fn(String) -> String) -> Case {
        self.raw = Some(f);
        self
    }
}

use Base::{Ind, Org};

/// Every code the spec names, each provoked by one mutation.
fn error_cases() -> Vec<Case> {
    [vendor_cases(), local_cases(), warning_cases()]
        .into_iter()
        .flatten()
        .collect()
}

/// Runs the cases as one NDJSON file (record i is case i) and returns one failure message
/// per case whose findings or verdict differ from the spec.
fn run_cases(cases: &[Case]) -> Vec<String> {
    let wd = Workdir::new();
    let mut text = String::new();
    let mut records = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let n = format!("{:03}", i + 1);
        let mut v = match c.base {
            Ind => individual(&n),
            Org => organization(&n),
        };
        (c.edit)(&mut v);
        let mut line = serde_json::to_string(&v).unwrap();
        if let Some(raw) = c.raw {
            line = raw(line);
        }
        text.push_str(&line);
        text.push('\n');
        records.push(v);
    }
    wd.create("cases.ndjson", &text);
    let run = wd.process();
    let errors = run.errors();
    let rejected = run.rejected();
    let accepted = run.accepted();
    let mut by_record: BTreeMap<u64, Vec<&ErrorRow>> = BTreeMap::new();
    for r in &errors {
        assert_eq!(r.source, "cases.ndjson");
        let rec: u64 = r.record.parse().expect("a record ordinal");
        assert_eq!(r.line, r.record, "one record per line");
        by_record.entry(rec).or_default().push(r);
    }
    let rejected_by: BTreeMap<u64, &Value> = rejected
        .iter()
        .map(|r| (r["record"].as_u64().unwrap(), r))
        .collect();
    let accepted_cns: BTreeSet<String> = accepted
        .iter()
        .map(|a| a["communicationNumber"].as_str().unwrap().to_string())
        .collect();

    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let ordinal = i as u64 + 1;
        let rows = by_record.get(&ordinal).cloned().unwrap_or_default();
        let got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r.code.clone(), r.path.clone(), r.severity.clone()))
            .collect();
        let mut problems = Vec::new();
        if let Some(unmatched) = match_findings(c.expect, &got) {
            problems.push(unmatched);
        }
        let should_reject = c.expect.iter().any(|(_, _, s)| *s == E);
        let cn = records[i]["communicationNumber"]
            .as_str()
            .map(str::to_string);
        match (should_reject, rejected_by.get(&ordinal)) {
            (true, None) => problems.push("expected REJECTED, was accepted".into()),
            (false, Some(_)) => problems.push("expected ACCEPTED, was rejected".into()),
            (true, Some(r)) => {
                // rejected.ndjson carries the same findings as errors.csv.
                let mut a = findings_of(r);
                a.sort();
                let mut b = got.clone();
                b.sort();
                if a != b {
                    problems.push(format!("rejected.ndjson errors {a:?} != errors.csv {b:?}"));
                }
                if cn.as_ref().is_some_and(|cn| accepted_cns.contains(cn)) {
                    problems.push("rejected record also in accepted.ndjson".into());
                }
            }
            (false, None) => {
                if !cn.as_ref().is_some_and(|cn| accepted_cns.contains(cn)) {
                    problems.push("not in accepted.ndjson".into());
                }
            }
        }
        // errors.csv names the record by its identifiers.
        for r in &rows {
            if let Some(cn) = cn.as_deref().filter(|cn| cn.len() <= 256)
                && r.communication_number != cn
            {
                problems.push(format!(
                    "errors.csv communicationNumber {:?}",
                    r.communication_number
                ));
            }
            if let Some(ext) = records[i]["customerExtId"].as_str()
                && r.customer_ext_id != ext
            {
                problems.push(format!("errors.csv customerExtId {:?}", r.customer_ext_id));
            }
        }
        if let Some((code, text)) = c.message {
            let ok = rows
                .iter()
                .any(|r| r.code == code && r.message.to_lowercase().contains(&text.to_lowercase()));
            if !ok {
                let msgs: Vec<&str> = rows.iter().map(|r| r.message.as_str()).collect();
                problems.push(format!("no {code} message containing {text:?}: {msgs:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "case {ordinal} {:?}:\n  expected: {:?}\n  got:      {:?}\n  {}",
                c.name,
                c.expect,
                got,
                problems.join("\n  ")
            ));
        }
    }
    failures
}

/// None when `got` is exactly `expected` (paths may list alternatives); else a description.
fn match_findings(
    expected: &[(&str, &str, &str)],
    got: &[(String, String, String)],
) -> Option<String> {
    let mut left: Vec<&(String, String, String)> = got.iter().collect();
    let mut missing = Vec::new();
    for (code, paths, sev) in expected {
        let pos = left
            .iter()
            .position(|(c, p, s)| c == code && s == sev && paths.split('|').any(|alt| alt == p));
        match pos {
            Some(p) => {
                left.remove(p);
            }
            None => missing.push(format!("{code} {paths} {sev}")),
        }
    }
    if missing.is_empty() && left.is_empty() {
        None
    } else {
        Some(format!("missing {missing:?}, unexpected {left:?}"))
    }
}

#[test]
fn valid_variants_are_accepted_without_findings() {
    let failures = run_cases(&valid_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_spec_code_is_reported_with_its_path_and_severity() {
    let failures = run_cases(&error_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn wrong_json_types_of_coded_fields_are_bad_type() {
    let failures = run_cases(&wrong_type_for_coded_fields_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn date_order_compares_timestamps() {
    let failures = run_cases(&date_order_timestamp_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
