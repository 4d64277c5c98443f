//! Hostile input, faults during the run and personal data (the reliability issue): every
//! case ends in a located finding or a file-level error, the other records are processed,
//! the process lives, and `records == accepted + rejected`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
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
        n(&s, "accepted") + n(&s, "rejected"),
        "{s}"
    );
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(n(f, "records"), n(f, "accepted") + n(f, "rejected"), "{f}");
    }
    let lines = |name: &str| {
        std::fs::read_to_string(run.out.join(name)).map_or(0, |t| t.lines().count() as u64)
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

#[test]
fn empty_and_bom_only_files_of_every_format_hold_no_records() {
    let names = [
        "empty.json",
        "empty.ndjson",
        "empty.xml",
        "empty.csv",
        "bom-only.json",
        "bom-only.ndjson",
        "bom-only.xml",
        "bom-only.csv",
    ];
    let wd = hostile_workdir(&names);
    let run = wd.process();
    run.assert_exit_code(0);
    let s = assert_invariant(&run);
    assert_eq!(s["records"], 0);
    assert_eq!(s["files"], 8);
    assert!(run.errors().is_empty());
}

#[test]
fn json_faults_are_located_and_the_rest_is_processed() {
    let names = [
        "really-a-png.json",
        "nul-bytes.ndjson",
        "invalid-utf8.ndjson",
        "mixed-crlf.ndjson",
        "numbers-and-keys.ndjson",
        "trailing-garbage.json",
        "top-level-scalar.json",
    ];
    let wd = hostile_workdir(&names);
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert_eq!(
        findings(&run),
        set(&[
            ("really-a-png.json", "1", "parse-error"),
            ("really-a-png.json", "", "parse-error"),
            ("nul-bytes.ndjson", "2", "parse-error"),
            ("invalid-utf8.ndjson", "2", "parse-error"),
            ("numbers-and-keys.ndjson", "1", "out-of-range"),
            ("numbers-and-keys.ndjson", "2", "out-of-range"),
            ("numbers-and-keys.ndjson", "3", "parse-error"),
            ("numbers-and-keys.ndjson", "4", "duplicate-field"),
            ("numbers-and-keys.ndjson", "5", "bad-type"),
            ("trailing-garbage.json", "", "parse-error"),
            ("top-level-scalar.json", "1", "bad-type"),
        ])
    );
    // The good records around the bad ones are accepted.
    assert_eq!(file(&s, "nul-bytes.ndjson")["accepted"], 2);
    assert_eq!(file(&s, "invalid-utf8.ndjson")["accepted"], 1);
    assert_eq!(file(&s, "mixed-crlf.ndjson")["accepted"], 3);
    assert_eq!(file(&s, "trailing-garbage.json")["accepted"], 1);
    assert!(
        file(&s, "trailing-garbage.json")["error"]
            .as_str()
            .unwrap()
            .contains("line 2")
    );
    let errors = run.errors();
    let utf8 = errors
        .iter()
        .find(|e| e.source == "invalid-utf8.ndjson")
        .unwrap();
    assert!(
        utf8.message.contains("invalid UTF-8") && utf8.message.contains("0xE9"),
        "{}",
        utf8.message
    );
    assert_eq!(utf8.line, "2");
}

#[test]
fn deep_nesting_and_huge_values_are_bounded_findings() {
    let wd = Workdir::new();
    let good = r#"{"communicationNumber":"C1","requester":"r","riskManagementCategory":"LEAD_IND","sourceOfRiskLevel":"EVALUATE","customerExtId":"E1","entityType":"INDIVIDUAL","applicationDate":"2024-03-01","firstName":"A","lastName":"B","birthDate":"1990-07-15","citizenshipCountry":"LT"}"#;
    let deep = "[".repeat(100_000);
    let huge = format!(
        r#"{{"communicationNumber":"C3","requester":"{}"}}"#,
        "x".repeat(50 << 20)
    );
    wd.create("deep.ndjson", format!("{good}\n{deep}\n{huge}\n"));
    wd.create("deep-array.json", format!("[{deep}"));
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert_eq!(file(&s, "deep.ndjson")["accepted"], 1);
    assert_eq!(file(&s, "deep.ndjson")["rejected"], 2);
    let errors = run.errors();
    let msgs: Vec<_> = errors
        .iter()
        .filter(|e| e.source == "deep.ndjson")
        .map(|e| (e.record.as_str(), e.code.as_str(), e.message.as_str()))
        .collect();
    assert!(msgs[0].2.contains("nesting deeper than 64"), "{msgs:?}");
    assert_eq!(msgs[1].0, "3");
    assert!(msgs[1].2.contains("exceeds --max-record-bytes"), "{msgs:?}");
    assert!(file(&s, "deep-array.json")["error"].is_string());
}

#[test]
fn xml_entities_are_never_expanded_and_faults_are_located() {
    let names = [
        "billion-laughs.xml",
        "external-entity.xml",
        "deep-elements.xml",
        "unclosed.xml",
        "latin1-declared.xml",
    ];
    let wd = hostile_workdir(&names);
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert_eq!(
        findings(&run),
        set(&[
            ("billion-laughs.xml", "1", "parse-error"),
            ("external-entity.xml", "1", "parse-error"),
            ("deep-elements.xml", "2", "parse-error"),
            ("unclosed.xml", "", "parse-error"),
        ])
    );
    let rejected = run.read("rejected.ndjson");
    assert!(!rejected.contains("root:"), "the external entity was read");
    assert!(!rejected.contains("lollol"), "an entity was expanded");
    assert_eq!(file(&s, "billion-laughs.xml")["accepted"], 1);
    assert_eq!(file(&s, "unclosed.xml")["accepted"], 1);
    assert!(
        file(&s, "unclosed.xml")["error"]
            .as_str()
            .unwrap()
            .contains("line")
    );
    // ISO-8859-1 declared: decoded, not mangled.
    assert!(
        run.read("accepted.ndjson")
            .contains("\"firstName\":\"José\"")
    );
}

#[test]
fn csv_faults_reject_their_row_only() {
    let names = [
        "duplicate-columns.csv",
        "unterminated-quote.csv",
        "ragged-rows.csv",
    ];
    let wd = hostile_workdir(&names);
    let many: String = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    wd.create("wide.csv", format!("{many}\n"));
    let long_cell = "y".repeat(20 << 20);
    wd.create(
        "long-line.csv",
        format!("communicationNumber,requester\nC9,{long_cell}\nC10,bank\n"),
    );
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    let f = findings(&run);
    for expected in [
        ("duplicate-columns.csv", "1", "duplicate-field"),
        ("ragged-rows.csv", "2", "parse-error"),
        ("ragged-rows.csv", "3", "parse-error"),
        ("unterminated-quote.csv", "2", "parse-error"),
        ("long-line.csv", "1", "parse-error"),
    ] {
        assert!(
            f.contains(&(expected.0.into(), expected.1.into(), expected.2.into())),
            "{expected:?} not in {f:?}"
        );
    }
    assert_eq!(file(&s, "ragged-rows.csv")["accepted"], 2);
    assert_eq!(file(&s, "duplicate-columns.csv")["accepted"], 1);
    assert_eq!(file(&s, "wide.csv")["records"], 0);
    assert_eq!(file(&s, "long-line.csv")["records"], 2);
}

#[cfg(unix)]
#[test]
fn special_files_and_loops_in_the_tree_never_hang() {
    use std::os::unix::net::UnixListener;
    let wd = Workdir::new();
    wd.create("good.ndjson", "");
    std::os::unix::fs::symlink(wd.input(), wd.input().join("loop")).unwrap();
    let fifo = wd.input().join("pipe.ndjson");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let _sock = UnixListener::bind(wd.input().join("sock.ndjson")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q"])
        .arg(wd.input())
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_with_timeout(child, Duration::from_secs(60));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(wd.out().join("summary.json")).unwrap())
            .unwrap();
    let skipped: Vec<_> = s["skippedFiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["loop", "pipe.ndjson", "sock.ndjson"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_explicitly_is_a_file_error_not_a_hang() {
    let wd = Workdir::new();
    let fifo = wd.input().join("pipe.ndjson");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q"])
        .arg(&fifo)
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_with_timeout(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1));
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(wd.out().join("summary.json")).unwrap())
            .unwrap();
    assert!(
        s["byFile"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
}

fn wait_with_timeout(mut child: std::process::Child, limit: Duration) -> std::process::Output {
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

#[cfg(unix)]
#[test]
fn unreadable_files_are_file_errors() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(true);
    if is_root {
        // Root reads any file whatever its mode; the case cannot be made here.
        return;
    }
    let wd = Workdir::new();
    let p = wd.create("secret.ndjson", "{}\n");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    assert!(
        file(&s, "secret.ndjson")["error"]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
}

#[test]
fn a_file_that_vanishes_before_reading_is_a_file_error() {
    use leadbatch::source::{BatchSink, Format, InputFile, Item, ReadOptions, read_file};
    let file = InputFile {
        path: "/nonexistent/leadbatch/vanished.ndjson".into(),
        source: "vanished.ndjson".into(),
        format: Format::Ndjson,
        compression: None,
    };
    let mut batches = Vec::new();
    let mut emit = |b| {
        batches.push(b);
        true
    };
    let mut sink = BatchSink::new(16, 1 << 20, &mut emit);
    assert_eq!(
        read_file(0, &file, &ReadOptions::default(), &mut sink),
        None
    );
    sink.flush();
    let items: Vec<_> = batches.into_iter().flat_map(|b| b.items).collect();
    assert!(
        matches!(&items[..], [Item::FileError { diag, .. }] if diag.message.contains("cannot read file"))
    );
}

#[test]
fn an_unwritable_out_ends_the_run_with_status_2() {
    let wd = Workdir::new();
    wd.create("a.ndjson", "{}\n");
    let blocker = wd.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(blocker.join("out"))
        .run();
    run.assert_exit_code(2);
    assert!(
        run.stderr.contains("cannot create output directory"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

/// Writes a corpus large enough that a debug build takes a while on it.
fn big_corpus(wd: &Workdir) {
    let (_, _) = wd.gen_corpus("big.ndjson", 60_000, 11);
}

fn previous_outputs(wd: &Workdir) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(wd.out())
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

fn temp_files(wd: &Workdir) -> Vec<String> {
    std::fs::read_dir(wd.out())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".leadbatch-tmp"))
        .collect()
}

#[cfg(unix)]
#[test]
fn sigkill_mid_run_leaves_previous_outputs_and_the_next_run_cleans_up() {
    let wd = Workdir::new();
    wd.create("small.ndjson", "{}\n");
    wd.process().assert_exit_code(1);
    let before = previous_outputs(&wd);
    assert!(before.iter().any(|(n, _)| n == "summary.json"));
    big_corpus(&wd);
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q", "-j", "1"])
        .arg(wd.input())
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has started writing, then kill it without warning.
    let start = std::time::Instant::now();
    while temp_files(&wd).is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(
        previous_outputs(&wd),
        before,
        "a killed run changed committed outputs"
    );
    // The next run removes the stale temporary files.
    std::fs::remove_file(wd.input().join("big.ndjson")).unwrap();
    wd.process().assert_exit_code(1);
    assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_promptly_and_commits_nothing() {
    let wd = Workdir::new();
    wd.create("small.ndjson", "{}\n");
    wd.process().assert_exit_code(1);
    let before = previous_outputs(&wd);
    big_corpus(&wd);
    let child = Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .args(["process", "--as-of", "2026-11-23", "-q", "-j", "1"])
        .arg(wd.input())
        .arg("--out")
        .arg(wd.out())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while temp_files(&wd).is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap()
            .success()
    );
    let out = wait_with_timeout(child, Duration::from_secs(20));
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(previous_outputs(&wd), before);
    assert!(temp_files(&wd).is_empty(), "{:?}", temp_files(&wd));
}

#[test]
fn redacted_reports_hold_no_personal_value() {
    let wd = Workdir::new();
    let personal = [
        "Gintautas",
        "Vaitkevičiūtė",
        "1899-05-17",
        "38905171234",
        "LT-77-123456",
        "g.vaitk@example.lt",
        "Gedimino pr. 9",
        "Secretname",
    ];
    let rec = serde_json::json!({
        "communicationNumber": "ComNr_R_1", "requester": "bank", "riskManagementCategory": "LEAD_IND",
        "sourceOfRiskLevel": "EVALUATE", "customerExtId": "Lead_R_1", "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": "Gintautas", "lastName": "Vaitkevičiūtė",
        "birthDate": "1899-05-17", "nationalCode": "38905171234", "citizenshipCountry": "LT",
        "middleName": "Secretname",
        "listContact": [{"contactType": "EMAIL", "contactDetails": "g.vaitk@example.lt"}],
        "listAddress": [{"country": "XX", "streetAddress": "Gedimino pr. 9"}],
        "listBusinessEntityDocument": [{"entityType": "INDIVIDUAL", "identityDocumentType": "PASSPORT",
            "documentNumber": "LT-77-123456", "documentIssueDate": "2020-01-01",
            "documentIssueCountry": "LT", "documentIssueAuthority": "Police", "documentExpiryDate": "2019-01-01"}]
    });
    wd.create_ndjson("people.ndjson", &[rec]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .arg("--redact")
        .run();
    run.assert_exit_code(1);
    for name in [
        "rejected.ndjson",
        "errors.csv",
        "report.html",
        "summary.json",
    ] {
        let text = run.read(name);
        for v in personal {
            assert!(!text.contains(v), "{v:?} appears in redacted {name}");
        }
    }
    // Field names, codes, lengths and first characters are kept.
    let rejected = run.rejected();
    assert_eq!(rejected[0]["input"]["firstName"], "G********");
    assert!(
        run.errors()
            .iter()
            .any(|e| e.code == "out-of-range" && e.path == "birthDate")
    );
    // Without --redact the values are there (the test above can fail).
    let plain = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("plain"))
        .run();
    assert!(
        std::fs::read_to_string(plain.out.join("rejected.ndjson"))
            .unwrap()
            .contains("Gintautas")
    );
}

#[cfg(unix)]
#[test]
fn output_files_are_owner_only_unless_file_mode_says_otherwise() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    wd.create("a.ndjson", "{}\n");
    let run = wd.process();
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
        "report.html",
    ] {
        let mode = std::fs::metadata(run.out.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("shared"))
        .args(["--file-mode", "640"])
        .run();
    let mode = std::fs::metadata(run.out.join("errors.csv"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
}

/// A full disk: mounts a 64 KiB tmpfs as `--out` (root only; skipped where mounting is not
/// allowed), fills it with a run and checks that nothing was replaced.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_ends_the_run_with_status_2_and_replaces_nothing() {
    let wd = Workdir::new();
    let mnt = wd.path().join("small-disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&mnt);
    let out = mnt.join("out");
    wd.create("small.ndjson", "{}\n");
    wd.command("process")
        .arg(wd.input())
        .out(&out)
        .run()
        .assert_exit_code(1);
    let before: Vec<_> = ["summary.json", "rejected.ndjson", "errors.csv"]
        .iter()
        .map(|n| std::fs::read(out.join(n)).unwrap())
        .collect();
    wd.gen_corpus("big.ndjson", 3000, 5);
    let run = wd.command("process").arg(wd.input()).out(&out).run();
    run.assert_exit_code(2);
    assert!(run.stderr.contains("No space left"), "{}", run.stderr);
    let after: Vec<_> = ["summary.json", "rejected.ndjson", "errors.csv"]
        .iter()
        .map(|n| std::fs::read(out.join(n)).unwrap())
        .collect();
    assert_eq!(before, after, "a failed run replaced outputs");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".leadbatch-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Inputs that once crashed a fuzz target (`fuzz/`), kept as regression cases: each runs
/// through the pipeline and must keep the invariant.
#[test]
fn fuzz_regression_inputs_keep_the_invariant() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz"));
    let mut cases = 0;
    for target in std::fs::read_dir(root).into_iter().flatten().flatten() {
        if !target.path().is_dir() {
            continue;
        }
        let ext = match target.file_name().to_string_lossy() {
            n if n.starts_with("xml") => "xml",
            n if n.starts_with("csv") => "csv",
            n if n.starts_with("ndjson") => "ndjson",
            _ => "json",
        };
        for case in std::fs::read_dir(target.path()).unwrap().flatten() {
            let wd = Workdir::new();
            wd.create(&format!("case.{ext}"), std::fs::read(case.path()).unwrap());
            let run = wd.process();
            assert!(
                matches!(run.code, Some(0 | 1)),
                "{}: {}",
                case.path().display(),
                run.stderr
            );
            assert_invariant(&run);
            cases += 1;
        }
    }
    eprintln!("{cases} fuzz regression inputs");
}
