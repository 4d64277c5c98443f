//! The ledger: what a run does with it, and its commit.

use std::process::{Command, Stdio};

use serde_json::json;

use super::{lead, ledger_path, ledger_state, nightly, segment_count};
use crate::util::Workdir;

#[test]
fn a_second_run_over_the_same_drop_reads_nothing_again() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[lead("CN-1", "EXT-1", "Egle")]);
    wd.create_ndjson("b.ndjson", &[lead("CN-2", "EXT-2", "Ona")]);
    let first = nightly(&wd, &[]);
    first.assert_exit_code(0);
    let id1 = first.summary()["runId"].as_str().unwrap().to_string();
    let second = nightly(&wd, &[]);
    second.assert_exit_code(0);
    let s = second.summary();
    assert_eq!(
        (s["records"].as_u64(), s["files"].as_u64()),
        (Some(0), Some(0))
    );
    let digest = |name: &str| {
        blake3::hash(&std::fs::read(wd.input().join(name)).unwrap())
            .to_hex()
            .to_string()
    };
    assert_eq!(
        s["alreadyProcessed"],
        json!([
            {"source": "a.ndjson", "blake3": digest("a.ndjson"), "runId": id1},
            {"source": "b.ndjson", "blake3": digest("b.ndjson"), "runId": id1},
        ])
    );
    let line = format!(
        "leadbatch: 2 files already processed by an earlier run, not read again (--reprocess \
         reads them): a.ndjson (run {id1}), b.ndjson (run {id1})"
    );
    assert!(
        second.stderr.lines().any(|l| l == line),
        "{}",
        second.stderr
    );
    // --reprocess reads them: every record is unchanged, none accepted or rejected again.
    let third = nightly(&wd, &["--reprocess"]);
    third.assert_exit_code(0);
    let s = third.summary();
    assert_eq!(
        (
            s["records"].as_u64(),
            s["accepted"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(2), Some(0), Some(2))
    );
    assert!(
        third
            .stdout
            .contains("2 records: 0 accepted, 0 rejected, 2 unchanged"),
        "{}",
        third.stdout
    );
    assert_eq!(third.read("accepted.ndjson"), "");
}

#[test]
fn a_cumulative_export_gives_the_new_records_as_accepted_and_the_old_as_unchanged() {
    let wd = Workdir::new();
    wd.create_ndjson(
        "export.ndjson",
        &[lead("CN-1", "EXT-1", "Egle"), lead("CN-2", "EXT-2", "Ona")],
    );
    let first = nightly(&wd, &[]);
    first.assert_exit_code(0);
    let id1 = first.summary()["runId"].as_str().unwrap().to_string();
    // Tonight's export holds yesterday's records and a new one: a changed file.
    wd.create_ndjson(
        "export.ndjson",
        &[
            lead("CN-1", "EXT-1", "Egle"),
            lead("CN-2", "EXT-2", "Ona"),
            lead("CN-3", "EXT-3", "Rasa"),
        ],
    );
    let second = nightly(&wd, &[]);
    second.assert_exit_code(0);
    let s = second.summary();
    assert_eq!(
        (
            s["records"].as_u64(),
            s["accepted"].as_u64(),
            s["rejected"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(3), Some(1), Some(0), Some(2))
    );
    assert_eq!(s["byFile"][0]["unchanged"], 2);
    assert_eq!(s["byFile"][0]["accepted"], 1);
    let accepted = second.accepted();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["communicationNumber"], "CN-3");
    let unchanged: Vec<serde_json::Value> = second
        .read("unchanged.ndjson")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        unchanged,
        [
            json!({"source": "export.ndjson", "record": 1, "line": 1, "communicationNumber": "CN-1", "customerExtId": "EXT-1", "earlierRunId": id1}),
            json!({"source": "export.ndjson", "record": 2, "line": 2, "communicationNumber": "CN-2", "customerExtId": "EXT-2", "earlierRunId": id1}),
        ]
    );
    assert!(second.errors().is_empty());
}

