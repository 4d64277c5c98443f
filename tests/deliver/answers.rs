//! Each documented answer and each injected fault, one at a time: what the report says of
//! the payload, and that a resume does not send a final one again.

use serde_json::{Value, json};

use super::{FAST, assert_balanced, assert_delivered_exactly_once, creates, outcomes, processed};
use crate::util::Workdir;
use crate::util::emulator::{ALL_FAULTS, Config, Emulator, Fault};

/// The report line of `cn`.
fn line_of(lines: &[Value], cn: &str) -> Value {
    lines
        .iter()
        .find(|l| l["communicationNumber"] == json!(cn))
        .unwrap_or_else(|| panic!("{cn} not in {lines:?}"))
        .clone()
}

#[test]
fn each_fault_alone_ends_with_the_lead_accepted_once() {
    // (fault, outcome, attempts, last status) of the faulted lead.
    let expected = [
        (Fault::Burst500, "delivered", 2, 200),
        (Fault::Burst503, "delivered", 2, 200),
        (Fault::TooMany, "delivered", 2, 200),
        (Fault::TooManyDate, "delivered", 2, 200),
        // Stored, but the answer came too late or never: the resend is "already used".
        (Fault::SlowAfterStore, "reconciled", 2, 400),
        (Fault::ResetAfterStore, "reconciled", 2, 400),
        (Fault::ResetBefore, "delivered", 2, 200),
        (Fault::NotJson, "delivered", 2, 200),
        (Fault::Status2023, "delivered", 1, 202),
    ];
    assert_eq!(expected.len(), ALL_FAULTS.len());
    for (fault, outcome, attempts, status) in expected {
        let wd = Workdir::new();
        let run = processed(&wd, &creates(3, "a"));
        let emu = Emulator::start(Config {
            slow: std::time::Duration::from_millis(1500),
            ..Config::default()
        });
        emu.script("CN-a-1", &[fault]);
        let delivery = wd
            .submit(&emu.url())
            .args(["--timeout", "0.5"])
            .env("LEADBATCH_TEST_TIME_SCALE", FAST)
            .run();
        delivery.assert_exit_code(0);
        assert_delivered_exactly_once(&emu, &run, &delivery);
        let line = line_of(&delivery.delivery(), "CN-a-1");
        assert_eq!(
            (
                line["outcome"].as_str(),
                line["attempts"].as_u64(),
                line["httpStatus"].as_u64()
            ),
            (Some(outcome), Some(attempts), Some(status)),
            "{fault:?}: {line}"
        );
        let retries = u64::from(fault != Fault::Status2023);
        assert_eq!(
            delivery.delivery_summary()["retries"].as_u64(),
            Some(retries),
            "{fault:?}"
        );
        // The journal holds each attempt's answer: the fault's, then the final one.
        let ledger = leadbatch::ledger::Ledger::open(&wd.ledger()).unwrap();
        let journal: Vec<(u32, &str)> = ledger
            .journal_answers("CN-a-1")
            .unwrap()
            .iter()
            .map(|a| (a.attempt, a.outcome.as_str()))
            .collect();
        let expected_journal: Vec<(u32, &str)> = (1..=attempts as u32)
            .map(|a| {
                (
                    a,
                    if a < attempts as u32 {
                        "retry"
                    } else {
                        outcome
                    },
                )
            })
            .collect();
        assert_eq!(journal, expected_journal, "{fault:?}");
    }
}

#[test]
fn retry_after_in_seconds_is_waited_for() {
    let wd = Workdir::new();
    processed(&wd, &creates(2, "r"));
    let emu = Emulator::start(Config::default());
    emu.script("CN-r-0", &[Fault::TooMany]);
    // The shipped back-off: no time scale.
    wd.submit(&emu.url()).run().assert_exit_code(0);
    let arrivals = emu.arrivals_of("CN-r-0");
    assert_eq!(arrivals.len(), 2);
    let waited = arrivals[1] - arrivals[0];
    assert!(waited >= std::time::Duration::from_secs(1), "{waited:?}");
}

