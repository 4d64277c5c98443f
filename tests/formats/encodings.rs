//! Encodings that do not lie: a Lithuanian export in windows-1257 (real bytes, written by
//! Python's codecs, not by the encoder under test; `lt-utf-8.csv` is the same text in UTF-8) is detected by `--encoding auto`,
//! decoded by `--encoding windows-1257`, and without either is rejected with a hint that
//! names windows-1257; text that reads like UTF-8 decoded twice is `encoding-suspect`.

use serde_json::{Value, json};

use super::{Finding, findings, read_fixture, run_files};
use crate::util::Run;

/// The five leads of `encodings/lt-windows-1257.{csv,xml}`: first name, last name, city.
const PEOPLE: [(&str, &str, &str); 5] = [
    ("Eglė", "Šimkutė", "Šiauliai"),
    ("Ąžuolas", "Žukauskas", "Klaipėda"),
    ("Rūta", "Kairiūkštytė", "Panevėžys"),
    ("Jonas", "Petraitis", "Vilnius"),
    ("Gintarė", "Čiurlionytė", "Kėdainiai"),
];

fn fixture(name: &str) -> Vec<u8> {
    read_fixture(&format!("../encodings/{name}"))
}

/// (first name, last name, city) of every accepted payload.
fn names(run: &Run) -> Vec<(String, String, String)> {
    run.accepted()
        .iter()
        .map(|v| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                s(&v["firstName"]),
                s(&v["lastName"]),
                s(&v["listAddress"][0]["city"]),
            )
        })
        .collect()
}

fn people() -> Vec<(String, String, String)> {
    PEOPLE
        .iter()
        .map(|(f, l, c)| (f.to_string(), l.to_string(), c.to_string()))
        .collect()
}

/// `encoding` and `encodingSource` of the summary's only file (Null when absent).
fn file_encoding(run: &Run) -> (Value, Value) {
    let s = run.summary();
    let row = &s["byFile"][0];
    (row["encoding"].clone(), row["encodingSource"].clone())
}

#[test]
fn auto_detects_a_windows_1257_csv_and_an_undeclared_xml() {
    for name in ["lt-windows-1257.csv", "lt-windows-1257.xml"] {
        let (_wd, run) = run_files(&[(name, &fixture(name))], &["--encoding", "auto"]);
        run.assert_exit_code(0);
        assert_eq!(names(&run), people(), "{name}");
        assert_eq!(findings(&run), Vec::<Finding>::new(), "{name}");
        assert_eq!(
            file_encoding(&run),
            (json!("windows-1257"), json!("detected")),
            "{name}"
        );
        assert_eq!(
            run.stderr,
            format!("leadbatch: {name}: read as windows-1257 (detected)\n")
        );
    }
}

