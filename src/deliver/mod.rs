//! `leadbatch submit`: sends the accepted payloads of a committed run to AMLYZE's customer
//! endpoint, one `POST` per lead, exactly once.
//!
//! Exactly once rests on two things: AMLYZE refuses a communicationNumber it has seen
//! ("already used", the only idempotency the vendor offers, spec §8), and the journal in the
//! ledger (`ledger::journal`) remembers, durably and *before* each request leaves, which
//! payload was sent under which number. So after any crash the next `submit` knows: a
//! payload with a final answer is not sent again; one whose request's fate is unknown is
//! sent again with the same number, and "already used" then means our earlier request
//! landed (`reconciled`); "already used" for a payload we never sent means another system
//! used the number (`conflict`, never counted as delivered).
//!
//! The parts: `payloads` (the run's accepted.ndjson, checked against its summary),
//! `endpoint` (URL and credentials), `client` (HTTP), `classify` (what an answer means),
//! `retry` (back-off, Retry-After, pace), `schedule` (order and readiness), `journal` (the
//! group-committing writer), `worker` (one request's life), `report` (the committed
//! report), `progress` and `stop` (signals, reasons to stop).
//!
//! One `submit` at a time per ledger (an flock on `LEDGER.submit-lock`; a second one exits
//! 2 at once). OUT is locked only while the report is committed, so a `process` run on the
//! same OUT is not held up for hours.

mod classify;
mod client;
pub mod endpoint;
mod journal;
mod payloads;
mod progress;
pub mod report;
mod retry;
mod schedule;
pub mod stop;
mod worker;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::ledger::Ledger;
use crate::ledger::journal::DeliveryRow;
use crate::output::rundir::{self, DELIVERY_AREA, LockError};

use endpoint::{Credentials, Endpoint};
pub use report::DeliverySummary;
use schedule::{Scheduler, Slot};
use stop::{Reason, Stop};

/// Everything `submit` needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub out: PathBuf,
    /// `--run`: a committed run other than `OUT/latest`.
    pub run: Option<String>,
    pub endpoint: String,
    pub ledger: PathBuf,
    pub concurrency: usize,
    /// `--rate`: requests per second at most.
    pub rate: Option<f64>,
    pub timeout: Duration,
    pub deadline: Duration,
    pub ca_file: Option<PathBuf>,
    pub allow_insecure_http: bool,
    pub token_file: Option<PathBuf>,
    pub progress: bool,
}

/// Why `submit` could not run at all (exit 2; nothing was sent).
#[derive(Debug)]
pub enum SubmitError {
    Usage(String),
    /// Another `submit` holds the ledger.
    Busy(String),
    Fatal(String),
}

impl std::fmt::Display for SubmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubmitError::Usage(m) | SubmitError::Busy(m) | SubmitError::Fatal(m) => f.write_str(m),
        }
    }
}

/// A delivery that ran: its report, and why it stopped early if it did (then the exit
/// status is 2 and the next `submit` resumes).
pub struct Delivery {
    pub summary: DeliverySummary,
    pub stopped: Option<Reason>,
    /// The committed report's directory, or why it could not be committed.
    pub report: Result<PathBuf, String>,
}

impl Delivery {
    /// 0 every payload delivered or reconciled, 1 some rejected, conflicting or pending,
    /// 2 stopped or the report not committed.
    pub fn exit_code(&self) -> u8 {
        let s = &self.summary;
        if self.stopped.is_some() || self.report.is_err() {
            2
        } else if s.rejected + s.conflict + s.pending > 0 {
            1
        } else {
            0
        }
    }
}

