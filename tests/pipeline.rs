//! The pipeline end to end: every finding code of the spec (one table), input faults,
//! duplicates across files, determinism across `--jobs`, exit statuses, and the output
//! contract (accepted.ndjson, rejected.ndjson, errors.csv, summary.json).
//!
//! Expectations come from LEAD_SPEC.md. Where the spec leaves a detail open (which of two
//! fields a cross-field finding points at), the expected path lists the acceptable
//! alternatives separated by `|`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::eqnice;
use crate::util::{ErrorRow, Workdir, findings_of, mentions_number, top_level_keys};

// ------------------------------------------------------------------------------ records

fn individual(n: &str) -> Value {
    json!({
        "communicationNumber": format!("CN-{n}"),
        "requester": "unit-test",
        "sourceOfRiskLevel": "EVALUATE",
        "riskManagementCategory": "LEAD_IND",
        "entityType": "INDIVIDUAL",
        "customerExtId": format!("EXT-{n}"),
        "applicationDate": "2024-01-10",
        "firstName": "Jonas",
        "lastName": "Jonaitis",
        "citizenshipCountry": "LT",
        "birthDate": "1980-01-01"
    })
}

fn organization(n: &str) -> Value {
    json!({
        "communicationNumber": format!("CN-{n}"),
        "requester": "unit-test",
        "sourceOfRiskLevel": "EVALUATE",
        "riskManagementCategory": "LEAD_ORG",
        "entityType": "ORGANIZATION",
        "customerExtId": format!("EXT-{n}"),
        "applicationDate": "2024-01-10",
        "title": "UAB Testas",
        "registrationCountry": "LT",
        "legalForm": "UAB"
    })
}

fn document() -> Value {
    json!({
        "entityType": "INDIVIDUAL",
        "identityDocumentType": "PASSPORT",
        "documentNumber": "P1234567",
        "documentIssueDate": "2020-01-01",
        "documentIssueCountry": "LT",
        "documentIssueAuthority": "Police",
        "documentExpiryDate": "2030-01-01"
    })
}

fn related_individual() -> Value {
    json!({"entityType": "INDIVIDUAL", "relationType": "OWNER", "firstName": "Ona", "lastName": "Onaitė"})
}

fn related_organization() -> Value {
    json!({"entityType": "ORGANIZATION", "relationType": "OWNER", "title": "UAB Savininkas"})
}

fn additional(datatype: &str, value: Value) -> Value {
    json!({"code": "isvip", "datatype": datatype, "description": "VIP customer", "value": value})
}

fn set(v: &mut Value, key: &str, value: Value) {
    v.as_object_mut().unwrap().insert(key.to_string(), value);
}

fn del(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

/// Sets `key` of the first related entity (one is created from `base` if needed).
fn rel(v: &mut Value, base: Value, key: &str, value: Value) {
    let mut r = base;
    if value.is_null() {
        del(&mut r, key);
    } else {
        set(&mut r, key, value);
    }
    set(v, "listRelatedEntity", json!([r]));
}

// ------------------------------------------------------------------------------ the table

#[derive(Clone, Copy, PartialEq)]
enum Base {
    Ind,
    Org,
}

/// One mutation of a valid base lead and the findings the spec expects for it.
struct Case {
    name: &'static str,
    base: Base,
    edit: fn(&mut Value),
    /// Applied to the serialized line (for what a `Value` cannot express, e.g. a key twice).
    raw: Option<fn(String) -> String>,
    /// (code, path alternatives separated by '|', severity).
    expect: &'static [(&'static str, &'static str, &'static str)],
    /// (code, text the message must contain, case-insensitively).
    message: Option<(&'static str, &'static str)>,
}

const E: &str = "error";
const W: &str = "warning";

fn case(
    name: &'static str,
    base: Base,
    edit: fn(&mut Value),
    expect: &'static [(&'static str, &'static str, &'static str)],
) -> Case {
    Case {
        name,
        base,
        edit,
        raw: None,
        expect,
        message: None,
    }
}

impl Case {
    fn message(mut self, code: &'static str, text: &'static str) -> Case {
        self.message = Some((code, text));
        self
    }
    fn raw(mut self, f: fn(String) -> String) -> Case {
        self.raw = Some(f);
        self
    }
}

use Base::{Ind, Org};

/// Valid variants: accepted, and with no finding at all.
fn valid_cases() -> Vec<Case> {
    vec![
        case("base individual", Ind, |_| {}, &[]),
        case("base organization", Org, |_| {}, &[]),
        case(
            "communicationNumber of exactly 256 chars",
            Ind,
            |v| {
                let cn = v["communicationNumber"].as_str().unwrap().to_string();
                set(
                    v,
                    "communicationNumber",
                    json!(format!("{cn}-{}", "9".repeat(256 - cn.len() - 1))),
                );
            },
            &[],
        ),
        case(
            "birthDate 1900-01-01 (lower bound)",
            Ind,
            |v| set(v, "birthDate", json!("1900-01-01")),
            &[],
        ),
        case(
            "birthDate on the run's date",
            Ind,
            |v| set(v, "birthDate", json!("2026-11-23")),
            &[],
        ),
        case(
            "document expiring on the run's date is not expired",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "documentExpiryDate", json!("2026-11-23"));
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[],
        ),
        case(
            "document without expiry date",
            Ind,
            |v| {
                let mut d = document();
                del(&mut d, "documentExpiryDate");
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[],
        ),
        case(
            "percentages 0 and 100",
            Ind,
            |v| {
                set(
                    v,
                    "listActivity",
                    json!([{"activityType": "A", "incomePercentage": 100}]),
                );
                rel(v, related_individual(), "share", json!(0));
            },
            &[],
        ),
        case(
            "lead marker is case-insensitive (lead_ind)",
            Ind,
            |v| set(v, "riskManagementCategory", json!("lead_ind")),
            &[],
        ),
        case(
            "lead marker as suffix (Ind_Lead)",
            Ind,
            |v| set(v, "riskManagementCategory", json!("Ind_Lead")),
            &[],
        ),
        case(
            "lead UPDATE stays a lead",
            Ind,
            |v| set(v, "action", json!("UPDATE")),
            &[],
        ),
        case(
            "conversion with approvalDate, no birthDate",
            Ind,
            |v| {
                set(v, "action", json!("UPDATE"));
                set(v, "riskManagementCategory", json!("IND"));
                set(v, "approvalDate", json!("2024-02-01"));
                del(v, "birthDate");
            },
            &[],
        ),
        case(
            "conversion with IMPORT, riskLevel and customerStatus",
            Org,
            |v| {
                set(v, "action", json!("UPDATE"));
                set(v, "riskManagementCategory", json!("ORG"));
                set(v, "sourceOfRiskLevel", json!("IMPORT"));
                set(v, "riskLevel", json!("LOW"));
                set(v, "customerStatus", json!("ACTIVE"));
                set(v, "approvalDate", json!("2024-02-01"));
            },
            &[],
        ),
        case(
            "related individual with a registrationCountry (nothing forbidden there)",
            Org,
            |v| {
                rel(v, related_individual(), "registrationCountry", json!("LT"));
            },
            &[],
        ),
        case(
            "related organization",
            Ind,
            |v| rel(v, related_organization(), "country", json!("LV")),
            &[],
        ),
        case(
            "turnover with only from",
            Org,
            |v| {
                set(
                    v,
                    "listDeclaredTurnover",
                    json!([{"turnoverType": "T", "turnoverRange": "MONTHLY", "from": 100}]),
                );
            },
            &[],
        ),
        case(
            "additional values of every datatype",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([
                        additional("STRING", json!("anything")),
                        additional("INTEGER", json!("26")),
                        additional("INTEGER", json!(26)),
                        additional("DECIMAL", json!("10.50")),
                        additional("DATE", json!("2022-12-11")),
                        additional("TIMESTAMP", json!("2022-12-11 12:10:11.000+0200")),
                        additional("TIMESTAMP", json!("2022-12-11T12:10:11Z")),
                        additional("BOOLEAN", json!(true)),
                        additional("BOOLEAN", json!("false")),
                    ]),
                );
            },
            &[],
        ),
        case(
            "approvalDate on the applicationDate",
            Ind,
            |v| set(v, "approvalDate", json!("2024-01-10")),
            &[],
        ),
        case(
            "null and empty values are absent",
            Ind,
            |v| {
                set(v, "nationalCode", json!(""));
                set(v, "birthCountry", Value::Null);
                set(v, "listContact", json!([]));
            },
            &[],
        ),
        case(
            "communicationNumber of 256 multi-byte chars",
            Ind,
            |v| {
                let cn = v["communicationNumber"].as_str().unwrap().to_string();
                let long = format!("{cn}-{}", "Ž".repeat(256 - cn.len() - 1));
                assert_eq!(long.chars().count(), 256);
                set(v, "communicationNumber", json!(long));
            },
            &[],
        ),
        case(
            "integer as a signed digit string",
            Org,
            |v| set(v, "numberOfEmployees", json!("+5")),
            &[],
        ),
        case(
            "Kosovo XK is a country",
            Ind,
            |v| set(v, "citizenshipCountry", json!("XK")),
            &[],
        ),
        case(
            "empty action is absent (CREATE)",
            Ind,
            |v| set(v, "action", json!("")),
            &[],
        ),
        case(
            "blank riskLevel is absent: no ignored-for-evaluate",
            Ind,
            |v| set(v, "riskLevel", json!(" ")),
            &[],
        ),
    ]
}

