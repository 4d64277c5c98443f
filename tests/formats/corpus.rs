//! The generated corpus (`util::corpus`, 400 leads) written in each of the four formats:
//! the same records are rejected, and the accepted payloads and findings are the same, byte
//! for byte, in every format.

use std::collections::BTreeMap;

use super::{FORMATS, assert_counts, expected_for_xml, findings, show_findings};
use crate::eqnice;
use crate::util::Workdir;

// ------------------------------------------------------------------------------------------
// 1a. The generator's corpus in all four formats.
// ------------------------------------------------------------------------------------------

/// Writes the generator's 400 leads (seed 13) in `format` into a fresh Workdir's input, and
/// returns the ordinals it made invalid, less those whose only fault is a lower-case country
/// (`lt`): spec §2 makes country codes case-insensitive, so that "fault" is a valid lead.
fn gen_corpus(format: &str) -> (Workdir, Vec<u64>) {
    let wd = Workdir::new();
    let (_, expected) = wd.gen_corpus_as(&format!("corpus.{format}"), format, 400, 13);
    let invalid = expected
        .iter()
        .filter(|e| !e.valid && !e.detail.ends_with("=lt"))
        .map(|e| e.ordinal)
        .collect();
    (wd, invalid)
}

#[test]
fn generated_corpus_gives_one_result_in_all_four_formats() {
    let mut results = BTreeMap::new();
    let mut dirs = Vec::new();
    for format in FORMATS {
        let (wd, invalid) = gen_corpus(format);
        let run = wd.process();
        run.assert_exit_code(1);
        // Exactly the generator's invalid records are rejected.
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
