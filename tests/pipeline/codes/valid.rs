//! Valid variants of the base leads: boundary values, lead markers, conversions, every
//! datatype of an additional value. Each is accepted, and with no finding at all.

use serde_json::{Value, json};

use super::{Case, Ind, Org, case};
use crate::pipeline::{
    additional, del, document, rel, related_individual, related_organization, set,
};

/// Valid variants: accepted, and with no finding at all.
pub(super) fn valid_cases() -> Vec<Case> {
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
        // Spec §4: a related entity's address may omit addressDetails.
        case(
            "related entity address without addressDetails",
            Org,
            |v| {
                rel(
                    v,
                    related_individual(),
                    "listAddress",
                    json!([{"country": "LT", "city": "Vilnius"}]),
                )
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