/// Every code the spec names, each provoked by one mutation.
fn error_cases() -> Vec<Case> {
    vec![
        // ---- vendor codes, top level
        case(
            "C002 customerExtId missing",
            Ind,
            |v| del(v, "customerExtId"),
            &[("C002", "customerExtId", E)],
        ),
        case(
            "C007 riskManagementCategory missing",
            Ind,
            |v| del(v, "riskManagementCategory"),
            &[("C007", "riskManagementCategory", E)],
        ),
        case(
            "C008.I02 lead with IMPORT",
            Ind,
            |v| set(v, "sourceOfRiskLevel", json!("IMPORT")),
            &[("C008.I02", "sourceOfRiskLevel|riskManagementCategory", E)],
        ),
        case(
            "C010 entityType missing",
            Ind,
            |v| del(v, "entityType"),
            &[("C010", "entityType", E)],
        ),
        case(
            "C012 applicationDate missing",
            Org,
            |v| del(v, "applicationDate"),
            &[("C012", "applicationDate", E)],
        ),
        case(
            "C013 CLOSED without closingDate",
            Ind,
            |v| set(v, "customerStatus", json!("CLOSED")),
            &[
                ("C013", "closingDate", E),
                ("ignored-for-evaluate", "customerStatus", W),
            ],
        ),
        case(
            "C013a closingDate without status",
            Ind,
            |v| set(v, "closingDate", json!("2024-05-01")),
            &[("C013a", "closingDate", E)],
        ),
        case(
            "C013a closingDate with ACTIVE",
            Org,
            |v| {
                set(v, "customerStatus", json!("ACTIVE"));
                set(v, "closingDate", json!("2024-05-01"));
            },
            &[
                ("C013a", "closingDate", E),
                ("ignored-for-evaluate", "customerStatus", W),
            ],
        ),
        case(
            "C014 title on an individual",
            Ind,
            |v| set(v, "title", json!("Dr")),
            &[("C014", "title", E)],
        )
        .message("C014", "title"),
        case(
            "C014 numberOfEmployees on an individual",
            Ind,
            |v| set(v, "numberOfEmployees", json!(3)),
            &[("C014", "numberOfEmployees", E)],
        )
        .message("C014", "numberOfEmployees"),
        case(
            "C014 legalForm on an individual",
            Ind,
            |v| set(v, "legalForm", json!("UAB")),
            &[("C014", "legalForm", E)],
        ),
        case(
            "C015 firstName on an organization",
            Org,
            |v| set(v, "firstName", json!("Jonas")),
            &[("C015", "firstName", E)],
        )
        .message("C015", "firstName"),
        case(
            "C015 birthDate on an organization",
            Org,
            |v| set(v, "birthDate", json!("1980-01-01")),
            &[("C015", "birthDate", E)],
        ),
        case(
            "C015 fieldOfActivity on an organization",
            Org,
            |v| {
                set(
                    v,
                    "fieldOfActivity",
                    json!({"other": {"isOtherStatus": true}}),
                )
            },
            &[("C015", "fieldOfActivity", E)],
        ),
        case(
            "C016.I06 citizenshipCountry unknown",
            Ind,
            |v| set(v, "citizenshipCountry", json!("XX")),
            &[("C016.I06", "citizenshipCountry", E)],
        ),
        case(
            "C016.I06 citizenshipCountry alpha-3",
            Ind,
            |v| set(v, "citizenshipCountry", json!("LTU")),
            &[("C016.I06", "citizenshipCountry", E)],
        ),
        case(
            "C016.I06 birthCountry unknown",
            Ind,
            |v| set(v, "birthCountry", json!("ZZ")),
            &[("C016.I06", "birthCountry", E)],
        ),
        case(
            "C016.I08 secondCitizenshipCountry unknown",
            Ind,
            |v| set(v, "secondCitizenshipCountry", json!("XX")),
            &[("C016.I08", "secondCitizenshipCountry", E)],
        ),
        case(
            "C016.I08 permanentResidenceCountry UK",
            Ind,
            |v| set(v, "permanentResidenceCountry", json!("UK")),
            &[("C016.I08", "permanentResidenceCountry", E)],
        ),
        case(
            "C017.O01 title missing",
            Org,
            |v| del(v, "title"),
            &[("C017.O01", "title", E)],
        ),
        case(
            "REG registrationCountry missing",
            Org,
            |v| del(v, "registrationCountry"),
            &[("REG", "registrationCountry", E)],
        ),
        case(
            "REG registrationCountry unknown",
            Org,
            |v| set(v, "registrationCountry", json!("XX")),
            &[("REG", "registrationCountry", E)],
        ),
        case(
            "SCR01 unknown screening process",
            Ind,
            |v| {
                set(
                    v,
                    "initializeScreeningProcesses",
                    json!(["SANCTIONS", "KYC"]),
                )
            },
            &[("SCR01", "initializeScreeningProcesses[1]", E)],
        ),
        // ---- vendor codes, nested
        case(
            "Q002.DOC06 documentIssueCountry unknown",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "documentIssueCountry", json!("XX"));
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[(
                "Q002.DOC06",
                "listBusinessEntityDocument[0].documentIssueCountry",
                E,
            )],
        ),
        case(
            "Q002.DOC06 documentIssueCountry missing",
            Ind,
            |v| {
                let mut d = document();
                del(&mut d, "documentIssueCountry");
                set(v, "listBusinessEntityDocument", json!([document(), d]));
            },
            &[(
                "Q002.DOC06",
                "listBusinessEntityDocument[1].documentIssueCountry",
                E,
            )],
        ),
        case(
            "Q004.ADR02 address country unknown",
            Org,
            |v| {
                set(
                    v,
                    "listAddress",
                    json!([{"country": "XX", "city": "Vilnius"}]),
                )
            },
            &[("Q004.ADR02", "listAddress[0].country", E)],
        ),
        case(
            "Q004.ADR02 address country missing",
            Org,
            |v| {
                set(
                    v,
                    "listAddress",
                    json!([{"country": "LT"}, {"city": "Vilnius"}]),
                )
            },
            &[("Q004.ADR02", "listAddress[1].country", E)],
        ),
        case(
            "Q009.CA01 country of activity unknown",
            Org,
            |v| set(v, "listCountryOfActivity", json!([{"country": "XX"}])),
            &[("Q009.CA01", "listCountryOfActivity[0].country", E)],
        ),
        case(
            "Q014.RC01 payment country unknown",
            Org,
            |v| {
                set(
                    v,
                    "listPaymentCountry",
                    json!([{"country": "XX", "turnoverDirection": "IN"}]),
                )
            },
            &[("Q014.RC01", "listPaymentCountry[0].country", E)],
        ),
        case(
            "Q017.COTP01 tax payment country unknown",
            Ind,
            |v| {
                set(
                    v,
                    "listCountryOfTaxPayment",
                    json!([{"country": "XX", "taxpayerNumber": "1"}]),
                )
            },
            &[("Q017.COTP01", "listCountryOfTaxPayment[0].country", E)],
        ),
        case(
            "FOA01 higherSchoolCountry unknown",
            Ind,
            |v| {
                set(
                    v,
                    "fieldOfActivity",
                    json!({"student": {"isStudent": true, "higherSchoolCountry": "XX"}}),
                )
            },
            &[("FOA01", "fieldOfActivity.student.higherSchoolCountry", E)],
        ),
        case(
            "FOA02 pensionCountry unknown",
            Ind,
            |v| {
                set(
                    v,
                    "fieldOfActivity",
                    json!({"pension": {"isPensioner": true, "pensionCountry": "XX"}}),
                )
            },
            &[("FOA02", "fieldOfActivity.pension.pensionCountry", E)],
        ),
        case(
            "AV07 BOOLEAN",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([additional("BOOLEAN", json!("yes"))]),
                )
            },
            &[("AV07", "listAdditionalValues[0].value", E)],
        )
        .message(
            "AV07",
            "Bad value for BOOLEAN (values: true false) valueCode: isvip",
        ),
        case(
            "AV07 INTEGER",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([additional("INTEGER", json!("12a"))]),
                )
            },
            &[("AV07", "listAdditionalValues[0].value", E)],
        ),
        case(
            "AV07 DECIMAL",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([additional("DECIMAL", json!("ten"))]),
                )
            },
            &[("AV07", "listAdditionalValues[0].value", E)],
        ),
        case(
            "AV07 DATE",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([additional("DATE", json!("2023-02-30"))]),
                )
            },
            &[("AV07", "listAdditionalValues[0].value", E)],
        ),
        case(
            "AV07 TIMESTAMP",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([
                        additional("STRING", json!("x")),
                        additional("TIMESTAMP", json!("yesterday"))
                    ]),
                )
            },
            &[("AV07", "listAdditionalValues[1].value", E)],
        ),
        case(
            "C017.C016.RE01 relationType missing",
            Org,
            |v| rel(v, related_individual(), "relationType", Value::Null),
            &[("C017.C016.RE01", "listRelatedEntity[0].relationType", E)],
        ),
        case(
            "C017.C016.RE02 entityType missing",
            Org,
            |v| rel(v, related_individual(), "entityType", Value::Null),
            &[("C017.C016.RE02", "listRelatedEntity[0].entityType", E)],
        ),
        case(
            "C017.C016.RE03 related country unknown",
            Org,
            |v| rel(v, related_individual(), "country", json!("XX")),
            &[("C017.C016.RE03", "listRelatedEntity[0].country", E)],
        ),
        case(
            "C017.C016.RE06.Co1 related contactType missing",
            Org,
            |v| {
                rel(
                    v,
                    related_individual(),
                    "listContact",
                    json!([{"contactDetails": "a@b.lt"}]),
                )
            },
            &[(
                "C017.C016.RE06.Co1",
                "listRelatedEntity[0].listContact[0].contactType",
                E,
            )],
        ),
        case(
            "C017.C016.RE06.Co1 related contactType unknown",
            Org,
            |v| {
                rel(
                    v,
                    related_individual(),
                    "listContact",
                    json!([{"contactType": "PHONE", "contactDetails": "1"}]),
                )
            },
            &[(
                "C017.C016.RE06.Co1",
                "listRelatedEntity[0].listContact[0].contactType",
                E,
            )],
        ),
        case(
            "C017.C016.RE06.Co2 related contactDetails missing",
            Org,
            |v| {
                rel(
                    v,
                    related_individual(),
                    "listContact",
                    json!([{"contactType": "EMAIL"}]),
                )
            },
            &[(
                "C017.C016.RE06.Co2",
                "listRelatedEntity[0].listContact[0].contactDetails",
                E,
            )],
        ),
        case(
            "C017.C016.RE06.ADR02 related address country unknown",
            Org,
            |v| {
                rel(
                    v,
                    related_organization(),
                    "listAddress",
                    json!([{"country": "XX"}]),
                )
            },
            &[(
                "C017.C016.RE06.ADR02",
                "listRelatedEntity[0].listAddress[0].country",
                E,
            )],
        ),
        case(
            "C017.C016.RE06.ADR02 related address country missing",
            Org,
            |v| {
                rel(
                    v,
                    related_organization(),
                    "listAddress",
                    json!([{"city": "Rīga"}]),
                )
            },
            &[(
                "C017.C016.RE06.ADR02",
                "listRelatedEntity[0].listAddress[0].country",
                E,
            )],
        ),
        case(
            "C017.C016.RE08.DOC01 related document entityType missing",
            Org,
            |v| {
                let mut d = document();
                del(&mut d, "entityType");
                rel(
                    v,
                    related_individual(),
                    "listBusinessEntityDocument",
                    json!([d]),
                );
            },
            &[(
                "C017.C016.RE08.DOC01",
                "listRelatedEntity[0].listBusinessEntityDocument[0].entityType",
                E,
            )],
        ),
        case(
            "C017.C016.RE08.DOC06 related document country unknown",
            Org,
            |v| {
                let mut d = document();
                set(&mut d, "documentIssueCountry", json!("XX"));
                rel(
                    v,
                    related_individual(),
                    "listBusinessEntityDocument",
                    json!([d]),
                );
            },
            &[(
                "C017.C016.RE08.DOC06",
                "listRelatedEntity[0].listBusinessEntityDocument[0].documentIssueCountry",
                E,
            )],
        ),
        case(
            "C017.C016.AV07 related additional value",
            Org,
            |v| {
                rel(
                    v,
                    related_organization(),
                    "listAdditionalValues",
                    json!([additional("BOOLEAN", json!("yes"))]),
                );
            },
            &[(
                "C017.C016.AV07",
                "listRelatedEntity[0].listAdditionalValues[0].value",
                E,
            )],
        ),
        // ---- local codes
        case(
            "unknown-field with a suggestion",
            Ind,
            |v| {
                let first = v["firstName"].take();
                del(v, "firstName");
                set(v, "firstname", first);
            },
            &[
                ("unknown-field", "firstname", E),
                ("missing-field", "firstName", E),
            ],
        )
        .message("unknown-field", "firstName"),
        case(
            "unknown-field in a nested object",
            Org,
            |v| {
                set(
                    v,
                    "listAddress",
                    json!([{"country": "LT", "street": "Gedimino"}]),
                )
            },
            &[("unknown-field", "listAddress[0].street", E)],
        ),
        case(
            "missing-field communicationNumber",
            Ind,
            |v| del(v, "communicationNumber"),
            &[("missing-field", "communicationNumber", E)],
        )
        .message("missing-field", "CommunicationNumber is mandatory"),
        case(
            "missing-field requester",
            Org,
            |v| del(v, "requester"),
            &[("missing-field", "requester", E)],
        ),
        case(
            "missing-field sourceOfRiskLevel",
            Ind,
            |v| del(v, "sourceOfRiskLevel"),
            &[("missing-field", "sourceOfRiskLevel", E)],
        ),
        case(
            "missing-field firstName",
            Ind,
            |v| del(v, "firstName"),
            &[("missing-field", "firstName", E)],
        ),
        case(
            "missing-field lastName (blank)",
            Ind,
            |v| set(v, "lastName", json!("   ")),
            &[("missing-field", "lastName", E)],
        ),
        case(
            "missing-field birthDate (lead)",
            Ind,
            |v| del(v, "birthDate"),
            &[("missing-field", "birthDate", E)],
        ),
        case(
            "missing-field citizenshipCountry (null)",
            Ind,
            |v| set(v, "citizenshipCountry", Value::Null),
            &[("missing-field", "citizenshipCountry", E)],
        ),
        case(
            "missing-field legalForm",
            Org,
            |v| del(v, "legalForm"),
            &[("missing-field", "legalForm", E)],
        ),
        case(
            "missing-field contactDetails",
            Ind,
            |v| set(v, "listContact", json!([{"contactType": "EMAIL"}])),
            &[("missing-field", "listContact[0].contactDetails", E)],
        ),
        case(
            "missing-field documentNumber",
            Ind,
            |v| {
                let mut d = document();
                del(&mut d, "documentNumber");
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[(
                "missing-field",
                "listBusinessEntityDocument[0].documentNumber",
                E,
            )],
        ),
        case(
            "missing-field related firstName",
            Org,
            |v| rel(v, related_individual(), "firstName", Value::Null),
            &[("missing-field", "listRelatedEntity[0].firstName", E)],
        ),
        case(
            "missing-field related title",
            Ind,
            |v| rel(v, related_organization(), "title", Value::Null),
            &[("missing-field", "listRelatedEntity[0].title", E)],
        ),
        case(
            "missing-field turnover without from and to",
            Org,
            |v| {
                set(
                    v,
                    "listDeclaredTurnover",
                    json!([{"turnoverType": "T", "turnoverRange": "ANNUAL"}]),
                );
            },
            &[(
                "missing-field",
                "listDeclaredTurnover[0].from|listDeclaredTurnover[0].to|listDeclaredTurnover[0]",
                E,
            )],
        ),
        case(
            "missing-field additional value description",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([{"code": "c", "datatype": "STRING", "value": "x"}]),
                );
            },
            &[("missing-field", "listAdditionalValues[0].description", E)],
        ),
        case(
            "missing-field payment purpose direction",
            Org,
            |v| {
                set(
                    v,
                    "listPaymentPurpose",
                    json!([{"paymentPurposeType": "RENT"}]),
                );
            },
            &[(
                "missing-field",
                "listPaymentPurpose[0].turnoverDirection",
                E,
            )],
        ),
        case(
            "bad-type boolean as text",
            Ind,
            |v| set(v, "isPEP", json!("yes")),
            &[("bad-type", "isPEP", E)],
        ),
        case(
            "bad-type JSON string \"true\" is not a Boolean",
            Ind,
            |v| set(v, "isPEP", json!("true")),
            &[("bad-type", "isPEP", E)],
        ),
        case(
            "bad-type string as number",
            Ind,
            |v| set(v, "firstName", json!(123)),
            &[("bad-type", "firstName", E)],
        ),
        case(
            "bad-type integer text",
            Org,
            |v| set(v, "numberOfEmployees", json!("many")),
            &[("bad-type", "numberOfEmployees", E)],
        ),
        case(
            "bad-type date as number",
            Ind,
            |v| set(v, "birthDate", json!(19800101)),
            &[("bad-type", "birthDate", E)],
        ),
        case(
            "bad-type list as object",
            Org,
            |v| set(v, "listAddress", json!({"country": "LT"})),
            &[("bad-type", "listAddress", E)],
        ),
        case(
            "bad-type decimal with comma",
            Ind,
            |v| set(v, "initialDepositAmount", json!("10,5")),
            &[("bad-type", "initialDepositAmount", E)],
        ),
        case(
            "bad-type percent with fraction",
            Org,
            |v| rel(v, related_individual(), "share", json!(10.5)),
            &[("bad-type", "listRelatedEntity[0].share", E)],
        ),
        case(
            "bad-type nested boolean",
            Ind,
            |v| {
                set(
                    v,
                    "listContact",
                    json!([{"contactType": "EMAIL", "contactDetails": "a@b.lt", "useForCommunication": "Y"}]),
                );
            },
            &[("bad-type", "listContact[0].useForCommunication", E)],
        ),
        case(
            "bad-enum action",
            Ind,
            |v| set(v, "action", json!("DELETE")),
            &[("bad-enum", "action", E)],
        ),
        case(
            "bad-enum sourceOfRiskLevel",
            Org,
            |v| set(v, "sourceOfRiskLevel", json!("MAYBE")),
            &[("bad-enum", "sourceOfRiskLevel", E)],
        ),
        case(
            "bad-enum listPurpose",
            Org,
            |v| set(v, "listPurpose", json!("GREY")),
            &[("bad-enum", "listPurpose", E)],
        ),
        case(
            "bad-enum contactType",
            Ind,
            |v| {
                set(
                    v,
                    "listContact",
                    json!([{"contactType": "PHONE", "contactDetails": "1"}]),
                )
            },
            &[("bad-enum", "listContact[0].contactType", E)],
        ),
        case(
            "bad-enum identityDocumentType",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "identityDocumentType", json!("ID_CARD"));
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[(
                "bad-enum",
                "listBusinessEntityDocument[0].identityDocumentType",
                E,
            )],
        ),
        case(
            "bad-enum turnoverRange",
            Org,
            |v| {
                set(
                    v,
                    "listDeclaredTurnover",
                    json!([{"turnoverType": "T", "turnoverRange": "WEEKLY", "from": 1}]),
                );
            },
            &[("bad-enum", "listDeclaredTurnover[0].turnoverRange", E)],
        ),
        case(
            "bad-enum turnoverDirection",
            Org,
            |v| {
                set(
                    v,
                    "listPaymentCountry",
                    json!([{"country": "LT", "turnoverDirection": "BOTH"}]),
                )
            },
            &[("bad-enum", "listPaymentCountry[0].turnoverDirection", E)],
        ),
        case(
            "bad-enum datatype",
            Org,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([additional("TEXT", json!("x"))]),
                )
            },
            &[("bad-enum", "listAdditionalValues[0].datatype", E)],
        ),
        case(
            "bad-date February 30",
            Ind,
            |v| set(v, "birthDate", json!("2023-02-30")),
            &[("bad-date", "birthDate", E)],
        ),
        case(
            "bad-date five-digit year",
            Ind,
            |v| set(v, "applicationDate", json!("22023-01-20")),
            &[("bad-date", "applicationDate", E)],
        ),
        case(
            "bad-date not leap year",
            Org,
            |v| set(v, "approvalDate", json!("2021-02-29")),
            &[("bad-date", "approvalDate", E)],
        ),
        case(
            "bad-date unpadded",
            Org,
            |v| set(v, "establishmentDate", json!("2023-1-5")),
            &[("bad-date", "establishmentDate", E)],
        ),
        case(
            "bad-date document issue date",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "documentIssueDate", json!("20/01/2023"));
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[(
                "bad-date",
                "listBusinessEntityDocument[0].documentIssueDate",
                E,
            )],
        ),
        case(
            "bad-code currency",
            Ind,
            |v| set(v, "initialDepositCurrency", json!("XYZ")),
            &[("bad-code", "initialDepositCurrency", E)],
        ),
        case(
            "bad-code related registrationCountry",
            Org,
            |v| {
                rel(
                    v,
                    related_organization(),
                    "registrationCountry",
                    json!("XX"),
                )
            },
            &[("bad-code", "listRelatedEntity[0].registrationCountry", E)],
        ),
        case(
            "bad-code related birthCountry",
            Org,
            |v| rel(v, related_individual(), "birthCountry", json!("QQ")),
            &[("bad-code", "listRelatedEntity[0].birthCountry", E)],
        ),
        case(
            "too-long communicationNumber (257 chars)",
            Ind,
            |v| set(v, "communicationNumber", json!("L".repeat(257))),
            &[("too-long", "communicationNumber", E)],
        ),
        case(
            "out-of-range birthDate in the future",
            Ind,
            |v| set(v, "birthDate", json!("2026-11-24")),
            &[("out-of-range", "birthDate", E)],
        ),
        case(
            "out-of-range birthDate before 1900",
            Ind,
            |v| set(v, "birthDate", json!("1899-12-31")),
            &[("out-of-range", "birthDate", E)],
        ),
        case(
            "out-of-range establishmentDate in the future",
            Org,
            |v| set(v, "establishmentDate", json!("2027-01-01")),
            &[("out-of-range", "establishmentDate", E)],
        ),
        case(
            "out-of-range establishmentDate before 1900",
            Org,
            |v| set(v, "establishmentDate", json!("1850-06-01")),
            &[("out-of-range", "establishmentDate", E)],
        ),
        case(
            "out-of-range related birthDate",
            Org,
            |v| rel(v, related_individual(), "birthDate", json!("1850-01-01")),
            &[("out-of-range", "listRelatedEntity[0].birthDate", E)],
        ),
        case(
            "out-of-range related establishmentDate",
            Ind,
            |v| {
                rel(
                    v,
                    related_organization(),
                    "establishmentDate",
                    json!("2030-01-01"),
                )
            },
            &[("out-of-range", "listRelatedEntity[0].establishmentDate", E)],
        ),
        case(
            "out-of-range expiry before issue",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "documentIssueDate", json!("2030-06-01"));
                set(&mut d, "documentExpiryDate", json!("2030-01-01"));
                set(v, "listBusinessEntityDocument", json!([d]));
            },
            &[(
                "out-of-range",
                "listBusinessEntityDocument[0].documentExpiryDate|listBusinessEntityDocument[0].documentIssueDate",
                E,
            )],
        ),
        case(
            "out-of-range percent 101",
            Ind,
            |v| {
                set(
                    v,
                    "listActivity",
                    json!([{"activityType": "A", "incomePercentage": 101}]),
                )
            },
            &[("out-of-range", "listActivity[0].incomePercentage", E)],
        ),
        case(
            "out-of-range related share 101",
            Org,
            |v| rel(v, related_individual(), "share", json!(101)),
            &[("out-of-range", "listRelatedEntity[0].share", E)],
        ),
        case(
            "out-of-range votePercentage -1",
            Org,
            |v| rel(v, related_individual(), "votePercentage", json!(-1)),
            &[("out-of-range", "listRelatedEntity[0].votePercentage", E)],
        ),
        case(
            "out-of-range numberOfEmployees -1",
            Org,
            |v| set(v, "numberOfEmployees", json!(-1)),
            &[("out-of-range", "numberOfEmployees", E)],
        ),
        case(
            "out-of-range negative deposit",
            Ind,
            |v| set(v, "initialDepositAmount", json!(-5)),
            &[("out-of-range", "initialDepositAmount", E)],
        ),
        case(
            "out-of-range turnover from > to",
            Org,
            |v| {
                set(
                    v,
                    "listDeclaredTurnover",
                    json!([{"turnoverType": "T", "turnoverRange": "MONTHLY", "from": 2000, "to": 1000}]),
                );
            },
            &[(
                "out-of-range",
                "listDeclaredTurnover[0].from|listDeclaredTurnover[0].to|listDeclaredTurnover[0]",
                E,
            )],
        ),
        case(
            "not-a-lead CREATE without marker",
            Ind,
            |v| set(v, "riskManagementCategory", json!("IND")),
            &[("not-a-lead", "riskManagementCategory", E)],
        ),
        case(
            "not-a-lead LEAD without underscore",
            Org,
            |v| set(v, "riskManagementCategory", json!("LEADORG")),
            &[("not-a-lead", "riskManagementCategory", E)],
        ),
        case(
            "not-a-lead MISLEAD",
            Org,
            |v| {
                set(v, "riskManagementCategory", json!("MISLEAD"));
                set(v, "action", json!("create"));
            },
            &[("not-a-lead", "riskManagementCategory", E)],
        ),
        case(
            "approval-date-required for a conversion",
            Ind,
            |v| {
                set(v, "action", json!("UPDATE"));
                set(v, "riskManagementCategory", json!("IND"));
            },
            &[("approval-date-required", "approvalDate", E)],
        ),
        case(
            "conversion with IMPORT needs riskLevel and customerStatus",
            Ind,
            |v| {
                set(v, "action", json!("UPDATE"));
                set(v, "riskManagementCategory", json!("IND"));
                set(v, "sourceOfRiskLevel", json!("IMPORT"));
                set(v, "approvalDate", json!("2024-02-01"));
            },
            &[
                ("missing-field", "riskLevel", E),
                ("missing-field", "customerStatus", E),
            ],
        ),
        case(
            "duplicate-field at the top",
            Ind,
            |_| {},
            &[("duplicate-field", "firstName", E)],
        )
        .raw(|l| l.replacen('{', r#"{"firstName":"Petras","#, 1)),
        case(
            "duplicate-field in a nested object",
            Org,
            |v| {
                set(
                    v,
                    "listAddress",
                    json!([{"country": "LT", "city": "Vilnius"}]),
                )
            },
            &[("duplicate-field", "listAddress[0].city", E)],
        )
        .raw(|l| l.replace(r#""city":"Vilnius""#, r#""city":"Vilnius","city":"Kaunas""#)),
        // ---- warnings (the record is still accepted)
        case(
            "ignored-for-evaluate riskLevel",
            Ind,
            |v| set(v, "riskLevel", json!("LOW")),
            &[("ignored-for-evaluate", "riskLevel", W)],
        ),
        case(
            "ignored-for-evaluate customerStatus",
            Org,
            |v| set(v, "customerStatus", json!("PENDING")),
            &[("ignored-for-evaluate", "customerStatus", W)],
        ),
        case(
            "date-order approval before application",
            Ind,
            |v| set(v, "approvalDate", json!("2024-01-05")),
            &[("date-order", "approvalDate|applicationDate", W)],
        ),
        case(
            "document-expired",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "documentExpiryDate", json!("2026-11-22"));
                set(v, "listBusinessEntityDocument", json!([document(), d]));
            },
            &[(
                "document-expired",
                "listBusinessEntityDocument[1].documentExpiryDate",
                W,
            )],
        ),
        case(
            "document-expired in a related entity",
            Org,
            |v| {
                let mut d = document();
                set(&mut d, "documentExpiryDate", json!("2025-01-03"));
                rel(
                    v,
                    related_individual(),
                    "listBusinessEntityDocument",
                    json!([d]),
                );
            },
            &[(
                "document-expired",
                "listRelatedEntity[0].listBusinessEntityDocument[0].documentExpiryDate",
                W,
            )],
        ),
        case(
            "duplicate-field through an alias (lei and LEI)",
            Org,
            |v| set(v, "lei", json!("LEI-A")),
            &[("duplicate-field", "lei|LEI", E)],
        )
        .raw(|l| l.replacen('{', r#"{"LEI":"LEI-B","#, 1)),
        case(
            "unknown-field in a related entity",
            Org,
            |v| rel(v, related_individual(), "nickname", json!("Oni")),
            &[("unknown-field", "listRelatedEntity[0].nickname", E)],
        ),
        case(
            "C017.C016.RE02 related entityType unknown",
            Org,
            |v| rel(v, related_organization(), "entityType", json!("PERSON")),
            &[("C017.C016.RE02", "listRelatedEntity[0].entityType", E)],
        ),
        case(
            "Q004.ADR02 empty address object",
            Ind,
            |v| set(v, "listAddress", json!([{}])),
            &[("Q004.ADR02", "listAddress[0].country", E)],
        ),
    ]
}

/// Spec §2: "A value of the wrong type is an error (bad-type)": a JSON number or boolean
/// where a code is expected is not an unknown code, it is the wrong type.
fn wrong_type_for_coded_fields_cases() -> Vec<Case> {
    vec![
        case(
            "bad-type country as a number",
            Ind,
            |v| set(v, "citizenshipCountry", json!(370)),
            &[("bad-type", "citizenshipCountry", E)],
        ),
        case(
            "bad-type registrationCountry as a boolean",
            Org,
            |v| set(v, "registrationCountry", json!(true)),
            &[("bad-type", "registrationCountry", E)],
        ),
        case(
            "bad-type screening processes as a string",
            Ind,
            |v| set(v, "initializeScreeningProcesses", json!("SANCTIONS")),
            &[("bad-type", "initializeScreeningProcesses", E)],
        ),
        case(
            "bad-type address country as a number",
            Org,
            |v| set(v, "listAddress", json!([{"country": 440}])),
            &[("bad-type", "listAddress[0].country", E)],
        ),
    ]
}

/// Spec §2: "approvalDate before applicationDate" is a `date-order` warning. Both are
/// Dates, and a Date may be a timestamp: an approval an hour before the application is
/// before it, even on the same calendar day.
fn date_order_timestamp_cases() -> Vec<Case> {
    vec![
        case(
            "date-order with timestamps on the same day",
            Ind,
            |v| {
                set(v, "applicationDate", json!("2024-04-10T10:45:00.000+02:00"));
                set(v, "approvalDate", json!("2024-04-10T09:45:00.000+02:00"));
            },
            &[("date-order", "approvalDate|applicationDate", W)],
        ),
        case(
            "date-order with timestamps across zones",
            Org,
            |v| {
                // 2024-04-10T00:30+02:00 is 2024-04-09T22:30Z: before the application.
                set(v, "applicationDate", json!("2024-04-09T23:00:00Z"));
                set(v, "approvalDate", json!("2024-04-10T00:30:00+02:00"));
            },
            &[("date-order", "approvalDate|applicationDate", W)],
        ),
    ]
}

/// Runs the cases as one NDJSON file (record i is case i) and returns one failure message
/// per case whose findings or verdict differ from the spec.
fn run_cases(cases: &[Case]) -> Vec<String> {
    let wd = Workdir::new();
    let mut text = String::new();
    let mut records = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let n = format!("{:03}", i + 1);
        let mut v = match c.base {
            Ind => individual(&n),
            Org => organization(&n),
        };
        (c.edit)(&mut v);
        let mut line = serde_json::to_string(&v).unwrap();
        if let Some(raw) = c.raw {
            line = raw(line);
        }
        text.push_str(&line);
        text.push('\n');
        records.push(v);
    }
    wd.create("cases.ndjson", &text);
    let run = wd.process();
    let errors = run.errors();
    let rejected = run.rejected();
    let accepted = run.accepted();
    let mut by_record: BTreeMap<u64, Vec<&ErrorRow>> = BTreeMap::new();
    for r in &errors {
        assert_eq!(r.source, "cases.ndjson");
        let rec: u64 = r.record.parse().expect("a record ordinal");
        assert_eq!(r.line, r.record, "one record per line");
        by_record.entry(rec).or_default().push(r);
    }
    let rejected_by: BTreeMap<u64, &Value> = rejected
        .iter()
        .map(|r| (r["record"].as_u64().unwrap(), r))
        .collect();
    let accepted_cns: BTreeSet<String> = accepted
        .iter()
        .map(|a| a["communicationNumber"].as_str().unwrap().to_string())
        .collect();

    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let ordinal = i as u64 + 1;
        let rows = by_record.get(&ordinal).cloned().unwrap_or_default();
        let got: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| (r.code.clone(), r.path.clone(), r.severity.clone()))
            .collect();
        let mut problems = Vec::new();
        if let Some(unmatched) = match_findings(c.expect, &got) {
            problems.push(unmatched);
        }
        let should_reject = c.expect.iter().any(|(_, _, s)| *s == E);
        let cn = records[i]["communicationNumber"]
            .as_str()
            .map(str::to_string);
        match (should_reject, rejected_by.get(&ordinal)) {
            (true, None) => problems.push("expected REJECTED, was accepted".into()),
            (false, Some(_)) => problems.push("expected ACCEPTED, was rejected".into()),
            (true, Some(r)) => {
                // rejected.ndjson carries the same findings as errors.csv.
                let mut a = findings_of(r);
                a.sort();
                let mut b = got.clone();
                b.sort();
                if a != b {
                    problems.push(format!("rejected.ndjson errors {a:?} != errors.csv {b:?}"));
                }
                if cn.as_ref().is_some_and(|cn| accepted_cns.contains(cn)) {
                    problems.push("rejected record also in accepted.ndjson".into());
                }
            }
            (false, None) => {
                if !cn.as_ref().is_some_and(|cn| accepted_cns.contains(cn)) {
                    problems.push("not in accepted.ndjson".into());
                }
            }
        }
        // errors.csv names the record by its identifiers.
        for r in &rows {
            if let Some(cn) = cn.as_deref().filter(|cn| cn.len() <= 256)
                && r.communication_number != cn
            {
                problems.push(format!(
                    "errors.csv communicationNumber {:?}",
                    r.communication_number
                ));
            }
            if let Some(ext) = records[i]["customerExtId"].as_str()
                && r.customer_ext_id != ext
            {
                problems.push(format!("errors.csv customerExtId {:?}", r.customer_ext_id));
            }
        }
        if let Some((code, text)) = c.message {
            let ok = rows
                .iter()
                .any(|r| r.code == code && r.message.to_lowercase().contains(&text.to_lowercase()));
            if !ok {
                let msgs: Vec<&str> = rows.iter().map(|r| r.message.as_str()).collect();
                problems.push(format!("no {code} message containing {text:?}: {msgs:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "case {ordinal} {:?}:\n  expected: {:?}\n  got:      {:?}\n  {}",
                c.name,
                c.expect,
                got,
                problems.join("\n  ")
            ));
        }
    }
    failures
}

