//! The vendor's own payloads (`/work/shared/samples/json`): the lead samples as they are, the
//! customer samples converted to leads. All of them must be accepted, and their canonical
//! payloads are checked byte for byte against what spec §2–§3 says they must be.
//!
//! The expected payloads are computed here from the input by the spec's rules (catalog
//! order, canonical forms), independently of the binary: `spec_canonical` is a small
//! re-statement of spec §2–§4 for the types that occur in the samples. For the two lead
//! samples and the organization full payload the expected lines are also written out
//! literally, so that a mistake in `spec_canonical` cannot hide a mistake in the binary.

use serde_json::{Value, json};

use crate::util::Workdir;
use crate::{eqnice, sample_path};

/// How spec §2 writes a value of a field.
#[derive(Clone, Copy)]
enum K {
    /// String or classifier: trimmed text.
    S,
    /// Enum, country, currency: upper-case.
    U,
    /// Date: plain dates as YYYY-MM-DD, timestamps kept as given.
    D,
    /// Boolean.
    B,
    /// Integer, decimal, percent: a JSON number (numeric strings converted).
    N,
    /// AdditionalValue.value: always a string.
    A,
    /// List of enum words.
    EL,
    /// List of objects.
    L(Shape),
    /// Object.
    O(Shape),
}

type Shape = &'static [(&'static str, K)];

use K::*;

/// Spec §3, in the table's order (the canonical order).
const LEAD: Shape = &[
    ("communicationNumber", S),
    ("requester", S),
    ("action", U),
    ("sourceOfRiskLevel", U),
    ("riskLevel", U),
    ("customerStatus", U),
    ("initializeScreeningProcesses", EL),
    ("businessUnit", S),
    ("riskManagementCategory", S),
    ("entityType", U),
    ("customerExtId", S),
    ("applicationDate", D),
    ("approvalDate", D),
    ("closingDate", D),
    ("nationalCode", S),
    ("firstName", S),
    ("lastName", S),
    ("citizenshipCountry", U),
    ("birthDate", D),
    ("birthCountry", U),
    ("secondCitizenshipCountry", U),
    ("permanentResidenceCountry", U),
    ("isLegalResident", B),
    ("isFamilyPEP", B),
    ("isLitigated", B),
    ("amlOfficer", B),
    ("fieldOfActivity", O(FIELD_OF_ACTIVITY)),
    ("title", S),
    ("registrationCountry", U),
    ("legalForm", S),
    ("tradingName", S),
    ("establishmentDate", D),
    ("giin", S),
    ("lei", S),
    ("activityInRestrictedRegionDescription", S),
    ("regionOfActivityDescription", S),
    ("companyAssetValue", N),
    ("numberOfEmployees", N),
    ("numberOfAudits", N),
    ("periodsOfAuditsInYears", N),
    ("periodsOfFiningInYears", N),
    ("isAudited", B),
    ("hasMultiLayerStructure", B),
    ("isFinancialInstitution", B),
    ("isDirectlyManaged", B),
    ("noMajorShareHolders", B),
    ("isFined", B),
    ("isListed", B),
    ("isRegulated", B),
    ("isLicenseRequired", B),
    ("thirdPartyServicesUsed", B),
    ("organizationalStructureDescription", S),
    ("licenseDescription", S),
    ("thirdPartyServicesUsedDescription", S),
    ("isPEP", B),
    ("isSanctioned", B),
    ("isInAdverseMedia", B),
    ("isInInternalList", B),
    ("listPurpose", U),
    ("isActualAddressDeclared", B),
    ("isCorrespondenceAddressDeclared", B),
    ("doesCashDominate", B),
    ("activityDescription", S),
    ("incomeSourceDescription", S),
    ("incomingPaymentDescription", S),
    ("outgoingPaymentDescription", S),
    ("initialDepositSource", S),
    ("initialDepositBank", S),
    ("initialDepositAccount", S),
    ("initialDepositAmount", N),
    ("initialDepositCurrency", U),
    ("listContact", L(CONTACT)),
    ("listAddress", L(ADDRESS)),
    ("listBusinessEntityDocument", L(DOCUMENT)),
    ("listAppealReason", L(&[("appealReasonType", S)])),
    ("listIntroductionSource", L(&[("introductionSource", S)])),
    ("listOrderedService", L(&[("serviceType", S)])),
    (
        "listDeclaredTurnover",
        L(&[
            ("turnoverType", S),
            ("turnoverRange", U),
            ("from", N),
            ("to", N),
        ]),
    ),
    ("listIncomeSource", L(INCOME_SOURCE)),
    (
        "listPaymentPurpose",
        L(&[("paymentPurposeType", S), ("turnoverDirection", U)]),
    ),
    (
        "listSourceOfWealth",
        L(&[("code", S), ("amount", N), ("comment", S)]),
    ),
    (
        "listPaymentCountry",
        L(&[("country", U), ("turnoverDirection", U)]),
    ),
    ("listActivity", L(ACTIVITY)),
    ("listRegionOfActivity", L(REGION)),
    ("listCountryOfActivity", L(COUNTRY_OF_ACTIVITY)),
    (
        "listCountryOfTaxPayment",
        L(&[("country", U), ("taxpayerNumber", S)]),
    ),
    ("listAdditionalValues", L(ADDITIONAL_VALUE)),
    ("listRelatedEntity", L(RELATED_ENTITY)),
];