#[test]
fn keys_stay_found_while_the_nights_segments_are_merged() {
    let wd = Workdir::new();
    let mut ids = Vec::new();
    // Four nights of one new record each: segments of 2 keys merge like a binary counter
    // (2+2 -> 4, then 4+2+2 -> 8), so one segment is left.
    for (night, segments) in [(1, 1), (2, 1), (3, 2), (4, 1)] {
        wd.create_ndjson(
            &format!("night-{night}.ndjson"),
            &[lead(
                &format!("CN-{night}"),
                &format!("EXT-{night}"),
                "Egle",
            )],
        );
        let run = nightly(&wd, &[]);
        run.assert_exit_code(0);
        assert_eq!(run.summary()["accepted"], 1, "night {night}");
        ids.push(run.summary()["runId"].as_str().unwrap().to_string());
        assert_eq!(segment_count(&ledger_path(&wd)), segments, "night {night}");
        assert_eq!(ledger_state(&ledger_path(&wd)).1, (night, night));
    }
    // Every night's keys are found in the merged segment: the first night's number with
    // another payload, the third's unchanged, the second's customerExtId created again.
    wd.create_ndjson(
        "night-5.ndjson",
        &[
            lead("CN-1", "EXT-1", "Egle-Marija"),
            lead("CN-3", "EXT-3", "Egle"),
            lead("CN-5", "EXT-2", "Ona"),
        ],
    );
    let fifth = nightly(&wd, &[]);
    let s = fifth.summary();
    assert_eq!(
        (s["accepted"].as_u64(), s["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
    let errors: Vec<(String, String)> = fifth
        .errors()
        .into_iter()
        .map(|r| (r.record, r.message))
        .collect();
    assert!(errors.contains(&(
        "1".to_string(),
        format!(
            "communicationNumber \"CN-1\" was accepted with another payload in run {} (night-1.ndjson record 1); AMLYZE refuses a number used before",
            ids[0]
        )
    )), "{errors:?}");
    assert!(
        errors.contains(&(
            "3".to_string(),
            format!(
                "a CREATE for customerExtId \"EXT-2\" was already made in run {}",
                ids[1]
            )
        )),
        "{errors:?}"
    );
}

#[test]
fn a_reused_number_with_another_payload_and_a_re_create_are_rejected_naming_the_earlier_run() {
    let wd = Workdir::new();
    wd.create_ndjson(
        "day1.ndjson",
        &[lead("CN-1", "EXT-1", "Egle"), lead("CN-2", "EXT-2", "Ona")],
    );
    let first = nightly(&wd, &[]);
    first.assert_exit_code(0);
    let id1 = first.summary()["runId"].as_str().unwrap().to_string();
    wd.create_ndjson(
        "day2.ndjson",
        &[
            lead("CN-1", "EXT-1", "Egle-Marija"), // same number, changed payload
            lead("CN-9", "EXT-2", "Ona"),         // a new number, but a second CREATE of EXT-2
        ],
    );
    let second = nightly(&wd, &[]);
    second.assert_exit_code(1);
    let rows: Vec<(String, String, String, String)> = second
        .errors()
        .into_iter()
        .map(|r| (r.record, r.code, r.path, r.message))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "1".to_string(),
                "duplicate-communication-number".to_string(),
                "communicationNumber".to_string(),
                format!(
                    "communicationNumber \"CN-1\" was accepted with another payload in run {id1} (day1.ndjson record 1); AMLYZE refuses a number used before"
                ),
            ),
            // A changed payload of a CREATE: its customerExtId was created that night too.
            (
                "1".to_string(),
                "duplicate-customer-ext-id".to_string(),
                "customerExtId".to_string(),
                format!("a CREATE for customerExtId \"EXT-1\" was already made in run {id1}"),
            ),
            (
                "2".to_string(),
                "duplicate-customer-ext-id".to_string(),
                "customerExtId".to_string(),
                format!("a CREATE for customerExtId \"EXT-2\" was already made in run {id1}"),
            ),
        ]
    );
    // Rejected keys are not remembered: the ledger holds the first night's keys only.
    assert_eq!(ledger_state(&ledger_path(&wd)).1, (2, 2));
}

