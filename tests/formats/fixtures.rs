//! Hand-written fixtures (`tests/fixtures/formats`): the same five leads in four formats give
//! the payloads spec §2–§4 say, and their faulty variants the same findings in every format.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    FORMATS, Finding, assert_counts, expected_for_xml, findings, read_fixture, run_files,
    show_findings,
};
use crate::eqnice;

// ------------------------------------------------------------------------------------------
// 1b. Hand-written fixtures: the same five leads in four formats.
// ------------------------------------------------------------------------------------------

/// Spec §3: `GIIN` and `LEI` are input aliases of `giin` and `lei` (the test's own
/// canonicaliser in `samples` knows only the canonical names).
fn unalias(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    for (alias, name) in [("GIIN", "giin"), ("LEI", "lei")] {
        if let Some(x) = o.remove(alias) {
            o.insert(name.to_string(), x);
        }
    }
    v
}

#[test]
fn fixture_leads_give_one_result_in_all_four_formats() {
    let leads: Vec<Value> = serde_json::from_slice(&read_fixture("leads.json")).unwrap();
    assert_eq!(leads.len(), 5);
    // What spec §2–§4 make of each lead, computed from the JSON independently of the binary.
    let expected: String = leads
        .iter()
        .map(|l| crate::samples::spec_canonical(&unalias(l.clone())) + "\n")
        .collect();
    for format in FORMATS {
        let name = format!("leads.{format}");
        let bytes = read_fixture(&name);
        let (_wd, run) = run_files(&[(&name, &bytes)], &[]);
        run.assert_exit_code(0);
        eqnice!(
            expected,
            run.read("accepted.ndjson"),
            "accepted.ndjson of {name}"
        );
        assert_eq!(run.read("rejected.ndjson"), "", "{name}");
        assert_eq!(findings(&run), Vec::<Finding>::new(), "{name}");
        assert_counts(&run, 5, 5, 0, &name);
    }
}

/// A few values of the fixtures, spelled out, so that a slip in the shared canonicaliser
/// cannot hide one in the binary.
#[test]
fn fixture_payloads_hold_the_spec_forms() {
    let (_wd, run) = run_files(&[("leads.xml", &read_fixture("leads.xml"))], &[]);
    run.assert_exit_code(0);
    let a = run.accepted();
    assert_eq!(a.len(), 5);
    // Enums and countries upper-cased, the category kept as given.
    assert_eq!(a[0]["action"], "CREATE");
    assert_eq!(
        a[0]["initializeScreeningProcesses"],
        serde_json::json!(["SANCTIONS", "PEP"])
    );
    assert_eq!(a[0]["citizenshipCountry"], "LT");
    assert_eq!(a[4]["riskManagementCategory"], "lead_ind");
    assert_eq!(a[4]["entityType"], "INDIVIDUAL");
    assert_eq!(a[4]["listCountryOfActivity"][1]["country"], "XK");
    // FieldOfActivity: booleans, countries.
    assert_eq!(a[0]["fieldOfActivity"]["employment"]["isEmployee"], true);
    assert_eq!(
        a[0]["fieldOfActivity"]["student"]["higherSchoolCountry"],
        "LT"
    );
    // SourceOfWealthCode / Value are code / amount; amounts are numbers.
    assert_eq!(
        a[1]["listSourceOfWealth"],
        serde_json::json!([
            {"code": "6", "amount": 100000, "comment": "Retained earnings"},
            {"code": "9", "amount": 2500.75}
        ])
    );
    // GIIN / LEI aliases.
    assert_eq!(a[1]["giin"], "98Q96B.00000.LE.250");
    assert_eq!(a[1]["lei"], "529900T8BM49AURSDO55");
    // A timestamp is kept as given (already RFC 3339).
    assert_eq!(a[1]["applicationDate"], "2024-04-08T10:45:00.000+02:00");
    // AdditionalValues as strings.
    assert_eq!(a[1]["listAdditionalValues"][0]["value"], "true");
    assert_eq!(a[0]["listAdditionalValues"][1]["value"], "26");
    // Escaped markup and white space.
    assert_eq!(a[1]["title"], "Smith & Sons <Ltd>");
    assert_eq!(a[2]["firstName"], "José");
    assert_eq!(
        a[2]["activityDescription"],
        "multi-line \"quoted\" note\nsecond line, with comma; & <tag>"
    );
}

/// The faults of `faulty.*` (the same leads with faults injected), by the spec.
fn faulty_expected() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        // 1: a bad boolean, bad countries in a nested address of the lead and of a related
        //    entity (spec §4 / §5: the composed vendor code there).
        ("1", "bad-type", "isPEP"),
        ("1", "Q004.ADR02", "listAddress[1].country"),
        (
            "1",
            "C017.C016.RE06.ADR02",
            "listRelatedEntity[0].listAddress[0].country",
        ),
        // 2: bad dates (no real calendar day, month 13, day/month order).
        ("2", "bad-date", "establishmentDate"),
        (
            "2",
            "bad-date",
            "listBusinessEntityDocument[0].documentIssueDate",
        ),
        ("2", "bad-date", "listRelatedEntity[0].birthDate"),
        // 3: unknown fields, top level and nested.
        ("3", "unknown-field", "middleName"),
        ("3", "unknown-field", "fieldOfActivity.employment.salary"),
        // 4: missing mandatory fields: vendor codes where documented, else missing-field.
        ("4", "C002", "customerExtId"),
        ("4", "C017.O01", "title"),
        ("4", "missing-field", "legalForm"),
        // 5: bad enums.
        ("5", "SCR01", "initializeScreeningProcesses[1]"),
        ("5", "bad-enum", "listPurpose"),
        ("5", "bad-enum", "listContact[0].contactType"),
    ]
}

#[test]
fn faulty_fixtures_give_the_same_findings_in_all_four_formats() {
    let mut want: Vec<Finding> = faulty_expected()
        .into_iter()
        .map(|(r, c, p)| (r.into(), c.into(), p.into(), "error".into()))
        .collect();
    want.sort();
    let mut by_format = BTreeMap::new();
    for format in FORMATS {
        let name = format!("faulty.{format}");
        let bytes = read_fixture(&name);
        let (_wd, run) = run_files(&[(&name, &bytes)], &[]);
        run.assert_exit_code(1);
        assert_counts(&run, 5, 0, 5, &name);
        let got = findings(&run);
        let mut sorted = got.clone();
        sorted.sort();
        let want = if format == "xml" {
            let mut w = expected_for_xml(&want);
            w.sort();
            w
        } else {
            want.clone()
        };
        eqnice!(
            show_findings(&want),
            show_findings(&sorted),
            "findings of {name}"
        );
        by_format.insert(format, got);
    }
    // Also in the same order in every format.
    for format in ["ndjson", "csv"] {
        assert_eq!(
            by_format["json"], by_format[format],
            "order: {format} vs json"
        );
    }
    assert_eq!(
        expected_for_xml(&by_format["json"]),
        by_format["xml"],
        "order: xml vs json"
    );
}
