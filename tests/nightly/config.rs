//! The nightly configuration: relative paths of leadbatch.toml taken from its directory,
//! `LEADBATCH_CONFIG`, `--no-config`, `-v`, `leadbatch config` showing what is set, and
//! classifier files that name no classifier.

use std::process::Command;

use super::lead;
use crate::util::{AS_OF, Run, Workdir};

fn bin(wd: &Workdir, cwd: &str) -> Command {
    let dir = wd.path().join(cwd);
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_leadbatch"));
    c.current_dir(dir).env_remove("LEADBATCH_CONFIG");
    c
}

fn run_of(o: std::process::Output, out: std::path::PathBuf) -> Run {
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    }
}

/// `srv/leadbatch.toml` naming `drop`, `out`, `classifiers` and `ledger.db` relative to it.
fn nightly_config(wd: &Workdir) -> std::path::PathBuf {
    let srv = wd.path().join("srv");
    std::fs::create_dir_all(srv.join("drop")).unwrap();
    std::fs::create_dir_all(srv.join("classifiers")).unwrap();
    std::fs::write(srv.join("classifiers/country.txt"), "LT\n").unwrap();
    let line = serde_json::to_string(&lead("C1", "E1", "Egle")).unwrap();
    std::fs::write(srv.join("drop/a.ndjson"), format!("{line}\n")).unwrap();
    std::fs::write(
        srv.join("leadbatch.toml"),
        format!(
            "inputs = [\"drop\"]\nout = \"out\"\nclassifiers = \"classifiers\"\n\
             ledger = \"ledger.db\"\nas-of = \"{AS_OF}\"\nquiet = true\n"
        ),
    )
    .unwrap();
    srv
}

#[test]
fn relative_paths_of_the_configuration_are_taken_from_its_directory() {
    let wd = Workdir::new();
    let srv = nightly_config(&wd);
    // From elsewhere (a systemd unit runs in /), by --config and by LEADBATCH_CONFIG.
    let o = bin(&wd, "elsewhere")
        .args(["process", "-v", "--config"])
        .arg(srv.join("leadbatch.toml"))
        .output()
        .unwrap();
    let run = run_of(o, srv.join("out"));
    run.assert_exit_code(0);
    assert_eq!(
        run.stderr,
        format!(
            "leadbatch: configuration {} (--config)\n",
            srv.join("leadbatch.toml").display()
        )
    );
    assert_eq!(run.accepted().len(), 1);
    assert!(srv.join("ledger.db").is_file());
    assert!(!wd.path().join("elsewhere/out").exists());
    let o = bin(&wd, "elsewhere")
        .args(["process", "--verbose"])
        .env("LEADBATCH_CONFIG", "../srv/leadbatch.toml")
        .output()
        .unwrap();
    let run = run_of(o, srv.join("out"));
    run.assert_exit_code(0);
    assert!(
        run.stderr
            .starts_with("leadbatch: configuration ../srv/leadbatch.toml (LEADBATCH_CONFIG)\n"),
        "{}",
        run.stderr
    );
    // The ledger of the first run was found: the file is not read again.
    assert_eq!(run.summary()["alreadyProcessed"][0]["source"], "a.ndjson");
    assert_eq!(run.summary()["inputs"][0], "../srv/drop");
}

