//! The record writers' bytes: file names from record data, and `rejected.ndjson` and
//! `errors.csv` byte for byte with awkward values (quotes, commas, line breaks, CR, tabs,
//! control characters, non-ASCII, leading spaces, a formula, a very long message), read back
//! with serde_json and the csv crate.

use super::*;
use crate::diagnostic::Severity;

#[test]
fn file_names_from_record_data_are_safe() {
    assert_eq!(sanitize_file_name("Lead_ext1456"), "Lead_ext1456");
    assert_eq!(
        sanitize_file_name("../../etc/passwd"),
        "_.._etc_passwd".replace("..", "_")
    );
    assert_eq!(sanitize_file_name("a/b\\c\u{7}d"), "a_b_c_d");
    assert!(!sanitize_file_name("..hidden").starts_with('.'));
}

#[test]
fn long_names_are_cut_at_a_character_boundary_and_keep_a_digest() {
    let ascii = sanitize_file_name(&"x".repeat(300));
    let digest = blake3::hash("x".repeat(300).as_bytes()).to_hex();
    assert_eq!(ascii, format!("{}-{}", "x".repeat(191), &digest[..8]));
    assert_eq!(ascii.len(), MAX_NAME_BYTES);
    // `中` is 3 bytes: 191 is not a boundary, 189 is.
    let wide = sanitize_file_name(&"中".repeat(100));
    assert_eq!(wide.len(), 189 + 9);
    assert!(wide.starts_with(&"中".repeat(63)));
    let (a, b) = ("y".repeat(250) + "a", "y".repeat(250) + "b");
    assert_ne!(sanitize_file_name(&a), sanitize_file_name(&b));
    assert_eq!(sanitize_file_name(&"z".repeat(200)), "z".repeat(200));
}

/// One record for the writers: its report's parts and the input as read.
struct Case {
    source: &'static str,
    loc: Location,
    communication_number: Option<&'static str>,
    customer_ext_id: Option<&'static str>,
    diagnostics: Vec<Diagnostic>,
    input: Option<Vec<u8>>,
}

fn diag(code: &'static str, severity: Severity, path: &str, message: &str) -> Diagnostic {
    Diagnostic {
        code: code.parse().expect("a code of the table"),
        path: path.to_string(),
        severity,
        message: message.to_string(),
    }
}

/// A message of 120,000 bytes that needs quoting and escaping all along.
fn long_message() -> String {
    "say \"a,b\"\n\r\t Ž ".repeat(7_000)
}

fn cases() -> Vec<Case> {
    let loc = |record, line| Location {
        file: 0,
        record,
        line,
    };
    vec![
        Case {
            source: "in/a,\"b\" c.ndjson",
            loc: loc(7, 12),
            communication_number: Some("CN \"1\",\r\n2"),
            customer_ext_id: Some(" lead ext, Ž中😀 "),
            diagnostics: vec![
                diag(
                    "bad-type",
                    Severity::Error,
                    "listContact[0].contactDetails",
                    "expected a string, got \"x,y\"\nsecond\r\nthird\ttab \u{1}\u{7}\u{8}\u{c}\u{1b}\u{7f} \\ end",
                ),
                diag("unknown-field", Severity::Warning, "", "=SUM(A1)+\""),
                diag("too-long", Severity::Error, "a\\b", &long_message()),
            ],
            input: Some(
                r#"{"customerExtId":" lead ext, \u0001\"q\"\\ Ž","n":1.50e3,"l":[null,true,{}],"s":"\r\n"}"#
                    .as_bytes()
                    .to_vec(),
            ),
        },
        // A record that could not be read: no keys, no input.
        Case {
            source: "in/plain.ndjson",
            loc: loc(3, 5),
            communication_number: None,
            customer_ext_id: None,
            diagnostics: vec![diag("parse-error", Severity::Error, "", "")],
            input: None,
        },
        // A file-level finding: no record, no line; and a record without findings.
        Case {
            source: "in/plain.ndjson",
            loc: loc(0, 0),
            communication_number: Some(""),
            customer_ext_id: None,
            diagnostics: vec![diag("empty-file", Severity::Warning, "", " leading space")],
            input: None,
        },
        Case {
            source: "",
            loc: loc(1, 1),
            communication_number: None,
            customer_ext_id: Some(""),
            diagnostics: vec![],
            input: Some(b"{}".to_vec()),
        },
    ]
}

/// `rejected.ndjson` and `errors.csv` as the writers leave them after `cases`.
fn written(cases: &[Case]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut w = RecordWriters::create(dir.path(), false, false, false, 0o600).unwrap();
    for c in cases {
        let r = RecordReport {
            source: c.source,
            loc: &c.loc,
            communication_number: c.communication_number,
            customer_ext_id: c.customer_ext_id,
            diagnostics: &c.diagnostics,
        };
        w.rejected(&r, c.input.as_deref()).unwrap();
        w.findings(&r).unwrap();
    }
    let (files, _) = w.into_parts();
    super::super::finish_all(files).unwrap();
    let read = |name| std::fs::read(dir.path().join(name)).unwrap();
    (read(REJECTED), read(ERRORS))
}

