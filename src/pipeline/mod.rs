//! The run: walk, read, check in parallel, decide in order, write, commit.
//!
//! One coordinator reads the files in order and cuts them into batches of about half a
//! megabyte; each batch is checked on the rayon pool as one task, and comes back to the
//! coordinator, which puts batches back in input order (`Reorder`), applies the cross-record
//! rules and writes. So outcomes are emitted strictly in input order and the output bytes do
//! not depend on `--jobs`.
//!
//! Threads: `--jobs N` means N busy threads. With 1, everything runs on the calling thread,
//! one batch after another. With N ≥ 2 the coordinator is one of the pool's N threads and,
//! whenever it would wait for a batch, checks queued batches itself, so no core idles
//! while there is work and no thread is added that the machine has no core for. At most
//! `3 × N` batches are in flight (4.5 × N while the coordinator reads on because it has
//! nothing to check), which with the recycled batch buffers bounds memory. (Each large
//! output file also has a helper thread that only waits for the disk: `output::Writeback`.)
//!
//! Files: this one holds the run itself; `check` is the workers' half (parse, rules,
//! payload), `order` reads and puts checked batches back in order, `consume` is the ordered
//! end (cross-record rules, summary, writers), `ledger` the files between the reader and
//! that end (so that memory does not grow with the number of files).

mod check;
mod commit;
mod consume;
mod drive;
mod finish;
mod history;
mod ledger;
mod options;
mod order;
mod prepare;
mod progress;

pub use options::{ClassifierList, RunOptions};

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::output::rundir;
use crate::output::{self, Summary};
use crate::rules::{Checked, RuleSettings};
use crate::source::{ReadOptions, WalkOptions};

/// What the run does with accepted records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write `accepted.ndjson` too.
    Process,
    /// Same checks, no payloads.
    Validate,
}

/// How accepted payloads are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PayloadLayout {
    /// `accepted.ndjson`, one payload per line.
    Ndjson,
    /// `accepted/<customerExtId>.json`, one pretty payload per file.
    Files,
}

/// Everything a run needs, resolved from the command line and the configuration file.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: usize,
    pub read: ReadOptions,
    pub rules: RuleSettings,
    /// `--format` (for standard input and explicitly named files) and `--hidden`.
    pub walk: WalkOptions,
    /// `--strict`: warnings reject.
    pub strict: bool,
    /// `--deny`: the warning codes that reject (all of them with `strict`).
    pub deny: Vec<crate::diagnostic::Code>,
    /// Permission bits of output files.
    pub file_mode: u32,
    pub payload_layout: PayloadLayout,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Print summary.json on stdout (the caller's business; kept here so config shows it).
    pub json: bool,
    /// `--wait-lock`: how long to wait for another run that holds OUT (None: not at all).
    pub wait_lock: Option<std::time::Duration>,
    /// `--keep-runs`: committed runs kept in `OUT/runs/` after a commit.
    pub keep_runs: usize,
    /// `--ledger`: the SQLite database of earlier runs.
    pub ledger: Option<PathBuf>,
    /// `--reprocess`: read files the ledger says were read before.
    pub reprocess: bool,
    /// `--show`: findings of rejected records kept for the terminal (`Summary::first_findings`).
    pub show: usize,
}

impl Settings {
    /// Defaults for a library caller: process `inputs` into `out`.
    pub fn new(inputs: Vec<PathBuf>, out: PathBuf) -> Settings {
        Settings {
            mode: Mode::Process,
            inputs,
            out,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            read: ReadOptions::default(),
            rules: RuleSettings::default(),
            walk: WalkOptions::default(),
            strict: false,
            deny: Vec::new(),
            file_mode: output::DEFAULT_FILE_MODE,
            payload_layout: PayloadLayout::Ndjson,
            progress: false,
            json: false,
            wait_lock: None,
            keep_runs: DEFAULT_KEEP_RUNS,
            ledger: None,
            reprocess: false,
            show: output::terminal::DEFAULT_SHOW,
        }
    }
}

/// Committed runs kept after a commit, unless `--keep-runs` says otherwise.
pub const DEFAULT_KEEP_RUNS: usize = 30;

/// Set by SIGINT/SIGTERM: the run stops promptly and commits nothing.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT/SIGTERM handler: it sets `STOP`, which every stage polls, and gives
/// the run a second to wind down. A run whose reader waits on something that never
/// answers (a stalled pipe, a FIFO, a hung network file system) cannot poll, so after that
/// second the process exits with status 2 from here, unless the commit got there first.
/// Nothing is lost either way: until `latest` is renamed, nothing is committed, and the
/// next run removes the directory of this one.
pub fn install_signal_handler() {
    let _ = ctrlc::set_handler(|| {
        STOP.store(true, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(900));
        // Holding the gate, no commit can begin its rename after this decision.
        let gate = rundir::COMMIT_GATE
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !*gate {
            eprintln!("leadbatch: {}", RunError::Interrupted);
            std::process::exit(2);
        }
    });
}

/// Why a run could not complete (exit status 2).
#[derive(Debug)]
pub enum RunError {
    /// Bad arguments (an input that does not exist, ...).
    Usage(String),
    /// Another run holds the lock on OUT. Nothing was changed.
    Busy(String),
    /// The run could not complete (output not writable, disk full, ...). No output replaced.
    Fatal(String),
    /// Stopped by a signal. No output replaced.
    Interrupted,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Usage(m) | RunError::Busy(m) | RunError::Fatal(m) => f.write_str(m),
            RunError::Interrupted => f.write_str("interrupted; no output was replaced"),
        }
    }
}

/// The outcome of one item of a batch, computed on the pool.
// Nearly every outcome is a record: boxing it would allocate once per record, on a worker,
// to be freed on the ordered thread (the allocator contention `rules::Keys` avoids).
#[allow(clippy::large_enum_variant)]
enum Outcome {
    Record {
        checked: Checked,
        /// Canonical payload when accepted: a range of the batch's `out` buffer.
        payload: std::ops::Range<usize>,
        /// The record as read (JSON) when rejected, a range of `out`; None when unreadable.
        input: Option<std::ops::Range<usize>>,
        /// The payload's digest, with a ledger (see `history` and `ledger::PayloadDigest`).
        digest: Option<crate::ledger::PayloadDigest>,
    },
    FileError,
}

/// Runs the pipeline and commits the outputs: under the lock on OUT, into the run's own
/// directory, then `OUT/latest` moved to it. Returns the summary that was written.
///
/// The stages: `prepare` (the lock, the walk, the run's directory, the ledger, the
/// writers), `drive` (read, check on the pool, put back in order, write), `finish` (the file
/// lists, the last fsyncs, the report and the summary), `commit` (the ledger's rows and
/// `latest`). Until the commit, the run's directory is removed if the run fails
/// (`rundir::RunDir` is the one guard that abandons unless committed).
pub fn run(settings: &Settings) -> Result<Summary, RunError> {
    let started = Instant::now();
    let mut prepared = prepare::prepare(settings)?;
    let handed_on = match drive::drive(settings, &mut prepared) {
        Ok(n) => n,
        Err(e) => {
            prepared.abandon();
            return Err(e);
        }
    };
    debug_assert!(handed_on == prepared.state.consumed);
    let finished = finish::finish(settings, prepared, started)?;
    commit::commit(settings, finished)
}
