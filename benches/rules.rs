//! Per-record cost of the hot path: parse (`json_value::parse`) + check and convert
//! (`rules::check_record`), on three leads of different sizes.
//!
//!   cargo bench --bench rules
//!
//! Groups: `parse_check` (the whole per-record cost, what a worker thread pays per record),
//! `parse` (JSON text -> `Node` only) and `check` (a parsed `Node` -> findings + canonical
//! payload only). Throughput is one element per iteration, so criterion reports elements/s;
//! the time per iteration is the ns/record figure.
//!
//! The inputs are the vendor samples under `tests/fixtures/vendor/json/`, read at run time:
//! - `small_lead`: `lead-individual-mandatory.json` (mandatory fields only);
//! - `full_individual`: `customer-individual-fullPayloadExample.json` made a lead
//!   (riskManagementCategory LEAD_IND, sourceOfRiskLevel EVALUATE, birthDate added);
//! - `full_organization`: `customer-organization-fullPayloadExample.json` made a lead
//!   (riskManagementCategory LEAD_ORG, sourceOfRiskLevel EVALUATE).
//!
//! Each is re-serialized compactly (one NDJSON line, as the pipeline sees it).

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use leadbatch::rules::scalar::Date;
use leadbatch::rules::{self, RuleSettings};
use leadbatch::source::json_value;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vendor/json/");
const MAX_DEPTH: usize = 64;

/// Reads a sample, applies `edit` to it and returns it as one compact JSON line.
fn lead(file: &str, edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let path = format!("{SAMPLES}{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
    let obj = value
        .as_object_mut()
        .unwrap_or_else(|| panic!("{path}: not a JSON object"));
    edit(obj);
    serde_json::to_string(&value).expect("serialize")
}

fn set(obj: &mut serde_json::Map<String, serde_json::Value>, key: &str, value: &str) {
    obj.insert(
        key.to_string(),
        serde_json::Value::String(value.to_string()),
    );
}

fn inputs() -> Vec<(&'static str, String)> {
    vec![
        ("small_lead", lead("lead-individual-mandatory.json", |_| {})),
        (
            "full_individual",
            lead("customer-individual-fullPayloadExample.json", |o| {
                set(o, "riskManagementCategory", "LEAD_IND");
                set(o, "sourceOfRiskLevel", "EVALUATE");
                set(o, "birthDate", "1980-01-01");
            }),
        ),
        (
            "full_organization",
            lead("customer-organization-fullPayloadExample.json", |o| {
                set(o, "riskManagementCategory", "LEAD_ORG");
                set(o, "sourceOfRiskLevel", "EVALUATE");
            }),
        ),
    ]
}

fn settings() -> RuleSettings {
    RuleSettings {
        as_of: Date::parse_plain("2026-11-23").expect("date"),
        decimal_comma: false,
        max_findings: 100,
        ..RuleSettings::default()
    }
}

/// Prints, once, what each input weighs and what the rules make of it, so a bench of a
/// rejected record (a cheaper or dearer path than acceptance) does not go unnoticed.
fn describe(inputs: &[(&'static str, String)], s: &RuleSettings) {
    for (name, text) in inputs {
        let node = json_value::parse(text, MAX_DEPTH).expect("sample parses");
        let mut out = Vec::new();
        let checked = rules::check_record(&node, s, &mut out);
        let codes: Vec<_> = checked
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.severity.as_str(), d.code, d.path))
            .collect();
        eprintln!(
            "{name}: {} bytes in, {} bytes canonical out, {}, {} errors, {} warnings {codes:?}",
            text.len(),
            out.len(),
            if checked.accepted() {
                "accepted"
            } else {
                "REJECTED"
            },
            checked.errors,
            checked.warnings,
        );
    }
}

fn configure<'c>(c: &'c mut Criterion, group: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(group);
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .throughput(Throughput::Elements(1));
    g
}

fn bench(c: &mut Criterion) {
    let inputs = inputs();
    let s = settings();
    describe(&inputs, &s);

    let mut g = configure(c, "parse_check");
    for (name, text) in &inputs {
        let mut out = Vec::with_capacity(16 << 10);
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| {
                out.clear();
                let node = json_value::parse(black_box(text), MAX_DEPTH).expect("parse");
                let checked = rules::check_record(&node, &s, &mut out);
                black_box(&out);
                checked
            })
        });
    }
    g.finish();

    let mut g = configure(c, "parse");
    for (name, text) in &inputs {
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| json_value::parse(black_box(text), MAX_DEPTH).expect("parse"))
        });
    }
    g.finish();

    let mut g = configure(c, "check");
    for (name, text) in &inputs {
        let node = json_value::parse(text, MAX_DEPTH).expect("parse");
        let mut out = Vec::with_capacity(16 << 10);
        g.bench_with_input(BenchmarkId::from_parameter(name), &node, |b, node| {
            b.iter(|| {
                out.clear();
                let checked = rules::check_record(black_box(node), &s, &mut out);
                black_box(&out);
                checked
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // Plots take longer to draw than the measurements; `cargo bench` stays under a minute.
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
