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
mod consume;
mod history;
mod ledger;
mod options;
mod order;
mod progress;

pub use options::{ClassifierList, RunOptions};

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use crate::output::report::ReportFindings;
use crate::output::rundir::{self, LockError, OutDir};
use crate::output::{self, RecordWriters, Summary};
use crate::rules::{Checked, RuleSettings, cross::Duplicates};
use crate::source::{self, Batch, ReadOptions, WalkOptions};

use check::Ctx;
use consume::State;
use history::{FileHistory, KeyHistory};
use ledger::Ledger;
use order::{Checked_, Reorder, read_all};

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
            file_mode: 0o600,
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
        /// BLAKE3 of the payload, with a ledger (see `history`).
        digest: Option<[u8; 32]>,
    },
    FileError,
}

/// Runs the pipeline and commits the outputs: under the lock on OUT, into the run's own
/// directory, then `OUT/latest` moved to it. Returns the summary that was written.
pub fn run(settings: &Settings) -> Result<Summary, RunError> {
    let started = Instant::now();
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
    let mut walk = source::Walk::new(&settings.inputs, Some(&settings.out), &settings.walk)
        .map_err(RunError::Usage)?;
    // Dropped uncommitted (any early return below), it removes everything the run wrote.
    let mut run_dir = out.begin_run(dir_mode).map_err(|e| {
        RunError::Fatal(format!(
            "cannot create the run directory in {}: {e}",
            settings.out.display()
        ))
    })?;
    let dir = run_dir.path.clone();
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
    let previous_manifest = previous_manifest(key_history.as_ref(), &out)?;
    // Taken by `&mut`: a connection may move to the pool's thread but is not shared.
    let mut file_history = file_history;
    let seen_before =
        &mut |f: &source::InputFile| file_history.as_mut().and_then(|h| h.seen_before(f));
    let writers = RecordWriters::create(
        &dir,
        settings.mode == Mode::Process,
        settings.payload_layout == PayloadLayout::Files,
        settings.ledger.is_some(),
        settings.file_mode,
    )
    .map_err(|e| RunError::Fatal(format!("cannot write to {}: {e}", dir.display())))?;

    let (ledger, file_events) = Ledger::create(&dir).map_err(|e| {
        RunError::Fatal(format!(
            "cannot create the file list in {}: {e}",
            dir.display()
        ))
    })?;
    let options = RunOptions::of(settings);
    let progress = progress::Progress::start(settings);
    // The readers count the bytes they read for the bar (compressed bytes, as on disk).
    let read_options = ReadOptions {
        bytes_read: progress.as_ref().map(|p| p.bytes.clone()),
        ..settings.read.clone()
    };
    let mut state = State {
        ledger,
        writers,
        duplicates: Duplicates::create(&dir).map_err(|e| {
            RunError::Fatal(format!(
                "cannot create the duplicate-check files in {}: {e}",
                dir.display()
            ))
        })?,
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

    let ctx = Ctx {
        read: &settings.read,
        rules: &settings.rules,
        rules_not_csv: RuleSettings {
            decimal_comma: false,
            ..settings.rules.clone()
        },
        strict: settings.strict,
        digest_payloads: settings.ledger.is_some(),
    };
    let handed_on = if settings.jobs <= 1 {
        // One thread does everything: read a batch, check it, write it.
        let spares = source::Spares::default();
        let walk = &mut walk;
        read_all(
            walk,
            &read_options,
            &spares,
            &file_events,
            seen_before,
            &mut |b: Batch| {
                if state.failure.is_some() || STOP.load(Ordering::Relaxed) {
                    return false;
                }
                let mut b = b;
                let outs = ctx.process_batch(&mut b);
                state.consume(&b, outs, &ctx);
                spares.borrow_mut().push(b.recycle());
                state.failure.is_none() && !STOP.load(Ordering::Relaxed)
            },
        )
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.jobs)
            .thread_name(|i| format!("leadbatch-worker-{i}"))
            .build()
            .map_err(|e| RunError::Fatal(format!("cannot start worker threads: {e}")))?;
        // Batches in flight (queued, being checked or waiting for their turn): bounds memory.
        let window = 3 * settings.jobs;
        let state = &mut state;
        let ctx = &ctx;
        let walk = &mut walk;
        let file_events = &file_events;
        // The coordinator (reading, ordering, writing) runs on one of the pool's threads
        // and checks batches itself whenever it would otherwise wait: `--jobs N` means N
        // busy threads, never more.
        pool.install(|| {
            let (done_tx, done_rx) = mpsc::channel::<Checked_>();
            let mut order = Reorder::new(window);
            let spares = source::Spares::default();
            // Batches wait here in input order. A task checks whichever batch is
            // oldest, not the one it was spawned with: rayon runs a thread's own tasks
            // newest first, and the coordinator checking the newest batches left the
            // oldest on the other thread, finished batches holding the window while
            // they waited for it, and that thread idle for want of a queued batch.
            let queue = std::sync::Mutex::new(std::collections::VecDeque::<Batch>::new());
            rayon::in_place_scope(|scope| {
                let queue = &queue;
                let order = &mut order;
                let spares = &spares;
                let handed_on = read_all(
                    walk,
                    &read_options,
                    spares,
                    file_events,
                    seen_before,
                    &mut |b: Batch| {
                        let done_tx = done_tx.clone();
                        queue.lock().unwrap_or_else(|e| e.into_inner()).push_back(b);
                        scope.spawn(move |_| {
                            // One task per batch pushed, so there is always one to take.
                            let Some(mut b) =
                                queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                            else {
                                return;
                            };
                            // A panic is a bug, but it must end the run with an error, not a hang.
                            let outs =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    ctx.process_batch(&mut b)
                                }))
                                .ok();
                            let _ = done_tx.send((b, outs));
                        });
                        order.sent += 1;
                        order.collect(&done_rx, state, ctx, spares);
                        state.failure.is_none() && !STOP.load(Ordering::Relaxed)
                    },
                );
                // Only the tasks hold senders now: if one ever ended without sending, the
                // channel closes instead of `finish` waiting forever.
                drop(done_tx);
                order.finish(&done_rx, state, ctx, spares);
                handed_on
            })
        })
    };
    if let Some(p) = &state.progress {
        p.finish();
    }
    if STOP.load(Ordering::Relaxed) {
        state.writers.abandon();
        return Err(RunError::Interrupted);
    }
    if let Some(e) = state.failure.take() {
        state.writers.abandon();
        return Err(RunError::Fatal(format!("cannot write outputs: {e}")));
    }
    if state.consumed != handed_on {
        state.writers.abandon();
        return Err(RunError::Fatal(format!(
            "internal error: {} of {handed_on} batches were written",
            state.consumed
        )));
    }
    let State {
        mut writers,
        duplicates,
        mut summary,
        report: findings,
        ledger,
        consumed,
        history,
        ..
    } = state;
    (
        summary.by_file,
        summary.skipped_files,
        summary.already_processed,
    ) = match ledger.finish(consumed) {
        Ok(lists) => lists,
        Err(e) => {
            writers.abandon();
            return Err(RunError::Fatal(format!("cannot write the file list: {e}")));
        }
    };
    summary.files = summary.by_file.len();
    walk.finish();
    summary.overlapping_inputs = walk.overlaps();
    summary.unreadable_paths = walk
        .walk_errors
        .iter()
        .map(|(path, msg)| format!("{path}: {msg}"))
        .collect();
    // The per-record payload files' digests join the other outputs' in the summary.
    summary.outputs.payloads = match writers.payload_digests() {
        Ok(list) => list,
        Err(e) => {
            writers.abandon();
            return Err(RunError::Fatal(format!(
                "cannot list the payload files' digests: {e}"
            )));
        }
    };
    let (files, accepted_dir) = writers.into_parts();
    let fatal =
        |what: &str, e: std::io::Error| RunError::Fatal(format!("cannot write {what}: {e}"));
    let abandon_dir = |d: &Option<PathBuf>| {
        if let Some(d) = d {
            let _ = std::fs::remove_dir_all(d);
        }
    };
    // Every record is written: the time the run took. What follows is the last fsyncs and
    // the report, side by side, so that no core waits on another's few milliseconds.
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    let write_report =
        || write_report(&dir, &summary, &findings, settings.file_mode).and_then(|f| f.finish());
    let (finished, report) = std::thread::scope(|s| {
        // Closing the key files gives their page cache back: tens of megabytes, a few
        // milliseconds each. (Where no thread can start, they are closed right here.)
        let _ = std::thread::Builder::new().spawn_scoped(s, move || drop(duplicates));
        let report = std::thread::Builder::new().spawn_scoped(s, write_report);
        let finished = output::finish_all(files);
        let report = match report {
            Ok(h) => h.join().unwrap_or_else(|_| {
                Err(std::io::Error::other(
                    "internal error: writing the report panicked",
                ))
            }),
            Err(_) => write_report(),
        };
        (finished, report)
    });
    let mut finished = match finished {
        Ok(f) => f,
        Err(e) => {
            if let Ok(r) = report {
                output::discard(vec![r]);
            }
            abandon_dir(&accepted_dir);
            return Err(fatal("outputs", e));
        }
    };
    for f in &finished {
        summary.outputs.insert(f.name.clone(), f.blake3.clone());
    }
    match report {
        Ok(r) => {
            summary.outputs.insert(r.name.clone(), r.blake3.clone());
            finished.push(r);
        }
        Err(e) => {
            output::discard(finished);
            abandon_dir(&accepted_dir);
            return Err(fatal("report.html", e));
        }
    }
    match write_summary(&dir, &summary, settings.file_mode).and_then(|f| f.finish()) {
        Ok(f) => finished.push(f),
        Err(e) => {
            output::discard(finished);
            abandon_dir(&accepted_dir);
            return Err(fatal("summary.json", e));
        }
    }
    if let Some(d) = &accepted_dir {
        rundir::sync_dir(d).map_err(|e| fatal("accepted/", e))?;
    }
    drop(finished);
    let mut history = history;
    if let Some(h) = history.as_mut() {
        let record = RunRecordParts {
            settings,
            summary: &summary,
            run_dir: &run_dir,
            started: &started_at,
        };
        record.stage(&mut h.ledger)?;
    }
    match run_dir.commit(&|| !STOP.load(Ordering::Relaxed)) {
        Ok(()) => {}
        Err(_) if !run_dir.is_committed() && STOP.load(Ordering::Relaxed) => {
            return Err(RunError::Interrupted);
        }
        Err(e) if run_dir.is_committed() => {
            return Err(RunError::Fatal(format!(
                "the run was committed ({} names it) but {} could not be made durable: {e}",
                settings.out.join(rundir::LATEST).display(),
                settings.out.display()
            )));
        }
        Err(e) => return Err(fatal("the commit", e)),
    }
    if let Some(h) = history.as_mut()
        && let Err(e) = h.ledger.confirm(&run_dir.id)
    {
        // Committed all the same: the next run with this ledger marks it so.
        eprintln!("leadbatch: warning: the ledger could not mark the run committed: {e}");
    }
    if let Err(e) = out.prune(settings.keep_runs) {
        eprintln!("leadbatch: warning: cannot remove old runs (--keep-runs): {e}");
    }
    Ok(summary)
}

