//! The audit trail: each summary.json is a manifest linked to the previous one by SHA-256.
