//! The ordered end: cross-record rules, the summary and the writers, one record at a time.

use std::time::Instant;

use super::check::{Ctx, parse, render};
use super::{Outcome, Summary};
use crate::diagnostic::Severity;
use crate::output::RecordWriters;
use crate::output::records::RecordReport;
use crate::output::report::{ReportFinding, ReportFindings};
use crate::rules::cross::Duplicates;
use crate::source::{Batch, Item};

use super::ledger::Ledger;

/// The ordered, single-threaded end of the pipeline.
pub(super) struct State {
    /// The files whose records may still come, and the rows of those done.
    pub(super) ledger: Ledger,
    pub(super) writers: RecordWriters,
    pub(super) duplicates: Duplicates,
    pub(super) summary: Summary,
    pub(super) failure: Option<std::io::Error>,
    pub(super) progress: Option<indicatif::ProgressBar>,
    pub(super) report: ReportFindings,
    pub(super) started: Instant,
    /// Whether this runs on the run's own pool of two or more threads, whose other threads
    /// may take part of the work (the duplicate tables' growth).
    pub(super) on_pool: bool,
    /// Batches consumed so far.
    pub(super) consumed: u64,
}

impl State {
    pub(super) fn consume(&mut self, batch: &Batch, outcomes: Vec<Outcome>, ctx: &Ctx) {
        self.duplicates
            .warm(outcomes.iter().filter_map(|o| match o {
                Outcome::Record { checked, .. } => Some(&checked.keys),
                Outcome::FileError => None,
            }));
        for (item, outcome) in batch.items.iter().zip(outcomes) {
            if let Err(e) = self.one(item, outcome, batch, ctx) {
                self.failure = Some(e);
                return;
            }
        }
        if let Err(e) = self.duplicates.grow_if_needed(self.on_pool) {
            self.failure = Some(e);
            return;
        }
        self.consumed += 1;
        if let Err(e) = self.ledger.settle(self.consumed) {
            self.failure = Some(e);
            return;
        }
        if let Some(p) = &self.progress {
            // Files settled: every one whose records are all written, with or without records.
            p.set_position(self.ledger.settled());
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            p.set_message(format!(
                "{} records, {:.0} records/s",
                self.summary.records,
                self.summary.records as f64 / secs
            ));
        }
    }

    fn one(
        &mut self,
        item: &Item,
        outcome: Outcome,
        batch: &Batch,
        ctx: &Ctx,
    ) -> std::io::Result<()> {
        match (item, outcome) {
            (Item::FileError { loc, diag }, _) => {
                let fs = self.ledger.row(loc.file)?;
                match diag.severity {
                    Severity::Error => fs.error = Some(diag.message.clone()),
                    Severity::Warning => {
                        fs.warning = Some(diag.code.to_string());
                        self.summary.warnings += 1;
                    }
                }
                self.report.add(
                    diag.code,
                    ReportFinding {
                        source: &fs.source,
                        record: 0,
                        line: loc.line,
                        path: "",
                        message: &diag.message,
                    },
                );
                *self
                    .summary
                    .by_code
                    .entry(diag.code.to_string())
                    .or_default() += 1;
                let report = RecordReport {
                    source: &fs.source,
                    loc,
                    communication_number: None,
                    customer_ext_id: None,
                    diagnostics: std::slice::from_ref(diag),
                };
                self.writers.findings(&report)
            }
            (
                Item::Record(raw),
                Outcome::Record {
                    mut checked,
                    payload,
                    input,
                },
            ) => {
                // Cross-record rules, in order.
                let ledger = &mut self.ledger;
                let dups = self
                    .duplicates
                    .check(&checked.keys, &raw.loc, &mut |f| ledger.source_of(f))?;
                let was_accepted = checked.accepted();
                for d in dups {
                    checked.report(d, ctx.rules.max_findings);
                }
                let accepted = checked.accepted();
                let s = &mut self.summary;
                s.records += 1;
                s.warnings += checked.warnings;
                for d in &checked.diagnostics {
                    *s.by_code.entry(d.code.to_string()).or_default() += 1;
                }
                for (c, _, n) in &checked.dropped {
                    *s.by_code.entry(c.to_string()).or_default() += n;
                }
                let fs = self.ledger.row(raw.loc.file)?;
                fs.records += 1;
                let entity = checked.keys.entity_type.map_or("unknown", |e| e.as_str());
                let et = s.by_entity_type.entry(entity.to_string()).or_default();
                et.records += 1;
                if accepted {
                    s.accepted += 1;
                    fs.accepted += 1;
                    et.accepted += 1;
                    self.writers.accepted(
                        &batch.out[payload],
                        checked.keys.customer_ext_id.as_deref(),
                        &raw.loc,
                    )?;
                } else {
                    s.rejected += 1;
                    fs.rejected += 1;
                    et.rejected += 1;
                    for d in &checked.diagnostics {
                        self.report.add(
                            d.code,
                            ReportFinding {
                                source: &fs.source,
                                record: raw.loc.record,
                                line: raw.loc.line,
                                path: &d.path,
                                message: &d.message,
                            },
                        );
                    }
                }
                let report = RecordReport {
                    source: &fs.source,
                    loc: &raw.loc,
                    communication_number: checked.keys.communication_number.as_deref(),
                    customer_ext_id: checked.keys.customer_ext_id.as_deref(),
                    diagnostics: &checked.diagnostics,
                };
                if !accepted {
                    // A record rejected only by a cross-record rule was not rendered on the pool.
                    let rendered;
                    let input = match input {
                        Some(i) => Some(&batch.out[i]),
                        None if was_accepted => {
                            rendered = parse(raw, batch, ctx.read).ok().map(|p| {
                                let mut v = Vec::new();
                                render(&mut v, &p.node, ctx.rules.redact);
                                v
                            });
                            rendered.as_deref()
                        }
                        None => None,
                    };
                    self.writers.rejected(&report, input)?;
                }
                self.writers.findings(&report)
            }
            (Item::Record(_), Outcome::FileError) => Ok(()),
        }
    }
}
