//! The operator and compliance experience: schema and codes as products, classifiers,
//! configuration, shell fit, the report and the audit trail. Submodules: `codes` (every code
//! the program can emit is listed), `classifiers` (supplied lists named in messages),
//! `payload_files` (the payload files' digests in the summary), `report` (report.html, and
//! in `report::browser` its rendering in headless Chromium).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::util::Workdir;

mod classifiers;
mod codes;
mod payload_files;
mod report;
mod terminal;

fn lead(i: u32) -> Value {
    json!({
        "communicationNumber": format!("ComNr_O_{i}"), "requester": "core-banking",
        "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": format!("Lead_O_{i}"), "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": "Eglė", "lastName": "Šimkus",
        "birthDate": "1990-07-15", "citizenshipCountry": "LT"
    })
}

fn org(i: u32) -> Value {
    json!({
        "communicationNumber": format!("ComNr_OO_{i}"), "requester": "core-banking",
        "riskManagementCategory": "LEAD_ORG", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": format!("Lead_OO_{i}"), "entityType": "ORGANIZATION",
        "applicationDate": "2024-03-01", "title": "UAB Žalgiris", "registrationCountry": "LT",
        "legalForm": "UAB"
    })
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leadbatch"))
}

fn stdout_of(args: &[&str]) -> String {
    let o = bin().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn every_accepted_payload_satisfies_the_generated_schema_and_rejections_fail_it() {
    let schema: Value = serde_json::from_str(&stdout_of(&["schema"])).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let wd = Workdir::new();
    let (_, _) = wd.gen_corpus("corpus.ndjson", 2000, 21);
    for name in [
        "input/full-leads-batch.json",
        "input/nightly-individuals.ndjson",
    ] {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        wd.create(
            name.trim_start_matches("input/"),
            std::fs::read(src).unwrap(),
        );
    }
    let run = wd.process();
    let accepted = run.accepted();
    assert!(accepted.len() > 1500);
    for p in &accepted {
        let errors: Vec<String> = validator.iter_errors(p).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{p}");
    }
    // Records rejected for reasons a schema can express fail it too.
    let schema_expressible = [
        "missing-field",
        "bad-enum",
        "too-long",
        "C014",
        "C015",
        "C002",
        "C007",
        "C010",
        "C012",
        "C016.I06",
        "Q004.ADR02",
        "unknown-field",
        "bad-type",
        "C017.O01",
        "REG",
    ];
    let mut checked = 0;
    for r in run.rejected() {
        let codes: Vec<&str> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        if r["input"].is_object() && codes.iter().all(|c| schema_expressible.contains(c)) {
            assert!(
                !validator.is_valid(&r["input"]),
                "schema accepts a rejected record: {r}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn codes_command_lists_every_code_and_the_readme_table_matches() {
    let text: Value = serde_json::from_str(&stdout_of(&["codes", "--format", "json"])).unwrap();
    let codes: Vec<(String, String, String)> = text
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["severity"].as_str().unwrap().to_string(),
                c["meaning"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        codes
            .iter()
            .any(|(c, s, _)| c == "document-expired" && s == "warning")
    );
    assert!(
        codes
            .iter()
            .any(|(c, s, _)| c == "C017.C016.RE01" && s == "error")
    );
    // The README's table: the same codes, severities and meanings, in the same order.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table: Vec<(String, String, String)> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() == 5
                && cells[1].starts_with('`')
                && matches!(cells[2], "error" | "warning"))
            .then(|| {
                (
                    cells[1].trim_matches('`').to_string(),
                    cells[2].to_string(),
                    cells[3].to_string(),
                )
            })
        })
        .collect();
    assert_eq!(
        table, codes,
        "README's code table differs from `leadbatch codes`"
    );
    let plain = stdout_of(&["codes"]);
    assert_eq!(plain.lines().count(), codes.len());
}

#[test]
fn classifier_lists_restrict_codes() {
    let wd = Workdir::new();
    let cl = wd.path().join("classifiers");
    std::fs::create_dir_all(&cl).unwrap();
    std::fs::write(
        cl.join("riskManagementCategory.json"),
        r#"["LEAD_IND", "LEAD_ORG"]"#,
    )
    .unwrap();
    std::fs::write(
        cl.join("legalForm.json"),
        r#"[{"code": "UAB"}, {"code": "LTD"}]"#,
    )
    .unwrap();
    std::fs::write(cl.join("relationType.txt"), "OWNER\nDIRECTOR\n").unwrap();
    std::fs::write(cl.join("country.txt"), "LT\nLV\n").unwrap();
    let mut cat = lead(1);
    cat["riskManagementCategory"] = json!("LEAD_AMLYZE");
    let mut lf = org(2);
    lf["legalForm"] = json!("GMBH");
    let mut rel = org(3);
    rel["listRelatedEntity"] = json!([{"entityType": "ORGANIZATION", "relationType": "OWNER", "title": "X", "legalForm": "SARL"}]);
    let mut country = lead(4);
    country["citizenshipCountry"] = json!("JP");
    wd.create_ndjson("l.ndjson", &[lead(0), cat, lf, rel, country]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .arg("--classifiers")
        .arg(&cl)
        .run();
    run.assert_exit_code(1);
    let got: Vec<(String, String, String)> = run
        .errors()
        .into_iter()
        .map(|e| (e.record, e.code, e.path))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2".into(), "C007".into(), "riskManagementCategory".into()),
            ("3".into(), "bad-code".into(), "legalForm".into()),
            (
                "4".into(),
                "C017.C016.RE05".into(),
                "listRelatedEntity[0].legalForm".into()
            ),
            ("5".into(), "C016.I06".into(), "citizenshipCountry".into()),
        ]
    );
}