const CONTACT: Shape = &[
    ("contactType", U),
    ("contactDetails", S),
    ("useForCommunication", B),
];
const ADDRESS: Shape = &[
    ("country", U),
    ("addressType", S),
    ("addressDetails", S),
    ("city", S),
    ("region", S),
    ("streetAddress", S),
    ("zipCode", S),
    ("useForCorrespondence", B),
];
const DOCUMENT: Shape = &[
    ("entityType", U),
    ("identityDocumentType", U),
    ("documentNumber", S),
    ("documentIssueDate", D),
    ("documentIssueCountry", U),
    ("documentIssueAuthority", S),
    ("documentExpiryDate", D),
    ("description", S),
];
const INCOME_SOURCE: Shape = &[
    ("incomeSourceType", S),
    ("incomePercentage", N),
    ("from", N),
    ("to", N),
];
const ACTIVITY: Shape = &[("activityType", S), ("incomePercentage", N)];
const REGION: Shape = &[("region", S)];
const COUNTRY_OF_ACTIVITY: Shape = &[("country", U)];
const ADDITIONAL_VALUE: Shape = &[
    ("code", S),
    ("datatype", U),
    ("description", S),
    ("value", A),
];
const FIELD_OF_ACTIVITY: Shape = &[
    (
        "employment",
        O(&[
            ("employerTitle", S),
            ("employmentPositionDescription", S),
            ("isEmployee", B),
            ("isSelfEmployed", B),
            ("isUnemployed", B),
        ]),
    ),
    (
        "other",
        O(&[("isOtherStatus", B), ("otherStatusDescription", S)]),
    ),
    ("pension", O(&[("isPensioner", B), ("pensionCountry", U)])),
    (
        "student",
        O(&[
            ("isStudent", B),
            ("higherSchoolTitle", S),
            ("higherSchoolCountry", U),
        ]),
    ),
];
const RELATED_ENTITY: Shape = &[
    ("entityType", U),
    ("relationType", S),
    ("relationDescription", S),
    ("extId", S),
    ("nationalCode", S),
    ("activityDescription", S),
    ("regionOfActivityDescription", S),
    ("share", N),
    ("votePercentage", N),
    ("country", U),
    ("registrationCountry", U),
    ("countryOfBusinessOperations", U),
    ("birthCountry", U),
    ("isPEP", B),
    ("isSanctioned", B),
    ("isInAdverseMedia", B),
    ("isInInternalList", B),
    ("firstName", S),
    ("lastName", S),
    ("title", S),
    ("birthDate", D),
    ("establishmentDate", D),
    ("legalForm", S),
    ("listContact", L(CONTACT)),
    ("listAddress", L(ADDRESS)),
    ("listBusinessEntityDocument", L(DOCUMENT)),
    ("listIncomeSource", L(INCOME_SOURCE)),
    ("listActivity", L(ACTIVITY)),
    ("listRegionOfActivity", L(REGION)),
    ("listCountryOfActivity", L(COUNTRY_OF_ACTIVITY)),
    ("listAdditionalValues", L(ADDITIONAL_VALUE)),
];

