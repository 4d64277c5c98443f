//! `spec_canonical`: the canonical payload of a lead written from spec §2–§4 (the catalog
//! order of spec §3, canonical values, absent fields dropped), independently of the binary,
//! and its guard against the payloads written out literally.

use serde_json::Value;

use super::customers::ORG_FULL;
use super::leads::{LEAD_INDIVIDUAL, LEAD_ORGANIZATION};
use super::{read_sample, to_lead};
use crate::{eqnice, sample_path};

/// How spec §2 writes a value of a field.
#[derive(Clone, Copy)]
pub(super) enum K {
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
pub(super) const LEAD: Shape = &[
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
pub(crate) fn spec_canonical(lead: &Value) -> String {
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