#[test]
fn a_file_that_is_not_a_ledger_or_is_newer_is_refused_with_status_2() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[lead("CN-1", "EXT-1", "Egle")]);
    std::fs::write(
        ledger_path(&wd),
        "this is not a database at all, just text....",
    )
    .unwrap();
    let run = nightly(&wd, &[]);
    run.assert_exit_code(2);
    assert!(
        run.stderr.contains("is not an SQLite database"),
        "{}",
        run.stderr
    );
    // Another application's SQLite database.
    std::fs::remove_file(ledger_path(&wd)).unwrap();
    let conn = rusqlite::Connection::open(ledger_path(&wd)).unwrap();
    conn.execute_batch("CREATE TABLE customers(id INTEGER)")
        .unwrap();
    drop(conn);
    let run = nightly(&wd, &[]);
    run.assert_exit_code(2);
    assert!(
        run.stderr.contains("is not a leadbatch ledger"),
        "{}",
        run.stderr
    );
    // A ledger from a newer leadbatch.
    std::fs::remove_file(ledger_path(&wd)).unwrap();
    nightly(&wd, &[]).assert_exit_code(0);
    let conn = rusqlite::Connection::open(ledger_path(&wd)).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    let run = nightly(&wd, &["--reprocess"]);
    run.assert_exit_code(2);
    assert!(
        run.stderr
            .contains("has schema version 99, newer than this program's"),
        "{}",
        run.stderr
    );
    assert!(!wd.out().join("runs").read_dir().unwrap().any(|e| {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        Some(n.clone())
            != std::fs::read_link(wd.out().join("latest"))
                .ok()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
    }));
}