/// Runs a delivery.
pub fn run(settings: &Settings) -> Result<Delivery, SubmitError> {
    let started = Instant::now();
    let started_at = rundir::humane_time(SystemTime::now());
    let endpoint = Endpoint::parse(&settings.endpoint, settings.allow_insecure_http)
        .map_err(SubmitError::Usage)?;
    let credentials = Credentials::load(settings.token_file.as_deref(), &|k| std::env::var(k).ok())
        .map_err(SubmitError::Usage)?;
    let roots = match &settings.ca_file {
        Some(p) => Some(endpoint::read_ca_file(p).map_err(SubmitError::Usage)?),
        None => None,
    };
    let _lock = lock_ledger(&settings.ledger)?;
    let ledger = Ledger::open(&settings.ledger).map_err(|e| SubmitError::Fatal(e.0))?;
    let run =
        payloads::open_run(&settings.out, settings.run.as_deref()).map_err(SubmitError::Usage)?;
    let delivery_id = rundir::new_id(rundir::latest_of(&settings.out, DELIVERY_AREA).as_deref());
    let slots = plan(&ledger, &run.payloads)?;
    let mut ledger = ledger;
    ledger
        .begin_delivery(&DeliveryRow {
            delivery_id: &delivery_id,
            run_id: &run.run_id,
            endpoint: &endpoint.url,
            started: &started_at,
        })
        .map_err(|e| SubmitError::Fatal(e.0))?;
    let client = client::Client::new(
        &endpoint,
        &credentials,
        roots,
        settings.timeout,
        settings.concurrency,
    );
    let sent = send_all(settings, &run, &client, slots, &delivery_id, started)?;
    let mut summary = DeliverySummary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        run_id: run.run_id.clone(),
        delivery_id: delivery_id.clone(),
        endpoint: endpoint.url.clone(),
        authentication: credentials.kind().to_string(),
        requests: sent.requests,
        retries: sent.retries,
        endpoint_backoffs: sent.backoffs,
        stopped: sent.stopped.as_ref().map(|r| r.as_str().to_string()),
        started: started_at,
        ..DeliverySummary::default()
    };
    summary.count(&sent.slots, &delivery_id);
    summary.deadline_reached = sent.expired && summary.pending > 0 && sent.stopped.is_none();
    summary.finished = rundir::humane_time(SystemTime::now());
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    let locate = |p: &payloads::Payload| {
        let cn = p.communication_number.as_deref()?;
        ledger.accepted_location(&run.run_id, cn).ok().flatten()
    };
    let report = report::commit(
        &settings.out,
        &run.payloads,
        &sent.slots,
        &mut summary,
        &locate,
    )
    .map(|()| settings.out.join(rundir::DELIVERIES).join(&delivery_id));
    let counts = serde_json::to_value(&summary).unwrap_or_default();
    if let Err(e) = ledger.end_delivery(
        &delivery_id,
        sent.stopped.is_some(),
        &summary.finished,
        &counts,
    ) {
        eprintln!("leadbatch: warning: the ledger could not record the delivery's end: {e}");
    }
    Ok(Delivery {
        summary,
        stopped: sent.stopped,
        report,
    })
}

/// Takes the ledger's submit lock: one delivery at a time per ledger.
fn lock_ledger(ledger: &Path) -> Result<std::fs::File, SubmitError> {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".submit-lock");
    rundir::lock_file(Path::new(&name), None, &|| false).map_err(|e| match e {
        LockError::Busy(holder) => SubmitError::Busy(format!(
            "another leadbatch submit ({holder}) is using the ledger {}",
            ledger.display()
        )),
        LockError::Io(e) => {
            SubmitError::Fatal(format!("cannot lock the ledger {}: {e}", ledger.display()))
        }
    })
}

/// Each payload's slot, with what the journal knows of it.
fn plan(ledger: &Ledger, payloads: &[payloads::Payload]) -> Result<Vec<Slot>, SubmitError> {
    let histories = payloads
        .iter()
        .map(|p| match p.communication_number.as_deref() {
            Some(cn) => ledger.journal_history(cn, &p.digest).map(Some),
            None => Ok(None),
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SubmitError::Fatal(e.0))?;
    Ok(schedule::plan(payloads, histories))
}

/// What the workers came to.
struct Sent {
    slots: Vec<Slot>,
    stopped: Option<Reason>,
    expired: bool,
    requests: u64,
    retries: u64,
    backoffs: u64,
}

/// Sends every payload that needs it, on `--concurrency` threads of its own.
fn send_all(
    settings: &Settings,
    run: &payloads::RunPayloads,
    client: &client::Client,
    slots: Vec<Slot>,
    delivery_id: &str,
    started: Instant,
) -> Result<Sent, SubmitError> {
    let to_send = slots.iter().filter(|s| s.outcome.is_none()).count();
    let journal = journal::Journal::start(&settings.ledger).map_err(|e| SubmitError::Fatal(e.0))?;
    let deadline = started + settings.deadline;
    let scheduler = Scheduler::new(slots, deadline);
    let scale = retry::time_scale();
    let gate = retry::Gate::new(settings.rate, scale);
    let progress = progress::Progress::new(settings.progress, to_send as u64);
    let stop = Stop::default();
    let shared = worker::Shared {
        run,
        client,
        journal: &journal,
        scheduler: &scheduler,
        gate: &gate,
        progress: &progress,
        stop: &stop,
        delivery_id,
        deadline,
        scale,
    };
    let workers = settings.concurrency.clamp(1, to_send.max(1));
    std::thread::scope(|s| {
        for i in 0..workers {
            let shared = &shared;
            let spawned = std::thread::Builder::new()
                .name(format!("leadbatch-submit-{i}"))
                .spawn_scoped(s, move || worker::work(shared));
            if let Err(e) = spawned {
                stop.raise(Reason::Io(format!("cannot start a worker thread: {e}")));
                scheduler.stop();
            }
        }
    });
    progress.finish();
    if let Err(e) = journal.close() {
        stop.raise(Reason::Journal(e.0));
    }
    let expired = scheduler.expired();
    Ok(Sent {
        stopped: stop.reason(),
        expired,
        requests: progress.requests(),
        retries: progress.retries(),
        backoffs: gate.backoffs(),
        slots: scheduler.into_slots(),
    })
}
