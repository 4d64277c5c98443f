//! The run as a whole: determinism across `--jobs`, every record accepted or rejected
//! exactly once, `validate` against `process`, exit statuses 0/1/2 (outputs kept on a
//! status 2), and the output contract (rejected.ndjson's shape, file modes, the output
//! directory inside the input, summary.json's counts).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{del, individual, organization, set};
use crate::eqnice;
use crate::util::{Workdir, top_level_keys};

// ------------------------------------------------------------------------------ determinism

/// summary.json without the given top-level keys, pretty-printed for a readable diff.
fn summary_without(run: &crate::util::Run, keys: &[&str]) -> String {
    let mut s = run.summary();
    assert!(s["elapsedMs"].is_u64(), "summary has elapsedMs");
    s["outputs"].as_object_mut().unwrap().remove("report.html");
    for k in keys {
        s.as_object_mut().unwrap().remove(*k);
    }
    serde_json::to_string_pretty(&s).unwrap()
}

/// The corpus processed with --jobs 1 and with --jobs 4.
fn corpus_with_jobs_1_and_4(wd: &Workdir) -> (crate::util::Run, crate::util::Run) {
    wd.gen_corpus("corpus.ndjson", 3000, 7);
    let run = |jobs: &str, out: &str| {
        wd.command("process")
            .arg("in")
            .args(["--jobs", jobs])
            .out(wd.path().join(out))
            .run()
    };
    let (one, four) = (run("1", "out1"), run("4", "out4"));
    one.assert_exit_code(1);
    four.assert_exit_code(1);
    (one, four)
}

#[test]
fn jobs_1_and_jobs_4_give_identical_record_outputs() {
    let wd = Workdir::new();
    let (one, four) = corpus_with_jobs_1_and_4(&wd);
    for name in ["accepted.ndjson", "rejected.ndjson", "errors.csv"] {
        let (a, b) = (one.read_bytes(name), four.read_bytes(name));
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between --jobs 1 and --jobs 4");
    }
}

/// report.html states the elapsed time (a run's metadata), so its digest in `outputs` varies
/// from run to run like `elapsedMs` itself; everything else is identical.
#[test]
fn jobs_1_and_jobs_4_give_identical_summaries_minus_elapsed() {
    let wd = Workdir::new();
    let (one, four) = corpus_with_jobs_1_and_4(&wd);
    eqnice!(
        summary_without(&one, &["elapsedMs", "runId", "previousRunId"]),
        summary_without(&four, &["elapsedMs", "runId", "previousRunId"])
    );
}

#[test]
fn every_record_is_accepted_or_rejected_exactly_once_and_agrees_with_the_generator() {
    let wd = Workdir::new();
    let (_, expected) = wd.gen_corpus("corpus.ndjson", 3000, 7);
    let run = wd.process();
    run.assert_exit_code(1);
    let s = run.summary();
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(n(&s["records"]), 3000);
    assert_eq!(n(&s["records"]), n(&s["accepted"]) + n(&s["rejected"]));
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(
            n(&f["records"]),
            n(&f["accepted"]) + n(&f["rejected"]),
            "{f}"
        );
    }
    let accepted = run.accepted();
    let rejected = run.rejected();
    assert_eq!(accepted.len() as u64, n(&s["accepted"]));
    assert_eq!(rejected.len() as u64, n(&s["rejected"]));

    // Accepted payloads carry the generator's communicationNumber ComNr_7_<ordinal>.
    let mut seen = BTreeSet::new();
    for a in &accepted {
        let cn = a["communicationNumber"].as_str().unwrap();
        let ord: u64 = cn.strip_prefix("ComNr_7_").unwrap().parse().unwrap();
        assert!(seen.insert(ord), "ordinal {ord} accepted twice");
    }
    let mut rejected_ords = BTreeSet::new();
    for r in &rejected {
        let ord = r["record"].as_u64().unwrap();
        assert!(rejected_ords.insert(ord), "ordinal {ord} rejected twice");
        assert!(seen.insert(ord), "ordinal {ord} both accepted and rejected");
        assert_eq!(r["line"].as_u64().unwrap(), ord, "one record per line");
    }
    assert_eq!(seen, (1..=3000).collect::<BTreeSet<u64>>());

    // The generator's verdicts, except lower-case countries: valid per spec §2.
    let lower_case_country = |e: &crate::util::Expected| {
        e.fault == "bad_country"
            && e.detail
                .rsplit('=')
                .next()
                .is_some_and(|c| c.chars().all(|c| c.is_ascii_lowercase()))
    };
    let lower: Vec<u64> = expected
        .iter()
        .filter(|e| lower_case_country(e))
        .map(|e| e.ordinal)
        .collect();
    assert!(
        !lower.is_empty(),
        "the corpus should contain lower-case country faults"
    );
    let want: BTreeSet<u64> = expected
        .iter()
        .filter(|e| !e.valid && !lower_case_country(e))
        .map(|e| e.ordinal)
        .collect();
    let extra: Vec<_> = rejected_ords.difference(&want).collect();
    let missed: Vec<_> = want
        .difference(&rejected_ords)
        .map(|o| &expected[*o as usize - 1])
        .collect();
    assert!(
        extra.is_empty() && missed.is_empty(),
        "rejected but valid per generator/spec: {extra:?}\nnot rejected: {missed:?}"
    );
    for o in lower {
        assert!(
            !rejected_ords.contains(&o),
            "lower-case country record {o} rejected"
        );
    }
}