/// Spec §2: null, a blank string and an empty list are absent.
fn absent(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The canonical payload of an (accepted) lead, written as the spec says: fields in
/// catalog order, canonical values, absent fields dropped, `action` always present.
pub fn spec_canonical(lead: &Value) -> String {
    let mut out = String::new();
    let wrote = object(LEAD, lead, true, &mut out);
    assert!(wrote);
    out
}

fn object(shape: Shape, v: &Value, top: bool, out: &mut String) -> bool {
    let map = v.as_object().expect("an object");
    for k in map.keys() {
        assert!(
            shape.iter().any(|(n, _)| n == k),
            "test table: unknown field {k} (the sample would be rejected)"
        );
    }
    let mut body = Vec::new();
    for (name, kind) in shape {
        let value = map.get(*name).filter(|v| !absent(v));
        let rendered = match value {
            Some(v) => scalar_or_nested(*kind, v),
            // Spec §1: the canonical payload always states the action.
            None if top && *name == "action" => Some("\"CREATE\"".to_string()),
            None => None,
        };
        if let Some(r) = rendered {
            body.push(format!("{}:{r}", serde_json::to_string(name).unwrap()));
        }
    }
    if body.is_empty() {
        return false;
    }
    out.push('{');
    out.push_str(&body.join(","));
    out.push('}');
    true
}

fn scalar_or_nested(kind: K, v: &Value) -> Option<String> {
    let js = |s: &str| serde_json::to_string(s).unwrap();
    Some(match kind {
        S => js(v.as_str().expect("a string").trim()),
        U => js(&v.as_str().expect("a string").trim().to_ascii_uppercase()),
        D => {
            let t = v.as_str().expect("a date string").trim();
            let b = t.as_bytes();
            // An XML date with a zone is a plain date; a timestamp is kept as given.
            let plain = b.len() >= 10 && !t.contains('T');
            js(if plain { &t[..10] } else { t })
        }
        B => v.as_bool().expect("a boolean").to_string(),
        N => match v {
            Value::Number(n) => n.to_string(),
            Value::String(s) => {
                let n: serde_json::Number = serde_json::from_str(s.trim()).expect("numeric text");
                n.to_string()
            }
            other => panic!("not a number: {other}"),
        },
        A => match v {
            Value::String(s) => js(s.trim()),
            Value::Bool(b) => js(&b.to_string()),
            Value::Number(n) => js(&n.to_string()),
            other => panic!("not a scalar: {other}"),
        },
        EL => {
            let items: Vec<String> = v
                .as_array()
                .expect("an array")
                .iter()
                .filter(|i| !absent(i))
                .map(|i| js(&i.as_str().unwrap().trim().to_ascii_uppercase()))
                .collect();
            if items.is_empty() {
                return None;
            }
            format!("[{}]", items.join(","))
        }
        L(shape) => {
            let mut items = Vec::new();
            for item in v.as_array().expect("an array") {
                if absent(item) {
                    continue;
                }
                let mut s = String::new();
                if object(shape, item, false, &mut s) {
                    items.push(s);
                }
            }
            if items.is_empty() {
                return None;
            }
            format!("[{}]", items.join(","))
        }
        O(shape) => {
            let mut s = String::new();
            if !object(shape, v, false, &mut s) {
                return None;
            }
            s
        }
    })
}

fn read_sample(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const LEAD_INDIVIDUAL: &str = r#"{"communicationNumber":"ComNr_0022","requester":"Financial Institution","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"INDIVIDUAL","customerExtId":"Lead_ext1456","applicationDate":"2023-01-20","firstName":"Larosa","lastName":"Rosa","citizenshipCountry":"JP","birthDate":"1975-09-20"}"#;

const LEAD_ORGANIZATION: &str = r#"{"communicationNumber":"ComNr_00221","requester":"financial_institution","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"ORGANIZATION","customerExtId":"Lead_extid01","applicationDate":"2023-05-12","title":"Lead_Uab'Roxy'","registrationCountry":"LT","legalForm":"LTD","establishmentDate":"2000-05-10"}"#;

/// customer-organization-fullPayloadExample.json with riskManagementCategory LEAD_ORG and
/// sourceOfRiskLevel EVALUATE, in catalog order; `"10000"` became 10000 and `true` "true".
const ORG_FULL: &str = concat!(
    r#"{"communicationNumber":"Test_ComNr_003ZZZD","requester":"Company Name Amlyze","action":"CREATE","#,
    r#""sourceOfRiskLevel":"EVALUATE","riskLevel":"HIGH","customerStatus":"ACTIVE","#,
    r#""initializeScreeningProcesses":["SANCTIONS","ADVERSE_MEDIA","PEP","INTERNAL_LIST"],"#,
    r#""riskManagementCategory":"LEAD_ORG","entityType":"ORGANIZATION","customerExtId":"ORG_C1_TEST","#,
    r#""applicationDate":"2020-01-03","approvalDate":"2020-01-05","nationalCode":"REG74121101","#,
    r#""title":"LTD 'MinorMajor'","registrationCountry":"LT","legalForm":"LTD","tradingName":"MinorMajor","#,
    r#""establishmentDate":"2001-02-23","giin":"GIIN123445","lei":"LEI124545","#,
    r#""activityInRestrictedRegionDescription":"Logistics","regionOfActivityDescription":"Wester region","#,
    r#""companyAssetValue":100000,"numberOfEmployees":25,"numberOfAudits":6,"periodsOfAuditsInYears":3,"#,
    r#""periodsOfFiningInYears":3,"isAudited":true,"hasMultiLayerStructure":false,"isFinancialInstitution":false,"#,
    r#""isDirectlyManaged":true,"noMajorShareHolders":true,"isFined":false,"isListed":false,"isRegulated":false,"#,
    r#""isLicenseRequired":true,"thirdPartyServicesUsed":true,"organizationalStructureDescription":"Hierarchical","#,
    r#""licenseDescription":"Licence No.4012","thirdPartyServicesUsedDescription":"Hosting","#,
    r#""isPEP":false,"isSanctioned":false,"isInAdverseMedia":true,"isInInternalList":true,"listPurpose":"BLACK","#,
    r#""isActualAddressDeclared":true,"isCorrespondenceAddressDeclared":false,"doesCashDominate":true,"#,
    r#""activityDescription":"Logistics","incomeSourceDescription":"Salary","initialDepositSource":"Salary","#,
    r#""initialDepositBank":"TBC","initialDepositAccount":"LT0089500500000070","initialDepositAmount":10000,"#,
    r#""initialDepositCurrency":"EUR","#,
    r#""listContact":[{"contactType":"EMAIL","contactDetails":"companyMail@gmail.com","useForCommunication":true}],"#,
    r#""listAddress":[{"country":"LT","addressType":"HEADQUARTERS","addressDetails":"Verkiu g. 1-53, Vilnius","#,
    r#""city":"Vilnius","region":"EU","streetAddress":"Verkiu g.","zipCode":"04128","useForCorrespondence":true}],"#,
    r#""listBusinessEntityDocument":[{"entityType":"ORGANIZATION","identityDocumentType":"OTHER","#,
    r#""documentNumber":"LK4545587741121","documentIssueDate":"2020-01-03","documentIssueCountry":"LT","#,
    r#""documentIssueAuthority":"Migration office","documentExpiryDate":"2030-01-03","#,
    r#""description":"Main identification document"}],"#,
    r#""listAppealReason":[{"appealReasonType":"RECOMMENDATIONS"}],"#,
    r#""listIntroductionSource":[{"introductionSource":"Internet"}],"#,
    r#""listOrderedService":[{"serviceType":"LOANS"}],"#,
    r#""listDeclaredTurnover":[{"turnoverType":"PLANNED_FUTURE_INCOME","turnoverRange":"MONTHLY","from":1000,"to":2000}],"#,
    r#""listIncomeSource":[{"incomeSourceType":"SALARY","incomePercentage":95,"from":2000,"to":2200}],"#,
    r#""listPaymentPurpose":[{"paymentPurposeType":"RENT_AND_UTILITIES","turnoverDirection":"OUT"},"#,
    r#"{"paymentPurposeType":"MARKETING_SERVICES","turnoverDirection":"IN"}],"#,
    r#""listSourceOfWealth":[{"code":"6","amount":100000,"comment":"Wealth from inheritance"}],"#,
    r#""listPaymentCountry":[{"country":"LT","turnoverDirection":"IN"},{"country":"LV","turnoverDirection":"OUT"}],"#,
    r#""listActivity":[{"activityType":"ACTIVITY_OTHER","incomePercentage":15}],"#,
    r#""listRegionOfActivity":[{"region":"EU"}],"#,
    r#""listCountryOfActivity":[{"country":"LT"},{"country":"LV"}],"#,
    r#""listCountryOfTaxPayment":[{"country":"LV","taxpayerNumber":"5541245574"}],"#,
    r#""listAdditionalValues":[{"code":"relation_usa","datatype":"BOOLEAN","description":"Entity related to USA?","value":"true"}],"#,
    r#""listRelatedEntity":[{"entityType":"ORGANIZATION","relationType":"OWNER","relationDescription":"Founder","#,
    r#""extId":"Rel_entity_ExtID_4052","nationalCode":"554555447884557","activityDescription":"Financial activity","#,
    r#""regionOfActivityDescription":"Eastern Europe","share":10,"votePercentage":10,"country":"LT","#,
    r#""registrationCountry":"LT","isPEP":true,"isSanctioned":true,"isInAdverseMedia":true,"isInInternalList":true,"#,
    r#""title":"LTD 'Fokusmano'","establishmentDate":"1998-04-07","legalForm":"LTD","#,
    r#""listContact":[{"contactType":"EMAIL","contactDetails":"Karuna.info@gmail.com","useForCommunication":true}],"#,
    r#""listAddress":[{"country":"LT","addressType":"HEADQUARTERS","addressDetails":"Panemunių g. 15-4","#,
    r#""city":"Vilnius","region":"EU","streetAddress":"Panemunių g.","zipCode":"048715","useForCorrespondence":true}],"#,
    r#""listBusinessEntityDocument":[{"entityType":"ORGANIZATION","identityDocumentType":"REGISTRATIONCERTIFICATE","#,
    r#""documentNumber":"LT-4574551121","documentIssueDate":"2015-01-03","documentIssueCountry":"LT","#,
    r#""documentIssueAuthority":"VMI","documentExpiryDate":"2025-01-03","description":"Certificate of Registration"}],"#,
    r#""listIncomeSource":[{"incomeSourceType":"BUSINESS_REVENUE_OR_ASSET_SALE","incomePercentage":10,"from":10,"to":100}],"#,
    r#""listActivity":[{"activityType":"ACTIVITY_OTHER","incomePercentage":50}],"#,
    r#""listRegionOfActivity":[{"region":"EU"}],"#,
    r#""listCountryOfActivity":[{"country":"LV"}],"#,
    r#""listAdditionalValues":[{"code":"identity_verification_passed","datatype":"BOOLEAN","#,
    r#""description":"Verification has been passed?","value":"true"}]}]}"#,
);

#[test]
fn spec_canonical_agrees_with_the_literal_payloads() {
    // Guards the test's own re-statement of the spec against the hand-written lines.
    let ind: Value =
        serde_json::from_str(&read_sample(sample_path!("lead-individual-mandatory.json"))).unwrap();
    let org: Value = serde_json::from_str(&read_sample(sample_path!(
        "lead-organization-mandatory.json"
    )))
    .unwrap();
    eqnice!(LEAD_INDIVIDUAL, spec_canonical(&ind));
    eqnice!(LEAD_ORGANIZATION, spec_canonical(&org));
    let full = to_lead(
        serde_json::from_str(&read_sample(sample_path!(
            "customer-organization-fullPayloadExample.json"
        )))
        .unwrap(),
    );
    eqnice!(ORG_FULL, spec_canonical(&full));
}

#[test]
fn lead_samples_are_accepted_with_their_canonical_payloads() {
    let wd = Workdir::new();
    wd.create(
        "lead-individual-mandatory.json",
        read_sample(sample_path!("lead-individual-mandatory.json")),
    );
    wd.create(
        "lead-organization-mandatory.json",
        read_sample(sample_path!("lead-organization-mandatory.json")),
    );
    let run = wd.process();
    run.assert_exit_code(0);
    // Files in sorted order: individual before organization.
    let expected = format!("{LEAD_INDIVIDUAL}\n{LEAD_ORGANIZATION}\n");
    eqnice!(expected, run.read("accepted.ndjson"));
    eqnice!("", run.read("rejected.ndjson"));
    assert!(run.errors().is_empty(), "{:?}", run.errors());
    let s = run.summary();
    assert_eq!(s["records"], 2);
    assert_eq!(s["accepted"], 2);
    assert_eq!(s["rejected"], 0);
    assert_eq!(s["warnings"], 0);
    assert_eq!(s["asOf"], "2026-11-23");
}

/// Spec §1: a customer payload becomes a lead with a lead category, EVALUATE, and (for an
/// individual) a birthDate.
fn to_lead(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    let individual = o["entityType"] == "INDIVIDUAL";
    o.insert(
        "riskManagementCategory".into(),
        json!(if individual { "LEAD_IND" } else { "LEAD_ORG" }),
    );
    o.insert("sourceOfRiskLevel".into(), json!("EVALUATE"));
    if individual && !o.contains_key("birthDate") {
        o.insert("birthDate".into(), json!("1980-01-01"));
    }
    v
}

const IGNORED_RISK: (&str, &str) = ("ignored-for-evaluate", "riskLevel");
const IGNORED_STATUS: (&str, &str) = ("ignored-for-evaluate", "customerStatus");

/// Every customer sample, with the warnings spec §1–§2 expect once it is a lead evaluated
/// on 2026-11-23 (riskLevel/customerStatus with EVALUATE; documents expired by then).
const CUSTOMERS: &[(&str, &[(&str, &str)])] = &[
    ("customer-individual-evaluateMinPayload.json", &[]),
    ("customer-individual-evaluateOverwrite.json", &[]),
    ("customer-individual-evaluateWithScreening.json", &[]),
    (
        "customer-individual-fullPayloadExample.json",
        &[
            (
                "document-expired",
                "listRelatedEntity[0].listBusinessEntityDocument[0].documentExpiryDate",
            ),
            (
                "document-expired",
                "listRelatedEntity[1].listBusinessEntityDocument[0].documentExpiryDate",
            ),
        ],
    ),
    (
        "customer-individual-importMinPayload.json",
        &[IGNORED_RISK, IGNORED_STATUS],
    ),
    (
        "customer-individual-importOverwriteClosing.json",
        &[IGNORED_STATUS],
    ),
    (
        "customer-individual-importWithOverwriteApprovalDate.json",
        &[IGNORED_RISK, IGNORED_STATUS],
    ),
    ("customer-individual-importWithScreening.json", &[]),
    ("customer-organization-evaluateMinPayload.json", &[]),
    ("customer-organization-evaluateOverwrite.json", &[]),
    ("customer-organization-evaluateWithScreening.json", &[]),
    (
        "customer-organization-fullPayloadExample.json",
        &[
            IGNORED_RISK,
            IGNORED_STATUS,
            (
                "document-expired",
                "listRelatedEntity[0].listBusinessEntityDocument[0].documentExpiryDate",
            ),
        ],
    ),
    (
        "customer-organization-importMinPayload.json",
        &[IGNORED_RISK, IGNORED_STATUS],
    ),
    (
        "customer-organization-importOverwriteClosing.json",
        &[IGNORED_RISK, IGNORED_STATUS],
    ),
    (
        "customer-organization-importWithOverwriteApprovalDate.json",
        &[IGNORED_RISK, IGNORED_STATUS],
    ),
    (
        "customer-organization-importWithScreening.json",
        &[IGNORED_RISK, IGNORED_STATUS],
    ),
];

fn samples_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(sample_path!(""))
}

#[test]
fn every_customer_sample_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("customer-") && n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CUSTOMERS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed);
}

