//! The ordered end: cross-record rules, the summary and the writers, one record at a time.

use super::check::{Ctx, parse, render};
use super::{Outcome, Summary};
use crate::diagnostic::Severity;
use crate::output::RecordWriters;
use crate::output::records::RecordReport;
use crate::output::report::{ReportFinding, ReportFindings};
use crate::output::terminal::Shown;
use crate::rules::Checked;
use crate::rules::cross::Duplicates;
use crate::source::{Batch, Item};

use super::history::KeyHistory;
use super::ledger::Ledger;
use crate::ledger::PayloadDigest;
use crate::record::Location;

/// The ordered, single-threaded end of the pipeline.
pub(super) struct State {
    /// The files whose records may still come, and the rows of those done.
    pub(super) ledger: Ledger,
    pub(super) writers: RecordWriters,
    pub(super) duplicates: Duplicates,
    pub(super) summary: Summary,
    pub(super) failure: Option<std::io::Error>,
    pub(super) progress: Option<super::progress::Progress>,
    pub(super) report: ReportFindings,
    /// Whether this runs on the run's own pool of two or more threads, whose other threads
    /// may take part of the work (the duplicate tables' growth).
    pub(super) on_pool: bool,
    /// Batches consumed so far.
    pub(super) consumed: u64,
    /// The keys of earlier runs (`--ledger`).
    pub(super) history: Option<KeyHistory>,
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
        if let Some(p) = &mut self.progress {
            p.update(self.summary.records);
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
                    Severity::Error => {
                        fs.error = Some(diag.message.clone());
                        self.summary.first_findings.push(Shown {
                            source: fs.source.clone(),
                            line: loc.line,
                            path: diag.path.clone(),
                            code: diag.code,
                            message: diag.message.clone(),
                        });
                    }
                    Severity::Warning => {
                        fs.warning = Some(diag.code.as_str().to_string());
                        self.summary.warnings += 1;
                    }
                }
                self.report.add(
                    diag.code,
                    diag.severity,
                    ReportFinding {
                        source: &fs.source,
                        record: 0,
                        line: loc.line,
                        serial: 0,
                        customer_ext_id: None,
                        communication_number: None,
                        path: "",
                        message: &diag.message,
                        accepted: None,
                    },
                );
                *self
                    .summary
                    .by_code
                    .entry(diag.code.as_str().to_string())
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
                    digest,
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
                if checked.accepted()
                    && let Some(history) = self.history.as_mut()
                {
                    let source = &self.ledger.row(raw.loc.file)?.source;
                    let bytes = &batch.out[payload.clone()];
                    let digest = digest.unwrap_or_else(|| PayloadDigest::of(bytes));
                    let earlier = history.check(
                        &mut checked,
                        (bytes, &digest),
                        source,
                        raw.loc.record,
                        ctx.rules.max_findings,
                    )?;
                    if let Some(run_id) = earlier {
                        return self.unchanged(&raw.loc, &checked, &run_id);
                    }
                }
                let accepted = checked.accepted();
                let s = &mut self.summary;
                s.records += 1;
                s.warnings += checked.warnings;
                for d in &checked.diagnostics {
                    *s.by_code.entry(d.code.as_str().to_string()).or_default() += 1;
                }
                for (c, _, n) in &checked.dropped {
                    *s.by_code.entry(c.as_str().to_string()).or_default() += n;
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
                        if !s.first_findings.wants_more() {
                            break;
                        }
                        s.first_findings.push(Shown {
                            source: fs.source.clone(),
                            line: raw.loc.line,
                            path: d.path.clone(),
                            code: d.code,
                            message: d.message.clone(),
                        });
                    }
                }
                // Every finding goes to the report: the errors of rejected records, and the
                // warnings of any record (an accepted record's too).
                for d in &checked.diagnostics {
                    self.report.add(
                        d.code,
                        d.severity,
                        ReportFinding {
                            source: &fs.source,
                            record: raw.loc.record,
                            line: raw.loc.line,
                            serial: s.records,
                            customer_ext_id: checked.keys.customer_ext_id.as_deref(),
                            communication_number: checked.keys.communication_number.as_deref(),
                            path: &d.path,
                            message: &d.message,
                            accepted: Some(accepted),
                        },
                    );
                }
                let report = RecordReport {
                    source: &fs.source,
                    loc: &raw.loc,
                    communication_number: checked.keys.communication_number.as_deref(),
                    customer_ext_id: checked.keys.customer_ext_id.as_deref(),
                    diagnostics: &checked.diagnostics,
                };
                if !accepted {
                    // A record rejected only by a cross-record rule (a duplicate, a key of
                    // an earlier run) was not rendered on the pool: it is parsed a second
                    // time here, on the ordered thread. Measured against rendering every
                    // accepted record on the pool instead (the corpus generator's 300k-record
                    // NDJSON, `--jobs 2`, whole-process medians of 8 pairs): without
                    // duplicates that cost 16% more CPU (ratio 0.86 for this way); with the
                    // first half repeated (135k records parsed twice) this way cost 7.6% more
                    // (1.076). Duplicates are rare in a real feed, so the second parse stays.
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

    /// A record accepted before with the same payload: counted and listed in
    /// unchanged.ndjson, nowhere else (its findings were reported by that run).
    fn unchanged(
        &mut self,
        loc: &Location,
        checked: &Checked,
        run_id: &str,
    ) -> std::io::Result<()> {
        let s = &mut self.summary;
        s.records += 1;
        s.unchanged += 1;
        let entity = checked.keys.entity_type.map_or("unknown", |e| e.as_str());
        let et = s.by_entity_type.entry(entity.to_string()).or_default();
        et.records += 1;
        et.unchanged += 1;
        let fs = self.ledger.row(loc.file)?;
        fs.records += 1;
        fs.unchanged += 1;
        let report = RecordReport {
            source: &fs.source,
            loc,
            communication_number: checked.keys.communication_number.as_deref(),
            customer_ext_id: checked.keys.customer_ext_id.as_deref(),
            diagnostics: &[],
        };
        self.writers.unchanged(&report, run_id)
    }
}
