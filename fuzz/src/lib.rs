//! The leadbatch fuzz targets' bodies, one function per target (`TARGETS`), shared by the
//! libFuzzer binaries (`fuzz_targets/`) and the regression test (`tests/regressions.rs`),
//! which replays `tests/fixtures/fuzz/<target>/*` on stable Rust without libFuzzer.
//!
//! Two kinds of targets:
//! - `*_reader`: the whole pipeline (`leadbatch::pipeline::run`) on the input as one file
//!   in a temporary directory; checks the summary's accounting invariant.
//! - `*_read` / `*_record` / `validator`: the same code paths without the file system and
//!   the output writers, so they run hundreds of times faster.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use leadbatch::pipeline::{self, Settings};
use leadbatch::record::Node;
use leadbatch::rules::{self, RuleSettings, scalar::Date};
use leadbatch::source::{self, Batch, BatchSink, Format, Item, RawBody, ReadOptions};

pub mod validator;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target: its name (the binary in `fuzz_targets/` and the fixture folder) and body.
pub const TARGETS: &[(&str, Target)] = &[
    ("json_record", json_record),
    ("xml_record", xml_record),
    ("validator", validator),
    ("ndjson_read", ndjson_read),
    ("json_read", json_read),
    ("xml_read", xml_read),
    ("csv_read", csv_read),
    ("ndjson_reader", ndjson_reader),
    ("json_reader", json_reader),
    ("xml_reader", xml_reader),
    ("csv_reader", csv_reader),
];

/// Record options with lists of at most 4 items, so that small inputs reach the code that
/// skips what is past a limit.
fn small_lists() -> ReadOptions {
    ReadOptions {
        max_list_items: 4,
        ..ReadOptions::default()
    }
}

/// One JSON record: UTF-8 -> `json_value::parse_record` (lists of at most 4 items) ->
/// `rules::check_record`.
pub fn json_record(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = source::json_value::parse_record(text, &small_lists()) {
        check(&parsed.node);
    }
}

/// One `AMLYZE_CUSTOMER` element: `xml::parse_record` -> `rules::check_record`, and the
/// same element through the full parser alone (`parse_record_full`), which must give the
/// same tree or the same fault: the fast path may only ever decline, never differ. Lists
/// hold at most 4 items, so that the two also skip what is past a limit alike.
pub fn xml_record(data: &[u8]) {
    let opts = small_lists();
    let got = source::xml::parse_record(data, &opts);
    let full = source::xml::parse_record_full(data, &opts);
    match (&got, &full) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "fast path tree differs"),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        _ => panic!("fast path and full parser disagree: {got:?} vs {full:?}"),
    }
    if let Ok(parsed) = got {
        check(&parsed.node);
    }
}

/// A lead record built along the catalog from the bytes -> `rules::check_record`.
pub fn validator(data: &[u8]) {
    validator::run(data);
}

pub fn ndjson_read(data: &[u8]) {
    read_in_memory(Format::Ndjson, data);
}
pub fn json_read(data: &[u8]) {
    read_in_memory(Format::Json, data);
}
pub fn xml_read(data: &[u8]) {
    read_in_memory(Format::Xml, data);
}
pub fn csv_read(data: &[u8]) {
    read_in_memory(Format::Csv, data);
}

pub fn ndjson_reader(data: &[u8]) {
    run_pipeline("ndjson", data);
}
pub fn json_reader(data: &[u8]) {
    run_pipeline("json", data);
}
pub fn xml_reader(data: &[u8]) {
    run_pipeline("xml", data);
}
pub fn csv_reader(data: &[u8]) {
    run_pipeline("csv", data);
}

/// A fixed "today" so that a crash input reproduces on any day.
pub fn rule_settings() -> RuleSettings {
    RuleSettings {
        as_of: Date::from_days_since_epoch(20_454), // 2026-01-01
        ..RuleSettings::default()
    }
}

/// Checks a parsed record and asserts what must hold of the verdict.
pub fn check(node: &Node) {
    let mut out = Vec::new();
    let checked = rules::check_record(node, &rule_settings(), &mut out);
    let counted: u64 =
        checked.diagnostics.len() as u64 + checked.dropped.iter().map(|(_, _, n)| *n).sum::<u64>();
    assert_eq!(
        counted,
        checked.errors + checked.warnings,
        "kept + dropped findings != errors + warnings"
    );
    if checked.accepted() {
        // An accepted record's canonical payload is one JSON object.
        let text = std::str::from_utf8(&out).expect("accepted payload is not UTF-8");
        let reparsed = leadbatch::source::json_value::parse(text, 1 << 10);
        assert!(
            matches!(reparsed, Ok(Node::Map(_))),
            "accepted payload does not re-parse as a JSON object: {text:?}"
        );
    }
}

