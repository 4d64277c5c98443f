//! The operator's terminal: `--help` ends with examples, a man page per command, the
//! findings shown at the end of a run on a terminal, `--json` on a failed run, and the
//! messages of usage errors.

use std::process::Command;

use serde_json::json;

use crate::util::Workdir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leadbatch"))
}

#[test]
fn every_commands_help_ends_with_examples() {
    let commands: &[&[&str]] = &[
        &[],
        &["process"],
        &["validate"],
        &["config"],
        &["schema"],
        &["codes"],
        &["completions"],
        &["man"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "head"],
        &["runs"],
    ];
    for cmd in commands {
        for flag in ["--help", "-h"] {
            let o = bin().args(*cmd).arg(flag).output().unwrap();
            assert_eq!(o.status.code(), Some(0), "{cmd:?}");
            let help = String::from_utf8(o.stdout).unwrap();
            let (_, examples) = help
                .split_once("\nExamples:\n")
                .unwrap_or_else(|| panic!("{cmd:?} {flag}: no Examples:\n{help}"));
            // The examples are the end of the help: after the options, nothing else follows.
            assert!(!examples.contains("Options:"), "{cmd:?}: {help}");
            let last = help.trim_end().lines().last().unwrap();
            assert!(
                last.trim_start().starts_with("leadbatch ") || last.contains("| leadbatch "),
                "{cmd:?}: {last}"
            );
        }
    }
    let top =
        String::from_utf8(bin().arg("process").arg("--help").output().unwrap().stdout).unwrap();
    for example in [
        "leadbatch process --config /srv/leads/leadbatch.toml",
        "leadbatch process export.csv --encoding windows-1257 --decimal-comma -o checked",
        "leadbatch validate drop/ -o /tmp/dry-run",
        "gzip -dc leads.ndjson.gz | leadbatch process - --format ndjson -o out",
    ] {
        assert!(top.contains(example), "{example}");
    }
}

#[test]
fn man_dir_writes_a_page_per_command_and_man_alone_prints_the_main_page() {
    let wd = Workdir::new();
    let dir = wd.path().join("man1");
    std::fs::create_dir(&dir).unwrap();
    let o = bin().args(["man", "--dir"]).arg(&dir).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "leadbatch-audit-head.1",
            "leadbatch-audit-verify.1",
            "leadbatch-audit.1",
            "leadbatch-codes.1",
            "leadbatch-completions.1",
            "leadbatch-config.1",
            "leadbatch-man.1",
            "leadbatch-process.1",
            "leadbatch-runs.1",
            "leadbatch-schema.1",
            "leadbatch-submit.1",
            "leadbatch-validate.1",
            "leadbatch.1",
        ]
    );
    let main = std::fs::read_to_string(dir.join("leadbatch.1")).unwrap();
    assert!(main.contains("leadbatch\\-process(1)"), "{main}");
    let process = std::fs::read_to_string(dir.join("leadbatch-process.1")).unwrap();
    assert!(
        process.starts_with(".ie") || process.contains(".TH leadbatch-process 1"),
        "{process}"
    );
    assert!(process.contains("\\-\\-max\\-findings") && process.contains("Examples:"));
    let printed = bin().arg("man").output().unwrap();
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), main);
    let _ = json!(null);
}

