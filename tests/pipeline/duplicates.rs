//! Duplicate identifiers across files and within a file: a reused communicationNumber, the
//! customerExtId of a CREATE; the later record is rejected and the message names the first.

use serde_json::json;

use super::{individual, organization, set};
use crate::util::{Workdir, findings_of, mentions_number};

// ------------------------------------------------------------------------------ duplicates

#[test]
fn duplicates_across_files_reject_the_later_record() {
    let wd = Workdir::new();
    let mk = |cn: &str, ext: &str, action: Option<&str>| {
        let mut v = individual("x");
        set(&mut v, "communicationNumber", json!(cn));
        set(&mut v, "customerExtId", json!(ext));
        if let Some(a) = action {
            set(&mut v, "action", json!(a));
        }
        v
    };
    // Created first, but sorts after "a-first.ndjson".
    wd.create_ndjson(
        "sub/z-later.ndjson",
        &[
            mk("CN-A", "EXT-9", None),           // communicationNumber reused
            mk("CN-C", "EXT-1", Some("CREATE")), // customerExtId of a CREATE reused
            mk("CN-D", "EXT-2", Some("UPDATE")), // an UPDATE may reuse it
            mk("CN-E", "EXT-3", None),           // first CREATE after an UPDATE
            mk("CN-E", "EXT-4", None),           // same file, later line
        ],
    );
    wd.create_ndjson(
        "a-first.ndjson",
        &[
            mk("CN-0", "EXT-0", None),
            mk("CN-A", "EXT-1", None),
            mk("CN-B", "EXT-2", Some("CREATE")),
            mk("CN-U", "EXT-3", Some("UPDATE")),
        ],
    );
    let run = wd.process();
    run.assert_exit_code(1);
    let accepted: Vec<String> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(accepted, ["CN-0", "CN-A", "CN-B", "CN-U", "CN-D", "CN-E"]);
    let rejected = run.rejected();
    type Finding = (String, String, String);
    let got: Vec<(String, u64, Vec<Finding>)> = rejected
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["record"].as_u64().unwrap(),
                findings_of(r),
            )
        })
        .collect();
    let f = |c: &str, p: &str| (c.to_string(), p.to_string(), "error".to_string());
    assert_eq!(
        got,
        [
            (
                "sub/z-later.ndjson".to_string(),
                1,
                vec![f("duplicate-communication-number", "communicationNumber")]
            ),
            (
                "sub/z-later.ndjson".to_string(),
                2,
                vec![f("duplicate-customer-ext-id", "customerExtId")]
            ),
            (
                "sub/z-later.ndjson".to_string(),
                5,
                vec![f("duplicate-communication-number", "communicationNumber")]
            ),
        ]
    );
    // The message names the first holder: file and record.
    let m1 = rejected[0]["errors"][0]["message"].as_str().unwrap();
    assert!(
        m1.contains("a-first.ndjson") && mentions_number(m1, 2),
        "{m1}"
    );
    let m2 = rejected[1]["errors"][0]["message"].as_str().unwrap();
    assert!(
        m2.contains("a-first.ndjson") && mentions_number(m2, 2),
        "{m2}"
    );
    let m3 = rejected[2]["errors"][0]["message"].as_str().unwrap();
    assert!(
        m3.contains("sub/z-later.ndjson") && mentions_number(m3, 4),
        "{m3}"
    );
    // The rejected record is echoed as read even though it was fine on its own.
    assert_eq!(rejected[0]["input"], mk("CN-A", "EXT-9", None));
}

#[test]
fn a_rejected_record_still_uses_its_communication_number() {
    // Spec §5: "a communicationNumber already used by an earlier record of the same run",
    // whatever that record's verdict.
    let wd = Workdir::new();
    let mut first = individual("1");
    set(&mut first, "communicationNumber", json!("DUP-X"));
    set(&mut first, "citizenshipCountry", json!("XX"));
    let mut second = organization("2");
    set(&mut second, "communicationNumber", json!("DUP-X"));
    wd.create_ndjson("leads.jsonl", &[first, second]);
    let run = wd.process();
    run.assert_exit_code(1);
    assert!(run.accepted().is_empty());
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 2);
    assert_eq!(
        findings_of(&rejected[1]),
        [(
            "duplicate-communication-number".into(),
            "communicationNumber".into(),
            "error".into()
        )]
    );
    let m = rejected[1]["errors"][0]["message"].as_str().unwrap();
    assert!(m.contains("leads.jsonl") && mentions_number(m, 1), "{m}");
    // `.jsonl` is NDJSON (spec §6).
    assert_eq!(run.summary()["byFile"][0]["format"], "ndjson");
}

