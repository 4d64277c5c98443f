//! Input faults of the readers: a JSON array with a broken element or a structural fault,
//! an error on a later line of a pretty-printed element, an NDJSON file with a bad line; the
//! vendor's `{"customers": [...]}` wrapper and a single-object JSON file.

use serde_json::{Value, json};

use super::{individual, organization, set};
use crate::eqnice;
use crate::util::{ErrorRow, Workdir, findings_of};

// ------------------------------------------------------------------------------ input faults

fn lead_line(cn: &str) -> String {
    let mut v = individual(cn);
    set(&mut v, "communicationNumber", json!(cn));
    serde_json::to_string(&v).unwrap()
}

/// A JSON array whose element 2 (line 3) is broken inside, and whose structure breaks on
/// line 5 (a missing comma between two elements).
const BAD_ELEMENT: &str = r#"  {"communicationNumber": "ARR-2", "requester": , "x": 1},"#;

fn broken_array() -> String {
    format!(
        "[\n  {},\n{}\n  {},\n  {} {},\n  {}\n]\n",
        lead_line("ARR-1"),
        BAD_ELEMENT,
        lead_line("ARR-3"),
        lead_line("ARR-4"),
        lead_line("ARR-5"),
        lead_line("ARR-6"),
    )
}

#[test]
fn json_array_element_parse_error_gives_the_file_column() {
    let wd = Workdir::new();
    wd.create("batch.json", broken_array());
    let run = wd.process();
    run.assert_exit_code(1);
    let rejected = run.rejected();
    let msg = rejected[0]["errors"][0]["message"].as_str().unwrap();
    // The unexpected ',' is on line 3 of the file, at this 1-based column.
    let col = BAD_ELEMENT.find(": ,").unwrap() + 3;
    assert_eq!(&BAD_ELEMENT[col - 1..col], ",");
    assert!(
        msg.contains("line 3") && msg.contains(&format!("column {col}")),
        "{msg}"
    );
}

#[test]
fn json_array_with_a_syntax_error_midway() {
    let wd = Workdir::new();
    let text = broken_array();
    let line5 = text.lines().nth(4).unwrap().to_string();
    wd.create("batch.json", &text);
    wd.create("ok.ndjson", format!("{}\n", lead_line("OK-1")));
    let run = wd.process();
    run.assert_exit_code(1);

    let accepted: Vec<String> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].as_str().unwrap().to_string())
        .collect();
    // Everything before the structural fault is processed, and the other file too.
    for cn in ["ARR-1", "ARR-3", "ARR-4", "OK-1"] {
        assert!(
            accepted.contains(&cn.to_string()),
            "{cn} not accepted: {accepted:?}"
        );
    }
    assert_eq!(accepted[..3], ["ARR-1", "ARR-3", "ARR-4"]);
    assert_eq!(accepted.last().unwrap(), "OK-1");

    // The broken element: rejected alone, parse-error with line and column, input null.
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let r = &rejected[0];
    assert_eq!(r["source"], "batch.json");
    assert_eq!(r["record"], 2);
    assert_eq!(r["line"], 3);
    assert_eq!(
        findings_of(r),
        [("parse-error".into(), "".into(), "error".into())]
    );
    assert_eq!(r["input"], Value::Null);
    let msg = r["errors"][0]["message"].as_str().unwrap();
    // The exact column is checked by json_array_element_parse_error_gives_the_file_column.
    assert!(msg.contains("line 3") && msg.contains("column"), "{msg}");

    // The structural fault: a file-level row (no record), and the file's summary says so.
    let errors = run.errors();
    let file_rows: Vec<&ErrorRow> = errors.iter().filter(|e| e.record.is_empty()).collect();
    assert_eq!(file_rows.len(), 1, "{errors:?}");
    let f = file_rows[0];
    assert_eq!(
        (f.source.as_str(), f.code.as_str(), f.severity.as_str()),
        ("batch.json", "parse-error", "error")
    );
    let col5 = line5.rfind(" {").unwrap() + 2;
    assert!(
        f.message.contains("line 5") && f.message.contains(&format!("column {col5}")),
        "{}",
        f.message
    );
    let s = run.summary();
    let by_file = s["byFile"].as_array().unwrap();
    let batch = by_file
        .iter()
        .find(|f| f["source"] == "batch.json")
        .unwrap();
    assert!(
        batch["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{batch}"
    );
    assert_eq!(batch["rejected"], 1);
    assert_eq!(
        batch["records"].as_u64().unwrap(),
        batch["accepted"].as_u64().unwrap() + batch["rejected"].as_u64().unwrap()
    );
    let ok = by_file.iter().find(|f| f["source"] == "ok.ndjson").unwrap();
    assert!(ok.get("error").is_none_or(Value::is_null), "{ok}");
    assert_eq!(s["byCode"]["parse-error"], 2);
}

