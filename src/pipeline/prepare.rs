//! The first stage of a run: the lock on OUT, the walk, the run's own directory, the
//! ledger (when there is one), the writers and the ordered end's state.

use std::sync::atomic::Ordering;
use std::sync::mpsc;

use super::consume::State;
use super::history::{self, FileHistory, KeyHistory};
use super::ledger::{FileEvent, Ledger};
use super::options::RunOptions;
use super::progress::Progress;
use super::{Mode, PayloadLayout, RunError, STOP, Settings};
use crate::output::report::ReportFindings;
use crate::output::rundir::{self, LockError, OutDir, RunDir};
use crate::output::{self, RecordWriters, Summary};
use crate::rules::cross::Duplicates;
use crate::source;

/// What the later stages work with.
pub(super) struct Prepared {
    /// Holds the lock on OUT until the run ends.
    pub(super) out: OutDir,
    pub(super) walk: source::Walk,
    /// Dropped uncommitted (any early return), it removes everything the run wrote.
    pub(super) run_dir: RunDir,
    /// When the run began, as the ledger records it.
    pub(super) started_at: String,
    /// The reader's view of the ledger (`--ledger`).
    pub(super) file_history: Option<FileHistory>,
    pub(super) state: State,
    pub(super) file_events: mpsc::Sender<FileEvent>,
    /// The readers' options, with the progress bar's byte counter.
    pub(super) read_options: crate::source::ReadOptions,
}

impl Prepared {
    /// The run failed before its outputs were finished: what is still buffered is dropped,
    /// not written (the run's directory goes with `run_dir`).
    pub(super) fn abandon(self) {
        self.state.writers.abandon();
    }
}

pub(super) fn prepare(settings: &Settings) -> Result<Prepared, RunError> {
    let dir_mode = rundir::dir_mode(settings.file_mode);
    let out = OutDir::lock(&settings.out, dir_mode, settings.wait_lock, &|| {
        STOP.load(Ordering::Relaxed)
    })
    .map_err(|e| match e {
        LockError::Busy(holder) => RunError::Busy(format!(
            "another leadbatch run ({holder}) is using {}",
            settings.out.display()
        )),
        LockError::Io(e) => RunError::Fatal(format!(
            "cannot create or lock the output directory {}: {e}",
            settings.out.display()
        )),
    })?;
    let walk = source::Walk::new(&settings.inputs, Some(&settings.out), &settings.walk)
        .map_err(RunError::Usage)?;
    let run_dir = out.begin_run(dir_mode).map_err(|e| {
        RunError::Fatal(format!(
            "cannot create the run directory in {}: {e}",
            settings.out.display()
        ))
    })?;
    let started_at = rundir::humane_time(std::time::SystemTime::now());
    let (file_history, key_history) = match &settings.ledger {
        Some(path) => {
            let fatal = |e: crate::ledger::LedgerError| RunError::Fatal(e.0);
            (
                Some(FileHistory::open(path, settings.reprocess).map_err(fatal)?),
                Some(KeyHistory::open(path, &settings.out, &run_dir.path).map_err(fatal)?),
            )
        }
        None => (None, None),
    };
    let previous_manifest = history::previous_manifest(key_history.as_ref(), &out)?;
    let dir = &run_dir.path;
    let fatal = |what: &str, e: std::io::Error| {
        RunError::Fatal(format!("cannot create {what} in {}: {e}", dir.display()))
    };
    let writers = RecordWriters::create(
        dir,
        settings.mode == Mode::Process,
        settings.payload_layout == PayloadLayout::Files,
        settings.ledger.is_some(),
        settings.file_mode,
    )
    .map_err(|e| fatal("the outputs", e))?;
    let (ledger, file_events) = Ledger::create(dir).map_err(|e| fatal("the file list", e))?;
    let duplicates = Duplicates::create(dir).map_err(|e| fatal("the duplicate-check files", e))?;
    let options = RunOptions::of(settings);
    let progress = Progress::start(settings);
    let read_options = crate::source::ReadOptions {
        bytes_read: progress.as_ref().map(|p| p.bytes.clone()),
        ..settings.read.clone()
    };
    let state = State {
        ledger,
        writers,
        duplicates,
        summary: Summary {
            version: env!("CARGO_PKG_VERSION").to_string(),
            spec: crate::SPEC_VERSION.to_string(),
            run_id: run_dir.id.clone(),
            previous_run_id: run_dir.previous.clone(),
            previous_manifest,
            as_of: settings.rules.as_of.to_string(),
            inputs: settings
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            first_findings: output::terminal::FirstFindings::new(settings.show),
            options: Some(options.clone()),
            ..Default::default()
        },
        failure: None,
        progress,
        report: ReportFindings::new(settings.strict, options.for_report()),
        on_pool: settings.jobs > 1,
        consumed: 0,
        history: key_history,
    };
    Ok(Prepared {
        out,
        walk,
        run_dir,
        started_at,
        file_history,
        state,
        file_events,
        read_options,
    })
}
