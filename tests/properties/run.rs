//! Running the pipeline in-process (`leadbatch::pipeline::run`) on one file in a fresh
//! directory, checking that every record is accounted for, reading findings; the proptest
//! configuration.

use std::path::PathBuf;

use leadbatch::pipeline::{self, Settings};
use leadbatch::rules::scalar::Date;
use proptest::prelude::*;
use proptest::test_runner::Config;

// ------------------------------------------------------------------------------------------
// Running the pipeline in-process.
// ------------------------------------------------------------------------------------------

pub(super) struct Ran {
    pub(super) summary: leadbatch::output::Summary,
    pub(super) accepted: String,
    pub(super) rejected: String,
    pub(super) errors: Vec<u8>,
}

/// Runs the pipeline on one file (`name`, `bytes`) in a fresh directory: `--jobs 1`,
/// `--as-of 2026-11-23`.
pub(super) fn run_one(name: &str, bytes: &[u8]) -> Ran {
    let dir = tempfile::Builder::new()
        .prefix("leadbatch-prop-")
        .tempdir_in(scratch_root())
        .unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join(name), bytes).unwrap();
    let out = dir.path().join("out");
    let summary = run_settings(vec![input], out.clone());
    let read =
        |f: &str| std::fs::read(out.join("latest").join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
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
pub(super) fn check_accounting(r: &Ran) -> Result<(), TestCaseError> {
    let s = &r.summary;
    prop_assert_eq!(s.records, s.accepted + s.rejected, "total");
    let mut sum = (0, 0, 0);
    let rows = s.by_file.to_vec().expect("the file list reads back");
    prop_assert_eq!(rows.len() as u64, s.files, "one row per file");
    for f in &rows {
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
pub(super) type Finding = (String, String, String, String);

pub(super) fn findings_of(errors: &[u8]) -> Vec<Finding> {
    crate::util::read_errors(errors)
        .into_iter()
        .map(|e| (e.record, e.code, e.path, e.severity))
        .collect()
}

/// 64 cases, unless PROPTEST_CASES asks for another number (for a longer hunt).
pub(super) fn config() -> Config {
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

pub(super) fn describe(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
