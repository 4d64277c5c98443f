//! Hostile input, faults during the run and personal data (the reliability issue): every
//! case ends in a located finding or a file-level error, the other records are processed,
//! the process lives, and `records == accepted + rejected`.
//!
//! The tests are split by responsibility:
//!
//! - `hostile`: hostile input in every format (and the fuzz regression inputs).
//! - `files`: special, unreadable and vanishing files.
//! - `expansion`: decompression bombs and `--max-expansion`.
//! - `interrupted`: faults during the run: an unwritable `--out`, SIGKILL, SIGTERM, a full
//!   disk.
//! - `limits`: records whose tree would dwarf their bytes, cut in bounded memory.
//! - `personal`: personal data: redacted reports, private output files.
//! - `redact`: `--redact` over every personal field of the catalog, in every format.
//! - `wellformed`: NUL characters in values and repeated XML attributes.
//!
//! This file holds the helpers they share: the hostile fixtures, the summary's invariants,
//! findings as sets, waiting for a child with a time limit.

mod expansion;
mod files;
mod hostile;
mod interrupted;
mod outdir;
mod personal;
mod redact;
mod wellformed;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::util::{Run, Workdir};

const HOSTILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile");

/// Copies the committed hostile fixtures into a fresh work dir.
fn hostile_workdir(names: &[&str]) -> Workdir {
    let wd = Workdir::new();
    for n in names {
        let bytes = std::fs::read(Path::new(HOSTILE).join(n)).unwrap();
        wd.create(n, bytes);
    }
    wd
}

/// The summary's invariants, in total and per file.
fn assert_invariant(run: &Run) -> Value {
    let s = run.summary();
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap();
    assert_eq!(
        n(&s, "records"),
        n(&s, "accepted") + n(&s, "rejected") + n(&s, "unchanged"),
        "{s}"
    );
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(
            n(f, "records"),
            n(f, "accepted") + n(f, "rejected") + n(f, "unchanged"),
            "{f}"
        );
    }
    let lines = |name: &str| {
        std::fs::read_to_string(run.dir().join(name)).map_or(0, |t| t.lines().count() as u64)
    };
    assert_eq!(lines("accepted.ndjson"), n(&s, "accepted"));
    assert_eq!(lines("rejected.ndjson"), n(&s, "rejected"));
    s
}

fn file<'a>(s: &'a Value, source: &str) -> &'a Value {
    s["byFile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["source"] == source)
        .unwrap_or_else(|| panic!("no byFile entry for {source}: {s}"))
}

/// (source, record, code) of every finding.
fn findings(run: &Run) -> BTreeSet<(String, String, String)> {
    run.errors()
        .into_iter()
        .map(|e| (e.source, e.record, e.code))
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

pub(crate) fn wait_with_timeout(
    mut child: std::process::Child,
    limit: Duration,
) -> std::process::Output {
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("leadbatch did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