#[test]
fn a_number_another_system_used_is_a_conflict_never_delivered() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(3, "c"));
    let emu = Emulator::start(Config::default());
    emu.preload(
        "CN-c-1",
        b"{\"communicationNumber\":\"CN-c-1\",\"other\":true}",
    );
    let delivery = wd.submit(&emu.url()).run();
    delivery.assert_exit_code(1);
    let s = delivery.delivery_summary();
    assert_balanced(&s);
    assert_eq!(
        (
            s["delivered"].as_u64(),
            s["conflict"].as_u64(),
            s["reconciled"].as_u64()
        ),
        (Some(2), Some(1), Some(0))
    );
    let line = line_of(&delivery.delivery(), "CN-c-1");
    assert_eq!(
        (
            &line["outcome"],
            &line["httpStatus"],
            &line["errorCode"],
            &line["errorDescription"],
            &line["attempts"]
        ),
        (
            &json!("conflict"),
            &json!(400),
            &json!("O001"),
            &json!("CommunicationNumber already used in amlyze"),
            &json!(1)
        )
    );
    // AMLYZE keeps the other system's payload; ours was never stored.
    assert_ne!(emu.leads()["CN-c-1"].0, run.accepted_lines()[1].as_bytes());
    // A conflict is final: the next submit does not send it again.
    let again = wd.submit(&emu.url()).run();
    again.assert_exit_code(1);
    assert_eq!(emu.requests(), 3);
    assert_eq!(again.delivery_summary()["conflict"].as_u64(), Some(1));
}

#[test]
fn a_vendor_refusal_is_final_with_its_code_in_either_api_version() {
    let wd = Workdir::new();
    processed(&wd, &creates(3, "v"));
    let emu = Emulator::start(Config::default());
    emu.refuse("CN-v-0", "C010", "customerExtId too long");
    emu.refuse("CN-v-2", "C011", "requester unknown");
    // The 2023 API: a refusal comes as 200 with REQUEST_REJECTED.
    emu.script("CN-v-2", &[Fault::Status2023]);
    let delivery = wd.submit(&emu.url()).run();
    delivery.assert_exit_code(1);
    assert_eq!(
        outcomes(&delivery),
        [
            ("CN-v-0".to_string(), "rejected".to_string()),
            ("CN-v-1".to_string(), "delivered".to_string()),
            ("CN-v-2".to_string(), "rejected".to_string()),
        ]
    );
    let lines = delivery.delivery();
    let fields = |l: &Value| {
        (
            l["httpStatus"].clone(),
            l["errorCode"].clone(),
            l["errorDescription"].clone(),
        )
    };
    assert_eq!(
        fields(&lines[0]),
        (json!(400), json!("C010"), json!("customerExtId too long"))
    );
    assert_eq!(
        fields(&lines[2]),
        (json!(200), json!("C011"), json!("requester unknown"))
    );
    let again = wd.submit(&emu.url()).run();
    again.assert_exit_code(1);
    assert_eq!(emu.requests(), 3, "a rejected payload is not sent again");
}

#[test]
fn a_wrong_path_stops_at_the_first_answer_as_a_configuration_error() {
    let wd = Workdir::new();
    processed(&wd, &creates(20, "p"));
    let emu = Emulator::start(Config::default());
    let delivery = wd
        .submit(&emu.url_of("/amlyze-ws-rest/customers"))
        .args(["--concurrency", "1"])
        .run();
    delivery.assert_exit_code(2);
    assert!(
        delivery.stderr.contains("is not the customer endpoint"),
        "{}",
        delivery.stderr
    );
    assert_eq!(emu.requests(), 1);
    let s = delivery.delivery_summary();
    assert_eq!(
        (s["stopped"].as_str(), s["pending"].as_u64()),
        (Some("endpoint"), Some(20))
    );
    // Given the right URL, the next submit delivers everything.
    wd.submit(&emu.url()).run().assert_exit_code(0);
}