#[test]
fn json_array_error_on_a_later_line_of_an_element() {
    let wd = Workdir::new();
    // Element 2 is pretty-printed over lines 3-8; its fault (a trailing comma) is on line 6.
    let mut lines = vec!["[".to_string(), format!("  {},", lead_line("P-1"))];
    lines.push("  {".into());
    lines.push(r#"    "communicationNumber": "P-2","#.into());
    lines.push(r#"    "requester": "x","#.into());
    lines.push(r#"    "firstName": "Jonas",}"#.into());
    lines.push("  ,".into());
    lines.push(format!("  {}", lead_line("P-3")));
    lines.push("]".into());
    wd.create("pretty.json", lines.join("\n"));
    let run = wd.process();
    run.assert_exit_code(1);
    let cns: Vec<Value> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].clone())
        .collect();
    assert_eq!(cns, [json!("P-1"), json!("P-3")]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["record"], 2);
    assert_eq!(rejected[0]["line"], 3);
    assert_eq!(
        findings_of(&rejected[0]),
        [("parse-error".into(), "".into(), "error".into())]
    );
    let msg = rejected[0]["errors"][0]["message"].as_str().unwrap();
    // The '}' after the trailing comma: line 6 of the file, column 26.
    assert_eq!(lines[5].find(",}").unwrap() + 2, 26);
    assert!(msg.contains("line 6") && msg.contains("column 26"), "{msg}");
    assert!(run.errors().iter().all(|e| !e.record.is_empty()));
}

#[test]
fn ndjson_with_one_bad_line() {
    let wd = Workdir::new();
    let bad = r#"{"communicationNumber": "N-3", "requester" "x"}"#;
    let text = format!(
        "{}\n{}\n\n{}\n{}\n",
        lead_line("N-1"),
        lead_line("N-2"),
        bad,
        lead_line("N-4")
    );
    wd.create("leads.ndjson", &text);
    let run = wd.process();
    run.assert_exit_code(1);
    let cns: Vec<Value> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].clone())
        .collect();
    assert_eq!(cns, [json!("N-1"), json!("N-2"), json!("N-4")]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    let r = &rejected[0];
    // The blank line is skipped: the bad line is record 3, on line 4.
    assert_eq!(r["record"], 3);
    assert_eq!(r["line"], 4);
    assert_eq!(r["input"], Value::Null);
    assert_eq!(
        findings_of(r),
        [("parse-error".into(), "".into(), "error".into())]
    );
    let msg = r["errors"][0]["message"].as_str().unwrap();
    let col = bad.find(r#" "x""#).unwrap() + 2;
    assert!(
        msg.contains("line 4") && msg.contains(&format!("column {col}")),
        "{msg}"
    );
    let s = run.summary();
    assert_eq!(
        (
            s["records"].as_u64(),
            s["accepted"].as_u64(),
            s["rejected"].as_u64()
        ),
        (Some(4), Some(3), Some(1))
    );
}

#[test]
fn customers_wrapper() {
    let wd = Workdir::new();
    let text = std::fs::read_to_string(crate::fixture_path!("customers-wrapper.json")).unwrap();
    wd.create("wrapped.json", text);
    let run = wd.process();
    run.assert_exit_code(1);
    let expected =
        std::fs::read_to_string(crate::fixture_path!("customers-wrapper.accepted.ndjson")).unwrap();
    eqnice!(expected, run.read("accepted.ndjson"));
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["source"], "wrapped.json");
    assert_eq!(rejected[0]["record"], 3);
    assert_eq!(rejected[0]["communicationNumber"], "W-3");
    assert_eq!(
        findings_of(&rejected[0]),
        [(
            "C016.I06".into(),
            "citizenshipCountry".into(),
            "error".into()
        )]
    );
    let s = run.summary();
    assert_eq!(s["byFile"][0]["records"], 3);
    assert_eq!(s["byFile"][0]["format"], "json");
}

#[test]
fn single_object_json_file() {
    let wd = Workdir::new();
    wd.create(
        "one.json",
        serde_json::to_string_pretty(&organization("ONE")).unwrap(),
    );
    let run = wd.process();
    run.assert_exit_code(0);
    let a = run.accepted();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["communicationNumber"], "CN-ONE");
    assert_eq!(a[0]["action"], "CREATE");
}

#[test]
fn thousands_of_files_without_records_are_all_listed_in_order() {
    // More empty and skipped files in a row than a batch holds records: with no record to
    // carry them, the reader hands on empty batches so that the files are settled as the
    // run goes. Each still gets its row, in order, whatever the thread count.
    let wd = Workdir::new();
    for i in 0..1500 {
        wd.create(&format!("a/{i:04}.json"), "");
        wd.create(&format!("b/{i:04}.txt"), "notes");
    }
    wd.create(
        "c/lead.json",
        serde_json::to_string(&individual("1")).unwrap(),
    );
    let runs: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|jobs| {
            let out = wd.path().join(format!("out-{jobs}"));
            let run = wd
                .command("process")
                .arg(wd.input())
                .args(["--jobs", jobs])
                .out(&out)
                .run();
            (run, out)
        })
        .collect();
    let s = runs[0].0.summary();
    let rows = s["byFile"].as_array().unwrap();
    assert_eq!((s["files"].as_u64(), rows.len()), (Some(1501), 1501));
    for (i, row) in rows.iter().take(1500).enumerate() {
        assert_eq!(row["source"], format!("a/{i:04}.json"));
        assert_eq!(row["records"], 0);
    }
    assert_eq!(rows[1500]["source"], "c/lead.json");
    assert_eq!(
        (
            rows[1500]["records"].as_u64(),
            rows[1500]["accepted"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let skipped: Vec<&str> = s["skippedFiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..1500).map(|i| format!("b/{i:04}.txt")).collect();
    assert_eq!(skipped, expected);
    for (run, out) in &runs[1..] {
        for name in ["errors.csv", "rejected.ndjson", "accepted.ndjson"] {
            assert_eq!(
                std::fs::read(out.join("latest").join(name)).unwrap(),
                std::fs::read(runs[0].1.join("latest").join(name)).unwrap(),
                "{name}"
            );
        }
        let mut other = run.summary();
        let mut first = s.clone();
        for v in [&mut other, &mut first] {
            v["elapsedMs"] = Value::Null;
            v["runId"] = Value::Null;
            v["previousRunId"] = Value::Null;
            v["outputs"] = Value::Null;
        }
        assert_eq!(other, first);
    }
}