/// None when `got` is exactly `expected` (paths may list alternatives); else a description.
fn match_findings(
    expected: &[(&str, &str, &str)],
    got: &[(String, String, String)],
) -> Option<String> {
    let mut left: Vec<&(String, String, String)> = got.iter().collect();
    let mut missing = Vec::new();
    for (code, paths, sev) in expected {
        let pos = left
            .iter()
            .position(|(c, p, s)| c == code && s == sev && paths.split('|').any(|alt| alt == p));
        match pos {
            Some(p) => {
                left.remove(p);
            }
            None => missing.push(format!("{code} {paths} {sev}")),
        }
    }
    if missing.is_empty() && left.is_empty() {
        None
    } else {
        Some(format!("missing {missing:?}, unexpected {left:?}"))
    }
}

#[test]
fn valid_variants_are_accepted_without_findings() {
    let failures = run_cases(&valid_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_spec_code_is_reported_with_its_path_and_severity() {
    let failures = run_cases(&error_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn wrong_json_types_of_coded_fields_are_bad_type() {
    let failures = run_cases(&wrong_type_for_coded_fields_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn date_order_compares_timestamps() {
    let failures = run_cases(&date_order_timestamp_cases());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
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

// ------------------------------------------------------------------------------ input faults

fn lead_line(cn: &str) -> String {
    let mut v = individual(cn);
    set(&mut v, "communicationNumber", json!(cn));
    serde_json::to_string(&v).unwrap()
}

/// A JSON array whose element 2 (line 3) is broken inside, and whose structure breaks on
/// line 5 (a missing comma between two elements).
const BAD_ELEMENT: &str = r#"  {"communicationNumber": "ARR-2", "requester": , "x": 1},"#;

fn broken_array() -> String {
    format!(
        "[\n  {},\n{}\n  {},\n  {} {},\n  {}\n]\n",
        lead_line("ARR-1"),
        BAD_ELEMENT,
        lead_line("ARR-3"),
        lead_line("ARR-4"),
        lead_line("ARR-5"),
        lead_line("ARR-6"),
    )
}

#[test]
fn json_array_element_parse_error_gives_the_file_column() {
    let wd = Workdir::new();
    wd.create("batch.json", broken_array());
    let run = wd.process();
    run.assert_exit_code(1);
    let rejected = run.rejected();
    let msg = rejected[0]["errors"][0]["message"].as_str().unwrap();
    // The unexpected ',' is on line 3 of the file, at this 1-based column.
    let col = BAD_ELEMENT.find(": ,").unwrap() + 3;
    assert_eq!(&BAD_ELEMENT[col - 1..col], ",");
    assert!(
        msg.contains("line 3") && msg.contains(&format!("column {col}")),
        "{msg}"
    );
}

#[test]
fn json_array_with_a_syntax_error_midway() {
    let wd = Workdir::new();
    let text = broken_array();
    let line5 = text.lines().nth(4).unwrap().to_string();
    wd.create("batch.json", &text);
    wd.create("ok.ndjson", format!("{}\n", lead_line("OK-1")));
    let run = wd.process();
    run.assert_exit_code(1);

    let accepted: Vec<String> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].as_str().unwrap().to_string())
        .collect();
    // Everything before the structural fault is processed, and the other file too.
    for cn in ["ARR-1", "ARR-3", "ARR-4", "OK-1"] {
        assert!(
            accepted.contains(&cn.to_string()),
            "{cn} not accepted: {accepted:?}"
        );
    }
    assert_eq!(accepted[..3], ["ARR-1", "ARR-3", "ARR-4"]);
    assert_eq!(accepted.last().unwrap(), "OK-1");

    // The broken element: rejected alone, parse-error with line and column, input null.
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let r = &rejected[0];
    assert_eq!(r["source"], "batch.json");
    assert_eq!(r["record"], 2);
    assert_eq!(r["line"], 3);
    assert_eq!(
        findings_of(r),
        [("parse-error".into(), "".into(), "error".into())]
    );
    assert_eq!(r["input"], Value::Null);
    let msg = r["errors"][0]["message"].as_str().unwrap();
    // The exact column is checked by json_array_element_parse_error_gives_the_file_column.
    assert!(msg.contains("line 3") && msg.contains("column"), "{msg}");

    // The structural fault: a file-level row (no record), and the file's summary says so.
    let errors = run.errors();
    let file_rows: Vec<&ErrorRow> = errors.iter().filter(|e| e.record.is_empty()).collect();
    assert_eq!(file_rows.len(), 1, "{errors:?}");
    let f = file_rows[0];
    assert_eq!(
        (f.source.as_str(), f.code.as_str(), f.severity.as_str()),
        ("batch.json", "parse-error", "error")
    );
    let col5 = line5.rfind(" {").unwrap() + 2;
    assert!(
        f.message.contains("line 5") && f.message.contains(&format!("column {col5}")),
        "{}",
        f.message
    );
    let s = run.summary();
    let by_file = s["byFile"].as_array().unwrap();
    let batch = by_file
        .iter()
        .find(|f| f["source"] == "batch.json")
        .unwrap();
    assert!(
        batch["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{batch}"
    );
    assert_eq!(batch["rejected"], 1);
    assert_eq!(
        batch["records"].as_u64().unwrap(),
        batch["accepted"].as_u64().unwrap() + batch["rejected"].as_u64().unwrap()
    );
    let ok = by_file.iter().find(|f| f["source"] == "ok.ndjson").unwrap();
    assert!(ok.get("error").is_none_or(Value::is_null), "{ok}");
    assert_eq!(s["byCode"]["parse-error"], 2);
}

#[test]
fn json_array_error_on_a_later_line_of_an_element() {
    let wd = Workdir::new();
    // Element 2 is pretty-printed over lines 3-8; its fault (a trailing comma) is on line 6.
    let mut lines = vec!["[".to_string(), format!("  {},", lead_line("P-1"))];
    lines.push("  {".into());
    lines.push(r#"    "communicationNumber": "P-2","#.into());
    lines.push(r#"    "requester": "x","#.into());
    lines.push(r#"    "firstName": "Jonas",}"#.into());
    lines.push("  ,".into());
    lines.push(format!("  {}", lead_line("P-3")));
    lines.push("]".into());
    wd.create("pretty.json", lines.join("\n"));
    let run = wd.process();
    run.assert_exit_code(1);
    let cns: Vec<Value> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].clone())
        .collect();
    assert_eq!(cns, [json!("P-1"), json!("P-3")]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["record"], 2);
    assert_eq!(rejected[0]["line"], 3);
    assert_eq!(
        findings_of(&rejected[0]),
        [("parse-error".into(), "".into(), "error".into())]
    );
    let msg = rejected[0]["errors"][0]["message"].as_str().unwrap();
    // The '}' after the trailing comma: line 6 of the file, column 26.
    assert_eq!(lines[5].find(",}").unwrap() + 2, 26);
    assert!(msg.contains("line 6") && msg.contains("column 26"), "{msg}");
    assert!(run.errors().iter().all(|e| !e.record.is_empty()));
}

#[test]
fn ndjson_with_one_bad_line() {
    let wd = Workdir::new();
    let bad = r#"{"communicationNumber": "N-3", "requester" "x"}"#;
    let text = format!(
        "{}\n{}\n\n{}\n{}\n",
        lead_line("N-1"),
        lead_line("N-2"),
        bad,
        lead_line("N-4")
    );
    wd.create("leads.ndjson", &text);
    let run = wd.process();
    run.assert_exit_code(1);
    let cns: Vec<Value> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].clone())
        .collect();
    assert_eq!(cns, [json!("N-1"), json!("N-2"), json!("N-4")]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    let r = &rejected[0];
    // The blank line is skipped: the bad line is record 3, on line 4.
    assert_eq!(r["record"], 3);
    assert_eq!(r["line"], 4);
    assert_eq!(r["input"], Value::Null);
    assert_eq!(
        findings_of(r),
        [("parse-error".into(), "".into(), "error".into())]
    );
    let msg = r["errors"][0]["message"].as_str().unwrap();
    let col = bad.find(r#" "x""#).unwrap() + 2;
    assert!(
        msg.contains("line 4") && msg.contains(&format!("column {col}")),
        "{msg}"
    );
    let s = run.summary();
    assert_eq!(
        (
            s["records"].as_u64(),
            s["accepted"].as_u64(),
            s["rejected"].as_u64()
        ),
        (Some(4), Some(3), Some(1))
    );
}

#[test]
fn customers_wrapper() {
    let wd = Workdir::new();
    let text = std::fs::read_to_string(crate::fixture_path!("customers-wrapper.json")).unwrap();
    wd.create("wrapped.json", text);
    let run = wd.process();
    run.assert_exit_code(1);
    let expected =
        std::fs::read_to_string(crate::fixture_path!("customers-wrapper.accepted.ndjson")).unwrap();
    eqnice!(expected, run.read("accepted.ndjson"));
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["source"], "wrapped.json");
    assert_eq!(rejected[0]["record"], 3);
    assert_eq!(rejected[0]["communicationNumber"], "W-3");
    assert_eq!(
        findings_of(&rejected[0]),
        [(
            "C016.I06".into(),
            "citizenshipCountry".into(),
            "error".into()
        )]
    );
    let s = run.summary();
    assert_eq!(s["byFile"][0]["records"], 3);
    assert_eq!(s["byFile"][0]["format"], "json");
}

#[test]
fn single_object_json_file() {
    let wd = Workdir::new();
    wd.create(
        "one.json",
        serde_json::to_string_pretty(&organization("ONE")).unwrap(),
    );
    let run = wd.process();
    run.assert_exit_code(0);
    let a = run.accepted();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["communicationNumber"], "CN-ONE");
    assert_eq!(a[0]["action"], "CREATE");
}

// ------------------------------------------------------------------------------ duplicates

#[test]
fn duplicates_across_files_reject_the_later_record() {
    let wd = Workdir::new();
    let mk = |cn: &str, ext: &str, action: Option<&str>| {
        let mut v = individual("x");
        set(&mut v, "communicationNumber", json!(cn));
        set(&mut v, "customerExtId", json!(ext));
        if let Some(a) = action {
            set(&mut v, "action", json!(a));
        }
        v
    };
    // Created first, but sorts after "a-first.ndjson".
    wd.create_ndjson(
        "sub/z-later.ndjson",
        &[
            mk("CN-A", "EXT-9", None),           // communicationNumber reused
            mk("CN-C", "EXT-1", Some("CREATE")), // customerExtId of a CREATE reused
            mk("CN-D", "EXT-2", Some("UPDATE")), // an UPDATE may reuse it
            mk("CN-E", "EXT-3", None),           // first CREATE after an UPDATE
            mk("CN-E", "EXT-4", None),           // same file, later line
        ],
    );
    wd.create_ndjson(
        "a-first.ndjson",
        &[
            mk("CN-0", "EXT-0", None),
            mk("CN-A", "EXT-1", None),
            mk("CN-B", "EXT-2", Some("CREATE")),
            mk("CN-U", "EXT-3", Some("UPDATE")),
        ],
    );
    let run = wd.process();
    run.assert_exit_code(1);
    let accepted: Vec<String> = run
        .accepted()
        .iter()
        .map(|a| a["communicationNumber"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(accepted, ["CN-0", "CN-A", "CN-B", "CN-U", "CN-D", "CN-E"]);
    let rejected = run.rejected();
    type Finding = (String, String, String);
    let got: Vec<(String, u64, Vec<Finding>)> = rejected
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["record"].as_u64().unwrap(),
                findings_of(r),
            )
        })
        .collect();
    let f = |c: &str, p: &str| (c.to_string(), p.to_string(), "error".to_string());
    assert_eq!(
        got,
        [
            (
                "sub/z-later.ndjson".to_string(),
                1,
                vec![f("duplicate-communication-number", "communicationNumber")]
            ),
            (
                "sub/z-later.ndjson".to_string(),
                2,
                vec![f("duplicate-customer-ext-id", "customerExtId")]
            ),
            (
                "sub/z-later.ndjson".to_string(),
                5,
                vec![f("duplicate-communication-number", "communicationNumber")]
            ),
        ]
    );
    // The message names the first holder: file and record.
    let m1 = rejected[0]["errors"][0]["message"].as_str().unwrap();
    assert!(
        m1.contains("a-first.ndjson") && mentions_number(m1, 2),
        "{m1}"
    );
    let m2 = rejected[1]["errors"][0]["message"].as_str().unwrap();
    assert!(
        m2.contains("a-first.ndjson") && mentions_number(m2, 2),
        "{m2}"
    );
    let m3 = rejected[2]["errors"][0]["message"].as_str().unwrap();
    assert!(
        m3.contains("sub/z-later.ndjson") && mentions_number(m3, 4),
        "{m3}"
    );
    // The rejected record is echoed as read even though it was fine on its own.
    assert_eq!(rejected[0]["input"], mk("CN-A", "EXT-9", None));
}

#[test]
fn a_rejected_record_still_uses_its_communication_number() {
    // Spec §5: "a communicationNumber already used by an earlier record of the same run",
    // whatever that record's verdict.
    let wd = Workdir::new();
    let mut first = individual("1");
    set(&mut first, "communicationNumber", json!("DUP-X"));
    set(&mut first, "citizenshipCountry", json!("XX"));
    let mut second = organization("2");
    set(&mut second, "communicationNumber", json!("DUP-X"));
    wd.create_ndjson("leads.jsonl", &[first, second]);
    let run = wd.process();
    run.assert_exit_code(1);
    assert!(run.accepted().is_empty());
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 2);
    assert_eq!(
        findings_of(&rejected[1]),
        [(
            "duplicate-communication-number".into(),
            "communicationNumber".into(),
            "error".into()
        )]
    );
    let m = rejected[1]["errors"][0]["message"].as_str().unwrap();
    assert!(m.contains("leads.jsonl") && mentions_number(m, 1), "{m}");
    // `.jsonl` is NDJSON (spec §6).
    assert_eq!(run.summary()["byFile"][0]["format"], "ndjson");
}

// ------------------------------------------------------------------------------ determinism

/// summary.json without the given top-level keys, pretty-printed for a readable diff.
fn summary_without(run: &crate::util::Run, keys: &[&str]) -> String {
    let mut s = run.summary();
    assert!(s["elapsedMs"].is_u64(), "summary has elapsedMs");
    s["outputs"].as_object_mut().unwrap().remove("report.html");
    for k in keys {
        s.as_object_mut().unwrap().remove(*k);
    }
    serde_json::to_string_pretty(&s).unwrap()
}

/// The corpus processed with --jobs 1 and with --jobs 4.
fn corpus_with_jobs_1_and_4(wd: &Workdir) -> (crate::util::Run, crate::util::Run) {
    wd.gen_corpus("corpus.ndjson", 3000, 7);
    let run = |jobs: &str, out: &str| {
        wd.command("process")
            .arg("in")
            .args(["--jobs", jobs])
            .out(wd.path().join(out))
            .run()
    };
    let (one, four) = (run("1", "out1"), run("4", "out4"));
    one.assert_exit_code(1);
    four.assert_exit_code(1);
    (one, four)
}

#[test]
fn jobs_1_and_jobs_4_give_identical_record_outputs() {
    let wd = Workdir::new();
    let (one, four) = corpus_with_jobs_1_and_4(&wd);
    for name in ["accepted.ndjson", "rejected.ndjson", "errors.csv"] {
        let (a, b) = (one.read_bytes(name), four.read_bytes(name));
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between --jobs 1 and --jobs 4");
    }
}

/// report.html states the elapsed time (a run's metadata), so its digest in `outputs` varies
/// from run to run like `elapsedMs` itself; everything else is identical.
#[test]
fn jobs_1_and_jobs_4_give_identical_summaries_minus_elapsed() {
    let wd = Workdir::new();
    let (one, four) = corpus_with_jobs_1_and_4(&wd);
    eqnice!(
        summary_without(&one, &["elapsedMs"]),
        summary_without(&four, &["elapsedMs"])
    );
}

#[test]
fn every_record_is_accepted_or_rejected_exactly_once_and_agrees_with_the_generator() {
    let wd = Workdir::new();
    let (_, expected) = wd.gen_corpus("corpus.ndjson", 3000, 7);
    let run = wd.process();
    run.assert_exit_code(1);
    let s = run.summary();
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(n(&s["records"]), 3000);
    assert_eq!(n(&s["records"]), n(&s["accepted"]) + n(&s["rejected"]));
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(
            n(&f["records"]),
            n(&f["accepted"]) + n(&f["rejected"]),
            "{f}"
        );
    }
    let accepted = run.accepted();
    let rejected = run.rejected();
    assert_eq!(accepted.len() as u64, n(&s["accepted"]));
    assert_eq!(rejected.len() as u64, n(&s["rejected"]));

    // Accepted payloads carry the generator's communicationNumber ComNr_7_<ordinal>.
    let mut seen = BTreeSet::new();
    for a in &accepted {
        let cn = a["communicationNumber"].as_str().unwrap();
        let ord: u64 = cn.strip_prefix("ComNr_7_").unwrap().parse().unwrap();
        assert!(seen.insert(ord), "ordinal {ord} accepted twice");
    }
    let mut rejected_ords = BTreeSet::new();
    for r in &rejected {
        let ord = r["record"].as_u64().unwrap();
        assert!(rejected_ords.insert(ord), "ordinal {ord} rejected twice");
        assert!(seen.insert(ord), "ordinal {ord} both accepted and rejected");
        assert_eq!(r["line"].as_u64().unwrap(), ord, "one record per line");
    }
    assert_eq!(seen, (1..=3000).collect::<BTreeSet<u64>>());

    // The generator's verdicts, except lower-case countries: valid per spec §2.
    let lower_case_country = |e: &crate::util::Expected| {
        e.fault == "bad_country"
            && e.detail
                .rsplit('=')
                .next()
                .is_some_and(|c| c.chars().all(|c| c.is_ascii_lowercase()))
    };
    let lower: Vec<u64> = expected
        .iter()
        .filter(|e| lower_case_country(e))
        .map(|e| e.ordinal)
        .collect();
    assert!(
        !lower.is_empty(),
        "the corpus should contain lower-case country faults"
    );
    let want: BTreeSet<u64> = expected
        .iter()
        .filter(|e| !e.valid && !lower_case_country(e))
        .map(|e| e.ordinal)
        .collect();
    let extra: Vec<_> = rejected_ords.difference(&want).collect();
    let missed: Vec<_> = want
        .difference(&rejected_ords)
        .map(|o| &expected[*o as usize - 1])
        .collect();
    assert!(
        extra.is_empty() && missed.is_empty(),
        "rejected but valid per generator/spec: {extra:?}\nnot rejected: {missed:?}"
    );
    for o in lower {
        assert!(
            !rejected_ords.contains(&o),
            "lower-case country record {o} rejected"
        );
    }
}

#[test]
fn validate_writes_the_same_findings_as_process_but_no_payloads() {
    let wd = Workdir::new();
    wd.gen_corpus("corpus.ndjson", 400, 11);
    let p = wd
        .command("process")
        .arg("in")
        .out(wd.path().join("p"))
        .run();
    let v = wd
        .command("validate")
        .arg("in")
        .out(wd.path().join("v"))
        .run();
    p.assert_exit_code(1);
    v.assert_exit_code(1);
    assert!(p.out.join("accepted.ndjson").exists());
    assert!(
        !v.out.join("accepted.ndjson").exists(),
        "validate wrote accepted.ndjson"
    );
    for name in ["rejected.ndjson", "errors.csv"] {
        assert!(p.read_bytes(name) == v.read_bytes(name), "{name} differs");
    }
    assert!(!v.rejected().is_empty());
    // The counts are the same; `outputs` lists the files written, which differ by design.
    eqnice!(
        summary_without(&p, &["elapsedMs", "outputs"]),
        summary_without(&v, &["elapsedMs", "outputs"])
    );
}

// ------------------------------------------------------------------------------ exit statuses

#[test]
fn exit_status_0_when_everything_is_accepted() {
    let wd = Workdir::new();
    wd.create_ndjson("ok.ndjson", &[individual("1"), organization("2")]);
    let run = wd.process();
    run.assert_exit_code(0);
    assert_eq!(run.accepted().len(), 2);
}

#[test]
fn exit_status_0_with_warnings_only() {
    let wd = Workdir::new();
    let mut v = individual("1");
    set(&mut v, "riskLevel", json!("HIGH"));
    wd.create_ndjson("warn.ndjson", &[v]);
    let run = wd.process();
    run.assert_exit_code(0);
    assert_eq!(run.errors().len(), 1);
    assert_eq!(run.summary()["warnings"], 1);
}

#[test]
fn exit_status_1_when_a_record_is_rejected() {
    let wd = Workdir::new();
    let mut bad = individual("2");
    del(&mut bad, "requester");
    wd.create_ndjson("mixed.ndjson", &[individual("1"), bad]);
    let run = wd.process();
    run.assert_exit_code(1);
    assert_eq!(run.accepted().len(), 1);
    assert_eq!(run.rejected().len(), 1);
}

fn write_markers(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
    ] {
        std::fs::write(dir.join(name), format!("MARKER {name}\n")).unwrap();
    }
}

fn assert_markers(dir: &std::path::Path) {
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
    ] {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            format!("MARKER {name}\n"),
            "{name} was replaced"
        );
    }
}

