//! The delivery report: `delivery.ndjson` (one line per payload of the run) and
//! `delivery-summary.json`, committed as `OUT/deliveries/<delivery-id>/` with
//! `OUT/latest-delivery` naming it, the way runs are committed (`output::rundir`).
//!
//! The counts balance: `payloads = delivered + reconciled + rejected + conflict + pending`.
//! A payload whose final answer came in an earlier delivery is reported with that answer
//! and that delivery's id.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::payloads::Payload;
use super::schedule::Slot;
use crate::ledger::journal::Outcome;
use crate::output::PendingFile;
use crate::output::rundir::{self, DELIVERY_AREA, LockError, OutDir};

pub const DELIVERY: &str = "delivery.ndjson";
pub const DELIVERY_SUMMARY: &str = "delivery-summary.json";

/// How long the commit waits for a `process` run that holds OUT.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// One line of delivery.ndjson.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    /// The input file and record of the payload, when the run was made with this ledger.
    source: Option<&'a str>,
    record: Option<u64>,
    /// The line of accepted.ndjson.
    line: u64,
    communication_number: Option<&'a str>,
    customer_ext_id: Option<&'a str>,
    action: Option<&'a str>,
    outcome: &'static str,
    attempts: u32,
    http_status: Option<u16>,
    error_code: Option<&'a str>,
    error_description: Option<&'a str>,
    /// Why the last request failed without a verdict (a pending payload's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<&'a str>,
    /// The delivery in which the payload reached its outcome (null while pending).
    delivery_id: Option<&'a str>,
}

/// delivery-summary.json.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeliverySummary {
    pub version: String,
    pub run_id: String,
    pub delivery_id: String,
    pub previous_delivery_id: Option<String>,
    /// The endpoint's URL (it never holds credentials: they are refused there).
    pub endpoint: String,
    /// `none`, `bearer` or `basic`.
    pub authentication: String,
    pub payloads: u64,
    pub delivered: u64,
    pub reconciled: u64,
    pub rejected: u64,
    pub conflict: u64,
    pub pending: u64,
    /// Payloads whose final answer came in an earlier delivery (not sent again).
    pub from_earlier_deliveries: u64,
    /// Requests sent by this delivery.
    pub requests: u64,
    /// Answers of this delivery that asked for the payload to be sent again.
    pub retries: u64,
    /// Times the whole endpoint backed off (failures of many requests in a row).
    pub endpoint_backoffs: u64,
    /// Why the delivery stopped before its end (`interrupted`, `authentication`,
    /// `endpoint`, `journal`, `io`): resumable.
    pub stopped: Option<String>,
    /// Whether the deadline came with payloads still pending.
    pub deadline_reached: bool,
    pub started: String,
    pub finished: String,
    pub elapsed_ms: u64,
    /// BLAKE3 of delivery.ndjson.
    pub outputs: BTreeMap<String, String>,
}

impl DeliverySummary {
    /// Adds the outcomes of the slots to the counts.
    pub fn count(&mut self, slots: &[Slot], delivery_id: &str) {
        for s in slots {
            self.payloads += 1;
            let n = match s.outcome {
                Some(Outcome::Delivered) => &mut self.delivered,
                Some(Outcome::Reconciled) => &mut self.reconciled,
                Some(Outcome::Rejected) => &mut self.rejected,
                Some(Outcome::Conflict) => &mut self.conflict,
                _ => &mut self.pending,
            };
            *n += 1;
            if s.delivery_id.as_deref().is_some_and(|d| d != delivery_id) {
                self.from_earlier_deliveries += 1;
            }
        }
    }

    /// The one-line summary printed on stdout.
    pub fn line(&self) -> String {
        format!(
            "{} payloads: {} delivered, {} reconciled, {} rejected, {} conflict, {} pending \
             ({} requests, {} retries)",
            self.payloads,
            self.delivered,
            self.reconciled,
            self.rejected,
            self.conflict,
            self.pending,
            self.requests,
            self.retries
        )
    }
}

/// Where each payload came from: (source, record), when known.
pub type Locate<'a> = dyn Fn(&Payload) -> Option<(String, u64)> + 'a;

/// Writes the report into a new delivery directory of OUT `out` and commits it.
pub fn commit(
    out: &Path,
    payloads: &[Payload],
    slots: &[Slot],
    summary: &mut DeliverySummary,
    locate: &Locate,
) -> Result<(), String> {
    let mode = 0o600;
    let out_dir = OutDir::lock(out, rundir::dir_mode(mode), Some(LOCK_WAIT), &|| false).map_err(
        |e| match e {
            LockError::Busy(h) => format!("another leadbatch run ({h}) holds {}", out.display()),
            LockError::Io(e) => format!("cannot lock {}: {e}", out.display()),
        },
    )?;
    let mut dir = out_dir
        .begin(
            DELIVERY_AREA,
            rundir::dir_mode(mode),
            Some(summary.delivery_id.clone()),
        )
        .map_err(|e| format!("cannot create the delivery directory: {e}"))?;
    summary.previous_delivery_id = dir.previous.clone();
    let io = |e: std::io::Error| format!("cannot write the delivery report: {e}");
    let mut lines = PendingFile::create(&dir.path, DELIVERY, mode).map_err(io)?;
    write_lines(lines.writer(), payloads, slots, locate).map_err(io)?;
    let lines = lines.finish().map_err(io)?;
    summary
        .outputs
        .insert(lines.name.clone(), lines.blake3.clone());
    let mut file = PendingFile::create(&dir.path, DELIVERY_SUMMARY, mode).map_err(io)?;
    serde_json::to_writer_pretty(file.writer(), summary)
        .map_err(std::io::Error::from)
        .and_then(|()| file.writer().write_all(b"\n"))
        .map_err(io)?;
    file.finish().map_err(io)?;
    dir.commit(&|| true)
        .map_err(|e| format!("cannot commit the delivery report: {e}"))?;
    if let Err(e) = out_dir.prune_area(DELIVERY_AREA, crate::pipeline::DEFAULT_KEEP_RUNS) {
        eprintln!("leadbatch: warning: cannot remove old deliveries: {e}");
    }
    Ok(())
}

fn write_lines(
    w: &mut impl Write,
    payloads: &[Payload],
    slots: &[Slot],
    locate: &Locate,
) -> std::io::Result<()> {
    for (p, s) in payloads.iter().zip(slots) {
        let location = locate(p);
        let line = Line {
            source: location.as_ref().map(|l| l.0.as_str()),
            record: location.as_ref().map(|l| l.1),
            line: p.line,
            communication_number: p.communication_number.as_deref(),
            customer_ext_id: p.customer_ext_id.as_deref(),
            action: p.action.as_deref(),
            outcome: match s.outcome {
                Some(o) if o.is_final() => o.as_str(),
                _ => "pending",
            },
            attempts: s.attempts,
            http_status: s.http_status,
            error_code: s.error_code.as_deref(),
            error_description: s.error_description.as_deref(),
            last_error: s.last_error.as_deref().filter(|_| s.outcome.is_none()),
            delivery_id: s.delivery_id.as_deref(),
        };
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
