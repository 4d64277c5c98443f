//! A ledger written by the version with schema 4 (`tests/fixtures/ledger/schema4.db`, see
//! its README): its key segments are in the fixed layout with BLAKE3 payload digests, and a
//! newer leadbatch reads them as they are, compares payloads with them, and merges them
//! into segments of the compact layout without losing a key or a digest.

use super::{lead, ledger_path, ledger_state, nightly, segment_count};
use crate::util::Workdir;

/// The run that wrote the fixture's keys (CN-1 to CN-3, EXT-1 to EXT-3).
const FIXTURE_RUN: &str = "20261204T232037Z-893f7a";

fn layouts(wd: &Workdir) -> Vec<(i64, i64)> {
    let conn = rusqlite::Connection::open(ledger_path(wd)).unwrap();
    let mut st = conn
        .prepare("SELECT segment, layout FROM key_segments ORDER BY segment")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// (record, code) of each error of a run.
fn error_codes(run: &crate::util::Run) -> Vec<(String, String)> {
    run.errors()
        .into_iter()
        .map(|r| (r.record, r.code))
        .collect()
}

#[test]
fn a_schema_4_ledger_keeps_its_keys_and_its_blake3_digests_through_migration_and_merges() {
    let wd = Workdir::new();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ledger/schema4.db"
        ),
        ledger_path(&wd),
    )
    .unwrap();
    // CN-1 as it was (unchanged), CN-2 changed, a new number with EXT-3 (created before),
    // and four new leads: eight new keys, more than the old segment's six, so that the
    // commit merges the old segment with the new one.
    let mut leads = vec![
        lead("CN-1", "EXT-1", "Egle"),
        lead("CN-2", "EXT-2", "Ona-Marija"),
        lead("CN-9", "EXT-3", "Rasa"),
    ];
    leads.extend((4..8).map(|i| lead(&format!("CN-{i}"), &format!("EXT-{i}"), "Jonas")));
    wd.create_ndjson("night.ndjson", &leads);
    let run = nightly(&wd, &[]);
    run.assert_exit_code(1);
    let s = run.summary();
    assert_eq!(
        (
            s["accepted"].as_u64(),
            s["rejected"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(4), Some(2), Some(1))
    );
    let unchanged = run.read("unchanged.ndjson");
    assert!(
        unchanged.contains(&format!(
            r#""communicationNumber":"CN-1","customerExtId":"EXT-1","earlierRunId":"{FIXTURE_RUN}""#
        )),
        "{unchanged}"
    );
    let codes = |r: &[(&str, &str)]| -> Vec<(String, String)> {
        r.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        error_codes(&run),
        codes(&[
            ("2", "duplicate-communication-number"),
            ("2", "duplicate-customer-ext-id"),
            ("3", "duplicate-customer-ext-id"),
        ])
    );
    assert!(run.errors()[0].message.contains(FIXTURE_RUN));
    // Migrated to the current version; the old segment and the night's were merged into
    // one segment of the compact layout, holding every key.
    let conn = rusqlite::Connection::open(ledger_path(&wd)).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, leadbatch::ledger::schema::CURRENT);
    assert_eq!(segment_count(&ledger_path(&wd)), 1);
    assert_eq!(layouts(&wd).len(), 1);
    assert_eq!(layouts(&wd)[0].1, 2);
    assert_eq!(ledger_state(&ledger_path(&wd)).1, (7, 7));
    // The merged segment still holds CN-1's BLAKE3 digest: the same payload is unchanged
    // again, a changed one rejected, naming the fixture's run.
    wd.create_ndjson(
        "night.ndjson",
        &[
            lead("CN-1", "EXT-1", "Egle"),
            lead("CN-3", "EXT-3", "Other"),
        ],
    );
    let again = nightly(&wd, &[]);
    again.assert_exit_code(1);
    let s = again.summary();
    assert_eq!(
        (
            s["accepted"].as_u64(),
            s["rejected"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(0), Some(1), Some(1))
    );
    assert!(again.read("unchanged.ndjson").contains(FIXTURE_RUN));
    assert_eq!(
        error_codes(&again),
        codes(&[
            ("2", "duplicate-communication-number"),
            ("2", "duplicate-customer-ext-id"),
        ])
    );
    assert!(again.errors()[0].message.contains(FIXTURE_RUN));
}

#[test]
fn a_schema_4_ledger_is_read_before_any_merge() {
    // One night with fewer new keys than the old segment holds: nothing is merged, and the
    // old segment stays in its fixed layout beside the new compact one.
    let wd = Workdir::new();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ledger/schema4.db"
        ),
        ledger_path(&wd),
    )
    .unwrap();
    wd.create_ndjson(
        "night.ndjson",
        &[lead("CN-1", "EXT-1", "Egle"), lead("CN-4", "EXT-4", "Ona")],
    );
    let run = nightly(&wd, &[]);
    run.assert_exit_code(0);
    let s = run.summary();
    assert_eq!(
        (s["accepted"].as_u64(), s["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(layouts(&wd).iter().map(|l| l.1).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(ledger_state(&ledger_path(&wd)).1, (4, 4));
}
