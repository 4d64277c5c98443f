//! The pipeline end to end: every finding code of the spec (one table), input faults,
//! duplicates across files, determinism across `--jobs`, exit statuses, and the output
//! contract (accepted.ndjson, rejected.ndjson, errors.csv, summary.json).
//!
//! Expectations come from LEAD_SPEC.md. Where the spec leaves a detail open (which of two
//! fields a cross-field finding points at), the expected path lists the acceptable
//! alternatives separated by `|`.
//!
//! The tests are split by responsibility:
//!
//! - `codes`: the table of every finding code (valid variants, vendor codes, local codes,
//!   warnings), run as one NDJSON file.
//! - `canonical`: the canonical forms of spec §2 in one accepted payload.
//! - `inputs`: input faults of JSON arrays and NDJSON, the `customers` wrapper, a single
//!   object.
//! - `duplicates`: duplicate identifiers across files.
//! - `contract`: determinism across `--jobs`, exit statuses and the output contract.
//!
//! This file holds the valid base records and the small edits the submodules build their
//! cases from.

mod canonical;
mod codes;
mod contract;
mod duplicates;
mod inputs;
mod operator_inputs;

use serde_json::{Value, json};

// ------------------------------------------------------------------------------ records

fn individual(n: &str) -> Value {
    json!({
        "communicationNumber": format!("CN-{n}"),
        "requester": "unit-test",
        "sourceOfRiskLevel": "EVALUATE",
        "riskManagementCategory": "LEAD_IND",
        "entityType": "INDIVIDUAL",
        "customerExtId": format!("EXT-{n}"),
        "applicationDate": "2024-01-10",
        "firstName": "Jonas",
        "lastName": "Jonaitis",
        "citizenshipCountry": "LT",
        "birthDate": "1980-01-01"
    })
}

fn organization(n: &str) -> Value {
    json!({
        "communicationNumber": format!("CN-{n}"),
        "requester": "unit-test",
        "sourceOfRiskLevel": "EVALUATE",
        "riskManagementCategory": "LEAD_ORG",
        "entityType": "ORGANIZATION",
        "customerExtId": format!("EXT-{n}"),
        "applicationDate": "2024-01-10",
        "title": "UAB Testas",
        "registrationCountry": "LT",
        "legalForm": "UAB"
    })
}

fn document() -> Value {
    json!({
        "entityType": "INDIVIDUAL",
        "identityDocumentType": "PASSPORT",
        "documentNumber": "P1234567",
        "documentIssueDate": "2020-01-01",
        "documentIssueCountry": "LT",
        "documentIssueAuthority": "Police",
        "documentExpiryDate": "2030-01-01"
    })
}

fn related_individual() -> Value {
    json!({"entityType": "INDIVIDUAL", "relationType": "OWNER", "firstName": "Ona", "lastName": "Onaitė"})
}

fn related_organization() -> Value {
    json!({"entityType": "ORGANIZATION", "relationType": "OWNER", "title": "UAB Savininkas"})
}

fn additional(datatype: &str, value: Value) -> Value {
    json!({"code": "isvip", "datatype": datatype, "description": "VIP customer", "value": value})
}

fn set(v: &mut Value, key: &str, value: Value) {
    v.as_object_mut().unwrap().insert(key.to_string(), value);
}

fn del(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

/// Sets `key` of the first related entity (one is created from `base` if needed).
fn rel(v: &mut Value, base: Value, key: &str, value: Value) {
    let mut r = base;
    if value.is_null() {
        del(&mut r, key);
    } else {
        set(&mut r, key, value);
    }
    set(v, "listRelatedEntity", json!([r]));
}
