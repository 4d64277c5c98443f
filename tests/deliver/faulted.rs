//! Exactly once under faults (the test builds' time scale shortens the back-off, so these
//! need the `fault-injection` feature): ten thousand payloads with a fifth of the requests
//! faulted, and a customer's UPDATE never overtaking its CREATE while CREATEs fail.

use super::{FAST, assert_delivered_exactly_once, creates, lead, processed};
use crate::util::Workdir;
use crate::util::emulator::{ALL_FAULTS, Config, Emulator, Fault};

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
    // Bursts of 500 and 503 failed many requests in a row: the endpoint backed off as one.
    assert!(s["endpointBackoffs"].as_u64().unwrap() > 0, "{s}");
    let faults: u64 = answers
        .iter()
        .filter(|(k, _)| k.starts_with("fault:") && *k != "fault:Status2023")
        .map(|(_, v)| v)
        .sum();
    // Every fault but the 2023 status codes (which are answers) made one retry, and
    // nothing else did.
    assert_eq!(s["retries"].as_u64(), Some(faults), "{s}");
}

#[test]
fn ten_thousand_payloads_with_a_fifth_of_requests_faulted_are_each_accepted_once() {
    faulted_delivery(10_000);
}
