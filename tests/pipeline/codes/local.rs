//! The local codes of the finding-code table (unknown-field, missing-field, bad-type,
//! bad-date, bad-enum, out-of-range, duplicate-field, ...), and `bad-type` for a JSON number
//! or boolean where a code is expected.

use serde_json::{Value, json};

use super::{Case, E, Ind, Org, case};
use crate::pipeline::{
    additional, del, document, rel, related_individual, related_organization, set,
};

/// The local codes, each provoked by one mutation (the second part of `error_cases`).
pub(super) fn local_cases() -> Vec<Case> {
    vec![
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
                    json!([{"country": "LT", "addressDetails": "Gedimino pr. 9", "street": "Gedimino"}]),
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
                    json!([{"country": "LT", "addressDetails": "Gedimino pr. 9", "city": "Vilnius"}]),
                )
            },
            &[("duplicate-field", "listAddress[0].city", E)],
        )
        .raw(|l| l.replace(r#""city":"Vilnius""#, r#""city":"Vilnius","city":"Kaunas""#)),
    ]
}

/// Spec §2: "A value of the wrong type is an error (bad-type)": a JSON number or boolean
/// where a code is expected is not an unknown code, it is the wrong type.
pub(super) fn wrong_type_for_coded_fields_cases() -> Vec<Case> {
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
            |v| {
                set(
                    v,
                    "listAddress",
                    json!([{"country": 440, "addressDetails": "Gedimino pr. 9"}]),
                )
            },
            &[("bad-type", "listAddress[0].country", E)],
        ),
    ]
}