#[test]
fn without_encoding_the_rejections_name_windows_1257() {
    let hint = "the file looks like windows-1257: try --encoding windows-1257, or --encoding auto";
    for (name, at) in [
        ("lt-windows-1257.csv", "column 'firstName' (byte 0x"),
        ("lt-windows-1257.xml", "of the record (0x"),
    ] {
        let (_wd, run) = run_files(&[(name, &fixture(name))], &[]);
        run.assert_exit_code(1);
        // Jonas Petraitis of Vilnius is ASCII: accepted.
        assert_eq!(names(&run), vec![people().remove(3)], "{name}");
        let errors = run.errors();
        assert_eq!(
            errors.iter().map(|e| e.record.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3", "5"],
            "{name}"
        );
        for e in &errors {
            assert_eq!(e.code, "parse-error");
            assert!(e.message.contains(at), "{}", e.message);
            assert!(e.message.ends_with(hint), "{}", e.message);
        }
        // Read as UTF-8: no encoding in the summary, nothing said on stderr.
        assert_eq!(file_encoding(&run), (Value::Null, Value::Null));
        assert_eq!(run.stderr, "");
    }
}

#[test]
fn windows_1257_and_iso_8859_13_can_be_named() {
    for enc in ["windows-1257", "ISO-8859-13"] {
        for name in ["lt-windows-1257.csv", "lt-windows-1257.xml"] {
            let (_wd, run) = run_files(&[(name, &fixture(name))], &["--encoding", enc]);
            run.assert_exit_code(0);
            assert_eq!(names(&run), people(), "{name} as {enc}");
            assert_eq!(
                file_encoding(&run),
                (json!(enc.to_ascii_lowercase()), json!("option"))
            );
            // The user named it: nothing to say.
            assert_eq!(run.stderr, "");
        }
    }
}

#[test]
fn auto_decides_on_the_names_even_after_a_long_ascii_start() {
    // More than the detector's 64 KiB window of ASCII rows before the Lithuanian ones.
    let lt = fixture("lt-windows-1257.csv");
    let header_end = lt.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    let mut csv = lt[..header_end].to_vec();
    for i in 0..1500 {
        csv.extend_from_slice(
            format!(
                "A{i};core-banking;LEAD_IND;EVALUATE;X{i};INDIVIDUAL;2024-03-01;Jonas;Jonaitis;1990-01-01;LT;LT;Vilnius;Gedimino 1\r\n"
            )
            .as_bytes(),
        );
    }
    assert!(csv.len() > 100 << 10);
    csv.extend_from_slice(&lt[header_end..]);
    let (_wd, run) = run_files(&[("late.csv", &csv)], &["--encoding", "auto"]);
    run.assert_exit_code(0);
    assert_eq!(names(&run)[1500..], people()[..]);
    assert_eq!(
        file_encoding(&run),
        (json!("windows-1257"), json!("detected"))
    );
}

/// (record, code, path, severity) of an `encoding-suspect` warning.
fn suspect(record: &str, path: &str) -> Finding {
    (
        record.into(),
        "encoding-suspect".into(),
        path.into(),
        "warning".into(),
    )
}

/// NDJSON leads 3, 4, ... with genuine Baltic, Polish, German and French names.
fn genuine_leads() -> String {
    let names = [
        ("Eglė", "Šimkutė", "Šiauliai"),
        ("Ąžuolas", "Žukauskas", "Klaipėda"),
        ("Jānis", "Bērziņš", "Rīga"),
        ("Łukasz", "Wójcik", "Łódź"),
        ("Jürgen", "Müller", "Straße 5, Köln"),
        ("François", "Noël", "Ærøskøbing"),
    ];
    let mut ndjson = String::new();
    for (i, (first, last, city)) in names.iter().enumerate() {
        let lead = json!({
            "communicationNumber": format!("G{i}"), "requester": "core-banking",
            "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
            "customerExtId": format!("G{i}"), "entityType": "INDIVIDUAL",
            "applicationDate": "2024-03-01", "firstName": first, "lastName": last,
            "birthDate": "1990-07-15", "citizenshipCountry": "LT",
            "listAddress": [{"country": "LT", "city": city, "addressDetails": "Gedimino 1"}],
        });
        ndjson.push_str(&format!("{lead}\n"));
    }
    ndjson
}

#[test]
fn utf8_decoded_twice_is_encoding_suspect_and_genuine_names_are_not() {
    // Real UTF-8 whose names went through a windows-1252 decode once too often (records
    // 1-3), then genuine names (records 4-9), which must not warn.
    let mut file = fixture("mojibake.ndjson");
    file.extend_from_slice(genuine_leads().as_bytes());
    let (_wd, run) = run_files(&[("m.ndjson", &file)], &[]);
    run.assert_exit_code(0);
    assert_eq!(run.accepted().len(), 9);
    let want: Vec<Finding> = ["1", "2", "3"]
        .iter()
        .flat_map(|r| ["firstName", "lastName", "listAddress[0].city"].map(|p| suspect(r, p)))
        .collect();
    assert_eq!(findings(&run), want);
    let first = &run.errors()[0].message;
    assert_eq!(
        first,
        "firstName \"EglÄ—\" looks like UTF-8 decoded twice (\"Ä—\" for \"ė\"), probably \
         \"Eglė\": check the encoding of the export it came from"
    );
    // A warning: with --strict the records are rejected.
    let (_wd, run) = run_files(&[("m.ndjson", &file)], &["--strict"]);
    run.assert_exit_code(1);
    assert_eq!(run.rejected().len(), 3);
}

#[test]
fn a_utf8_export_read_as_windows_1252_is_encoding_suspect() {
    // The wrong encoding named for a UTF-8 file: the decoded text is the mojibake.
    let csv = fixture("lt-utf-8.csv");
    for mode in ["windows-1252", "auto"] {
        let (_wd, run) = run_files(&[("u.csv", &csv)], &["--encoding", mode]);
        run.assert_exit_code(0);
        let got = findings(&run);
        if mode == "auto" {
            // Detected as UTF-8: the names come through whole.
            assert_eq!(got, Vec::<Finding>::new());
            assert_eq!(names(&run), people());
            continue;
        }
        assert!(got.contains(&suspect("1", "firstName")), "{got:?}");
        assert!(
            got.contains(&suspect("5", "listAddress[0].city")),
            "{got:?}"
        );
        assert!(!got.iter().any(|f| f.0 == "4"), "Jonas is ASCII: {got:?}");
    }
}

#[test]
fn an_xml_declaring_utf8_over_windows_1257_bytes_is_told_to_fix_its_declaration() {
    // The declaration decides over --encoding, so "try --encoding" would not help.
    let mut xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_vec();
    xml.extend(fixture("lt-windows-1257.xml"));
    for args in [
        &[][..],
        &["--encoding", "auto"],
        &["--encoding", "windows-1257"],
    ] {
        let (_wd, run) = run_files(&[("d.xml", &xml)], args);
        run.assert_exit_code(1);
        assert_eq!(names(&run), vec![people().remove(3)], "{args:?}");
        for e in run.errors() {
            assert!(
                e.message.ends_with(
                    "the file looks like windows-1257 but its XML declaration says UTF-8: \
                     correct the declaration (encoding=\"windows-1257\")"
                ),
                "{args:?}: {}",
                e.message
            );
        }
        assert_eq!(run.errors().len(), 4);
    }
}