#[test]
fn exit_status_2_for_a_missing_input_and_outputs_are_kept() {
    let wd = Workdir::new();
    wd.create_ndjson("ok.ndjson", &[individual("1")]);
    write_markers(&wd.out());
    let run = wd
        .command("process")
        .arg(wd.input())
        .arg(wd.path().join("does-not-exist"))
        .out(wd.out())
        .run();
    run.assert_exit_code(2);
    assert!(!run.stderr.is_empty());
    assert_markers(&wd.out());
}

#[test]
fn exit_status_2_for_bad_flags_and_outputs_are_kept() {
    let wd = Workdir::new();
    wd.create_ndjson("ok.ndjson", &[individual("1")]);
    write_markers(&wd.out());
    let bad_date = std::process::Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .current_dir(wd.path())
        .args([
            "process",
            "in",
            "--out",
            "out",
            "-q",
            "--as-of",
            "2023-02-30",
        ])
        .output()
        .unwrap();
    assert_eq!(bad_date.status.code(), Some(2), "{bad_date:?}");
    assert_markers(&wd.out());
    let unknown = wd
        .command("process")
        .arg("in")
        .arg("--no-such-flag")
        .out(wd.out())
        .run();
    unknown.assert_exit_code(2);
    let no_command = std::process::Command::new(env!("CARGO_BIN_EXE_leadbatch"))
        .output()
        .unwrap();
    assert_eq!(no_command.status.code(), Some(2));
    assert_markers(&wd.out());
}

