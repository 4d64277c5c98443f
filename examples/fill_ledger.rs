//! Fills a ledger with N synthetic committed keys, for the ledger benchmark of
//! `scripts/bench.sh` (a run against a ledger that already holds ten million keys):
//! `cargo run --release --example fill_ledger -- LEDGER N`.
//!
//! The keys (`BENCH-<i>`) never collide with a generated corpus's `ComNr_<seed>_<i>`, so the
//! benchmark measures the lookups of new keys (the nightly case) and the filter's misses.

use std::path::Path;

use leadbatch::ledger::{Ledger, RunRecord};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: fill_ledger LEDGER N");
        std::process::exit(2);
    };
    let mut ledger = Ledger::open(Path::new(path)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let scratch = std::env::temp_dir();
    ledger.begin_keys(&scratch).expect("begin");
    let digest = leadbatch::ledger::PayloadDigest::Xxh3([7; 16]);
    for i in 0..n {
        let cn = format!("BENCH-{i}");
        ledger
            .add_keys(Some(&cn), &digest, Some(&cn), "bench.ndjson", i + 1)
            .expect("add");
    }
    let run_id = "20260101T000000Z-000000";
    let record = RunRecord {
        run_id,
        out_dir: Path::new("/nonexistent/bench"),
        started: "2026-01-01T00:00:00Z",
        finished: "2026-01-01T00:00:00Z",
        as_of: "2026-01-01",
        inputs: &[],
        options: &serde_json::json!({}),
        counts: [n, n, 0, 0, 0],
        manifest_sha256: "0",
        previous_manifest: None,
    };
    ledger.stage(&record, std::iter::empty()).expect("stage");
    ledger.confirm(run_id).expect("confirm");
    eprintln!("{path}: {n} keys");
}