#[test]
fn json_on_a_failed_run_prints_the_error_as_json_on_stdout() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[json!({"customerExtId": "x"})]);
    // The run cannot complete: OUT is a file (exit 2, nothing written).
    std::fs::write(wd.path().join("blocked"), "").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["in", "--out", "blocked"], "--out blocked: is a file"),
        (
            vec!["in", "--as-of", "2026-02-30"],
            "--as-of \"2026-02-30\" is not a calendar date",
        ),
        (vec!["missing-dir", "--out", "o"], "missing-dir"),
        (
            vec!["in", "--no-such-flag"],
            "unexpected argument '--no-such-flag' found",
        ),
    ];
    for (args, says) in cases {
        let o = bin()
            .current_dir(wd.path())
            .args(["process", "-q", "--json"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {:?}", String::from_utf8_lossy(&o.stdout)));
        assert_eq!(v["exitCode"], 2, "{args:?}");
        let error = v["error"].as_str().unwrap();
        assert!(error.contains(says), "{args:?}: {error}");
        // stderr still says it, for the operator at the terminal.
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(says),
            "{args:?}"
        );
        assert_eq!(v.as_object().unwrap().len(), 2);
    }
    // Without --json, stdout stays empty on exit 2.
    let o = bin()
        .current_dir(wd.path())
        .args(["process", "-q", "in", "--out", "blocked"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn usage_errors_say_what_is_wrong() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[json!({"customerExtId": "x"})]);
    std::fs::write(wd.path().join("report.txt"), "").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--as-of", "2026-02-30"],
            "leadbatch: --as-of \"2026-02-30\" is not a calendar date (no such day in that month or year)\n",
        ),
        (
            &["--as-of", "2025-02-29"],
            "leadbatch: --as-of \"2025-02-29\" is not a calendar date (no such day in that month or year)\n",
        ),
        (
            &["--as-of", "30.01.2026"],
            "leadbatch: --as-of \"30.01.2026\" is not a date of the form YYYY-MM-DD\n",
        ),
        (
            &["-o", "report.txt"],
            "leadbatch: --out report.txt: is a file; --out names the directory the runs are \
             written into (created when missing)\n",
        ),
        (
            &["--max-findings", "0"],
            "leadbatch: --max-findings must be at least 1: a rejected record always shows at \
             least one finding\n",
        ),
    ];
    for (args, says) in cases {
        let o = bin()
            .current_dir(wd.path())
            .args(["process", "-q", "in"])
            .args(*args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), *says, "{args:?}");
        assert!(o.stdout.is_empty());
    }
    assert!(
        std::fs::read(wd.path().join("report.txt"))
            .unwrap()
            .is_empty()
    );
}

/// A file the user running leadbatch may not read is `unreadable-file`. Tests run as root,
/// which reads any file, so there the run is made as `nobody` with `setpriv` (util-linux);
/// without it the test says so and checks nothing.
#[test]
fn a_file_without_read_permission_is_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    let ok = wd.create_ndjson("a.ndjson", &[json!({"customerExtId": "x"})]);
    let locked = wd.create_ndjson("b.ndjson", &[json!({"customerExtId": "y"})]);
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("SKIPPED: running as root without setpriv: cannot provoke EACCES");
            return;
        }
        // nobody must reach the binary, the inputs and OUT; the locked file stays root's 0600.
        let mode = |p: &std::path::Path, m| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode(wd.path(), 0o755);
        mode(&wd.input(), 0o755);
        mode(&ok, 0o644);
        mode(&locked, 0o600);
        std::fs::create_dir(wd.out()).unwrap();
        mode(&wd.out(), 0o777);
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_leadbatch"));
        c
    } else {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        bin()
    };
    let o = cmd
        .current_dir(wd.path())
        .args([
            "validate",
            "-q",
            "--as-of",
            crate::util::AS_OF,
            "in",
            "--out",
        ])
        .arg(wd.out())
        .output()
        .unwrap();
    let run = crate::util::Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out: wd.out(),
    };
    run.assert_exit_code(1);
    let rows = run.errors();
    let locked_rows: Vec<_> = rows.iter().filter(|r| r.source == "b.ndjson").collect();
    assert_eq!(locked_rows.len(), 1, "{rows:?}");
    assert_eq!(locked_rows[0].code, "unreadable-file");
    assert_eq!(locked_rows[0].severity, "error");
    assert!(
        locked_rows[0]
            .message
            .starts_with("cannot read file: Permission denied (os error 13)"),
        "{}",
        locked_rows[0].message
    );
    let s = run.summary();
    assert_eq!(s["byCode"]["unreadable-file"], 1);
    assert!(s["byCode"].get("parse-error").is_none());
}

