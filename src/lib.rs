//! leadbatch: validate AMLYZE Create-Lead records in bulk and convert them to the canonical
//! REST payload of `POST /amlyze-ws-rest/customer`.
//!
//! Data flow: INPUT roots are walked lazily in source-path order (`source::Walk`); one
//! coordinator cuts each file into located raw records, in batches (`source`); the rayon pool
//! parses, checks and converts each batch (`rules`, `canonical`); outcomes are put back in
//! input order, the cross-record checks run on them (`rules::cross`), and the writers stream
//! them to temporary files that are renamed into place when the run completes (`output`).
//! What a run of any size must not hold in memory goes to temporary files that never
//! outlive the process (`spill`). See `pipeline` for the threads.

pub mod audit;
pub mod canonical;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod deliver;
pub mod diagnostic;
pub mod ledger;
pub mod output;
pub mod pipeline;
pub mod record;
pub mod redact;
pub mod rules;
pub mod schema;
pub mod source;
pub(crate) mod spill;

/// Version of the lead specification implemented (spec header: vendor docs at commit a1c706a).
pub const SPEC_VERSION: &str = "LEAD_SPEC (AMLYZE api-integration-documentation a1c706a)";