// ------------------------------------------------------------------------------ output contract

#[test]
fn rejected_line_shape() {
    let wd = Workdir::new();
    let mut v = individual("SHAPE");
    set(&mut v, "citizenshipCountry", json!("XX"));
    set(
        &mut v,
        "listContact",
        json!([{"contactType": "EMAIL", "contactDetails": "a@b.lt"}]),
    );
    let line = serde_json::to_string(&v).unwrap();
    wd.create("sub/dir/shape.ndjson", format!("\n{line}\n"));
    let run = wd.process();
    run.assert_exit_code(1);
    let text = run.read("rejected.ndjson");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        top_level_keys(lines[0]),
        [
            "source",
            "record",
            "line",
            "resultType",
            "communicationNumber",
            "customerExtId",
            "errors",
            "input"
        ]
    );
    let r: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(r["source"], "sub/dir/shape.ndjson");
    assert_eq!(r["record"], 1);
    assert_eq!(r["line"], 2);
    assert_eq!(r["resultType"], "REQUEST_REJECTED");
    assert_eq!(r["communicationNumber"], "CN-SHAPE");
    assert_eq!(r["customerExtId"], "EXT-SHAPE");
    assert_eq!(r["input"], v, "input is the record as read");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    let mut keys: Vec<&String> = e.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "message", "path", "severity"]);
    assert_eq!(e["code"], "C016.I06");
    assert_eq!(e["path"], "citizenshipCountry");
    assert_eq!(e["severity"], "error");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    // The same finding in errors.csv.
    let rows = run.errors();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.source.as_str(), row.record.as_str(), row.line.as_str()),
        ("sub/dir/shape.ndjson", "1", "2")
    );
    assert_eq!(
        (
            row.customer_ext_id.as_str(),
            row.communication_number.as_str()
        ),
        ("EXT-SHAPE", "CN-SHAPE")
    );
    assert_eq!(
        (row.code.as_str(), row.path.as_str(), row.severity.as_str()),
        ("C016.I06", "citizenshipCountry", "error")
    );
    assert_eq!(row.message, e["message"].as_str().unwrap());
}