#[test]
fn rejected_lines_are_these_bytes() {
    let (rejected, _) = written(&cases());
    let long = long_message()
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t");
    let want = [
        r#"{"source":"in/a,\"b\" c.ndjson","record":7,"line":12,"resultType":"REQUEST_REJECTED","communicationNumber":"CN \"1\",\r\n2","customerExtId":" lead ext, Ž中😀 ","errors":["#,
        r#"{"code":"bad-type","path":"listContact[0].contactDetails","severity":"error","message":"expected a string, got \"x,y\"\nsecond\r\nthird\ttab \u0001\u0007\b\f\u001b<DEL> \\ end"},"#,
        r#"{"code":"unknown-field","path":"","severity":"warning","message":"=SUM(A1)+\""},"#,
        r#"{"code":"too-long","path":"a\\b","severity":"error","message":"<LONG>"}],"#,
        r#""input":{"customerExtId":" lead ext, \u0001\"q\"\\ Ž","n":1.50e3,"l":[null,true,{}],"s":"\r\n"}}"#,
        "\n",
        r#"{"source":"in/plain.ndjson","record":3,"line":5,"resultType":"REQUEST_REJECTED","errors":[{"code":"parse-error","path":"","severity":"error","message":""}],"input":null}"#,
        "\n",
        r#"{"source":"in/plain.ndjson","record":0,"line":0,"resultType":"REQUEST_REJECTED","communicationNumber":"","errors":[{"code":"empty-file","path":"","severity":"warning","message":" leading space"}],"input":null}"#,
        "\n",
        r#"{"source":"","record":1,"line":1,"resultType":"REQUEST_REJECTED","customerExtId":"","errors":[],"input":{}}"#,
        "\n",
    ]
    .concat()
    .replace("<DEL>", "\u{7f}")
    .replace("<LONG>", &long);
    assert!(
        rejected == want.as_bytes(),
        "{}",
        String::from_utf8_lossy(&rejected)
    );
    // Every line is JSON, and its strings read back as they were given.
    let cases = cases();
    for (line, case) in rejected.split(|&b| b == b'\n').zip(&cases) {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        assert_eq!(v["source"], case.source);
        for (got, d) in v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&case.diagnostics)
        {
            assert_eq!(got["message"], d.message.as_str());
            assert_eq!(got["path"], d.path.as_str());
        }
    }
}

#[test]
fn error_rows_are_these_bytes() {
    let (_, errors) = written(&cases());
    let long = long_message().replace('"', "\"\"");
    let want = [
        "source,record,line,customerExtId,communicationNumber,severity,code,path,message\n",
        "\"in/a,\"\"b\"\" c.ndjson\",7,12,\" lead ext, Ž中😀 \",\"CN \"\"1\"\",\r\n2\",error,bad-type,",
        "listContact[0].contactDetails,\"expected a string, got \"\"x,y\"\"\nsecond\r\nthird\ttab ",
        "\u{1}\u{7}\u{8}\u{c}\u{1b}\u{7f} \\ end\"\n",
        "\"in/a,\"\"b\"\" c.ndjson\",7,12,\" lead ext, Ž中😀 \",\"CN \"\"1\"\",\r\n2\",warning,",
        "unknown-field,,\"=SUM(A1)+\"\"\"\n",
        "\"in/a,\"\"b\"\" c.ndjson\",7,12,\" lead ext, Ž中😀 \",\"CN \"\"1\"\",\r\n2\",error,too-long,",
        "a\\b,\"<LONG>\"\n",
        "in/plain.ndjson,3,5,,,error,parse-error,,\n",
        "in/plain.ndjson,,,,,warning,empty-file,, leading space\n",
    ]
    .concat()
    .replace("<LONG>", &long);
    assert!(
        errors == want.as_bytes(),
        "{}",
        String::from_utf8_lossy(&errors)
    );
    // The csv crate reads every cell back as it was given.
    let mut r = csv::ReaderBuilder::new().from_reader(&errors[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let cases = cases();
    let given: Vec<(&Case, &Diagnostic)> = cases
        .iter()
        .flat_map(|c| c.diagnostics.iter().map(move |d| (c, d)))
        .collect();
    assert_eq!(rows.len(), given.len());
    for (row, (c, d)) in rows.iter().zip(given) {
        assert_eq!(&row[0], c.source);
        assert_eq!(&row[3], c.customer_ext_id.unwrap_or(""));
        assert_eq!(&row[4], c.communication_number.unwrap_or(""));
        assert_eq!((&row[7], &row[8]), (d.path.as_str(), d.message.as_str()));
    }
}

#[test]
fn the_errors_header_names_the_row_fields_in_order() {
    let loc = Location {
        file: 0,
        record: 1,
        line: 1,
    };
    let d = diag("bad-type", Severity::Error, "", "");
    let r = RecordReport {
        source: "",
        loc: &loc,
        communication_number: None,
        customer_ext_id: None,
        diagnostics: std::slice::from_ref(&d),
    };
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.serialize(lines::ErrorRow::new(&r, &d)).unwrap();
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert_eq!(text.lines().next(), Some(ERRORS_HEADER.join(",").as_str()));
}