#[test]
fn a_new_ledger_is_private_and_an_older_schema_is_migrated() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    wd.create_ndjson(
        "a.ndjson",
        &[
            lead("CN-1", "EXT-1", "Egle"),
            lead("CN-OLD", "EXT-2", "Ona"),
        ],
    );
    // A ledger of schema version 1 with one committed run in it.
    let mut conn = rusqlite::Connection::open(ledger_path(&wd)).unwrap();
    leadbatch::ledger::schema::migrate_to(&mut conn, 1).unwrap();
    conn.execute_batch(
        "INSERT INTO runs VALUES ('20260101T000000Z-000001', '/old', 't', 't', '2026-01-01', '[]',
            '{}', 1, 1, 0, 0, 0, 'committed');
         INSERT INTO communication_numbers(hash, key, payload_digest, run_id, source, record)
            VALUES (1, 'CN-OLD', x'00', '20260101T000000Z-000001', 'x', 1);",
    )
    .unwrap();
    conn.execute(
        "UPDATE communication_numbers SET hash = ?1",
        [leadbatch::ledger::key_hash("CN-OLD") as i64],
    )
    .unwrap();
    drop(conn);
    // The migrated key is found: the same number with another payload is rejected.
    let run = nightly(&wd, &[]);
    run.assert_exit_code(1);
    assert_eq!(
        run.errors()
            .into_iter()
            .map(|r| (r.record, r.code))
            .collect::<Vec<_>>(),
        [(
            "2".to_string(),
            "duplicate-communication-number".to_string()
        )]
    );
    let conn = rusqlite::Connection::open(ledger_path(&wd)).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, leadbatch::ledger::schema::CURRENT);
    let (runs, keys) = ledger_state(&ledger_path(&wd));
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].run_id, "20260101T000000Z-000001");
    assert_eq!(keys.0, 2);
    // A ledger created by a run: owner only.
    let fresh = Workdir::new();
    fresh.create_ndjson("a.ndjson", &[lead("CN-1", "EXT-1", "Egle")]);
    nightly(&fresh, &[]).assert_exit_code(0);
    let mode = std::fs::metadata(ledger_path(&fresh))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn concurrent_runs_on_one_ledger_both_commit() {
    let wd = Workdir::new();
    let (a, b) = (wd.path().join("drop-a"), wd.path().join("drop-b"));
    for (dir, tag) in [(&a, "A"), (&b, "B")] {
        std::fs::create_dir_all(dir).unwrap();
        let mut s = String::new();
        for i in 0..2000 {
            s.push_str(
                &serde_json::to_string(&lead(
                    &format!("CN-{tag}-{i}"),
                    &format!("EXT-{tag}-{i}"),
                    "Egle",
                ))
                .unwrap(),
            );
            s.push('\n');
        }
        std::fs::write(dir.join("leads.ndjson"), s).unwrap();
    }
    let spawn = |input: &std::path::Path, out: &str| {
        Command::new(env!("CARGO_BIN_EXE_leadbatch"))
            .args(["process", "--as-of", "2026-11-23", "-q"])
            .arg(input)
            .arg("--out")
            .arg(wd.path().join(out))
            .arg("--ledger")
            .arg(ledger_path(&wd))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (x, y) = (spawn(&a, "out-a"), spawn(&b, "out-b"));
    for child in [x, y] {
        let o = crate::reliability::wait_with_timeout(child, std::time::Duration::from_secs(120));
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let (runs, keys) = ledger_state(&ledger_path(&wd));
    assert_eq!(runs.len(), 2);
    assert_eq!(keys, (4000, 4000));
}

/// A fault or a SIGKILL at every step of the commit: the ledger's keys stay exactly the keys
/// of the runs `latest` committed, once the next run has settled what was left pending.
#[cfg(feature = "fault-injection")]
#[test]
fn faults_and_kills_at_every_commit_step_leave_ledger_and_latest_in_agreement() {
    let wd = Workdir::new();
    let mut night: u32 = 0;
    for step in [
        "ledger-stage",
        "fsync-run-dir",
        "symlink",
        "rename",
        "fsync-out",
        "ledger-confirm",
    ] {
        for how in [step.to_string(), format!("kill:{step}")] {
            night += 1;
            wd.create_ndjson(
                &format!("night-{night:02}.ndjson"),
                &[lead(
                    &format!("CN-{night}"),
                    &format!("EXT-{night}"),
                    "Egle",
                )],
            );
            let _ = wd
                .command("process")
                .arg(wd.input())
                .arg("--ledger")
                .arg(ledger_path(&wd))
                .env("LEADBATCH_FAULT", &how)
                .out(wd.out())
                .run();
            // The next run settles what the faulty one left, then commits.
            night += 1;
            wd.create_ndjson(
                &format!("night-{night:02}.ndjson"),
                &[lead(
                    &format!("CN-{night}"),
                    &format!("EXT-{night}"),
                    "Egle",
                )],
            );
            nightly(&wd, &[]).assert_exit_code(0);
            let (runs, keys) = ledger_state(&ledger_path(&wd));
            // Every key the ledger holds was accepted by a run that `latest` committed, and
            // every such run is in the ledger.
            let accepted: u64 = runs.iter().map(|r| r.accepted).sum();
            assert_eq!(keys.0, accepted, "{how}");
            let latest = std::fs::read_link(wd.out().join("latest")).unwrap();
            let latest = latest.file_name().unwrap().to_string_lossy().into_owned();
            assert_eq!(runs.last().unwrap().run_id, latest, "{how}");
            for r in &runs {
                assert!(
                    r.run_id <= latest && wd.out().join("runs").join(&r.run_id).is_dir(),
                    "{how}: {} is in the ledger but was never committed",
                    r.run_id
                );
            }
            // Each night's one record was accepted by exactly one committed run.
            assert_eq!(accepted, u64::from(night), "{how}");
        }
    }
}