#[cfg(unix)]
#[test]
fn output_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    let mut bad = individual("2");
    set(&mut bad, "birthDate", json!("2023-02-30"));
    wd.create_ndjson("leads.ndjson", &[individual("1"), bad]);
    let run = wd.process();
    run.assert_exit_code(1);
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
    ] {
        assert!(run.out.join(name).is_file(), "{name} missing");
    }
    // Every file the run wrote holds personal data: readable by the owner only.
    for entry in std::fs::read_dir(&run.out).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "{:?}: {:o}",
            entry.file_name(),
            mode & 0o777
        );
    }
}

#[test]
fn output_directory_inside_the_input_is_not_read_back() {
    let wd = Workdir::new();
    let mut bad = individual("2");
    del(&mut bad, "lastName");
    wd.create_ndjson("leads.ndjson", &[individual("1"), bad]);
    let out = wd.input().join("out");
    let first = wd.command("process").arg(wd.input()).out(&out).run();
    first.assert_exit_code(1);
    let accepted_first = first.read("accepted.ndjson");
    let second = wd.command("process").arg(wd.input()).out(&out).run();
    second.assert_exit_code(1);
    let s = second.summary();
    assert_eq!(s["files"], 1, "{s}");
    assert_eq!(s["records"], 2);
    assert_eq!(s["byFile"].as_array().unwrap().len(), 1);
    assert_eq!(s["byFile"][0]["source"], "leads.ndjson");
    assert_eq!(second.read("accepted.ndjson"), accepted_first);
}