/// Runs one converted sample on its own (the samples reuse communicationNumbers and
/// customerExtIds between them, which is a duplicate within one run). The Workdir is
/// returned so that the outputs live as long as the caller needs them.
fn run_converted(name: &str) -> (Value, Workdir, crate::util::Run) {
    let path = samples_dir().join(name);
    let raw = std::fs::read_to_string(&path).unwrap();
    let lead = to_lead(serde_json::from_str(&raw).unwrap());
    let wd = Workdir::new();
    wd.create(name, serde_json::to_string_pretty(&lead).unwrap());
    let run = wd.process();
    (lead, wd, run)
}

#[test]
fn converted_customer_samples_are_accepted_with_spec_payloads_and_warnings() {
    let mut failures = Vec::new();
    for (name, warnings) in CUSTOMERS {
        let (lead, _wd, run) = run_converted(name);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run.assert_exit_code(0);
            let lines = run.accepted_lines();
            assert_eq!(lines.len(), 1, "{name}: accepted.ndjson {lines:?}");
            eqnice!(spec_canonical(&lead), lines[0], "{name}: canonical payload");
            assert_eq!(run.read("rejected.ndjson"), "", "{name}");
            let mut got: Vec<(String, String, String)> = run
                .errors()
                .iter()
                .map(|r| {
                    assert_eq!(r.source, *name);
                    assert_eq!(r.record, "1");
                    (r.code.clone(), r.path.clone(), r.severity.clone())
                })
                .collect();
            got.sort();
            let mut want: Vec<(String, String, String)> = warnings
                .iter()
                .map(|(c, p)| (c.to_string(), p.to_string(), "warning".to_string()))
                .collect();
            want.sort();
            eqnice!(
                crate::util::show(&want),
                crate::util::show(&got),
                "{name}: findings"
            );
            let s = run.summary();
            assert_eq!(s["accepted"], 1, "{name}");
            assert_eq!(s["warnings"], warnings.len() as u64, "{name}");
        }));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn organization_full_payload_as_lead_is_exactly_the_literal() {
    let (_, _wd, run) = run_converted("customer-organization-fullPayloadExample.json");
    run.assert_exit_code(0);
    let expected = format!("{ORG_FULL}\n");
    let got = run.read("accepted.ndjson");
    eqnice!(expected, got);
    // The key order is part of the contract (serde_json's Value would hide it).
    let keys = crate::util::top_level_keys(got.trim_end());
    let catalog: Vec<&str> = LEAD.iter().map(|(n, _)| *n).collect();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| catalog.iter().position(|c| c == k).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
}

