//! The vendor's own payloads (`tests/fixtures/vendor/json`): the lead samples as they are, the
//! customer samples converted to leads. All of them must be accepted, and their canonical
//! payloads are checked byte for byte against what spec §2–§3 says they must be.
//!
//! The expected payloads are computed here from the input by the spec's rules (catalog
//! order, canonical forms), independently of the binary: `spec_canonical` is a small
//! re-statement of spec §2–§4 for the types that occur in the samples. For the two lead
//! samples and the organization full payload the expected lines are also written out
//! literally, so that a mistake in `spec_canonical` cannot hide a mistake in the binary.
//!
//! The tests are split by responsibility:
//!
//! - `canonical`: `spec_canonical` (shared with `formats`) and its guard against the literal
//!   payloads.
//! - `leads`: the two lead samples, and the vendor's minimalistic request.
//! - `customers`: every customer sample converted to a lead.

mod canonical;
mod customers;
mod leads;

use serde_json::{Value, json};

pub(crate) use canonical::spec_canonical;

fn read_sample(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Spec §1: a customer payload becomes a lead with a lead category, EVALUATE, and (for an
/// individual) a birthDate.
fn to_lead(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    let individual = o["entityType"] == "INDIVIDUAL";
    o.insert(
        "riskManagementCategory".into(),
        json!(if individual { "LEAD_IND" } else { "LEAD_ORG" }),
    );
    o.insert("sourceOfRiskLevel".into(), json!("EVALUATE"));
    if individual && !o.contains_key("birthDate") {
        o.insert("birthDate".into(), json!("1980-01-01"));
    }
    v
}
