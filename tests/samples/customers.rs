//! The vendor's customer samples converted to leads (`to_lead`): every sample is listed and
//! accepted with its spec payload and the expected warnings; the organization full payload
//! is exactly the literal, in catalog order.

use serde_json::Value;

use super::canonical::LEAD;
use super::{spec_canonical, to_lead};
use crate::util::Workdir;
use crate::{eqnice, sample_path};

/// customer-organization-fullPayloadExample.json with riskManagementCategory LEAD_ORG and
/// sourceOfRiskLevel EVALUATE, in catalog order; `"10000"` became 10000 and `true` "true".
pub(super) const ORG_FULL: &str = concat!(
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
