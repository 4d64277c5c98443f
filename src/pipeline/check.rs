//! The workers' half: parse each raw record, check it, write its canonical payload.

use super::{Outcome, ReadOptions, RuleSettings};
use crate::canonical;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;
use crate::rules::{self, Checked};
use crate::source::limits::Parsed;
use crate::source::{self, Batch, Item, RawBody, RawRecord, json_value};

/// Read-only context of the workers.
pub(super) struct Ctx<'a> {
    pub(super) read: &'a ReadOptions,
    pub(super) rules: &'a RuleSettings,
    /// How records are checked: `--strict` and `--deny` (warnings that reject are errors
    /// from the start); `decimal_comma` is set per record (`process`).
    pub(super) check: rules::Check<'a>,
    /// With a ledger: its filters. Each accepted payload's digest and its keys' hashes
    /// are computed here on the pool, and the filters asked about the keys.
    pub(super) ledger: Option<crate::ledger::KeyFilters>,
}

impl Ctx<'_> {
    /// Checks every item of a batch; payloads and rejected inputs go to the batch's `out`
    /// buffer (one buffer per batch, reused: no allocation per record).
    pub(super) fn process_batch(&self, b: &mut Batch) -> Vec<Outcome> {
        let mut out = std::mem::take(&mut b.out);
        out.reserve(b.data.len() + b.data.len() / 8);
        let mut outs: Vec<Outcome> = b
            .items
            .iter()
            .map(|it| self.process(it, b, &mut out))
            .collect();
        b.out = out;
        if let Some(filters) = &self.ledger {
            let mut keys: Vec<&mut [Option<(u64, bool)>; 2]> = outs
                .iter_mut()
                .filter_map(|o| match o {
                    Outcome::Record { checked, .. } => Some(&mut checked.keys.ledger_hashes),
                    Outcome::FileError => None,
                })
                .collect();
            filters.answer(&mut keys);
        }
        outs
    }

    fn process(&self, item: &Item, batch: &Batch, out: &mut Vec<u8>) -> Outcome {
        let Item::Record(raw) = item else {
            return Outcome::FileError;
        };
        // `--decimal-comma` is about the cells of CSV files: a record the CSV reader cut says
        // so by its body, and only its text decimals are read with a comma.
        let check = rules::Check {
            decimal_comma: self.rules.decimal_comma && matches!(raw.body, RawBody::Csv { .. }),
            ..self.check
        };
        let start = out.len();
        let result = parse(raw, batch, self.read).map(|Parsed { node, cuts }| {
            let mut checked = check.record(&node, out);
            // First: a record cut short is rejected for that, whatever else it holds.
            checked.report_first(cuts, self.rules.max_findings);
            if !checked.accepted() {
                out.truncate(start);
                render(out, &node, self.rules.redact);
            }
            checked
        });
        match result {
            Ok(checked) => {
                let end = out.len();
                let (payload, input) = if checked.accepted() {
                    (start..end, None)
                } else {
                    (start..start, Some(start..end))
                };
                let ledger = self.ledger.as_ref().filter(|_| !payload.is_empty());
                let digest =
                    ledger.map(|_| crate::ledger::PayloadDigest::of(&out[payload.clone()]));
                let mut checked = checked;
                if ledger.is_some() {
                    // "May be in the ledger" until the filters answer (`process_batch`).
                    let k = &mut checked.keys;
                    let hashed =
                        |key: Option<&str>| key.map(|k| (crate::ledger::key_hash(k), true));
                    k.ledger_hashes = [
                        hashed(k.communication_number.as_deref()),
                        hashed(k.customer_ext_id.as_deref()),
                    ];
                }
                Outcome::Record {
                    checked,
                    payload,
                    input,
                    digest,
                }
            }
            Err(diag) => {
                out.truncate(start);
                let mut checked = Checked::default();
                checked.report(diag, self.rules.max_findings);
                Outcome::Record {
                    checked,
                    payload: start..start,
                    input: None,
                    digest: None,
                }
            }
        }
    }
}

/// The record as read, for `rejected.ndjson` (masked with `--redact`).
pub(super) fn render(v: &mut Vec<u8>, node: &Node, redact: bool) {
    match node {
        Node::Map(_) if redact => crate::redact::write_masked(v, node),
        Node::Map(_) => canonical::write_node(v, node),
        _ => v.extend_from_slice(b"null"),
    }
}

/// Parses a raw record into its tree (and the `too-long` cuts of `--max-list-items`); a
/// failure is the record's `parse-error`.
pub(super) fn parse<'b>(
    raw: &'b RawRecord,
    batch: &'b Batch,
    opts: &ReadOptions,
) -> Result<Parsed<'b>, Diagnostic> {
    // Bytes that are not UTF-8: what the detector made of the file, if it looked (`detect`).
    let not_utf8 = |message: &str| {
        let hint = source::detect::utf8_hint(batch.hint(raw.loc.file), opts.encoding);
        format!("{message}; {hint}")
    };
    // `path`: the value at fault when there is one (a NUL, see `source::nul`), else empty.
    let at = |line_offset: u64, column: u64, message: &str, path: String| {
        Diagnostic::error(
            Code::ParseError,
            path,
            format!(
                "line {}, column {column}: {message}",
                raw.loc.line + line_offset
            ),
        )
    };
    match &raw.body {
        RawBody::Json { start, end, col } => {
            let bytes = batch.bytes(*start, *end);
            let text = simdutf8::compat::from_utf8(bytes).map_err(|e| {
                let ok = &bytes[..e.valid_up_to()];
                let line = memchr::memchr_iter(b'\n', ok).count() as u64;
                let col =
                    String::from_utf8_lossy(&ok[memchr::memrchr(b'\n', ok).map_or(0, |p| p + 1)..])
                        .chars()
                        .count() as u64
                        + 1;
                // Under --redact no byte of the record is quoted, not even an invalid one.
                let byte = if opts.redact {
                    String::new()
                } else {
                    format!(" (byte 0x{:02X})", bytes[e.valid_up_to()])
                };
                at(
                    line,
                    col,
                    &format!("invalid UTF-8{byte}; JSON must be UTF-8"),
                    String::new(),
                )
            })?;
            json_value::parse_record(text, opts).map_err(|e| {
                let (line, c) = e.line_col(text);
                // On the record's first line, columns count from the file's line start.
                let c = if line == 1 { c + col - 1 } else { c };
                at(line - 1, c, &e.message, e.path)
            })
        }
        RawBody::Xml { start, end, col } => {
            source::xml::parse_record(batch.bytes(*start, *end), opts).map_err(|f| {
                // On the record's first line, columns count from the file's line start.
                let c = if f.line_offset == 0 {
                    f.column + col - 1
                } else {
                    f.column
                };
                match f.not_utf8 {
                    true => at(f.line_offset, c, &not_utf8(&f.message), f.path),
                    false => at(f.line_offset, c, &f.message, f.path),
                }
            })
        }
        RawBody::Csv { row, header } => {
            source::csv::parse_record(row, header, opts).map_err(|f| match f.not_utf8 {
                true => at(f.line_offset, f.column, &not_utf8(&f.message), f.path),
                false => at(f.line_offset, f.column, &f.message, f.path),
            })
        }
        RawBody::Unreadable(d) => Err(d.clone()),
    }
}
