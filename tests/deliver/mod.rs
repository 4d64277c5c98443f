//! `leadbatch submit` against the AMLYZE emulator (`util::emulator`, on 127.0.0.1):
//! exactly once under faults and SIGKILLs, classification of every documented answer,
//! ordering, stops and resumes, and the refusals before anything is sent.
//!
//! - `once`: every payload accepted exactly once, resumes send nothing twice, the report.
//! - `faulted`: the same under a fifth of requests faulted; UPDATE after CREATE.
//! - `answers`: each documented answer and each injected fault, one at a time.
//! - `stops`: authentication, a wrong endpoint, signals, SIGKILLs and resumes.
//! - `refusals`: what `submit` refuses before sending (a changed run, plain HTTP, a token
//!   file others can read, a second submit on the ledger).

mod answers;
#[cfg(feature = "fault-injection")]
mod faulted;
mod once;
mod refusals;
mod stops;

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::util::emulator::Emulator;
use crate::util::{Run, Workdir};

/// A valid lead; `action` CREATE or UPDATE.
pub(super) fn lead(cn: &str, ext: &str, action: &str) -> Value {
    json!({
        "communicationNumber": cn, "requester": "core", "action": action,
        "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": ext, "entityType": "INDIVIDUAL", "applicationDate": "2024-03-01",
        "firstName": "Egle", "lastName": "Simkus", "birthDate": "1990-07-15",
        "citizenshipCountry": "LT", "initializeScreeningProcesses": ["PEP"],
        "listAddress": [{"country": "LT", "addressDetails": "Gedimino 1"}]
    })
}

/// `n` CREATE leads `CN-<tag>-<i>` / `EXT-<tag>-<i>`.
pub(super) fn creates(n: usize, tag: &str) -> Vec<Value> {
    (0..n)
        .map(|i| {
            lead(
                &format!("CN-{tag}-{i}"),
                &format!("EXT-{tag}-{i}"),
                "CREATE",
            )
        })
        .collect()
}

/// Processes `leads` (one NDJSON file, with the ledger) into a committed run; returns the
/// run, whose accepted.ndjson holds them all.
pub(super) fn processed(wd: &Workdir, leads: &[Value]) -> Run {
    wd.create_ndjson("leads.ndjson", leads);
    let run = wd
        .command("process")
        .arg(wd.input())
        .arg("--ledger")
        .arg(wd.ledger())
        .out(wd.out())
        .run();
    run.assert_exit_code(0);
    assert_eq!(run.accepted_lines().len(), leads.len());
    run
}

/// The test builds' time scale for the back-off: a thousandth (60 s become 60 ms).
pub(super) const FAST: &str = "0.001";

/// Asserts that AMLYZE holds every payload of `run` exactly once, as sent, that no
/// request overlapped another for the same number, that no UPDATE overtook its CREATE, and
/// that the delivery report balances with every payload delivered or reconciled.
pub(super) fn assert_delivered_exactly_once(emu: &Emulator, run: &Run, delivery: &Run) {
    let lines = run.accepted_lines();
    let leads = emu.leads();
    let expected: BTreeSet<String> = run
        .accepted()
        .iter()
        .map(|p| p["communicationNumber"].as_str().unwrap().to_string())
        .collect();
    let stored: BTreeSet<String> = leads.keys().cloned().collect();
    assert_eq!(stored, expected, "the numbers AMLYZE holds");
    for line in &lines {
        let p: Value = serde_json::from_str(line).unwrap();
        let (body, times) = &leads[p["communicationNumber"].as_str().unwrap()];
        assert_eq!((body.as_slice(), *times), (line.as_bytes(), 1));
    }
    assert_eq!(emu.answers().get("accepted"), Some(&(lines.len() as u64)));
    assert_eq!(emu.overlaps(), 0, "two requests in flight for one number");
    assert_eq!(
        emu.answers().get("C004"),
        None,
        "an UPDATE before its CREATE"
    );
    let s = delivery.delivery_summary();
    assert_balanced(&s);
    let n = lines.len() as u64;
    assert_eq!(s["payloads"].as_u64(), Some(n));
    assert_eq!(
        s["delivered"].as_u64().unwrap() + s["reconciled"].as_u64().unwrap(),
        n,
        "{s}"
    );
    let report = delivery.delivery();
    assert_eq!(report.len(), lines.len());
    assert!(
        report
            .iter()
            .all(|l| matches!(l["outcome"].as_str(), Some("delivered" | "reconciled"))),
        "{report:?}"
    );
}

/// `payloads = delivered + reconciled + rejected + conflict + pending`, and the report has
/// one line per payload with those outcomes.
pub(super) fn assert_balanced(s: &Value) {
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k} in {s}"));
    assert_eq!(
        n("payloads"),
        n("delivered") + n("reconciled") + n("rejected") + n("conflict") + n("pending"),
        "{s}"
    );
}

/// The outcome of each line of the report, by communicationNumber.
pub(super) fn outcomes(delivery: &Run) -> Vec<(String, String)> {
    delivery
        .delivery()
        .iter()
        .map(|l| {
            (
                l["communicationNumber"].as_str().unwrap().to_string(),
                l["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