#[test]
fn summary_counts_codes_and_files() {
    let wd = Workdir::new();
    let mut a = individual("1");
    set(&mut a, "riskLevel", json!("LOW"));
    let mut b = organization("2");
    set(&mut b, "registrationCountry", json!("XX"));
    set(&mut b, "numberOfEmployees", json!(-3));
    wd.create_ndjson("b.ndjson", &[a, b]);
    wd.create_ndjson("a.ndjson", &[individual("3")]);
    wd.create("notes.txt", "not a lead file");
    let run = wd.process();
    run.assert_exit_code(1);
    let s = run.summary();
    assert_eq!(s["asOf"], "2026-11-23");
    assert!(s["spec"].as_str().is_some_and(|v| !v.is_empty()));
    assert_eq!(s["files"], 2);
    assert_eq!(s["records"], 3);
    assert_eq!(s["accepted"], 2);
    assert_eq!(s["rejected"], 1);
    assert_eq!(s["warnings"], 1);
    assert_eq!(
        s["byCode"],
        json!({"ignored-for-evaluate": 1, "REG": 1, "out-of-range": 1})
    );
    let sources: Vec<&str> = s["byFile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["a.ndjson", "b.ndjson"]);
    assert_eq!(s["skippedFiles"], json!(["notes.txt"]));
}
