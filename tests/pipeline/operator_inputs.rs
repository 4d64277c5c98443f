//! INPUTs as operators give them: several INPUTs holding the same names, overlapping INPUTs,
//! a symlink to the drop directory, a file named explicitly that is not a lead file, hidden
//! and lock files, empty lead files, and what stderr says about them at the end.

use serde_json::json;

use super::{individual, set};
use crate::util::Workdir;

fn lead(cn: &str, ext: &str) -> serde_json::Value {
    let mut v = individual("x");
    set(&mut v, "communicationNumber", json!(cn));
    set(&mut v, "customerExtId", json!(ext));
    v
}

/// The `source` column of errors.csv, row by row.
fn error_sources(run: &crate::util::Run) -> Vec<String> {
    run.errors().into_iter().map(|r| r.source).collect()
}

fn by_file_sources(s: &serde_json::Value) -> Vec<String> {
    s["byFile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_same_name_under_two_inputs_is_told_apart_by_its_input() {
    let wd = Workdir::new();
    wd.create_ndjson("a/leads.ndjson", &[lead("CN-1", "EXT-1")]);
    // Reuses CN-1: rejected, and the message must say which leads.ndjson came first.
    wd.create_ndjson("b/leads.ndjson", &[lead("CN-1", "EXT-2")]);
    let run = wd
        .command("process")
        .args(["in/a", "in/b"])
        .out(wd.out())
        .run();
    run.assert_exit_code(1);
    let s = run.summary();
    assert_eq!(
        by_file_sources(&s),
        ["in/a/leads.ndjson", "in/b/leads.ndjson"]
    );
    assert_eq!(error_sources(&run), ["in/b/leads.ndjson"]);
    let rejected = run.rejected();
    assert_eq!(rejected[0]["source"], "in/b/leads.ndjson");
    let msg = rejected[0]["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("in/a/leads.ndjson"), "{msg}");
    // One INPUT: sources stay relative to it.
    let one = wd
        .command("process")
        .arg("in/a")
        .out(wd.path().join("one"))
        .run();
    one.assert_exit_code(0);
    assert_eq!(by_file_sources(&one.summary()), ["leads.ndjson"]);
}

#[test]
fn overlapping_inputs_read_each_file_once_and_say_so() {
    let wd = Workdir::new();
    wd.create_ndjson(
        "nightly.ndjson",
        &[lead("CN-1", "EXT-1"), lead("CN-2", "EXT-2")],
    );
    std::os::unix::fs::symlink(wd.input(), wd.path().join("drop-link")).unwrap();
    let run = wd
        .command("process")
        .args(["in", "in/nightly.ndjson", "in", "drop-link"])
        .out(wd.out())
        .run();
    run.assert_exit_code(0);
    let s = run.summary();
    assert_eq!(
        (s["records"].as_u64(), s["accepted"].as_u64()),
        (Some(2), Some(2))
    );
    // Read where it comes first in source-path order: "drop-link/..." < "in/...".
    assert_eq!(by_file_sources(&s), ["drop-link/nightly.ndjson"]);
    for input in ["in", "in/nightly.ndjson", "in"] {
        let line = format!(
            "leadbatch: INPUT {input} overlaps INPUT drop-link: 1 file read once, through drop-link"
        );
        assert!(
            run.stderr.lines().any(|l| l == line),
            "{line:?} not in:\n{}",
            run.stderr
        );
    }
    assert_eq!(
        s["overlappingInputs"],
        json!([
            {"input": "in", "readThrough": "drop-link", "files": 1},
            {"input": "in/nightly.ndjson", "readThrough": "drop-link", "files": 1},
            {"input": "in", "readThrough": "drop-link", "files": 1},
        ])
    );
}

#[test]
fn a_symlink_to_the_drop_directory_named_as_input_is_followed() {
    let wd = Workdir::new();
    wd.create_ndjson("nightly.ndjson", &[lead("CN-1", "EXT-1")]);
    let link = wd.path().join("drop-link");
    std::os::unix::fs::symlink(wd.input(), &link).unwrap();
    let run = wd.command("process").arg(&link).out(wd.out()).run();
    run.assert_exit_code(0);
    assert_eq!(run.summary()["accepted"], 1);
    assert_eq!(by_file_sources(&run.summary()), ["nightly.ndjson"]);
}

#[test]
fn a_named_file_that_is_not_a_lead_file_is_a_usage_error_suggesting_format() {
    let wd = Workdir::new();
    let lines = serde_json::to_string(&lead("CN-1", "EXT-1")).unwrap() + "\n";
    let dat = wd.create("export.dat", &lines);
    let run = wd.command("process").arg(&dat).out(wd.out()).run();
    run.assert_exit_code(2);
    assert!(
        run.stderr.contains("export.dat") && run.stderr.contains("--format"),
        "{}",
        run.stderr
    );
    assert!(!wd.out().join("latest").exists());
    let run = wd
        .command("process")
        .arg(&dat)
        .args(["--format", "ndjson"])
        .out(wd.out())
        .run();
    run.assert_exit_code(0);
    assert_eq!(run.summary()["accepted"], 1);
}

#[test]
fn hidden_and_lock_files_are_skipped_and_named_on_stderr() {
    let wd = Workdir::new();
    let good = serde_json::to_string(&lead("CN-1", "EXT-1")).unwrap();
    wd.create("export.csv.ndjson", format!("{good}\n"));
    wd.create(".half-written.json", b"{\"communicationNumber\": ");
    wd.create("~$export.csv", b"\x00\x01lock");
    wd.create(".~lock.export.csv#", b",user,host;");
    wd.create(".git/HEAD.json", b"[");
    wd.create("notes.txt", b"hello");
    let run = wd.process();
    run.assert_exit_code(0);
    let s = run.summary();
    assert_eq!(s["records"], 1);
    assert_eq!(
        s["skippedFiles"],
        json!([
            ".git/",
            ".half-written.json",
            ".~lock.export.csv#",
            "notes.txt",
            "~$export.csv"
        ])
    );
    let line = "leadbatch: 5 files skipped (not lead files by extension, hidden, office lock \
                files, or not regular files): .git/, .half-written.json, .~lock.export.csv#, \
                notes.txt, ~$export.csv";
    assert!(run.stderr.lines().any(|l| l == line), "{}", run.stderr);
    // Seven skipped: the first five are named, then how many more.
    wd.create("more1.txt", b"");
    wd.create("more2.txt", b"");
    let run = wd.process();
    assert!(
        run.stderr.contains("7 files skipped")
            && run.stderr.contains(" and 2 more (see summary.json)"),
        "{}",
        run.stderr
    );
    // --hidden reads hidden files (the half-written one is now a located parse error); lock
    // files stay skipped.
    let run = wd
        .command("process")
        .arg("in")
        .arg("--hidden")
        .out(wd.out())
        .run();
    run.assert_exit_code(1);
    let s = run.summary();
    assert_eq!(
        s["skippedFiles"],
        json!([
            ".~lock.export.csv#",
            "more1.txt",
            "more2.txt",
            "notes.txt",
            "~$export.csv"
        ])
    );
    assert!(by_file_sources(&s).contains(&".half-written.json".to_string()));
}

#[test]
fn empty_lead_files_are_a_file_level_warning_and_the_status_stays() {
    let wd = Workdir::new();
    wd.create_ndjson("a-good.ndjson", &[lead("CN-1", "EXT-1")]);
    wd.create("b-zero.ndjson", b"");
    wd.create("c-header-only.csv", b"communicationNumber,customerExtId\n");
    wd.create("d-empty-array.json", b"[]\n");
    wd.create("e-blank-lines.ndjson", b"\n\n");
    wd.create("f-no-records.xml", b"<Leads></Leads>");
    let run = wd.process();
    run.assert_exit_code(0);
    let rows: Vec<(String, String, String, String)> = run
        .errors()
        .into_iter()
        .map(|r| (r.source, r.severity, r.code, r.message))
        .collect();
    let expected: Vec<(String, String, String, String)> = [
        "b-zero.ndjson",
        "c-header-only.csv",
        "d-empty-array.json",
        "e-blank-lines.ndjson",
        "f-no-records.xml",
    ]
    .iter()
    .map(|f| {
        (
            f.to_string(),
            "warning".to_string(),
            "empty-file".to_string(),
            "the file holds no lead record".to_string(),
        )
    })
    .collect();
    assert_eq!(rows, expected);
    let s = run.summary();
    let warned: Vec<(&str, Option<&str>)> = s["byFile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["source"].as_str().unwrap(), f["warning"].as_str()))
        .collect();
    assert_eq!(
        warned,
        [
            ("a-good.ndjson", None),
            ("b-zero.ndjson", Some("empty-file")),
            ("c-header-only.csv", Some("empty-file")),
            ("d-empty-array.json", Some("empty-file")),
            ("e-blank-lines.ndjson", Some("empty-file")),
            ("f-no-records.xml", Some("empty-file")),
        ]
    );
    assert_eq!(
        (s["warnings"].as_u64(), s["accepted"].as_u64()),
        (Some(5), Some(1))
    );
}
