//! The canonical forms of spec §2 in one accepted payload: trimmed text, upper-cased enums
//! and countries, plain dates, numbers from numeric strings, absent empty values, catalog
//! order of the keys (top level and in list items).

use serde_json::{Value, json};

use crate::eqnice;
use crate::util::{Workdir, top_level_keys};

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
        "listAddress": [{"city": "Rīga", "country": "lv"}],
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
    let expected = r#"{"communicationNumber":"CF-1","requester":"t","action":"CREATE","sourceOfRiskLevel":"EVALUATE","initializeScreeningProcesses":["PEP","SANCTIONS"],"riskManagementCategory":"lead_Ind","entityType":"INDIVIDUAL","customerExtId":"CF-EXT","applicationDate":"2024-01-10","approvalDate":"2024-04-08T10:45:00.000+02:00","firstName":"Jonas","lastName":"Jonaitis","citizenshipCountry":"LT","birthDate":"1980-01-01","isPEP":false,"initialDepositAmount":10000.50,"initialDepositCurrency":"EUR","listAddress":[{"country":"LV","city":"Rīga"}],"listPaymentCountry":[{"country":"DE","turnoverDirection":"IN"}],"listActivity":[{"activityType":"X","incomePercentage":40}],"listAdditionalValues":[{"code":"n","datatype":"INTEGER","description":"d","value":"26"},{"code":"b","datatype":"BOOLEAN","description":"d","value":"true"}]}"#;
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
        ("listAddress", vec!["country", "city"]),
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