/// Runs the reader of `format` over `data` in memory, then parses and checks every record
/// as the pipeline's workers do. Asserts that record ordinals are 1, 2, 3, ... in order.
pub fn read_in_memory(format: Format, data: &[u8]) {
    let opts = ReadOptions {
        // Small enough that the over-long-record paths are reachable by the fuzzer.
        max_record_bytes: 4096,
        ..ReadOptions::default()
    };
    let mut batches: Vec<Batch> = Vec::new();
    {
        let mut emit = |b: Batch| {
            batches.push(b);
            true
        };
        // Small batches so that records straddle batch boundaries.
        let mut sink = BatchSink::new(3, 1 << 12, &mut emit);
        let input: Box<dyn std::io::Read> = Box::new(Cursor::new(data.to_vec()));
        match format {
            Format::Ndjson => source::ndjson::read(0, input, &opts, &mut sink),
            Format::Json => source::json::read(0, input, &opts, &mut sink),
            Format::Xml => source::xml::read(0, input, &opts, &mut sink),
            Format::Csv => source::csv::read(0, Path::new("fuzz.csv"), input, &opts, &mut sink),
        }
        sink.flush_file();
        sink.flush();
    }
    let mut expected_record = 1u64;
    let mut last_line = 0u64;
    for (k, b) in batches.iter().enumerate() {
        assert_eq!(b.seq, k as u64, "batch sequence numbers out of order");
        for item in &b.items {
            match item {
                Item::FileError { loc, .. } => {
                    assert_eq!(loc.record, 0, "file error with a record ordinal");
                }
                Item::Record(raw) => {
                    assert_eq!(
                        raw.loc.record, expected_record,
                        "record ordinals not consecutive"
                    );
                    expected_record += 1;
                    assert!(
                        raw.loc.line >= last_line,
                        "record lines go backwards: {} after {}",
                        raw.loc.line,
                        last_line
                    );
                    last_line = raw.loc.line;
                    let parsed = match &raw.body {
                        RawBody::Json { start, end, .. } => {
                            match std::str::from_utf8(b.bytes(*start, *end)) {
                                Ok(text) => source::json_value::parse_record(text, &opts)
                                    .map(|p| check(&p.node))
                                    .is_ok(),
                                Err(_) => false,
                            }
                        }
                        RawBody::Xml { start, end, .. } => {
                            source::xml::parse_record(b.bytes(*start, *end), &opts)
                                .map(|p| check(&p.node))
                                .is_ok()
                        }
                        RawBody::Csv { row, header, .. } => {
                            source::csv::parse_record(row, header, &opts)
                                .map(|p| check(&p.node))
                                .is_ok()
                        }
                        RawBody::Unreadable(_) => false,
                    };
                    let _ = parsed;
                }
            }
        }
    }
}

/// Runs the whole pipeline on `data` written as one file named `input.<ext>`, and asserts
/// the summary's accounting: records == accepted + rejected, in total, per file and per
/// entity type.
pub fn run_pipeline(ext: &str, data: &[u8]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file: PathBuf = dir.path().join(format!("input.{ext}"));
    std::fs::write(&file, data).expect("write input");
    let out = dir.path().join("out");
    let settings = Settings {
        jobs: 1,
        progress: false,
        rules: rule_settings(),
        ..Settings::new(vec![file], out)
    };
    let summary = match pipeline::run(&settings) {
        Ok(s) => s,
        Err(e) => panic!("pipeline::run failed on a regular file in a writable dir: {e}"),
    };
    assert_eq!(summary.files, 1, "one input file expected");
    assert_eq!(
        summary.records,
        summary.accepted + summary.rejected,
        "records != accepted + rejected"
    );
    let mut per_file = 0;
    for f in summary.by_file.iter() {
        let f = f.expect("the per-file rows read back");
        assert_eq!(
            f.records,
            f.accepted + f.rejected,
            "file {}: records != accepted + rejected",
            f.source
        );
        per_file += f.records;
    }
    assert_eq!(
        per_file, summary.records,
        "sum of per-file records != records"
    );
    let mut per_entity = 0;
    for (name, c) in &summary.by_entity_type {
        assert_eq!(
            c.records,
            c.accepted + c.rejected,
            "entity type {name}: records != accepted + rejected"
        );
        per_entity += c.records;
    }
    assert_eq!(
        per_entity, summary.records,
        "sum of per-entity-type records != records"
    );
}