/// The "Minimalistic request" of the vendor's Create-a-Lead page (spec/create-a-lead.md),
/// verbatim: its applicationDate `22023-01-20` is not a date (spec §2 names it), and it
/// sends riskLevel and customerStatus with EVALUATE.
#[test]
fn vendor_minimalistic_request_is_rejected_for_its_date() {
    let wd = Workdir::new();
    wd.create(
        "minimal.json",
        r#"{
	"communicationNumber": "ComNr_45",
	"customerExtId": "Lead_ExtaIdaa",
	"requester": "financial_institution",
	"action": "CREATE",
	"customerStatus": "ACTIVE",
	"riskManagementCategory": "LEAD_IND",
	"sourceOfRiskLevel": "EVALUATE",
	"riskLevel": "NONE",
	"entityType": "INDIVIDUAL",
	"applicationDate": "22023-01-20",
	"firstName": "Larosa",
	"lastName": "Rosa",
	"birthDate": "2000-05-10",
	"citizenshipCountry": "JP"
}"#,
    );
    let run = wd.process();
    run.assert_exit_code(1);
    assert_eq!(run.read("accepted.ndjson"), "");
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    let mut got = crate::util::findings_of(&rejected[0]);
    got.sort();
    let f = |c: &str, p: &str, s: &str| (c.to_string(), p.to_string(), s.to_string());
    assert_eq!(
        got,
        [
            f("bad-date", "applicationDate", "error"),
            f("ignored-for-evaluate", "customerStatus", "warning"),
            f("ignored-for-evaluate", "riskLevel", "warning"),
        ]
    );
    assert_eq!(rejected[0]["communicationNumber"], "ComNr_45");
    assert_eq!(rejected[0]["customerExtId"], "Lead_ExtaIdaa");
    assert_eq!(rejected[0]["input"]["applicationDate"], "22023-01-20");
}
