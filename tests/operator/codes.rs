//! `leadbatch codes` lists exactly the codes the program can emit, and each of them is
//! emitted by something.

use std::collections::BTreeSet;
use std::path::Path;

use leadbatch::catalog;
use leadbatch::diagnostic::Code;
use serde_json::Value;

use super::stdout_of;

/// `leadbatch codes` lists every `Code`, in the enum's order, with its text, severity,
/// meaning and fix, and nothing else (the README's table is checked against this listing
/// in `codes_command_lists_every_code_and_the_readme_table_matches`). A finding is always
/// made with a `Code`, so these are all the program can emit.
#[test]
fn codes_command_lists_exactly_the_codes_the_program_can_emit() {
    let text: Value = serde_json::from_str(&stdout_of(&["codes", "--format", "json"])).unwrap();
    let listed: Vec<[&str; 4]> = text
        .as_array()
        .unwrap()
        .iter()
        .map(|c| ["code", "severity", "meaning", "fix"].map(|k| c[k].as_str().unwrap()))
        .collect();
    let all: Vec<[&str; 4]> = Code::ALL
        .iter()
        .map(|c| {
            let i = c.info();
            [c.as_str(), i.severity.as_str(), i.meaning, i.fix]
        })
        .collect();
    assert_eq!(listed, all);
    // The text listing: code and severity in columns, then the meaning.
    let plain: Vec<String> = all
        .iter()
        .map(|[code, severity, meaning, _]| format!("{code:<32} {severity:<8} {meaning}\n"))
        .collect();
    assert_eq!(stdout_of(&["codes"]), plain.concat());
    // Each with what usually fixes it, which report.html shows beside the code's findings.
    assert!(listed.iter().all(|[.., fix]| !fix.is_empty()));
    assert!(listed.len() > 50 && listed.iter().any(|[c, ..]| *c == "C017.C016.RE05"));
}

/// Every `Code` is emitted by something: a catalog row names it (top level or in related
/// entities), or the program's source outside the tests names its variant. A variant that
/// nothing reports would be listed by `leadbatch codes` and the README for nothing.
#[test]
fn every_code_is_emitted_by_a_catalog_row_or_a_rule() {
    let mut by_catalog = BTreeSet::new();
    for shape in catalog::shapes() {
        for f in shape.fields {
            let c = &f.codes;
            by_catalog.extend(
                [c.missing, c.invalid, c.rel_missing, c.rel_invalid]
                    .into_iter()
                    .flatten()
                    .map(Code::as_str),
            );
        }
    }
    assert!(by_catalog.contains("C017.C016.RE05"));
    let mut source = String::new();
    program_source(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut source,
    );
    let unused: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| !by_catalog.contains(c.as_str()) && !names(&source, &format!("Code::{c:?}")))
        .collect();
    assert!(
        unused.is_empty(),
        "codes neither a catalog row nor a rule reports: {unused:?}"
    );
}

/// Whether `text` holds `name` as a whole path (`Code::C013`, not a prefix of `Code::C013a`).
fn names(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        !text[i + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The program's source under `dir`: every `.rs` file but the tests (`tests` directories
/// and `tests.rs` files, and each file from its first `#[cfg(test)]`) and the codes'
/// own table (`src/diagnostic/`).
fn program_source(dir: &Path, out: &mut String) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_str().unwrap();
        if p.is_dir() {
            if name != "tests" && name != "diagnostic" {
                program_source(&p, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" && name != "diagnostic.rs" {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push_str(text.split("#[cfg(test)]").next().unwrap_or_default());
        }
    }
}
