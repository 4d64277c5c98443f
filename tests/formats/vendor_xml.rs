//! The vendor's XML samples (`tests/fixtures/vendor/xml`): the lead samples are accepted with
//! their canonical payloads, the full customer sample converted to a lead is exactly the
//! expected literal (checked section by section too), and unconverted it is not a lead.

use std::path::PathBuf;

use serde_json::Value;

use super::{Finding, assert_counts, findings, run_files, show_findings};
use crate::eqnice;

// ------------------------------------------------------------------------------------------
// 2. The vendor's XML samples.
// ------------------------------------------------------------------------------------------

fn xml_sample(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vendor/xml")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const XML_LEAD_INDIVIDUAL: &str = r#"{"communicationNumber":"ComNr_45{{seq}}","requester":"Bank_system","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"INDIVIDUAL","customerExtId":"Lead_ExtaId_TESTaa","applicationDate":"2023-01-20","firstName":"Larosa","lastName":"Rosa","citizenshipCountry":"JP","birthDate":"1975-09-20"}"#;

const XML_LEAD_ORGANIZATION: &str = r#"{"communicationNumber":"ComNr_00221","requester":"financial_institution","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"ORGANIZATION","customerExtId":"Lead_extid01","applicationDate":"2023-05-12","title":"Lead_Uab'Roxy'","registrationCountry":"LT","legalForm":"LTD"}"#;

/// customer-individual-evaluate-full.xml with the category LEAD_IND, in catalog order.
const XML_FULL: &str = concat!(
    r#"{"communicationNumber":"ComNr_4541","requester":"Bank_system","action":"CREATE","#,
    r#""sourceOfRiskLevel":"EVALUATE","initializeScreeningProcesses":["SANCTIONS","PEP","ADVERSE_MEDIA"],"#,
    r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"ExtId_65657aa","#,
    r#""applicationDate":"2023-01-20","approvalDate":"2023-01-20","nationalCode":"50007145428","#,
    r#""firstName":"Lafora","lastName":"Fora","citizenshipCountry":"JP","birthDate":"1975-09-20","#,
    r#""birthCountry":"LT","secondCitizenshipCountry":"RU","permanentResidenceCountry":"AT","#,
    r#""isLegalResident":true,"isFamilyPEP":true,"isLitigated":true,"amlOfficer":false,"#,
    r#""fieldOfActivity":{"#,
    r#""employment":{"employerTitle":"JpnBank","employmentPositionDescription":"Accountant","#,
    r#""isEmployee":true,"isSelfEmployed":true,"isUnemployed":false},"#,
    r#""other":{"isOtherStatus":false},"#,
    r#""pension":{"isPensioner":true,"pensionCountry":"LT"},"#,
    r#""student":{"isStudent":true,"higherSchoolTitle":"Vilnius Tech","higherSchoolCountry":"LT"}},"#,
    r#""isPEP":true,"isSanctioned":true,"isInAdverseMedia":true,"isInInternalList":true,"#,
    r#""listPurpose":"BLACK","isActualAddressDeclared":true,"isCorrespondenceAddressDeclared":true,"#,
    r#""doesCashDominate":true,"activityDescription":"financial activity","#,
    r#""incomeSourceDescription":"Current Job","incomingPaymentDescription":"Replenishment of funds","#,
    r#""outgoingPaymentDescription":"Replenishment of funds","initialDepositSource":"Current Job","#,
    r#""initialDepositBank":"JPBank","initialDepositAccount":"LT046443885928794486","#,
    r#""initialDepositAmount":50,"initialDepositCurrency":"EUR","#,
    r#""listContact":[{"contactType":"EMAIL","contactDetails":"labalabalab@gmail.com","useForCommunication":true}],"#,
    r#""listAddress":[{"country":"JP","addressType":"RESIDENCE","addressDetails":"Narimaka st 2","#,
    r#""city":"Tokyo","region":"EU","streetAddress":"Narimaka st. 2","zipCode":"04127","useForCorrespondence":true}],"#,
    r#""listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT","#,
    r#""documentNumber":"555123148","documentIssueDate":"2020-09-20","documentIssueCountry":"JP","#,
    r#""documentIssueAuthority":"JP","documentExpiryDate":"2022-09-20","description":"Main identification document"}],"#,
    r#""listAppealReason":[{"appealReasonType":"PURPOSE_GET_LOAN"}],"#,
    r#""listIntroductionSource":[{"introductionSource":"Internet"}],"#,
    r#""listOrderedService":[{"serviceType":"LOANS"}],"#,
    r#""listDeclaredTurnover":[{"turnoverType":"EXPECTED_TOTAL_INCOME","turnoverRange":"MONTHLY","from":1500,"to":3000}],"#,
    r#""listIncomeSource":[{"incomeSourceType":"SALARY","incomePercentage":68,"from":6,"to":26}],"#,
    r#""listPaymentPurpose":[{"paymentPurposeType":"TAXES","turnoverDirection":"IN"}],"#,
    r#""listSourceOfWealth":[{"code":"6","amount":1250,"comment":"Wealth received from Inheritance"}],"#,
    r#""listPaymentCountry":[{"country":"IE","turnoverDirection":"OUT"},{"country":"US","turnoverDirection":"OUT"},"#,
    r#"{"country":"US","turnoverDirection":"IN"},{"country":"IE","turnoverDirection":"IN"}],"#,
    r#""listActivity":[{"activityType":"7","incomePercentage":48}],"#,
    r#""listRegionOfActivity":[{"region":"EU"}],"#,
    r#""listAdditionalValues":["#,
    r#"{"code":"isvip","datatype":"BOOLEAN","description":"Very important customer","value":"true"},"#,
    r#"{"code":"number_users","datatype":"INTEGER","description":"THe number ofusers","value":"500"},"#,
    r#"{"code":"lastonlinesupport","datatype":"TIMESTAMP","description":"Date and time last online support","value":"2022-12-11T12:10:11Z"},"#,
    r#"{"code":"cotractenddate","datatype":"DATE","description":"Date of contract ending","value":"2024-10-11"},"#,
    r#"{"code":"numberrestrictions","datatype":"INTEGER","description":"Number of restrictions has applyed","value":"12"},"#,
    r#"{"code":"predictableincome","datatype":"DECIMAL","description":"Predictable customer incoms","value":"1954.12"}]}"#,
);

#[test]
fn xml_lead_samples_are_accepted_with_their_canonical_payloads() {
    let ind = xml_sample("lead-individual-mandatory.xml");
    let org = xml_sample("lead-organization-mandatory.xml");
    let (_wd, run) = run_files(
        &[
            ("lead-individual-mandatory.xml", ind.as_bytes()),
            ("lead-organization-mandatory.xml", org.as_bytes()),
        ],
        &[],
    );
    run.assert_exit_code(0);
    // `{{seq}}` is template text of the vendor's page: a plain string, kept as is.
    eqnice!(
        format!("{XML_LEAD_INDIVIDUAL}\n{XML_LEAD_ORGANIZATION}\n"),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
    assert_counts(&run, 2, 2, 0, "xml lead samples");
    let s = run.summary();
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(f["format"], "xml", "{f}");
        assert_eq!(f["records"], 1, "{f}");
    }
}

/// The full XML customer sample as a lead: only the category changes (it is EVALUATE).
fn full_xml_as_lead() -> String {
    let raw = xml_sample("customer-individual-evaluate-full.xml");
    let from = "<RiskManagementCategory>IND_AMLYZE</RiskManagementCategory>";
    assert!(raw.contains(from));
    assert!(raw.contains("<SourceOfRiskLevel>EVALUATE</SourceOfRiskLevel>"));
    raw.replace(
        from,
        "<RiskManagementCategory>LEAD_IND</RiskManagementCategory>",
    )
}

#[test]
fn xml_full_customer_sample_as_lead_is_exactly_the_literal() {
    let xml = full_xml_as_lead();
    let (_wd, run) = run_files(&[("full.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    let got = run.read("accepted.ndjson");
    eqnice!(format!("{XML_FULL}\n"), got);
    // Findings: the passport expired on 2022-09-20, before the run's --as-of 2026-11-23; a
    // warning, so the lead is accepted.
    assert_eq!(
        findings(&run),
        vec![(
            "1".to_string(),
            "document-expired".to_string(),
            "listBusinessEntityDocument[0].documentExpiryDate".to_string(),
            "warning".to_string()
        )]
    );
    assert_counts(&run, 1, 1, 0, "full xml");
    assert_eq!(run.summary()["warnings"], 1);
}

/// The same sample, section by section (clearer failures than the literal alone).
#[test]
fn xml_full_customer_sample_sections() {
    let xml = full_xml_as_lead();
    let (_wd, run) = run_files(&[("full.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    let line = run.accepted_lines().remove(0);
    let v: Value = serde_json::from_str(&line).unwrap();
    // FieldOfActivity: written employment, other, pension, student (catalog order) though
    // the XML has them student, pension, employment, other; the empty
    // OtherStatusDescription is absent.
    let foa = &line[line.find("\"fieldOfActivity\":{").expect("fieldOfActivity")..];
    let at = |k: &str| {
        foa.find(&format!("\"{k}\":{{"))
            .unwrap_or_else(|| panic!("{k} in {foa}"))
    };
    let order = [at("employment"), at("other"), at("pension"), at("student")];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{foa}");
    let mut sections: Vec<&String> = v["fieldOfActivity"].as_object().unwrap().keys().collect();
    sections.sort();
    assert_eq!(sections, ["employment", "other", "pension", "student"]);
    assert_eq!(
        v["fieldOfActivity"]["other"],
        serde_json::json!({"isOtherStatus": false})
    );
    assert!(line.contains(
        r#""employment":{"employerTitle":"JpnBank","employmentPositionDescription":"Accountant","isEmployee":true,"isSelfEmployed":true,"isUnemployed":false}"#
    ));
    // Dates with a zone are plain dates.
    let doc = &v["listBusinessEntityDocument"][0];
    assert_eq!(doc["documentIssueDate"], "2020-09-20");
    assert_eq!(doc["documentExpiryDate"], "2022-09-20");
    // AdditionalValues: every value a string, as written.
    let values: Vec<&str> = v["listAdditionalValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["value"].as_str().expect("a string value"))
        .collect();
    assert_eq!(
        values,
        [
            "true",
            "500",
            "2022-12-11T12:10:11Z",
            "2024-10-11",
            "12",
            "1954.12"
        ]
    );
    let datatypes: Vec<&str> = v["listAdditionalValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["datatype"].as_str().unwrap())
        .collect();
    assert_eq!(
        datatypes,
        [
            "BOOLEAN",
            "INTEGER",
            "TIMESTAMP",
            "DATE",
            "INTEGER",
            "DECIMAL"
        ]
    );
    // SourceOfWealthCode is code, Value is amount (a number).
    assert_eq!(
        v["listSourceOfWealth"],
        serde_json::json!([{"code": "6", "amount": 1250, "comment": "Wealth received from Inheritance"}])
    );
    assert!(line.contains(r#""listSourceOfWealth":[{"code":"6","amount":1250,"#));
    // Four payment countries, in document order.
    assert_eq!(
        v["listPaymentCountry"],
        serde_json::json!([
            {"country": "IE", "turnoverDirection": "OUT"},
            {"country": "US", "turnoverDirection": "OUT"},
            {"country": "US", "turnoverDirection": "IN"},
            {"country": "IE", "turnoverDirection": "IN"}
        ])
    );
    // Screening processes from <Process> children.
    assert_eq!(
        v["initializeScreeningProcesses"],
        serde_json::json!(["SANCTIONS", "PEP", "ADVERSE_MEDIA"])
    );
    // Numbers.
    assert!(line.contains(r#""initialDepositAmount":50,"#));
    assert!(line.contains(r#""from":1500,"to":3000"#));
    assert!(line.contains(r#""listActivity":[{"activityType":"7","incomePercentage":48}]"#));
    // The category as given, the default action stated.
    assert_eq!(v["riskManagementCategory"], "LEAD_IND");
    assert_eq!(v["action"], "CREATE");
}

/// The sample as it is (category IND_AMLYZE, action absent = CREATE) is not a lead.
#[test]
fn xml_full_customer_sample_unconverted_is_not_a_lead() {
    let raw = xml_sample("customer-individual-evaluate-full.xml");
    let (_wd, run) = run_files(&[("full.xml", raw.as_bytes())], &[]);
    run.assert_exit_code(1);
    let f = findings(&run);
    assert!(
        f.iter()
            .any(|(r, c, _, s)| r == "1" && c == "not-a-lead" && s == "error"),
        "{}",
        show_findings(&f)
    );
    assert_counts(&run, 1, 0, 1, "unconverted full xml");
}
