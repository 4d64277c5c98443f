//! The vendor's codes of the finding-code table: first those of the top level, then those
//! of nested objects and lists (composed codes such as `C017.C016.RE02`).

use serde_json::{Value, json};

use super::{Case, E, Ind, Org, W, case};
use crate::pipeline::{
    additional, del, document, rel, related_individual, related_organization, set,
};

/// The vendor's codes, each provoked by one mutation (the first part of `error_cases`).
pub(super) fn vendor_cases() -> Vec<Case> {
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
                    json!([{"country": "XX", "addressDetails": "Gedimino pr. 9", "city": "Vilnius"}]),
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
                    json!([
                        {"country": "LT", "addressDetails": "Gedimino pr. 9"},
                        {"addressDetails": "Gedimino pr. 9", "city": "Vilnius"}
                    ]),
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
        // Spec §4: the vendor's TIMESTAMP form is `yyyy-MM-dd HH:mm:ss.SSSZ`, with exactly three
        // fraction digits; without them it is not the vendor's form (nor RFC 3339: a space).
        case(
            "AV07 TIMESTAMP without milliseconds",
            Ind,
            |v| {
                set(
                    v,
                    "listAdditionalValues",
                    json!([additional("TIMESTAMP", json!("2022-12-11 12:10:11+0200"))]),
                )
            },
            &[("AV07", "listAdditionalValues[0].value", E)],
        )
        .message(
            "AV07",
            "Bad value for TIMESTAMP (format: 'yyyy-MM-dd HH:mm:ss.SSSZ') valueCode: isvip",
        ),
        case(
            "C017.C016.AV07 related TIMESTAMP without milliseconds",
            Org,
            |v| {
                rel(
                    v,
                    related_individual(),
                    "listAdditionalValues",
                    json!([
                        additional("TIMESTAMP", json!("2022-12-11 12:10:11.000+0200")),
                        additional("TIMESTAMP", json!("2022-12-11 12:10:11-0500")),
                    ]),
                );
            },
            &[(
                "C017.C016.AV07",
                "listRelatedEntity[0].listAdditionalValues[1].value",
                E,
            )],
        ),
    ]
}
