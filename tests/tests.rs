//! The integration test suite of leadbatch: one test binary (`cargo test --test tests`).
//!
//! - `util`: the Workdir helper (a temp dir per test), the command wrapper, output readers.
//! - `samples`: the vendor's own payloads are accepted with the canonical payloads of the spec.
//! - `pipeline`: every finding code of the spec, input faults, duplicates, determinism,
//!   exit statuses and the output contract.
//! - `reliability`: hostile input, faults during the run, personal data.
//! - `deliver`: `submit` against the AMLYZE emulator: exactly once, faults, stops, resumes.
//! - `operator`: schema, codes, classifiers, configuration, shell fit, report, audit trail.
//! - `writers`: `rejected.ndjson` and `errors.csv` byte for byte with awkward values.

mod deliver;
mod formats;
mod nightly;
mod operator;
mod pipeline;
mod properties;
mod reliability;
mod samples;
mod util;
mod writers;