#[test]
fn a_duplicate_names_an_earlier_file_whose_row_is_already_written() {
    // Far more files than a batch holds (1,024 records): by the time the last files are
    // checked, the first ones are settled and their sources live only in the run's
    // temporary file list, where the duplicate message must still find them.
    let wd = Workdir::new();
    let n = 2500;
    for i in 0..n {
        let mut v = individual(&i.to_string());
        let cn = match i {
            2400 => "CN-0003".to_string(),
            2499 => "CN-1200".to_string(),
            _ => format!("CN-{i:04}"),
        };
        set(&mut v, "communicationNumber", json!(cn));
        wd.create(
            &format!("d{}/{i:04}.json", i / 1000),
            serde_json::to_string(&v).unwrap(),
        );
    }
    wd.create("d1/notes.txt", "not a lead file");
    let run = wd.process();
    run.assert_exit_code(1);
    let rejected = run.rejected();
    let got: Vec<(&str, &str)> = rejected
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap(),
                r["errors"][0]["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "d2/2400.json");
    assert!(got[0].1.contains("d0/0003.json record 1"), "{}", got[0].1);
    assert_eq!(got[1].0, "d2/2499.json");
    assert!(got[1].1.contains("d1/1200.json record 1"), "{}", got[1].1);
    // One row per file, in order, each with its digest.
    let s = run.summary();
    let rows = s["byFile"].as_array().unwrap();
    assert_eq!((s["files"].as_u64(), rows.len()), (Some(n), n as usize));
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["source"], format!("d{}/{i:04}.json", i / 1000));
        let bytes = std::fs::read(wd.input().join(row["source"].as_str().unwrap())).unwrap();
        assert_eq!(row["blake3"], blake3::hash(&bytes).to_hex().as_str());
        let rejected = u64::from(i == 2400 || i == 2499);
        assert_eq!(
            (row["records"].as_u64(), row["rejected"].as_u64()),
            (Some(1), Some(rejected))
        );
    }
    assert_eq!(s["skippedFiles"], json!(["d1/notes.txt"]));
}

#[test]
fn duplicate_findings_do_not_depend_on_the_hash_key() {
    // The key tables hash with a secret key drawn for each process: two runs of the same
    // input hash every key differently, and must still write the same bytes.
    let wd = Workdir::new();
    let mut records = Vec::new();
    for i in 0..3000u32 {
        let mut v = individual(&i.to_string());
        // 3,000 records over 700 numbers and 500 ids: most records repeat one or both.
        set(
            &mut v,
            "communicationNumber",
            json!(format!("CN-{}", i * 3 % 700)),
        );
        set(
            &mut v,
            "customerExtId",
            json!(format!("EXT-{}", i * 11 % 500)),
        );
        if i % 3 == 0 {
            set(&mut v, "action", json!("UPDATE"));
        }
        records.push(v);
    }
    wd.create_ndjson("a.ndjson", &records[..1700]);
    wd.create_ndjson("b.ndjson", &records[1700..]);
    let run = |out: &str| {
        wd.command("process")
            .arg(wd.input())
            .out(wd.path().join(out))
            .run()
    };
    let (first, second) = (run("out1"), run("out2"));
    first.assert_exit_code(1);
    second.assert_exit_code(1);
    // The records whose number and (for a CREATE) id are both new.
    assert_eq!(first.accepted().len(), 634);
    let s = first.summary();
    assert_eq!(s["byCode"]["duplicate-communication-number"], 2300);
    // 2,000 CREATEs (the others are UPDATEs) over the 500 ids.
    assert_eq!(s["byCode"]["duplicate-customer-ext-id"], 1500);
    for name in ["accepted.ndjson", "rejected.ndjson", "errors.csv"] {
        assert!(
            first.read_bytes(name) == second.read_bytes(name),
            "{name} differs between two runs"
        );
    }
}