#[test]
fn configuration_file_sets_options_and_flags_override_it() {
    let wd = Workdir::new();
    wd.create_ndjson("a.ndjson", &[lead(1)]);
    std::fs::write(
        wd.path().join("leadbatch.toml"),
        "inputs = [\"in\"]\nout = \"nightly-out\"\njobs = 1\nstrict = true\nas-of = \"2026-11-23\"\n",
    )
    .unwrap();
    let cfg = bin()
        .current_dir(wd.path())
        .args(["config", "--jobs", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8(cfg.stdout).unwrap();
    assert!(text.contains("out = \"nightly-out\""), "{text}");
    assert!(text.contains("jobs = 2"), "{text}");
    assert!(text.contains("strict = true"), "{text}");
    let o = bin()
        .current_dir(wd.path())
        .args(["process", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        wd.path()
            .join("nightly-out/latest/accepted.ndjson")
            .exists()
    );
    std::fs::write(wd.path().join("bad.toml"), "outt = 1\n").unwrap();
    let o = bin()
        .current_dir(wd.path())
        .args(["process", "--config", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml"));
}

/// `leadbatch process - --format ndjson -q --as-of ... <extra>` with `text` on stdin.
fn with_stdin(wd: &Workdir, extra: &[&str], text: &str) -> std::process::Output {
    let mut child = bin()
        .current_dir(wd.path())
        .args([
            "process",
            "-",
            "--format",
            "ndjson",
            "-q",
            "--as-of",
            "2026-11-23",
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn stdin_json_summary_and_strict() {
    let wd = Workdir::new();
    let mut warned = lead(2);
    warned["riskLevel"] = json!("LOW");
    let text = format!("{}\n{}\n", lead(1), warned);
    let out = with_stdin(&wd, &["--json", "-o", "o"], &text);
    assert_eq!(out.status.code(), Some(0));
    let s: Value = serde_json::from_slice(&out.stdout).expect("--json prints summary.json");
    assert_eq!(s["records"], 2);
    assert_eq!(s["warnings"], 1);
    assert_eq!(s["byFile"][0]["source"], "-");
    // --strict turns the warning into a rejection.
    let out = with_stdin(&wd, &["--strict", "-o", "s"], &text);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "2 records: 1 accepted, 1 rejected, 0 warnings in 1 files"
    );
    // `-` without --format is a usage error.
    let o = bin().args(["process", "-"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn compressed_inputs_and_format_override() {
    use std::io::Write as _;
    let wd = Workdir::new();
    let text = format!("{}\n{}\n", lead(1), org(1));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    wd.create("a.ndjson.gz", gz.finish().unwrap());
    wd.create(
        "b.jsonl.zst",
        zstd::encode_all(format!("{}\n", lead(2)).as_bytes(), 3).unwrap(),
    );
    let odd = wd.path().join("export.dat");
    std::fs::write(&odd, format!("{}\n", lead(3))).unwrap();
    let run = wd.process();
    run.assert_exit_code(0);
    assert_eq!(run.summary()["records"], 3);
    let run2 = wd
        .command("process")
        .arg(&odd)
        .args(["--format", "ndjson"])
        .out(wd.path().join("o2"))
        .run();
    run2.assert_exit_code(0);
    assert_eq!(run2.summary()["records"], 1);
}

#[test]
fn payload_files_layout_names_are_sanitised_and_unique() {
    let wd = Workdir::new();
    let mut a = lead(1);
    a["customerExtId"] = json!("../../etc/passwd");
    let mut b = lead(2);
    b["customerExtId"] = json!("../../etc/passwd");
    b["action"] = json!("UPDATE");
    wd.create_ndjson("a.ndjson", &[a, b, lead(3)]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .args(["--payload-layout", "files"])
        .run();
    run.assert_exit_code(0);
    let mut names: Vec<String> = std::fs::read_dir(wd.out().join("latest/accepted"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Lead_O_3.json",
            "___etc_passwd-2.json",
            "___etc_passwd.json"
        ]
        .map(String::from)
    );
    let one: Value = serde_json::from_str(
        &std::fs::read_to_string(wd.out().join("latest/accepted/Lead_O_3.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(one["customerExtId"], "Lead_O_3");
    assert!(!wd.out().join("latest/accepted.ndjson").exists());
}

/// Payload file names are capped at 200 bytes, cut at a character boundary and ended with
/// 8 hex digits of the BLAKE3 digest of the whole sanitised name: no customerExtId can end
/// the run with "File name too long", and ids that share their first 200 bytes get files
/// of their own.
#[test]
fn payload_file_names_of_long_ids_are_capped_and_stay_unique() {
    let wd = Workdir::new();
    let ids = [
        "A".repeat(300),
        "A".repeat(200) + &"B".repeat(100),
        "ė".repeat(150),
        "ė".repeat(100) + &"x".repeat(100),
        "中".repeat(100),
    ];
    let records: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut r = lead(i as u32 + 1);
            r["customerExtId"] = json!(id);
            r
        })
        .collect();
    wd.create_ndjson("long.ndjson", &records);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .args(["--payload-layout", "files"])
        .run();
    run.assert_exit_code(0);
    // Cut to at most 191 bytes at a character boundary, then `-` and the digest.
    let name = |id: &str, cut: usize| {
        let digest = blake3::hash(id.as_bytes()).to_hex();
        format!("{}-{}.json", &id[..cut], &digest[..8])
    };
    let mut expected: Vec<(String, &String)> = [191, 191, 190, 190, 189]
        .iter()
        .zip(&ids)
        .map(|(cut, id)| (name(id, *cut), id))
        .collect();
    expected.sort();
    let names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(run.accepted_files(), names);
    for (file, id) in expected {
        assert!(file.len() <= 205, "{file}");
        let payload: Value = serde_json::from_str(&run.read(&format!("accepted/{file}"))).unwrap();
        assert_eq!(payload["customerExtId"], json!(id), "{file}");
    }
}

#[test]
fn summary_has_entity_types_and_digests_of_inputs_and_outputs() {
    let wd = Workdir::new();
    let mut bad = org(2);
    bad["title"] = Value::Null;
    wd.create_ndjson("a.ndjson", &[lead(1), org(1), bad]);
    let run = wd.process();
    let s = run.summary();
    assert_eq!(
        s["byEntityType"]["INDIVIDUAL"],
        json!({"records": 1, "accepted": 1, "rejected": 0, "unchanged": 0})
    );
    assert_eq!(
        s["byEntityType"]["ORGANIZATION"],
        json!({"records": 2, "accepted": 1, "rejected": 1, "unchanged": 0})
    );
    let digest = |bytes: &[u8]| blake3::hash(bytes).to_hex().to_string();
    assert_eq!(
        s["byFile"][0]["blake3"],
        digest(&std::fs::read(wd.input().join("a.ndjson")).unwrap())
    );
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "report.html",
    ] {
        assert_eq!(s["outputs"][name], digest(&run.read_bytes(name)), "{name}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let s = stdout_of(&["completions", shell]);
        assert!(
            s.contains("process") && s.contains("payload-layout"),
            "{shell}"
        );
    }
    let man = stdout_of(&["man"]);
    assert!(man.contains(".TH leadbatch") && man.contains("process"));
}

#[test]
fn no_color_is_respected_and_errors_go_to_stderr() {
    let colored = bin()
        .env("CLICOLOR_FORCE", "1")
        .args(["process", "--no-such-flag"])
        .output()
        .unwrap();
    assert!(
        colored.stderr.contains(&0x1b),
        "forced colour shows escapes"
    );
    assert!(colored.stdout.is_empty());
    let plain = bin()
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(["process", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(2));
    assert!(
        !plain.stderr.contains(&0x1b),
        "NO_COLOR leaves no escape codes"
    );
    assert!(plain.stdout.is_empty());
}
