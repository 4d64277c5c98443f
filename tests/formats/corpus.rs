//! The generator's corpus (`gen_corpus.py`, 400 leads) written in each of the four formats:
//! the same records are rejected, and the accepted payloads and findings are the same, byte
//! for byte, in every format.

use std::collections::BTreeMap;
use std::process::Command;

use super::{FORMATS, assert_counts, expected_for_xml, findings, show_findings};
use crate::eqnice;
use crate::util::Workdir;

// ------------------------------------------------------------------------------------------
// 1a. The generator's corpus in all four formats.
// ------------------------------------------------------------------------------------------

/// Writes gen_corpus.py's 400 leads (seed 13) in `format` into a fresh Workdir's input.
fn gen_corpus(format: &str) -> Workdir {
    let wd = Workdir::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/gen_corpus.py");
    // Written outside in/ (its .expected.tsv must not be read as input), then moved in.
    let tmp = wd.path().join(format!("corpus.{format}"));
    let status = Command::new("python3")
        .arg(script)
        .args(["--count", "400", "--seed", "13", "--format", format])
        .arg("--out")
        .arg(&tmp)
        .status()
        .expect("python3 must be available to run gen_corpus.py");
    assert!(
        status.success(),
        "gen_corpus.py --format {format}: {status}"
    );
    std::fs::rename(&tmp, wd.input().join(format!("corpus.{format}"))).unwrap();
    wd
}

/// The ordinals the generator made invalid (its `.expected.tsv`), less those whose only
/// fault is a lower-case country (`lt`): spec §2 makes country codes case-insensitive, so
/// that "fault" is a valid lead.
fn invalid_ordinals(wd: &Workdir, format: &str) -> Vec<u64> {
    let tsv = std::fs::read_to_string(wd.path().join(format!("corpus.{format}.expected.tsv")))
        .expect("the generator's expectations");
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "{l:?}");
            (cols[1] == "invalid" && !cols[3].ends_with("=lt")).then(|| cols[0].parse().unwrap())
        })
        .collect()
}

#[test]
fn generated_corpus_gives_one_result_in_all_four_formats() {
    let mut results = BTreeMap::new();
    let mut dirs = Vec::new();
    for format in FORMATS {
        let wd = gen_corpus(format);
        let run = wd.process();
        run.assert_exit_code(1);
        // Exactly the generator's invalid records are rejected.
        let invalid = invalid_ordinals(&wd, format);
        let rejected: Vec<u64> = run
            .rejected()
            .iter()
            .map(|r| r["record"].as_u64().unwrap())
            .collect();
        assert_eq!(rejected, invalid, "{format}: rejected ordinals");
        let n = invalid.len() as u64;
        assert_counts(&run, 400, 400 - n, n, format);
        assert_eq!(run.summary()["byFile"][0]["format"], format, "{format}");
        results.insert(format, (run.read("accepted.ndjson"), findings(&run)));
        dirs.push(wd);
    }
    let (json_accepted, json_findings) = results["json"].clone();
    // The corpus holds both verdicts and the fault kinds whose typing differs by format.
    assert!(json_accepted.lines().count() > 300, "{json_accepted}");
    let codes: Vec<&str> = json_findings.iter().map(|f| f.1.as_str()).collect();
    for code in ["bad-type", "unknown-field", "bad-date", "bad-enum"] {
        assert!(codes.contains(&code), "corpus has no {code}: {codes:?}");
    }
    for format in ["ndjson", "csv", "xml"] {
        let (accepted, got) = &results[format];
        // Byte for byte, same order.
        eqnice!(
            json_accepted,
            *accepted,
            "accepted.ndjson of {format} vs json"
        );
        let want = if format == "xml" {
            expected_for_xml(&json_findings)
        } else {
            json_findings.clone()
        };
        eqnice!(
            show_findings(&want),
            show_findings(got),
            "findings of {format} vs json"
        );
    }
}
