//! Exactly once: every payload is accepted by AMLYZE once, a resume sends nothing that has
//! a final answer, faults of every kind end the same way, and a customer's UPDATE never
//! overtakes its CREATE.

use serde_json::{Value, json};

use super::{FAST, assert_delivered_exactly_once, creates, lead, processed};
use crate::util::Workdir;
use crate::util::emulator::{ALL_FAULTS, Config, Emulator, Fault};

#[test]
fn a_run_is_delivered_once_and_the_next_submit_sends_nothing() {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(3, "a"));
    let emu = Emulator::start(Config::default());
    let first = wd.submit(&emu.url()).run();
    first.assert_exit_code(0);
    assert_eq!(
        first.stdout,
        "3 payloads: 3 delivered, 0 reconciled, 0 rejected, 0 conflict, 0 pending \
         (3 requests, 0 retries)\n"
    );
    assert_delivered_exactly_once(&emu, &run, &first);
    let s = first.delivery_summary();
    let id = s["deliveryId"].as_str().unwrap().to_string();
    assert_eq!(s["runId"], run.summary()["runId"]);
    assert_eq!(s["endpoint"], json!(emu.url()));
    assert_eq!(
        (s["requests"].as_u64(), s["fromEarlierDeliveries"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(s["previousDeliveryId"], Value::Null);
    assert_eq!(
        first.delivery()[1],
        json!({
            "source": "leads.ndjson", "record": 2, "line": 2,
            "communicationNumber": "CN-a-1", "customerExtId": "EXT-a-1", "action": "CREATE",
            "outcome": "delivered", "attempts": 1, "httpStatus": 200,
            "errorCode": null, "errorDescription": null, "deliveryId": id,
        })
    );
    let digest =
        blake3::hash(&std::fs::read(first.delivery_dir().join("delivery.ndjson")).unwrap());
    assert_eq!(
        s["outputs"]["delivery.ndjson"],
        json!(digest.to_hex().to_string())
    );
    // The next submit sends nothing: every payload has its final answer in the journal.
    let second = wd.submit(&emu.url()).run();
    second.assert_exit_code(0);
    assert_eq!(emu.requests(), 3);
    let s2 = second.delivery_summary();
    assert_eq!(
        (
            s2["delivered"].as_u64(),
            s2["requests"].as_u64(),
            s2["fromEarlierDeliveries"].as_u64()
        ),
        (Some(3), Some(0), Some(3))
    );
    assert_eq!(s2["previousDeliveryId"], json!(id));
    assert!(
        second
            .delivery()
            .iter()
            .all(|l| l["deliveryId"] == json!(id))
    );
    assert_eq!(second.delivery_ids().len(), 2);
}

#[test]
fn an_update_is_sent_only_after_its_create_was_answered() {
    let wd = Workdir::new();
    let mut leads = creates(40, "x");
    // Customer EXT-x-3 gets two UPDATEs, after its CREATE, in input order.
    leads.insert(5, lead("CN-u1", "EXT-x-3", "UPDATE"));
    leads.push(lead("CN-u2", "EXT-x-3", "UPDATE"));
    let run = processed(&wd, &leads);
    // Every CREATE's first answers are faults, so that an eager client would overtake it.
    let emu = Emulator::start(Config {
        fault_rate: 0.5,
        faults: vec![Fault::Burst503, Fault::ResetBefore],
        ..Config::default()
    });
    let delivery = wd
        .submit(&emu.url())
        .args(["--concurrency", "16"])
        .env("LEADBATCH_TEST_TIME_SCALE", FAST)
        .run();
    delivery.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &delivery);
    let order = emu.first_arrivals();
    let at = |cn: &str| order.iter().position(|c| c == cn).unwrap();
    assert!(at("CN-x-3") < at("CN-u1") && at("CN-u1") < at("CN-u2"));
    // Each UPDATE left only after the previous request of its customer was accepted.
    let accepted_at = |cn: &str| *emu.arrivals_of(cn).last().unwrap();
    assert!(accepted_at("CN-x-3") < emu.arrivals_of("CN-u1")[0]);
    assert!(accepted_at("CN-u1") < emu.arrivals_of("CN-u2")[0]);
}

/// `n` payloads, a fifth of the requests faulted with every kind of fault: each number is
/// accepted once and the report balances.
#[cfg(feature = "fault-injection")]
fn faulted_delivery(n: usize) {
    let wd = Workdir::new();
    let run = processed(&wd, &creates(n, "f"));
    let emu = Emulator::start(Config {
        fault_rate: 0.2,
        faults: ALL_FAULTS.to_vec(),
        seed: 19,
        slow: std::time::Duration::from_millis(800),
        ..Config::default()
    });
    let delivery = wd
        .submit(&emu.url())
        .args(["--concurrency", "16", "--timeout", "0.4"])
        .env("LEADBATCH_TEST_TIME_SCALE", FAST)
        .run();
    delivery.assert_exit_code(0);
    assert_delivered_exactly_once(&emu, &run, &delivery);
    let answers = emu.answers();
    for f in ALL_FAULTS {
        assert!(
            answers.get(&format!("fault:{f:?}")).is_some_and(|&c| c > 0),
            "{f:?} never injected: {answers:?}"
        );
    }
    let s = delivery.delivery_summary();
    // Every lead stored while its answer was lost came back "already used", and was
    // reconciled, not counted as a conflict.
    assert!(s["reconciled"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(s["conflict"].as_u64(), Some(0));
    let faults: u64 = answers
        .iter()
        .filter(|(k, _)| k.starts_with("fault:") && *k != "fault:Status2023")
        .map(|(_, v)| v)
        .sum();
    // Every fault but the 2023 status codes (which are answers) made one retry, and
    // nothing else did.
    assert_eq!(s["retries"].as_u64(), Some(faults), "{s}");
}

#[cfg(feature = "fault-injection")]
#[test]
fn ten_thousand_payloads_with_a_fifth_of_requests_faulted_are_each_accepted_once() {
    faulted_delivery(10_000);
}