#[test]
fn validate_writes_the_same_findings_as_process_but_no_payloads() {
    let wd = Workdir::new();
    wd.gen_corpus("corpus.ndjson", 400, 11);
    let p = wd
        .command("process")
        .arg("in")
        .out(wd.path().join("p"))
        .run();
    let v = wd
        .command("validate")
        .arg("in")
        .out(wd.path().join("v"))
        .run();
    p.assert_exit_code(1);
    v.assert_exit_code(1);
    assert!(p.dir().join("accepted.ndjson").exists());
    assert!(
        !v.dir().join("accepted.ndjson").exists(),
        "validate wrote accepted.ndjson"
    );
    for name in ["rejected.ndjson", "errors.csv"] {
        assert!(p.read_bytes(name) == v.read_bytes(name), "{name} differs");
    }
    assert!(!v.rejected().is_empty());
    // The counts are the same; `outputs` lists the files written, which differ by design, and
    // `options` the command (and the payload layout, which validate has not).
    let skip = ["elapsedMs", "outputs", "runId", "previousRunId", "options"];
    eqnice!(summary_without(&p, &skip), summary_without(&v, &skip));
    let (mut po, vo) = (
        p.summary()["options"].clone(),
        v.summary()["options"].clone(),
    );
    assert_eq!(
        (&po["mode"], &vo["mode"]),
        (&"process".into(), &"validate".into())
    );
    po["mode"] = "validate".into();
    po["payloadLayout"] = serde_json::Value::Null;
    assert_eq!(po, vo);
}

// ------------------------------------------------------------------------------ exit statuses

#[test]
fn exit_status_0_when_everything_is_accepted() {
    let wd = Workdir::new();
    wd.create_ndjson("ok.ndjson", &[individual("1"), organization("2")]);
    let run = wd.process();
    run.assert_exit_code(0);
    assert_eq!(run.accepted().len(), 2);
}

#[test]
fn exit_status_0_with_warnings_only() {
    let wd = Workdir::new();
    let mut v = individual("1");
    set(&mut v, "riskLevel", json!("HIGH"));
    wd.create_ndjson("warn.ndjson", &[v]);
    let run = wd.process();
    run.assert_exit_code(0);
    assert_eq!(run.errors().len(), 1);
    assert_eq!(run.summary()["warnings"], 1);
}

#[test]
fn exit_status_1_when_a_record_is_rejected() {
    let wd = Workdir::new();
    let mut bad = individual("2");
    del(&mut bad, "requester");
    wd.create_ndjson("mixed.ndjson", &[individual("1"), bad]);
    let run = wd.process();
    run.assert_exit_code(1);
    assert_eq!(run.accepted().len(), 1);
    assert_eq!(run.rejected().len(), 1);
}

fn write_markers(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
    ] {
        std::fs::write(dir.join(name), format!("MARKER {name}\n")).unwrap();
    }
}

fn assert_markers(dir: &std::path::Path) {
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
    ] {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            format!("MARKER {name}\n"),
            "{name} was replaced"
        );
    }
}

#[test]
fn exit_status_2_for_a_missing_input_and_outputs_are_kept() {
    let wd = Workdir::new();
    wd.create_ndjson("ok.ndjson", &[individual("1")]);
    write_markers(&wd.out());
    let run = wd
        .command("process")
        .arg(wd.input())
        .arg(wd.path().join("does-not-exist"))
        .out(wd.out())
        .run();
    run.assert_exit_code(2);
    assert!(!run.stderr.is_empty());
    assert_markers(&wd.out());
}

#[test]
fn exit_status_2_for_bad_flags_and_outputs_are_kept() {
    let wd = Workdir::new();
    wd.create_ndjson("ok.ndjson", &[individual("1")]);
    write_markers(&wd.out());
    let bad_date = std::process::Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .current_dir(wd.path())
        .args([
            "process",
            "in",
            "--out",
            "out",
            "-q",
            "--as-of",
            "2023-02-30",
        ])
        .output()
        .unwrap();
    assert_eq!(bad_date.status.code(), Some(2), "{bad_date:?}");
    assert_markers(&wd.out());
    let unknown = wd
        .command("process")
        .arg("in")
        .arg("--no-such-flag")
        .out(wd.out())
        .run();
    unknown.assert_exit_code(2);
    let no_command = std::process::Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .output()
        .unwrap();
    assert_eq!(no_command.status.code(), Some(2));
    assert_markers(&wd.out());
}

