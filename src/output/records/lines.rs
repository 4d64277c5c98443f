//! The shapes of the per-record lines: a `rejected.ndjson` line and an `errors.csv` row, as
//! serde types written by serde_json and the csv crate (no quoting or escaping by hand).
//!
//! Decisions, with the bytes kept as the hand-written writers made them (the tests in
//! `records/tests.rs` and `tests/writers.rs` pin them):
//!
//! - `errors.csv`: the csv crate with `QuoteStyle::Necessary` and `\n` after each row: a
//!   cell is quoted when it holds `,` `"` `\n` or `\r` (RFC 4180), a quote inside doubled;
//!   leading spaces, empty cells and formula-like text (`=SUM(A1)`) are written as they
//!   are: the hand-written writer had no formula-injection rewriting, and the bytes stay.
//! - `rejected.ndjson`: serde_json, whose string escaping is the one `canonical` writes
//!   (`"` `\` and control characters escaped, `\u00XX` in lower case; UTF-8 as is). The
//!   input record is already JSON, rendered by the pipeline (`pipeline::check::render`): it
//!   is written verbatim through [`RawJson`] rather than as serde_json's `RawValue`, because
//!   a borrowed `RawValue` can only be made by parsing the bytes again, and that parse would
//!   also refuse records nested deeper than serde_json's 128 levels, which `--max-depth`
//!   may allow.
//!
//! Speed (2026-12-04, the project's 2-core machine; the writers alone, timed in one process
//! over the 146,938 rejected records of a 300,000-record NDJSON corpus with half of them
//! invalid, best of 15, against the hand-written writers they replace): `rejected.ndjson`
//! 71–87 ms against 67–80 ms; through `RawValue` it took 128–154 ms, about 5% of the run's
//! 1.2–1.3 CPU-seconds. `errors.csv` 51–52 ms against 58 ms, with one csv writer for the run
//! (see `Rows`). The whole run's CPU time stayed within noise (medians +0.3% to +0.9%).

use std::io;

use serde::{Serialize, Serializer};

use super::RecordReport;
use crate::diagnostic::Diagnostic;

/// The first row of `errors.csv`: the names of [`ErrorRow`]'s fields, in order.
pub(super) const ERRORS_HEADER: [&str; 9] = [
    "source",
    "record",
    "line",
    "customerExtId",
    "communicationNumber",
    "severity",
    "code",
    "path",
    "message",
];

/// The writer configuration of `errors.csv` (see the module's note).
pub(super) fn csv_builder() -> csv::WriterBuilder {
    let mut b = csv::WriterBuilder::new();
    b.has_headers(false)
        .quote_style(csv::QuoteStyle::Necessary)
        .terminator(csv::Terminator::Any(b'\n'));
    b
}

/// One row of `errors.csv`: one finding of one record (or of a file).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorRow<'a> {
    source: &'a str,
    /// Empty for a finding about a file as a whole (record 0).
    record: Option<u64>,
    /// Empty when the line is not known (0).
    line: Option<u64>,
    customer_ext_id: Option<&'a str>,
    communication_number: Option<&'a str>,
    severity: &'static str,
    code: &'static str,
    path: &'a str,
    message: &'a str,
}

impl<'a> ErrorRow<'a> {
    pub(super) fn new(r: &RecordReport<'a>, d: &'a Diagnostic) -> ErrorRow<'a> {
        ErrorRow {
            source: r.source,
            record: Some(r.loc.record).filter(|&n| n > 0),
            line: Some(r.loc.line).filter(|&n| n > 0),
            customer_ext_id: r.customer_ext_id,
            communication_number: r.communication_number,
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            path: &d.path,
            message: &d.message,
        }
    }
}

/// One line of `rejected.ndjson` (without its newline).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RejectedLine<'a> {
    source: &'a str,
    record: u64,
    line: u64,
    result_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    communication_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_ext_id: Option<&'a str>,
    errors: Findings<'a>,
    /// The record as read; null when it could not be read.
    input: Option<RawJson<'a>>,
}

impl<'a> RejectedLine<'a> {
    pub(super) fn new(r: &RecordReport<'a>, input: Option<&'a [u8]>) -> RejectedLine<'a> {
        RejectedLine {
            source: r.source,
            record: r.loc.record,
            line: r.loc.line,
            result_type: "REQUEST_REJECTED",
            communication_number: r.communication_number,
            customer_ext_id: r.customer_ext_id,
            errors: Findings(r.diagnostics),
            input: input.map(RawJson),
        }
    }

    /// Appends the line and its newline to `out`.
    pub(super) fn write(&self, out: &mut Vec<u8>) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(&mut *out, Verbatim);
        self.serialize(&mut ser)?;
        out.push(b'\n');
        Ok(())
    }
}

/// A record's findings as the `errors` array, without copying them.
struct Findings<'a>(&'a [Diagnostic]);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Finding<'a> {
            code: &'static str,
            path: &'a str,
            severity: &'static str,
            message: &'a str,
        }
        s.collect_seq(self.0.iter().map(|d| Finding {
            code: d.code.as_str(),
            path: &d.path,
            severity: d.severity.as_str(),
            message: &d.message,
        }))
    }
}

/// JSON text that is written as it is. It serializes as bytes, which the [`Verbatim`]
/// formatter writes unchanged: only [`RejectedLine::write`] may serialize it (another
/// serializer would write an array of numbers).
struct RawJson<'a>(&'a [u8]);

impl Serialize for RawJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// serde_json's compact formatter, except that bytes are written unchanged (serde_json
/// leaves their representation to the formatter): how [`RawJson`] gets into the line.
struct Verbatim;

impl serde_json::ser::Formatter for Verbatim {
    fn write_byte_array<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &[u8],
    ) -> io::Result<()> {
        writer.write_all(value)
    }
}
