//! The vendor's lead samples as they are: accepted with their canonical payloads, written
//! out literally; and the vendor's "Minimalistic request", rejected for its date.

use super::read_sample;
use crate::util::Workdir;
use crate::{eqnice, sample_path};

pub(super) const LEAD_INDIVIDUAL: &str = r#"{"communicationNumber":"ComNr_0022","requester":"Financial Institution","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"INDIVIDUAL","customerExtId":"Lead_ext1456","applicationDate":"2023-01-20","firstName":"Larosa","lastName":"Rosa","citizenshipCountry":"JP","birthDate":"1975-09-20"}"#;

pub(super) const LEAD_ORGANIZATION: &str = r#"{"communicationNumber":"ComNr_00221","requester":"financial_institution","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"ORGANIZATION","customerExtId":"Lead_extid01","applicationDate":"2023-05-12","title":"Lead_Uab'Roxy'","registrationCountry":"LT","legalForm":"LTD","establishmentDate":"2000-05-10"}"#;

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
