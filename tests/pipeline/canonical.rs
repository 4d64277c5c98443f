//! The canonical forms of spec §2 in one accepted payload: trimmed text, upper-cased enums
//! and countries, plain dates, numbers from numeric strings, absent empty values, catalog
//! order of the keys (top level and in list items); integers of any size, digit for digit,
//! from the fixtures in `tests/fixtures/integers`.

use serde_json::{Value, json};

use crate::eqnice;
use crate::util::{Workdir, top_level_keys};

/// A fixture of `tests/fixtures/integers`.
fn integers_fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/integers/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ------------------------------------------------------------------------------ canonical forms

#[test]
fn canonical_forms_follow_spec_section_2() {
    let wd = Workdir::new();
    let input = json!({
        "communicationNumber": "  CF-1  ",
        "requester": "t",
        "action": "create",
        "sourceOfRiskLevel": "evaluate",
        "riskManagementCategory": "lead_Ind",
        "entityType": "individual",
        "customerExtId": "CF-EXT",
        "initializeScreeningProcesses": ["pep", "Sanctions"],
        "applicationDate": "2024-01-10Z",
        "approvalDate": "2024-04-08T10:45:00.000+02:00",
        "nationalCode": "",
        "firstName": " Jonas ",
        "lastName": "Jonaitis",
        "citizenshipCountry": "lt",
        "birthDate": "1980-01-01+02:00",
        "birthCountry": null,
        "isPEP": false,
        "initialDepositAmount": "10000.50",
        "initialDepositCurrency": "eur",
        "listContact": [],
        "listAddress": [{"city": "Rīga", "addressDetails": " Brīvības iela 5 ", "country": "lv"}],
        "listPaymentCountry": [{"turnoverDirection": "in", "country": "de"}],
        "listActivity": [{"incomePercentage": "40", "activityType": "X"}],
        "listAdditionalValues": [
            {"value": 26, "code": "n", "datatype": "integer", "description": "d"},
            {"code": "b", "datatype": "Boolean", "description": "d", "value": true}
        ]
    });
    wd.create_ndjson("forms.ndjson", &[input]);
    let run = wd.process();
    run.assert_exit_code(0);
    let lines = run.accepted_lines();
    assert_eq!(lines.len(), 1);
    let expected = r#"{"communicationNumber":"CF-1","requester":"t","action":"CREATE","sourceOfRiskLevel":"EVALUATE","initializeScreeningProcesses":["PEP","SANCTIONS"],"riskManagementCategory":"lead_Ind","entityType":"INDIVIDUAL","customerExtId":"CF-EXT","applicationDate":"2024-01-10","approvalDate":"2024-04-08T10:45:00.000+02:00","firstName":"Jonas","lastName":"Jonaitis","citizenshipCountry":"LT","birthDate":"1980-01-01","isPEP":false,"initialDepositAmount":10000.50,"initialDepositCurrency":"EUR","listAddress":[{"country":"LV","addressDetails":"Brīvības iela 5","city":"Rīga"}],"listPaymentCountry":[{"country":"DE","turnoverDirection":"IN"}],"listActivity":[{"activityType":"X","incomePercentage":40}],"listAdditionalValues":[{"code":"n","datatype":"INTEGER","description":"d","value":"26"},{"code":"b","datatype":"BOOLEAN","description":"d","value":"true"}]}"#;
    // 10000.50 and 10000.5 are the same JSON number: compare values, then key order.
    let want: Value = serde_json::from_str(expected).unwrap();
    let got: Value = serde_json::from_str(&lines[0]).unwrap();
    eqnice!(
        serde_json::to_string_pretty(&want).unwrap(),
        serde_json::to_string_pretty(&got).unwrap()
    );
    assert!(got["initialDepositAmount"].is_number());
    assert_eq!(top_level_keys(expected), top_level_keys(&lines[0]));
    for (list, keys) in [
        ("listAddress", vec!["country", "addressDetails", "city"]),
        ("listPaymentCountry", vec!["country", "turnoverDirection"]),
        ("listActivity", vec!["activityType", "incomePercentage"]),
    ] {
        let item = serde_json::to_string(&got[list][0]).unwrap();
        // serde_json sorts keys; the order must be read from the line itself.
        let at = lines[0].find(&format!("\"{list}\":[")).unwrap() + list.len() + 4;
        let end = at + lines[0][at..].find('}').unwrap() + 1;
        assert_eq!(top_level_keys(&lines[0][at..end]), keys, "{list}: {item}");
    }
    assert!(run.errors().is_empty(), "{:?}", run.errors());
}

