//! `--payload-layout files` in the audit trail: the payload files' digests in the summary.

use serde_json::json;

use super::{lead, org};
use crate::util::{Run, Workdir, top_level_keys};

/// `--payload-layout files`: every payload file written is in summary.json `outputs`, under
/// `accepted/<name>`, with the BLAKE3 of its bytes, like every other output; nothing else
/// is listed under `accepted/`.
#[test]
fn payload_files_layout_lists_every_file_digest_in_the_summary() {
    let wd = Workdir::new();
    let mut rejected = lead(4);
    rejected["citizenshipCountry"] = json!("XX");
    let mut same_name = lead(5);
    same_name["customerExtId"] = json!("Lead_O_1");
    same_name["action"] = json!("UPDATE");
    wd.create_ndjson("a.ndjson", &[lead(1), org(2), rejected, same_name]);
    wd.create_ndjson("b.ndjson", &[lead(3)]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .args(["--payload-layout", "files"])
        .run();
    run.assert_exit_code(1);
    let s = run.summary();
    let digest = |bytes: &[u8]| blake3::hash(bytes).to_hex().to_string();
    let outputs = s["outputs"].as_object().unwrap();
    let payloads: Vec<&String> = outputs
        .keys()
        .filter(|k| k.starts_with("accepted/"))
        .collect();
    assert_eq!(
        payloads,
        [
            "accepted/Lead_OO_2.json",
            "accepted/Lead_O_1-2.json",
            "accepted/Lead_O_1.json",
            "accepted/Lead_O_3.json",
        ]
    );
    for name in payloads {
        assert_eq!(outputs[name], digest(&run.read_bytes(name)), "{name}");
    }
    for name in ["rejected.ndjson", "errors.csv", "report.html"] {
        assert_eq!(outputs[name], digest(&run.read_bytes(name)), "{name}");
    }
    assert_eq!(outputs.len(), 7);
    // A run with `--jobs 4` lists the same digests in the same order, byte for byte (but for
    // report.html's, whose page states the run's elapsed time).
    let again = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("out-jobs4"))
        .args(["--payload-layout", "files", "--jobs", "4"])
        .run();
    let written = |r: &Run| {
        let text = r.read("summary.json");
        let at = text.find("\"outputs\"").unwrap();
        let open = at + text[at..].find('{').unwrap();
        let close = open + text[open..].find('}').unwrap() + 1;
        text[open..close].to_string()
    };
    let mine = written(&run);
    assert_eq!(
        top_level_keys(&mine)[..4],
        [
            "accepted/Lead_O_1.json",
            "accepted/Lead_OO_2.json",
            "accepted/Lead_O_1-2.json",
            "accepted/Lead_O_3.json",
        ],
        "payload files in the run's record order"
    );
    let theirs = written(&again);
    let without_report =
        |t: &str| -> String { t.lines().filter(|l| !l.contains("report.html")).collect() };
    assert_eq!(without_report(&mine), without_report(&theirs));
}
