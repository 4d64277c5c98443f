//! The warnings of the finding-code table (the record is still accepted), the cases written
//! after them in the table, and `date-order` between timestamps.

use serde_json::json;

use super::{Case, E, Ind, Org, W, case};
use crate::pipeline::{document, rel, related_individual, related_organization, set};

/// The warnings, then the cases that follow them in the table (the last part of
/// `error_cases`, kept last so that every case keeps its ordinal).
pub(super) fn warning_cases() -> Vec<Case> {
    vec![
        // ---- warnings (the record is still accepted)
        case(
            "ignored-for-evaluate riskLevel",
            Ind,
            |v| set(v, "riskLevel", json!("LOW")),
            &[("ignored-for-evaluate", "riskLevel", W)],
        ),
        case(
            "ignored-for-evaluate customerStatus",
            Org,
            |v| set(v, "customerStatus", json!("PENDING")),
            &[("ignored-for-evaluate", "customerStatus", W)],
        ),
        case(
            "date-order approval before application",
            Ind,
            |v| set(v, "approvalDate", json!("2024-01-05")),
            &[("date-order", "approvalDate|applicationDate", W)],
        ),
        case(
            "document-expired",
            Ind,
            |v| {
                let mut d = document();
                set(&mut d, "documentExpiryDate", json!("2026-11-22"));
                set(v, "listBusinessEntityDocument", json!([document(), d]));
            },
            &[(
                "document-expired",
                "listBusinessEntityDocument[1].documentExpiryDate",
                W,
            )],
        ),
        case(
            "document-expired in a related entity",
            Org,
            |v| {
                let mut d = document();
                set(&mut d, "documentExpiryDate", json!("2025-01-03"));
                rel(
                    v,
                    related_individual(),
                    "listBusinessEntityDocument",
                    json!([d]),
                );
            },
            &[(
                "document-expired",
                "listRelatedEntity[0].listBusinessEntityDocument[0].documentExpiryDate",
                W,
            )],
        ),
        case(
            "duplicate-field through an alias (lei and LEI)",
            Org,
            |v| set(v, "lei", json!("LEI-A")),
            &[("duplicate-field", "lei|LEI", E)],
        )
        .raw(|l| l.replacen('{', r#"{"LEI":"LEI-B","#, 1)),
        case(
            "unknown-field in a related entity",
            Org,
            |v| rel(v, related_individual(), "nickname", json!("Oni")),
            &[("unknown-field", "listRelatedEntity[0].nickname", E)],
        ),
        case(
            "C017.C016.RE02 related entityType unknown",
            Org,
            |v| rel(v, related_organization(), "entityType", json!("PERSON")),
            &[("C017.C016.RE02", "listRelatedEntity[0].entityType", E)],
        ),
        case(
            "Q004.ADR02 empty address object",
            Ind,
            |v| set(v, "listAddress", json!([{}])),
            &[
                ("Q004.ADR02", "listAddress[0].country", E),
                ("missing-field", "listAddress[0].addressDetails", E),
            ],
        ),
        // Spec §4: addressDetails is mandatory in every address of the lead itself.
        case(
            "missing-field addressDetails of the lead's addresses",
            Org,
            |v| {
                set(
                    v,
                    "listAddress",
                    json!([
                        {"country": "LT", "addressDetails": "Gedimino pr. 9"},
                        {"country": "LV", "city": "Rīga"},
                        {"country": "EE", "addressDetails": "  "}
                    ]),
                )
            },
            &[
                ("missing-field", "listAddress[1].addressDetails", E),
                ("missing-field", "listAddress[2].addressDetails", E),
            ],
        )
        .message("missing-field", "AddressDetails is mandatory"),
    ]
}

/// Spec §2: "approvalDate before applicationDate" is a `date-order` warning. Both are
/// Dates, and a Date may be a timestamp: an approval an hour before the application is
/// before it, even on the same calendar day.
pub(super) fn date_order_timestamp_cases() -> Vec<Case> {
    vec![
        case(
            "date-order with timestamps on the same day",
            Ind,
            |v| {
                set(v, "applicationDate", json!("2024-04-10T10:45:00.000+02:00"));
                set(v, "approvalDate", json!("2024-04-10T09:45:00.000+02:00"));
            },
            &[("date-order", "approvalDate|applicationDate", W)],
        ),
        case(
            "date-order with timestamps across zones",
            Org,
            |v| {
                // 2024-04-10T00:30+02:00 is 2024-04-09T22:30Z: before the application.
                set(v, "applicationDate", json!("2024-04-09T23:00:00Z"));
                set(v, "approvalDate", json!("2024-04-10T00:30:00+02:00"));
            },
            &[("date-order", "approvalDate|applicationDate", W)],
        ),
    ]
}
