//! Strategies for whole leads: records of the catalog's lead shape (an individual or an
//! organization, as its `entityType` words allow), 1–3 to a file with unique identifiers.

use leadbatch::catalog;
use proptest::prelude::*;

use super::records::{At, record};
use super::values::string_value;
use super::{Rec, V};

/// Spec §5 (`duplicate-communication-number`, `duplicate-customer-ext-id`): the keys no
/// two leads of one run may share.
const UNIQUE_KEYS: &[&str] = &["communicationNumber", "customerExtId"];

/// 1–3 leads; their unique keys made unique within the file.
pub(super) fn leads() -> impl Strategy<Value = Vec<Rec>> {
    let lead = record(
        &catalog::LEAD,
        At {
            entity: None,
            in_related: false,
        },
    );
    prop::collection::vec(lead, 1..=3).prop_map(|leads| {
        leads
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                for (k, v) in r.iter_mut() {
                    if UNIQUE_KEYS.contains(k)
                        && let V::S { text, .. } = v
                    {
                        let unique = format!("N{i}_{}", text.trim());
                        *v = string_value(unique);
                    }
                }
                r
            })
            .collect()
    })
}
