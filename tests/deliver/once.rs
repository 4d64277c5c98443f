//! Exactly once: every payload is accepted by AMLYZE once, and a resume sends nothing that
//! has a final answer (under faults: `faulted`).

use serde_json::{Value, json};

use super::{assert_delivered_exactly_once, creates, processed};
use crate::util::Workdir;
use crate::util::emulator::{Config, Emulator};

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
    // One intent per request, written before it was sent.
    let ledger = leadbatch::ledger::Ledger::open(&wd.ledger()).unwrap();
    assert_eq!(ledger.journal_intents().unwrap(), 3);
    drop(ledger);
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
