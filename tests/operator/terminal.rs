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