/// The SHA-256 of the previous committed run's summary.json: the ledger's newest run, or
/// without a ledger the run `OUT/latest` names.
fn previous_manifest(
    history: Option<&KeyHistory>,
    out: &OutDir,
) -> Result<Option<String>, RunError> {
    if let Some(h) = history {
        return Ok(h
            .ledger
            .head()
            .map_err(|e| RunError::Fatal(e.0))?
            .map(|(_, hash)| hash));
    }
    let path = out.root().join(rundir::LATEST).join(output::SUMMARY);
    Ok(std::fs::read(path).ok().map(|b| sha256_hex(&b)))
}

/// SHA-256 in lower-case hex, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the ledger keeps of a run, gathered at its end.
struct RunRecordParts<'a> {
    settings: &'a Settings,
    summary: &'a Summary,
    run_dir: &'a rundir::RunDir,
    started: &'a str,
}

impl RunRecordParts<'_> {
    /// Writes the run's rows to the ledger, marked pending (before `latest` moves).
    fn stage(&self, ledger: &mut crate::ledger::Ledger) -> Result<(), RunError> {
        let s = self.summary;
        let manifest = std::fs::read(self.run_dir.path.join(output::SUMMARY))
            .map_err(|e| RunError::Fatal(format!("cannot read back summary.json: {e}")))?;
        let out_dir = self
            .settings
            .out
            .canonicalize()
            .unwrap_or_else(|_| self.settings.out.clone());
        let finished = rundir::humane_time(std::time::SystemTime::now());
        let options = serde_json::to_value(&s.options)
            .map_err(|e| RunError::Fatal(format!("cannot record the run's options: {e}")))?;
        let record = crate::ledger::RunRecord {
            run_id: &s.run_id,
            out_dir: &out_dir,
            started: self.started,
            finished: &finished,
            as_of: &s.as_of,
            inputs: &s.inputs,
            options: &options,
            counts: [
                s.records,
                s.accepted,
                s.rejected,
                s.unchanged,
                s.already_processed.len() as u64,
            ],
            manifest_sha256: &sha256_hex(&manifest),
            previous_manifest: s.previous_manifest.as_deref(),
        };
        let files = s.by_file.iter().filter_map(|row| {
            let row = row.ok()?;
            Some(crate::ledger::FileRecord {
                digest: row.blake3.as_ref()?.0,
                source: row.source,
                size: None,
                counts: [row.records, row.accepted, row.rejected, row.unchanged],
            })
        });
        ledger
            .stage(&record, files)
            .map_err(|e| RunError::Fatal(e.0))
    }
}

fn write_report(
    dir: &std::path::Path,
    summary: &Summary,
    findings: &ReportFindings,
    mode: u32,
) -> std::io::Result<output::PendingFile> {
    let mut f = output::PendingFile::create(dir, output::REPORT, mode)?;
    match output::report::write(f.writer(), summary, findings) {
        Ok(()) => Ok(f),
        Err(e) => {
            f.abandon();
            Err(e)
        }
    }
}

fn write_summary(
    dir: &std::path::Path,
    summary: &Summary,
    mode: u32,
) -> std::io::Result<output::PendingFile> {
    use std::io::Write;
    let mut f = output::PendingFile::create(dir, output::SUMMARY, mode)?;
    let written = serde_json::to_writer_pretty(f.writer(), summary)
        .map_err(std::io::Error::from)
        .and_then(|()| f.writer().write_all(b"\n"));
    match written {
        Ok(()) => Ok(f),
        Err(e) => {
            f.abandon();
            Err(e)
        }
    }
}
