//! Strategies for whole leads: the fields of both entity types, an individual, an
//! organization, and 1–3 leads with unique identifiers within a file.

use proptest::prelude::*;

use super::records::{
    FieldS, activity, additional_value, contact, declared_turnover, document, income_source,
    lead_address, list, obj, one, opt, rec, related_entity, req,
};
use super::values::{
    CURRENCIES, boolean, country, date, date_or_timestamp, decimal, integer, kept, nb_text, recase,
    string_value, text, word,
};
use super::{Rec, V};

/// Fields of both entity types (spec §3 "O | O").
fn common_fields() -> Vec<FieldS> {
    vec![
        req("communicationNumber", nb_text()),
        req("requester", nb_text()),
        opt(0.5, "action", word(&["CREATE", "UPDATE"])),
        req("sourceOfRiskLevel", word(&["EVALUATE"])),
        opt(
            0.1,
            "riskLevel",
            word(&["NONE", "LOW", "MEDIUM", "HIGH", "EXTREME"]),
        ),
        opt(
            0.1,
            "customerStatus",
            word(&["PENDING", "ACTIVE", "REJECTED", "SUSPENDED"]),
        ),
        opt(
            0.3,
            "initializeScreeningProcesses",
            (
                prop::sample::subsequence(
                    &["SANCTIONS", "PEP", "ADVERSE_MEDIA", "INTERNAL_LIST"][..],
                    1..=4,
                ),
                any::<u64>(),
            )
                .prop_map(|(w, bits)| V::Words(w.iter().map(|s| recase(s, bits)).collect())),
        ),
        opt(0.3, "businessUnit", nb_text()),
        req(
            "riskManagementCategory",
            kept(&[
                "LEAD_IND",
                "lead_org",
                "LEAD_AMLYZE",
                "IND_LEAD",
                "Org_Lead",
            ]),
        ),
        req("customerExtId", nb_text()),
        req("applicationDate", date_or_timestamp()),
        opt(0.3, "approvalDate", date_or_timestamp()),
        opt(0.3, "nationalCode", text()),
        opt(0.2, "isPEP", boolean()),
        opt(0.2, "isSanctioned", boolean()),
        opt(0.1, "isInAdverseMedia", boolean()),
        opt(0.1, "isInInternalList", boolean()),
        opt(0.2, "listPurpose", word(&["BLACK", "WHITE"])),
        opt(0.1, "isActualAddressDeclared", boolean()),
        opt(0.1, "isCorrespondenceAddressDeclared", boolean()),
        opt(0.1, "doesCashDominate", boolean()),
        opt(0.3, "activityDescription", text()),
        opt(0.1, "incomeSourceDescription", text()),
        opt(0.1, "incomingPaymentDescription", text()),
        opt(0.1, "outgoingPaymentDescription", text()),
        opt(0.1, "initialDepositSource", text()),
        opt(0.1, "initialDepositBank", text()),
        opt(0.1, "initialDepositAccount", text()),
        opt(0.3, "initialDepositAmount", decimal()),
        opt(0.2, "initialDepositCurrency", word(CURRENCIES)),
        list(0.4, "listContact", "Contact", 3, contact()),
        list(0.4, "listAddress", "Address", 2, lead_address()),
        list(
            0.3,
            "listBusinessEntityDocument",
            "BusinessEntityDocument",
            2,
            document(),
        ),
        list(
            0.1,
            "listAppealReason",
            "AppealReason",
            2,
            one("appealReasonType", nb_text()),
        ),
        list(
            0.1,
            "listIntroductionSource",
            "IntroductionSource",
            2,
            one("introductionSource", nb_text()),
        ),
        list(
            0.1,
            "listOrderedService",
            "OrderedService",
            2,
            one("serviceType", nb_text()),
        ),
        list(
            0.15,
            "listDeclaredTurnover",
            "DeclaredTurnover",
            2,
            declared_turnover(),
        ),
        list(0.15, "listIncomeSource", "IncomeSource", 2, income_source()),
        list(
            0.1,
            "listPaymentPurpose",
            "PaymentPurpose",
            2,
            rec(vec![
                req("paymentPurposeType", nb_text()),
                req("turnoverDirection", word(&["IN", "OUT"])),
            ]),
        ),
        list(
            0.3,
            "listSourceOfWealth",
            "SourceOfWealth",
            2,
            rec(vec![
                req("code", nb_text()),
                opt(0.6, "amount", decimal()),
                opt(0.4, "comment", text()),
            ]),
        ),
        list(
            0.15,
            "listPaymentCountry",
            "PaymentCountry",
            3,
            rec(vec![
                req("country", country()),
                req("turnoverDirection", word(&["IN", "OUT"])),
            ]),
        ),
        list(0.1, "listActivity", "Activity", 2, activity()),
        list(
            0.1,
            "listRegionOfActivity",
            "RegionOfActivity",
            2,
            one("region", nb_text()),
        ),
        list(
            0.1,
            "listCountryOfActivity",
            "CountryOfActivity",
            2,
            one("country", country()),
        ),
        list(
            0.1,
            "listCountryOfTaxPayment",
            "CountryOfTaxPayment",
            2,
            rec(vec![
                req("country", country()),
                opt(0.5, "taxpayerNumber", text()),
            ]),
        ),
        list(
            0.3,
            "listAdditionalValues",
            "AdditionalValue",
            3,
            additional_value(),
        ),
        list(
            0.3,
            "listRelatedEntity",
            "RelatedEntity",
            2,
            related_entity(),
        ),
    ]
}