// ------------------------------------------------------------------------------ integers

/// Spec §2: the vendor types `companyAssetValue`, `share` and the turnover/income `from`/`to`
/// as BigInteger, so an Integer has any size. A 24-digit JSON number token and a string of
/// digits (JSON string, CSV cell, XML text) are both accepted and written as a JSON integer
/// digit for digit: read as text, never through a float. A `+` and leading zeros are
/// dropped (`+0042` -> 42, `-0` -> 0), as JSON allows neither.
#[test]
fn integers_of_any_size_are_written_digit_for_digit_in_every_format() {
    let expected = integers_fixture("big.accepted.ndjson");
    for name in ["big.ndjson", "big.csv", "big.xml"] {
        let wd = Workdir::new();
        wd.create(name, integers_fixture(name));
        let run = wd.process();
        run.assert_exit_code(0);
        eqnice!(
            expected,
            run.read("accepted.ndjson"),
            "accepted.ndjson of {name}"
        );
        assert!(run.errors().is_empty(), "{name}: {:?}", run.errors());
    }
    // The JSON Schema export describes them: `integer` without a size bound (counts keep
    // their minimum, Percent its range), and the payloads satisfy it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .arg("schema")
        .output()
        .unwrap();
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = &schema["properties"];
    assert_eq!(props["companyAssetValue"], json!({"type": "integer"}));
    assert_eq!(
        props["numberOfEmployees"],
        json!({"type": "integer", "minimum": 0})
    );
    assert_eq!(
        schema["$defs"]["DeclaredTurnover"]["properties"]["from"],
        json!({"type": "integer"})
    );
    assert_eq!(
        schema["$defs"]["RelatedEntity"]["properties"]["share"],
        json!({"type": "integer", "minimum": 0, "maximum": 100})
    );
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    for line in expected.lines() {
        let payload: Value = serde_json::from_str(line).unwrap();
        assert!(validator.is_valid(&payload), "{line}");
    }
}

/// Percent keeps its 0..=100 range and a count its minimum 0 whatever the size of the
/// number; from <= to compares integers of any size; a fraction or an exponent is not an
/// Integer, however large.
#[test]
fn integer_ranges_hold_for_numbers_of_any_size() {
    let wd = Workdir::new();
    wd.create("bad.ndjson", integers_fixture("out-of-range.ndjson"));
    let run = wd.process();
    run.assert_exit_code(1);
    let got: Vec<(String, String, String)> = run
        .errors()
        .into_iter()
        .map(|e| (e.code, e.path, e.message))
        .collect();
    let want: Vec<(String, String, String)> = [
        (
            "bad-type",
            "companyAssetValue",
            r#"companyAssetValue: "123456789012345678901234.0" is not an integer"#,
        ),
        (
            "out-of-range",
            "numberOfEmployees",
            "numberOfEmployees -123456789012345678901234 is below the minimum 0",
        ),
        (
            "out-of-range",
            "listDeclaredTurnover[0].to",
            "turnover range from 123456789012345678901235 is greater than to 123456789012345678901234",
        ),
        (
            "out-of-range",
            "listIncomeSource[0].incomePercentage",
            "incomePercentage 101 is not a percentage from 0 to 100",
        ),
        (
            "bad-type",
            "listIncomeSource[0].from",
            r#"from: "1e24" is not an integer"#,
        ),
        (
            "out-of-range",
            "listRelatedEntity[0].share",
            "share 123456789012345678901234 is not a percentage from 0 to 100",
        ),
        (
            "out-of-range",
            "listRelatedEntity[0].votePercentage",
            "votePercentage -1 is not a percentage from 0 to 100",
        ),
    ]
    .iter()
    .map(|(c, p, m)| (c.to_string(), p.to_string(), m.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(run.summary()["rejected"], 1);
}
