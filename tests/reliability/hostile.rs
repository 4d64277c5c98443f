//! Hostile input: empty and BOM-only files, JSON, XML and CSV faults, deep nesting and huge
//! values, and the inputs that once crashed a fuzz target. Every fault is located, the other
//! records are processed, and the invariant holds.

use std::path::Path;

use super::{assert_invariant, file, findings, hostile_workdir, set};
use crate::util::Workdir;

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
    // Each is a file-level warning (a failed export upstream, usually); the status stays 0.
    let rows: Vec<(String, String, String, String)> = run
        .errors()
        .into_iter()
        .map(|r| (r.source, r.record, r.severity, r.code))
        .collect();
    let mut sorted = names.to_vec();
    sorted.sort();
    let expected: Vec<(String, String, String, String)> = sorted
        .iter()
        .map(|n| {
            (
                n.to_string(),
                String::new(),
                "warning".into(),
                "empty-file".into(),
            )
        })
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(s["warnings"], 8);
    assert_eq!(s["byCode"]["empty-file"], 8);
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(f["warning"], "empty-file", "{f}");
        assert!(f.get("error").is_none(), "{f}");
    }
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
            ("numbers-and-keys.ndjson", "3", "parse-error"),
            ("numbers-and-keys.ndjson", "4", "duplicate-field"),
            ("numbers-and-keys.ndjson", "5", "bad-type"),
            ("trailing-garbage.json", "", "parse-error"),
            ("top-level-scalar.json", "1", "bad-type"),
        ])
    );
    // Spec §2: an Integer has any size, so the 20-digit numberOfEmployees of record 2 is
    // accepted and written digit for digit.
    assert_eq!(file(&s, "numbers-and-keys.ndjson")["accepted"], 1);
    let lines = run.accepted_lines();
    let h9 = lines.iter().find(|l| l.contains("ComNr_H_9")).unwrap();
    assert!(
        h9.contains(r#""numberOfEmployees":12345678901234567890}"#),
        "{h9}"
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
