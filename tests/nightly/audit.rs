//! The audit trail: each summary.json is a manifest linked to the previous one by SHA-256;
//! `audit verify` walks the chain and names the first break of each kind of tampering;
//! `audit head` and `runs` report the history.

use super::{lead, ledger_path, nightly};
use crate::util::Workdir;

/// Three committed nights with a ledger; returns their run ids.
fn three_nights(wd: &Workdir) -> Vec<String> {
    (1..=3)
        .map(|n| {
            wd.create_ndjson(
                &format!("night-{n}.ndjson"),
                &[lead(&format!("CN-{n}"), &format!("EXT-{n}"), "Egle")],
            );
            let run = nightly(wd, &[]);
            run.assert_exit_code(0);
            run.summary()["runId"].as_str().unwrap().to_string()
        })
        .collect()
}

fn verify(wd: &Workdir) -> crate::util::Run {
    wd.command_bare("audit")
        .arg("verify")
        .arg("--ledger")
        .arg(ledger_path(wd))
        .run()
}

fn sha256(bytes: &[u8]) -> String {
    leadbatch::source::digest::sha256_hex(bytes)
}

#[test]
fn an_untouched_history_verifies_and_each_manifest_links_to_the_previous() {
    let wd = Workdir::new();
    let ids = three_nights(&wd);
    let run = verify(&wd);
    run.assert_exit_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    for (line, id) in lines.iter().zip(&ids) {
        let manifest =
            sha256(&std::fs::read(wd.out().join("runs").join(id).join("summary.json")).unwrap());
        assert!(
            line.starts_with(&format!("ok     {id}  {manifest}  ")),
            "{line}"
        );
    }
    assert_eq!(lines[3], "the chain holds: 3 runs");
    // Each summary names the SHA-256 of the one before it, as sha256sum prints it.
    for pair in ids.windows(2) {
        let before =
            std::fs::read(wd.out().join("runs").join(&pair[0]).join("summary.json")).unwrap();
        let after: serde_json::Value = serde_json::from_slice(
            &std::fs::read(wd.out().join("runs").join(&pair[1]).join("summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(after["previousManifest"], sha256(&before));
    }
    // audit head: the newest manifest, to anchor elsewhere.
    let head = wd
        .command_bare("audit")
        .arg("head")
        .arg("--ledger")
        .arg(ledger_path(&wd))
        .run();
    head.assert_exit_code(0);
    let latest = sha256(&std::fs::read(wd.out().join("latest/summary.json")).unwrap());
    assert_eq!(head.stdout, format!("{latest}  {}\n", ids[2]));
    // runs: the three nights, oldest first.
    let runs = wd
        .command_bare("runs")
        .arg("--ledger")
        .arg(ledger_path(&wd))
        .arg("--json")
        .run();
    runs.assert_exit_code(0);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&runs.stdout).unwrap();
    let listed_ids: Vec<&str> = listed
        .iter()
        .map(|r| r["runId"].as_str().unwrap())
        .collect();
    assert_eq!(listed_ids, ids);
    assert_eq!(listed[0]["accepted"], 1);
    // Without a ledger, the retained run directories of OUT form the chain.
    let bare = wd
        .command_bare("audit")
        .arg("verify")
        .arg("--out")
        .arg(wd.out())
        .run();
    bare.assert_exit_code(0);
}

#[test]
fn a_changed_byte_in_an_output_is_the_first_break() {
    let wd = Workdir::new();
    let ids = three_nights(&wd);
    let victim = wd.out().join("runs").join(&ids[1]).join("accepted.ndjson");
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(&victim, bytes).unwrap();
    let run = verify(&wd);
    run.assert_exit_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with(&format!("ok     {}", ids[0])));
    assert!(
        lines[1].starts_with(&format!("BREAK  {}: accepted.ndjson has BLAKE3 ", ids[1]))
            && lines[1].ends_with("(the file was changed)"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 2, "stops at the first break");
}

#[test]
fn an_edited_manifest_is_the_first_break() {
    let wd = Workdir::new();
    let ids = three_nights(&wd);
    let summary = wd.out().join("runs").join(&ids[2]).join("summary.json");
    let text = std::fs::read_to_string(&summary).unwrap();
    std::fs::write(&summary, text.replace("\"accepted\": 1", "\"accepted\": 2")).unwrap();
    let run = verify(&wd);
    run.assert_exit_code(1);
    assert!(
        run.stdout
            .contains(&format!("BREAK  {}: summary.json has SHA-256 ", ids[2]))
            && run.stdout.contains("(the manifest was edited)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_run_missing_from_the_ledger_or_reordered_is_the_first_break() {
    for tamper in [
        "DELETE FROM runs WHERE seq = 2",
        "UPDATE runs SET seq = 10 WHERE seq = 1; UPDATE runs SET seq = 1 WHERE seq = 2; UPDATE runs SET seq = 2 WHERE seq = 10",
    ] {
        let wd = Workdir::new();
        let ids = three_nights(&wd);
        let conn = rusqlite::Connection::open(ledger_path(&wd)).unwrap();
        conn.execute_batch(tamper).unwrap();
        drop(conn);
        let run = verify(&wd);
        run.assert_exit_code(1);
        assert!(run.stdout.contains("BREAK  "), "{tamper}: {}", run.stdout);
        assert!(
            run.stdout
                .contains("(a run missing, reordered or edited in the ledger)"),
            "{tamper}: {}",
            run.stdout
        );
        let _ = ids;
    }
}

#[test]
fn a_run_removed_by_keep_runs_is_vouched_for_by_the_ledger() {
    let wd = Workdir::new();
    for n in 1..=3 {
        wd.create_ndjson(
            &format!("night-{n}.ndjson"),
            &[lead(&format!("CN-{n}"), &format!("EXT-{n}"), "Egle")],
        );
        nightly(&wd, &["--keep-runs", "2"]).assert_exit_code(0);
    }
    let run = verify(&wd);
    run.assert_exit_code(0);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.ends_with("not retained: the ledger vouches for it"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_report_shows_the_last_runs_and_the_chain_head_with_a_ledger() {
    let wd = Workdir::new();
    let ids = three_nights(&wd);
    let html = std::fs::read_to_string(wd.out().join("latest/report.html")).unwrap();
    let section = &html[html
        .find("<section id=\"history\"")
        .expect("history section")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("<svg role=\"img\""), "{section}");
    // One bar per run (each night accepted one record), newest row first in the table.
    assert_eq!(section.matches("<rect ").count(), 3, "{section}");
    let rows: Vec<&str> = ids.iter().map(|id| id.as_str()).rev().collect();
    let positions: Vec<usize> = rows
        .iter()
        .map(|id| {
            section
                .find(&format!(
                    "<tr><td>{id}</td><td>1</td><td>0</td><td>0</td></tr>"
                ))
                .unwrap_or_else(|| panic!("{id} row: {section}"))
        })
        .collect();
    assert!(positions.windows(2).all(|p| p[0] < p[1]), "{positions:?}");
    let s: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(wd.out().join("latest/summary.json")).unwrap(),
    )
    .unwrap();
    let head = s["previousManifest"].as_str().unwrap();
    assert!(
        section.contains(&format!("<code>{head}</code>")),
        "{section}"
    );
    // Without a ledger there is no history to show.
    let plain = Workdir::new();
    plain.create_ndjson("a.ndjson", &[lead("CN-1", "EXT-1", "Egle")]);
    let run = plain.process();
    assert!(!run.read("report.html").contains("id=\"history\""));
}
