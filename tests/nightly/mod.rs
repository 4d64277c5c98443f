//! Runs across nights (spec §7): the ledger of earlier runs (files not read again, unchanged
//! records, duplicates of earlier runs), its commit beside `latest` under faults and
//! SIGKILLs, concurrent runs on one ledger, schema checks and migration; and the audit
//! trail (`leadbatch audit verify|head`, `leadbatch runs`).

mod audit;
mod config;
mod ledger;
mod schema4;

use std::path::Path;

use serde_json::{Value, json};

use crate::util::{Run, Workdir};

/// A valid lead with the given keys; `name` changes the payload without changing the keys.
pub(super) fn lead(cn: &str, ext: &str, name: &str) -> Value {
    json!({
        "communicationNumber": cn, "requester": "core", "riskManagementCategory": "LEAD_IND",
        "sourceOfRiskLevel": "EVALUATE", "customerExtId": ext, "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": name, "lastName": "Simkus",
        "birthDate": "1990-07-15", "citizenshipCountry": "LT",
        "initializeScreeningProcesses": ["PEP"],
        "listAddress": [{"country": "LT", "addressDetails": "Gedimino 1"}]
    })
}

/// `leadbatch process in --out out --ledger ledger.db`.
pub(super) fn nightly(wd: &Workdir, extra: &[&str]) -> Run {
    wd.command("process")
        .arg(wd.input())
        .args(["--ledger"])
        .arg(ledger_path(wd))
        .args(extra)
        .out(wd.out())
        .run()
}

pub(super) fn ledger_path(wd: &Workdir) -> std::path::PathBuf {
    wd.path().join("ledger.db")
}

/// The ledger's committed runs and key counts, through the library, after checking every
/// segment of keys (sorted, counted, in its filter).
pub(super) fn ledger_state(path: &Path) -> (Vec<leadbatch::ledger::RunRow>, (u64, u64)) {
    let l = leadbatch::ledger::Ledger::open(path).unwrap();
    l.verify_keys().unwrap();
    (l.runs().unwrap(), l.key_counts().unwrap())
}

/// How many key segments the ledger has.
pub(super) fn segment_count(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT count(*) FROM key_segments", [], |r| r.get(0))
        .unwrap()
}
