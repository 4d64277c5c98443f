//! The faults: `inject` breaks a valid record in exactly one way, as the python generator
//! does, and names the fault and the field (and bad value) it broke.

use super::vocab::*;
use super::{Obj, Rng, V, address, contact, document, first_item, s, set};

/// Applies one fault of `FAULTS` to `rec` (ordinal `i`); returns its name and detail.
pub fn inject(r: &mut Rng, rec: &mut Obj, i: u64) -> (&'static str, String) {
    let ind = rec
        .iter()
        .any(|(k, v)| *k == "entityType" && *v == s("INDIVIDUAL"));
    let entity = if ind { "INDIVIDUAL" } else { "ORGANIZATION" };
    let mut fault = r.pick(FAULTS);
    // A field of the other entity type: the one that fits this record.
    if fault == "org_field_on_individual" || fault == "ind_field_on_organization" {
        fault = if ind {
            "org_field_on_individual"
        } else {
            "ind_field_on_organization"
        };
    }
    let detail = match fault {
        "missing_mandatory" => {
            let own = if ind { IND_MANDATORY } else { ORG_MANDATORY };
            let all: Vec<&str> = MANDATORY.iter().chain(own).copied().collect();
            let key = r.pick(&all);
            rec.retain(|(k, _)| *k != key);
            key.to_string()
        }
        "bad_date" => bad_date(r, rec, ind, entity),
        "bad_country" => {
            let bad = r.pick(BAD_COUNTRIES);
            let own = if ind {
                "citizenshipCountry"
            } else {
                "registrationCountry"
            };
            if r.pick(&[own, "address"]) == "address" {
                set(
                    first_item(rec, "listAddress", || address(r)),
                    "country",
                    s(bad),
                );
                format!("listAddress.0.country={bad}")
            } else {
                set(rec, own, s(bad));
                format!("{own}={bad}")
            }
        }
        "import_with_lead_category" => {
            set(rec, "sourceOfRiskLevel", s("IMPORT"));
            "sourceOfRiskLevel=IMPORT".to_string()
        }
        "org_field_on_individual" => {
            let key = r.pick(ORG_ONLY);
            set(rec, key, other_entity_value(key));
            key.to_string()
        }
        "ind_field_on_organization" => {
            let key = r.pick(IND_ONLY);
            set(rec, key, other_entity_value(key));
            key.to_string()
        }
        "bad_enum" => bad_enum(r, rec, i, entity),
        "wrong_boolean_type" => {
            let bad = r.pick(BAD_BOOLEANS);
            let own = if ind { "amlOfficer" } else { "isAudited" };
            let key = r.pick(&["isPEP", "isSanctioned", own, "contact"]);
            if key == "contact" {
                let c = first_item(rec, "listContact", || contact(r, i));
                set(c, "useForCommunication", s(bad));
                format!("listContact.0.useForCommunication={bad}")
            } else {
                set(rec, key, s(bad));
                format!("{key}={bad}")
            }
        }
        "unknown_field" => {
            let key = r.pick(UNKNOWN_FIELDS);
            set(rec, key, s(format!("x{}", i % 100)));
            key.to_string()
        }
        "comm_number_too_long" => {
            let long = format!("ComNr_{i}_{}", "0".repeat(260));
            set(rec, "communicationNumber", s(long));
            "len>256".to_string()
        }
        "non_lead_category" => {
            set(rec, "action", s("CREATE"));
            let cat = if ind { "IND_AMLYZE" } else { "ORG_AMLYZE" };
            set(rec, "riskManagementCategory", s(cat));
            cat.to_string()
        }
        other => unreachable!("fault {other}"),
    };
    (fault, detail)
}

/// A well-typed value for a field that belongs to the other entity type only.
fn other_entity_value(key: &str) -> V {
    match key {
        "legalForm" => s("LTD"),
        "title" => s("Lead Holding"),
        "registrationCountry" | "citizenshipCountry" => s("LT"),
        "numberOfEmployees" => V::Int(12),
        "isAudited" | "amlOfficer" => V::Bool(true),
        "isFamilyPEP" => V::Bool(false),
        "LEI" => s("LEI0001"),
        "establishmentDate" => s("2001-02-23"),
        "firstName" => s("Jonas"),
        "birthDate" => s("1980-01-01"),
        "fieldOfActivity" => V::Obj(vec![(
            "other",
            V::Obj(vec![("isOtherStatus", V::Bool(true))]),
        )]),
        other => unreachable!("no value for {other}"),
    }
}

fn bad_date(r: &mut Rng, rec: &mut Obj, ind: bool, entity: &str) -> String {
    let bad = r.pick(BAD_DATES);
    let own = if ind {
        "birthDate"
    } else {
        "establishmentDate"
    };
    let key = r.pick(&["applicationDate", own, "doc"]);
    if key == "doc" {
        let d = first_item(rec, "listBusinessEntityDocument", || document(r, entity));
        set(d, "documentIssueDate", s(bad));
        format!("listBusinessEntityDocument.0.documentIssueDate={bad}")
    } else {
        set(rec, key, s(bad));
        format!("{key}={bad}")
    }
}

fn bad_enum(r: &mut Rng, rec: &mut Obj, i: u64, entity: &str) -> String {
    let key = r.pick(&[
        "action",
        "contactType",
        "identityDocumentType",
        "turnoverRange",
        "turnoverDirection",
        "listPurpose",
        "screening",
    ]);
    match key {
        "action" => set(rec, "action", s("DELETE")),
        "contactType" => {
            let c = first_item(rec, "listContact", || contact(r, i));
            set(c, "contactType", s("PHONE"));
        }
        "identityDocumentType" => {
            let d = first_item(rec, "listBusinessEntityDocument", || document(r, entity));
            set(d, "identityDocumentType", s("ID_CARD"));
        }
        "turnoverRange" => {
            let t = vec![
                ("turnoverType", s("PLANNED_FUTURE_INCOME")),
                ("turnoverRange", s("WEEKLY")),
                ("from", V::Int(1)),
            ];
            set(rec, "listDeclaredTurnover", V::List(vec![V::Obj(t)]));
        }
        "turnoverDirection" => {
            let c = vec![("country", s("LT")), ("turnoverDirection", s("BOTH"))];
            set(rec, "listPaymentCountry", V::List(vec![V::Obj(c)]));
        }
        "listPurpose" => set(rec, "listPurpose", s("GREY")),
        _ => {
            let processes = V::List(vec![s("SANCTIONS"), s("KYC")]);
            set(rec, "initializeScreeningProcesses", processes);
        }
    }
    key.to_string()
}