/// Runs `leadbatch ARGS` in `wd` under a pseudo-terminal (`script` of util-linux), stdout
/// and stderr both on it as at an operator's terminal; None (and a note) without `script`.
fn on_a_terminal(wd: &Workdir, args: &str, env: &[(&str, &str)]) -> Option<(Option<i32>, String)> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: no `script` (util-linux) to run leadbatch on a pseudo-terminal");
        return None;
    }
    let line = format!("{} {args}", env!("CARGO_BIN_EXE_leadbatch"));
    let mut cmd = Command::new("script");
    cmd.current_dir(wd.path())
        .args(["-qec", &line, "/dev/null"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    Some((
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n"),
    ))
}

#[test]
fn a_run_on_a_terminal_ends_with_the_first_findings_and_a_count_per_code() {
    let wd = Workdir::new();
    wd.create(
        "a.ndjson",
        "{\"customerExtId\":\"x\"}\n{\"customerExtId\":\"y\",\"birthDate\":\"2020-13-01\"}\n",
    );
    wd.create("b.json", "[");
    let args = format!("validate in -o out -q --as-of {}", crate::util::AS_OF);
    let Some((code, shown)) = on_a_terminal(&wd, &format!("{args} --show 3"), &[]) else {
        return;
    };
    assert_eq!(code, Some(1));
    crate::eqnice!(
        "a.ndjson:1: communicationNumber: missing-field: CommunicationNumber is mandatory\n\
         a.ndjson:1: requester: missing-field: Requester is mandatory\n\
         a.ndjson:1: sourceOfRiskLevel: missing-field: SourceOfRiskLevel is mandatory\n\
         ... and 11 more findings in out/latest/errors.csv\n\
         6  missing-field (error)\n\
         2  C007 (error)\n\
         2  C010 (error)\n\
         2  C012 (error)\n\
         1  bad-date (error)\n\
         1  parse-error (error)\n\
         2 records: 0 accepted, 2 rejected, 0 warnings in 2 files, 1 unreadable\n",
        shown
    );
    // The default is 10; the unreadable file's finding comes in the run's order.
    let (_, shown) = on_a_terminal(&wd, &args, &[]).unwrap();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 10 + 1 + 6 + 1, "{shown}");
    assert_eq!(
        lines[6],
        "a.ndjson:2: communicationNumber: missing-field: CommunicationNumber is mandatory"
    );
    // `--show 0`: the summary line alone, as off a terminal.
    let (_, shown) = on_a_terminal(&wd, &format!("{args} --show 0"), &[]).unwrap();
    assert_eq!(
        shown,
        "2 records: 0 accepted, 2 rejected, 0 warnings in 2 files, 1 unreadable\n"
    );
    let piped = wd.command("validate").arg("in").out(wd.out()).run();
    assert_eq!(piped.stderr, "");
    assert_eq!(
        piped.stdout,
        "2 records: 0 accepted, 2 rejected, 0 warnings in 2 files, 1 unreadable\n"
    );
}

#[test]
fn the_readers_count_bytes_as_stored_for_the_progress_bar() {
    use leadbatch::source::{BatchSink, Compression, Format, InputFile, ReadOptions, read_file};
    use std::io::Write as _;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let wd = Workdir::new();
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!("{{\"customerExtId\": \"Lead_{i}\"}}\n"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let plain = wd.create("a.ndjson", &text);
    let packed = wd.create("a.ndjson.gz", gz.finish().unwrap());
    for (path, compression) in [(plain, None), (packed, Some(Compression::Gzip))] {
        let counter = Arc::new(AtomicU64::new(0));
        let opts = ReadOptions {
            bytes_read: Some(counter.clone()),
            ..ReadOptions::default()
        };
        let file = InputFile {
            path: path.clone(),
            source: "a".into(),
            format: Format::Ndjson,
            compression,
        };
        let mut emit = |_| true;
        let mut sink = BatchSink::new(16, 1 << 20, &mut emit);
        read_file(0, &file, &opts, &mut sink).unwrap();
        sink.flush();
        assert_eq!(
            counter.load(Ordering::Relaxed),
            std::fs::metadata(&path).unwrap().len(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn progress_is_drawn_on_a_terminal_and_plain_lines_under_term_dumb() {
    let wd = Workdir::new();
    wd.create("a.ndjson", "{\"customerExtId\":\"x\"}\n");
    let args = format!("validate in -o out --as-of {} --show 0", crate::util::AS_OF);
    let Some((_, dumb)) = on_a_terminal(&wd, &args, &[("TERM", "dumb")]) else {
        return;
    };
    assert!(!dumb.contains('\x1b') && !dumb.contains('\r'), "{dumb:?}");
    let first = dumb.lines().next().unwrap();
    assert!(
        first.starts_with("leadbatch: ") && first.ends_with(" read, 1 records")
            || first.contains(" of 22 B read (") && first.ends_with("%), 1 records"),
        "{dumb:?}"
    );
    let (_, drawn) = on_a_terminal(&wd, &args, &[("TERM", "xterm")]).unwrap();
    assert!(drawn.contains('\x1b') || drawn.contains('\r'), "{drawn:?}");
    // --quiet: nothing but the committed line's absence and the summary.
    let (_, quiet) = on_a_terminal(&wd, &format!("{args} -q"), &[("TERM", "xterm")]).unwrap();
    assert_eq!(
        quiet,
        "1 records: 0 accepted, 1 rejected, 0 warnings in 1 files\n"
    );
}