// ------------------------------------------------------------------------------ output contract

#[test]
fn rejected_line_shape() {
    let wd = Workdir::new();
    let mut v = individual("SHAPE");
    set(&mut v, "citizenshipCountry", json!("XX"));
    set(
        &mut v,
        "listContact",
        json!([{"contactType": "EMAIL", "contactDetails": "a@b.lt"}]),
    );
    let line = serde_json::to_string(&v).unwrap();
    wd.create("sub/dir/shape.ndjson", format!("\n{line}\n"));
    let run = wd.process();
    run.assert_exit_code(1);
    let text = run.read("rejected.ndjson");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        top_level_keys(lines[0]),
        [
            "source",
            "record",
            "line",
            "resultType",
            "communicationNumber",
            "customerExtId",
            "errors",
            "input"
        ]
    );
    let r: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(r["source"], "sub/dir/shape.ndjson");
    assert_eq!(r["record"], 1);
    assert_eq!(r["line"], 2);
    assert_eq!(r["resultType"], "REQUEST_REJECTED");
    assert_eq!(r["communicationNumber"], "CN-SHAPE");
    assert_eq!(r["customerExtId"], "EXT-SHAPE");
    assert_eq!(r["input"], v, "input is the record as read");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    let mut keys: Vec<&String> = e.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "message", "path", "severity"]);
    assert_eq!(e["code"], "C016.I06");
    assert_eq!(e["path"], "citizenshipCountry");
    assert_eq!(e["severity"], "error");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    // The same finding in errors.csv.
    let rows = run.errors();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.source.as_str(), row.record.as_str(), row.line.as_str()),
        ("sub/dir/shape.ndjson", "1", "2")
    );
    assert_eq!(
        (
            row.customer_ext_id.as_str(),
            row.communication_number.as_str()
        ),
        ("EXT-SHAPE", "CN-SHAPE")
    );
    assert_eq!(
        (row.code.as_str(), row.path.as_str(), row.severity.as_str()),
        ("C016.I06", "citizenshipCountry", "error")
    );
    assert_eq!(row.message, e["message"].as_str().unwrap());
}

#[cfg(unix)]
#[test]
fn output_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    let mut bad = individual("2");
    set(&mut bad, "birthDate", json!("2023-02-30"));
    wd.create_ndjson("leads.ndjson", &[individual("1"), bad]);
    let run = wd.process();
    run.assert_exit_code(1);
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
    ] {
        assert!(run.dir().join(name).is_file(), "{name} missing");
    }
    // Every file the run wrote holds personal data: readable by the owner only.
    for entry in std::fs::read_dir(run.dir()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "{:?}: {:o}",
            entry.file_name(),
            mode & 0o777
        );
    }
}

#[test]
fn output_directory_inside_the_input_is_not_read_back() {
    let wd = Workdir::new();
    let mut bad = individual("2");
    del(&mut bad, "lastName");
    wd.create_ndjson("leads.ndjson", &[individual("1"), bad]);
    let out = wd.input().join("out");
    let first = wd.command("process").arg(wd.input()).out(&out).run();
    first.assert_exit_code(1);
    let accepted_first = first.read("accepted.ndjson");
    let second = wd.command("process").arg(wd.input()).out(&out).run();
    second.assert_exit_code(1);
    let s = second.summary();
    assert_eq!(s["files"], 1, "{s}");
    assert_eq!(s["records"], 2);
    assert_eq!(s["byFile"].as_array().unwrap().len(), 1);
    assert_eq!(s["byFile"][0]["source"], "leads.ndjson");
    assert_eq!(second.read("accepted.ndjson"), accepted_first);
}

#[test]
fn summary_counts_codes_and_files() {
    let wd = Workdir::new();
    let mut a = individual("1");
    set(&mut a, "riskLevel", json!("LOW"));
    let mut b = organization("2");
    set(&mut b, "registrationCountry", json!("XX"));
    set(&mut b, "numberOfEmployees", json!(-3));
    wd.create_ndjson("b.ndjson", &[a, b]);
    wd.create_ndjson("a.ndjson", &[individual("3")]);
    wd.create("notes.txt", "not a lead file");
    let run = wd.process();
    run.assert_exit_code(1);
    let s = run.summary();
    assert_eq!(s["asOf"], "2026-11-23");
    assert!(s["spec"].as_str().is_some_and(|v| !v.is_empty()));
    assert_eq!(s["files"], 2);
    assert_eq!(s["records"], 3);
    assert_eq!(s["accepted"], 2);
    assert_eq!(s["rejected"], 1);
    assert_eq!(s["warnings"], 1);
    assert_eq!(
        s["byCode"],
        json!({"ignored-for-evaluate": 1, "REG": 1, "out-of-range": 1})
    );
    let sources: Vec<&str> = s["byFile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["a.ndjson", "b.ndjson"]);
    assert_eq!(s["skippedFiles"], json!(["notes.txt"]));
}