#[test]
fn no_config_ignores_the_working_directorys_file_and_verbose_says_so() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[lead("C1", "E1", "Egle")]);
    std::fs::write(
        wd.path().join("leadbatch.toml"),
        "out = \"elsewhere\"\nstrict = true\n",
    )
    .unwrap();
    let o = bin(&wd, ".")
        .args([
            "validate",
            "in",
            "-q",
            "-v",
            "--no-config",
            "--as-of",
            AS_OF,
        ])
        .output()
        .unwrap();
    let run = run_of(o, wd.path().join("output"));
    run.assert_exit_code(0);
    assert_eq!(
        run.stderr,
        "leadbatch: no configuration file read (--no-config)\n"
    );
    assert!(!wd.path().join("elsewhere").exists());
    assert_eq!(run.summary()["accepted"], 1);
    // Also over LEADBATCH_CONFIG; and --config with --no-config is a usage error.
    let o = bin(&wd, ".")
        .args(["config", "--no-config", "-v"])
        .env("LEADBATCH_CONFIG", "leadbatch.toml")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("elsewhere"));
    let o = bin(&wd, ".")
        .args(["config", "--no-config", "--config", "leadbatch.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Without a file at all, -v says where it looked.
    let o = bin(&wd, "empty").args(["config", "-v"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "leadbatch: no configuration file read (no ./leadbatch.toml, LEADBATCH_CONFIG not set)\n"
    );
    // LEADBATCH_CONFIG naming a missing file is an error, as --config is.
    let o = bin(&wd, ".")
        .args(["config"])
        .env("LEADBATCH_CONFIG", "missing.toml")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("leadbatch: configuration missing.toml (LEADBATCH_CONFIG): "),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn config_prints_what_is_set_and_comments_out_the_defaults_of_the_day_and_machine() {
    let wd = Workdir::new();
    let srv = nightly_config(&wd);
    let o = bin(&wd, ".")
        .args(["config", "--config"])
        .arg(srv.join("leadbatch.toml"))
        .args(["--strict", "--jobs", "2"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    let s = srv.display();
    let (set, defaults) = text.split_once("\n# Not set").unwrap();
    crate::eqnice!(
        format!(
            "# Options set (flags over the configuration file):\ninputs = [\"{s}/drop\"]\n\
             out = \"{s}/out\"\njobs = 2\nas-of = \"{AS_OF}\"\nquiet = true\nstrict = true\n\
             classifiers = \"{s}/classifiers\"\nledger = \"{s}/ledger.db\"\n"
        ),
        set
    );
    assert!(defaults.contains("\n# max-findings = 100\n"), "{defaults}");
    // Not set: today's date and the number of cores stay comments.
    let o = bin(&wd, ".")
        .args(["config", "--no-config"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    let set_lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(set_lines.is_empty(), "{text}");
    assert!(
        text.contains("\n# as-of = \"") && text.contains("\n# jobs = "),
        "{text}"
    );
}

/// Each option: its key, its value in the file (TOML), the flags that set it otherwise, and
/// the value `leadbatch config` then shows. Paths are absolute: the file's relative paths
/// are another test's.
const EVERY_OPTION: &[(&str, &str, &[&str], &str)] = &[
    ("inputs", r#"["/f/in"]"#, &["/c/in"], r#"["/c/in"]"#),
    ("out", r#""/f/out""#, &["--out", "/c/out"], r#""/c/out""#),
    ("jobs", "3", &["--jobs", "5"], "5"),
    (
        "as-of",
        r#""2026-01-01""#,
        &["--as-of", "2026-02-02"],
        r#""2026-02-02""#,
    ),
    ("quiet", "true", &["--quiet"], "true"),
    ("json", "true", &["--json"], "true"),
    ("strict", "true", &["--strict"], "true"),
    (
        "deny",
        r#"["date-order"]"#,
        &["--deny", "document-expired"],
        r#"["document-expired"]"#,
    ),
    ("format", r#""csv""#, &["--format", "xml"], r#""xml""#),
    (
        "max-record-bytes",
        "1000",
        &["--max-record-bytes", "2000"],
        "2000",
    ),
    ("max-expansion", "10", &["--max-expansion", "20"], "20"),
    ("max-depth", "11", &["--max-depth", "21"], "21"),
    ("max-list-items", "12", &["--max-list-items", "22"], "22"),
    ("max-findings", "13", &["--max-findings", "23"], "23"),
    ("show", "1", &["--show", "2"], "2"),
    (
        "encoding",
        r#""windows-1257""#,
        &["--encoding", "auto"],
        r#""auto""#,
    ),
    ("delimiter", r#"";""#, &["--delimiter", "|"], r#""|""#),
    ("hidden", "true", &["--hidden"], "true"),
    (
        "date-format",
        r#""DD.MM.YYYY""#,
        &["--date-format", "MM/DD/YYYY"],
        r#""MM/DD/YYYY""#,
    ),
    ("decimal-comma", "true", &["--decimal-comma"], "true"),
    ("redact", "true", &["--redact"], "true"),
    ("file-mode", r#""640""#, &["--file-mode", "600"], r#""600""#),
    (
        "classifiers",
        r#""/f/cls""#,
        &["--classifiers", "/c/cls"],
        r#""/c/cls""#,
    ),
    ("wait-lock", "1", &["--wait-lock", "2"], "2"),
    ("keep-runs", "3", &["--keep-runs", "4"], "4"),
    (
        "ledger",
        r#""/f/l.db""#,
        &["--ledger", "/c/l.db"],
        r#""/c/l.db""#,
    ),
    ("reprocess", "true", &["--reprocess"], "true"),
    (
        "payload-layout",
        r#""files""#,
        &["--payload-layout", "ndjson"],
        r#""ndjson""#,
    ),
];

/// Every option is merged: a file that sets each key is read whole, each key's flag wins
/// over it, and the flags alone set each (a switch the file turns on, a flag cannot turn
/// off). `EVERY_OPTION` must name each field of `Options`, so a new option is covered.
#[test]
fn every_option_is_merged_with_the_flags_over_the_file() {
    let keys: Vec<&str> = EVERY_OPTION.iter().map(|o| o.0).collect();
    let fields: Vec<String> = leadbatch::cli::Options::FIELDS
        .iter()
        .map(|f| f.replace('_', "-"))
        .collect();
    assert_eq!(keys, fields, "EVERY_OPTION lists each option, in order");
    let wd = Workdir::new();
    let file = wd.path().join("leadbatch.toml");
    let text: String = EVERY_OPTION
        .iter()
        .map(|(k, v, ..)| format!("{k} = {v}\n"))
        .collect();
    std::fs::write(&file, &text).unwrap();
    let flags: Vec<&str> = EVERY_OPTION
        .iter()
        .flat_map(|o| o.2.iter().copied())
        .collect();
    let shown = |config: &[&str], flags: &[&str]| {
        let o = bin(&wd, ".")
            .arg("config")
            .args(config)
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let out = String::from_utf8(o.stdout).unwrap();
        let (set, not_set) = out.split_once("\n\n").unwrap();
        // Everything is set: no default is left to show.
        assert_eq!(not_set.lines().count(), 1, "{out}");
        set.lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let from_flags: String = EVERY_OPTION
        .iter()
        .map(|(k, .., v)| format!("{k} = {v}\n"))
        .collect();
    let config = ["--config", file.to_str().unwrap()];
    crate::eqnice!(text, shown(&config, &[]));
    crate::eqnice!(from_flags, shown(&config, &flags));
    crate::eqnice!(from_flags, shown(&["--no-config"], &flags));
}

#[test]
fn a_classifier_file_that_names_no_classifier_is_an_error() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[lead("C1", "E1", "Egle")]);
    let dir = wd.path().join("cls");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("legalForms.json"), "[\"UAB\"]").unwrap();
    let run = wd
        .command("validate")
        .arg("in")
        .arg("--classifiers")
        .arg(&dir)
        .out(wd.out())
        .run();
    run.assert_exit_code(2);
    assert!(
        run.stderr
            .contains("legalForms.json is not a classifier list")
            && run.stderr.contains("legalForm, paymentPurposeType"),
        "{}",
        run.stderr
    );
}

#[test]
fn summary_records_the_effective_options_and_always_lists_unreadable_paths() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[lead("C1", "E1", "Egle")]);
    let dir = wd.path().join("cls");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("country.txt"), "LV\n# comment\nLT\n").unwrap();
    std::fs::write(dir.join("legalForm.json"), "[\"UAB\"]").unwrap();
    let run = wd
        .command("process")
        .arg("in")
        .args(["--strict", "--redact", "--encoding", "windows-1257"])
        .arg("--classifiers")
        .arg(&dir)
        .out(wd.out())
        .run();
    run.assert_exit_code(0);
    let s = run.summary();
    let digest = |codes: &str| blake3::hash(codes.as_bytes()).to_hex().to_string();
    assert_eq!(
        s["options"],
        serde_json::json!({
            "mode": "process", "asOf": AS_OF, "strict": true, "deny": [], "redact": true,
            "encoding": "windows-1257", "decimalComma": false, "dateFormat": null,
            "delimiter": null, "format": null, "hidden": false,
            "maxFindings": 100, "maxRecordBytes": 16777216, "maxDepth": 64,
            "maxListItems": 10000, "maxExpansion": 1000, "reprocess": false,
            "payloadLayout": "ndjson",
            "classifiers": [
                {"file": "country.txt", "blake3": digest("LT\nLV\n")},
                {"file": "legalForm.json", "blake3": digest("UAB\n")},
            ],
        })
    );
    assert_eq!(s["unreadablePaths"], serde_json::json!([]));
    // report.html lists the same options (one definition), the lists by name.
    assert!(
        run.read("report.html")
            .contains("supplied lists: country.txt, legalForm.json")
    );
}