fn individual() -> impl Strategy<Value = Rec> {
    let mut fields = common_fields();
    fields.extend([
        req("entityType", word(&["INDIVIDUAL"])),
        req("firstName", nb_text()),
        req("lastName", nb_text()),
        req("citizenshipCountry", country()),
        req("birthDate", date(1900, 2025)),
        opt(0.3, "birthCountry", country()),
        opt(0.2, "secondCitizenshipCountry", country()),
        opt(0.2, "permanentResidenceCountry", country()),
        opt(0.2, "isLegalResident", boolean()),
        opt(0.2, "isFamilyPEP", boolean()),
        opt(0.1, "isLitigated", boolean()),
        opt(0.1, "amlOfficer", boolean()),
        obj(
            0.4,
            "fieldOfActivity",
            vec![
                obj(
                    0.6,
                    "employment",
                    vec![
                        opt(0.5, "employerTitle", text()),
                        opt(0.5, "employmentPositionDescription", text()),
                        opt(0.5, "isEmployee", boolean()),
                        opt(0.3, "isSelfEmployed", boolean()),
                        opt(0.3, "isUnemployed", boolean()),
                    ],
                ),
                obj(
                    0.3,
                    "other",
                    vec![
                        opt(0.7, "isOtherStatus", boolean()),
                        opt(0.5, "otherStatusDescription", text()),
                    ],
                ),
                obj(
                    0.3,
                    "pension",
                    vec![
                        opt(0.7, "isPensioner", boolean()),
                        opt(0.5, "pensionCountry", country()),
                    ],
                ),
                obj(
                    0.5,
                    "student",
                    vec![
                        opt(0.7, "isStudent", boolean()),
                        opt(0.5, "higherSchoolTitle", text()),
                        opt(0.5, "higherSchoolCountry", country()),
                    ],
                ),
            ],
        ),
    ]);
    rec(fields)
}

fn organization() -> impl Strategy<Value = Rec> {
    let mut fields = common_fields();
    fields.extend([
        req("entityType", word(&["ORGANIZATION"])),
        req("title", nb_text()),
        req("registrationCountry", country()),
        req("legalForm", nb_text()),
        opt(0.3, "tradingName", text()),
        opt(0.4, "establishmentDate", date(1900, 2025)),
        // Written under the input alias or the canonical name.
        opt(0.2, "GIIN", text()),
        opt(0.2, "lei", text()),
        opt(0.1, "giin", text()),
        opt(0.1, "LEI", text()),
        opt(0.1, "activityInRestrictedRegionDescription", text()),
        opt(0.1, "regionOfActivityDescription", text()),
        opt(0.2, "companyAssetValue", integer(0..=2_000_000_000)),
        opt(0.3, "numberOfEmployees", integer(0..=100_000)),
        opt(0.1, "numberOfAudits", integer(0..=50)),
        opt(0.1, "periodsOfAuditsInYears", integer(0..=50)),
        opt(0.1, "periodsOfFiningInYears", integer(0..=50)),
        opt(0.2, "isAudited", boolean()),
        opt(0.1, "hasMultiLayerStructure", boolean()),
        opt(0.1, "isFinancialInstitution", boolean()),
        opt(0.1, "isDirectlyManaged", boolean()),
        opt(0.1, "noMajorShareHolders", boolean()),
        opt(0.1, "isFined", boolean()),
        opt(0.1, "isListed", boolean()),
        opt(0.1, "isRegulated", boolean()),
        opt(0.1, "isLicenseRequired", boolean()),
        opt(0.1, "thirdPartyServicesUsed", boolean()),
        opt(0.1, "organizationalStructureDescription", text()),
        opt(0.1, "licenseDescription", text()),
        opt(0.1, "thirdPartyServicesUsedDescription", text()),
    ]);
    rec(fields)
}

/// A lead with its fields in random order.
fn lead() -> impl Strategy<Value = Rec> {
    prop_oneof![7 => individual(), 3 => organization()].prop_shuffle()
}

/// Without the giin/GIIN (or lei/LEI) pair twice, which would be a duplicate field.
fn without_alias_pairs(mut r: Rec) -> Rec {
    for (a, b) in [("GIIN", "giin"), ("LEI", "lei")] {
        if r.iter().any(|(k, _)| *k == a) {
            r.retain(|(k, _)| *k != b);
        }
    }
    r
}

/// 1–3 leads; communicationNumber and customerExtId made unique within the file.
pub(super) fn leads() -> impl Strategy<Value = Vec<Rec>> {
    prop::collection::vec(lead(), 1..=3).prop_map(|leads| {
        leads
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let mut r = without_alias_pairs(r);
                for (k, v) in r.iter_mut() {
                    if (*k == "communicationNumber" || *k == "customerExtId")
                        && let V::S { text, .. } = v
                    {
                        let unique = format!("N{i}_{}", text.trim());
                        *v = string_value(unique);
                    }
                }
                r
            })
            .collect()
    })
}
