//! `leadbatch codes` lists exactly the codes the program can emit.

use serde_json::Value;

use super::stdout_of;

/// Every code the program can emit is listed by `leadbatch codes`, and nothing else: the
/// vendor codes of every catalog row (top level and in related entities) and the codes of
/// `diagnostic::code` (local codes and the vendor codes the rules use directly). A finding
/// is always made with one of these (`Diagnostic::code` is `&'static str` taken from them).
#[test]
fn codes_command_lists_exactly_the_codes_the_program_can_emit() {
    use std::collections::BTreeSet;

    use leadbatch::catalog;
    use leadbatch::diagnostic::Code;

    let mut emittable: BTreeSet<&str> = code::ALL.iter().copied().collect();
    for shape in catalog::shapes() {
        for f in shape.fields {
            let c = &f.codes;
            emittable.extend(
                [c.missing, c.invalid, c.rel_missing, c.rel_invalid]
                    .into_iter()
                    .flatten(),
            );
        }
    }
    assert!(emittable.contains("C017.C016.RE05") && emittable.contains("parse-error"));
    let text: Value = serde_json::from_str(&stdout_of(&["codes", "--format", "json"])).unwrap();
    let listed: BTreeSet<&str> = text
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    // Each with what usually fixes it, which report.html shows beside the code's findings.
    let without_fix: Vec<&Value> = text
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["fix"].as_str().is_none_or(str::is_empty))
        .collect();
    assert!(
        without_fix.is_empty(),
        "codes without a fix: {without_fix:?}"
    );
    let unlisted: Vec<&&str> = emittable.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "codes the program emits but `leadbatch codes` does not list: {unlisted:?}"
    );
    let never: Vec<&&str> = listed.difference(&emittable).collect();
    assert!(
        never.is_empty(),
        "codes `leadbatch codes` lists but nothing emits: {never:?}"
    );
}
