//! The run: walk, read, check in parallel, decide in order, write, commit.
//!
//! One coordinator reads the files in order and cuts them into batches of about a
//! megabyte; each batch is checked on the rayon pool as one task, and comes back to the
//! coordinator, which puts batches back in input order (`Reorder`), applies the cross-record
//! rules and writes. So outcomes are emitted strictly in input order and the output bytes do
//! not depend on `--jobs`.
//!
//! Threads: `--jobs N` means N busy threads. With 1, everything runs on the calling thread,
//! one batch after another. (Each large output file also has a helper thread that only
//! waits for the disk: see `output::Writeback`.) With N ≥ 2 the coordinator is one of the pool's N threads and,
//! whenever it would wait for a batch, checks queued batches itself, so no core idles
//! while there is work and no thread is added that the machine has no core for. At most
//! `3 × N` batches are in flight (4.5 × N while the coordinator reads on because it has
//! nothing to check), which with the recycled batch buffers bounds memory.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use crate::canonical;
use crate::diagnostic::Severity;
use crate::diagnostic::{Diagnostic, code};
use crate::output::report::{ReportFinding, ReportFindings};
use crate::output::{self, FileSummary, RecordWriters, Summary, records::RecordReport};
use crate::record::Node;
use crate::rules::{self, Checked, RuleSettings, cross::Duplicates};
use crate::source::Format;
use crate::source::{self, Batch, InputFile, Item, RawBody, RawRecord, ReadOptions, json_value};

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
    /// `--format`: for standard input and explicitly named files.
    pub format: Option<Format>,
    /// `--strict`: warnings reject.
    pub strict: bool,
    /// Permission bits of output files.
    pub file_mode: u32,
    pub payload_layout: PayloadLayout,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Print summary.json on stdout (the caller's business; kept here so config shows it).
    pub json: bool,
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
            format: None,
            strict: false,
            file_mode: 0o600,
            payload_layout: PayloadLayout::Ndjson,
            progress: false,
            json: false,
        }
    }
}

/// Set by SIGINT/SIGTERM: the run stops promptly and commits nothing.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT/SIGTERM handler that sets `STOP`.
pub fn install_signal_handler() {
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
}

/// Why a run could not complete (exit status 2).
#[derive(Debug)]
pub enum RunError {
    /// Bad arguments (an input that does not exist, ...).
    Usage(String),
    /// The run could not complete (output not writable, disk full, ...). No output replaced.
    Fatal(String),
    /// Stopped by a signal. No output replaced.
    Interrupted,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Usage(m) | RunError::Fatal(m) => f.write_str(m),
            RunError::Interrupted => f.write_str("interrupted; no output was replaced"),
        }
    }
}

/// The outcome of one item of a batch, computed on the pool.
enum Outcome {
    Record {
        checked: Checked,
        /// Canonical payload when accepted: a range of the batch's `out` buffer.
        payload: std::ops::Range<usize>,
        /// The record as read (JSON) when rejected, a range of `out`; None when unreadable.
        input: Option<std::ops::Range<usize>>,
    },
    FileError,
}

/// Runs the pipeline and commits the outputs. Returns the summary that was written.
pub fn run(settings: &Settings) -> Result<Summary, RunError> {
    let started = Instant::now();
    std::fs::create_dir_all(&settings.out).map_err(|e| {
        RunError::Fatal(format!(
            "cannot create output directory {}: {e}",
            settings.out.display()
        ))
    })?;
    let found = source::discover(&settings.inputs, Some(&settings.out), settings.format)
        .map_err(RunError::Usage)?;
    output::remove_stale(&settings.out);
    let writers = RecordWriters::create(
        &settings.out,
        settings.mode == Mode::Process,
        settings.payload_layout == PayloadLayout::Files,
        settings.file_mode,
    )
    .map_err(|e| RunError::Fatal(format!("cannot write to {}: {e}", settings.out.display())))?;

    let mut state = State {
        files: &found.files,
        writers,
        duplicates: Duplicates::create(&settings.out).map_err(|e| {
            RunError::Fatal(format!(
                "cannot create the duplicate-check files in {}: {e}",
                settings.out.display()
            ))
        })?,
        summary: Summary {
            version: env!("CARGO_PKG_VERSION").to_string(),
            spec: crate::SPEC_VERSION.to_string(),
            as_of: settings.rules.as_of.to_string(),
            inputs: settings
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            files: found.files.len() as u64,
            skipped_files: found.skipped.clone(),
            by_file: found
                .files
                .iter()
                .map(|f| FileSummary {
                    source: f.source.clone(),
                    format: f.format.as_str(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        },
        failure: None,
        progress: progress_bar(settings, found.files.len()),
        report: ReportFindings::default(),
        started,
    };
    for (path, msg) in &found.walk_errors {
        state
            .summary
            .unreadable_paths
            .push(format!("{path}: {msg}"));
    }

    let ctx = Ctx {
        read: &settings.read,
        rules: &settings.rules,
        rules_not_csv: RuleSettings {
            decimal_comma: false,
            ..settings.rules.clone()
        },
        strict: settings.strict,
    };
    let digests = if settings.jobs <= 1 {
        // One thread does everything: read a batch, check it, write it.
        let spares = source::Spares::default();
        read_all(&found.files, &settings.read, &spares, &mut |b: Batch| {
            if state.failure.is_some() || STOP.load(Ordering::Relaxed) {
                return false;
            }
            let mut b = b;
            let outs = ctx.process_batch(&mut b);
            state.consume(&b, outs, &ctx);
            spares.borrow_mut().push(b.recycle());
            state.failure.is_none() && !STOP.load(Ordering::Relaxed)
        })
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
        let files = &found.files;
        // The coordinator (reading, ordering, writing) runs on one of the pool's threads
        // and checks batches itself whenever it would otherwise wait: `--jobs N` means N
        // busy threads, never more.
        pool.install(|| {
            let (done_tx, done_rx) = mpsc::channel::<Checked_>();
            let mut order = Reorder::new(window);
            let spares = source::Spares::default();
            rayon::in_place_scope(|scope| {
                let order = &mut order;
                let spares = &spares;
                let digests = read_all(files, &settings.read, spares, &mut |b: Batch| {
                    let done_tx = done_tx.clone();
                    scope.spawn(move |_| {
                        let mut b = b;
                        // A panic is a bug, but it must end the run with an error, not a hang.
                        let outs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            ctx.process_batch(&mut b)
                        }))
                        .ok();
                        let _ = done_tx.send((b, outs));
                    });
                    order.sent += 1;
                    order.collect(&done_rx, state, ctx, spares);
                    state.failure.is_none() && !STOP.load(Ordering::Relaxed)
                });
                // Only the tasks hold senders now: if one ever ended without sending, the
                // channel closes instead of `finish` waiting forever.
                drop(done_tx);
                order.finish(&done_rx, state, ctx, spares);
                digests
            })
        })
    };
    if let Some(p) = &state.progress {
        p.finish_and_clear();
    }
    if STOP.load(Ordering::Relaxed) {
        state.writers.abandon();
        return Err(RunError::Interrupted);
    }
    if let Some(e) = state.failure.take() {
        state.writers.abandon();
        return Err(RunError::Fatal(format!("cannot write outputs: {e}")));
    }
    for (fs, d) in state.summary.by_file.iter_mut().zip(digests) {
        fs.blake3 = d;
    }
    let (files, accepted_dir) = state.writers.into_parts();
    let fatal =
        |what: &str, e: std::io::Error| RunError::Fatal(format!("cannot write {what}: {e}"));
    let abandon_dir = |d: &Option<PathBuf>| {
        if let Some(d) = d {
            let _ = std::fs::remove_dir_all(d);
        }
    };
    let mut finished = match output::finish_all(files) {
        Ok(f) => f,
        Err(e) => {
            abandon_dir(&accepted_dir);
            return Err(fatal("outputs", e));
        }
    };
    let mut summary = state.summary;
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    for f in &finished {
        summary.outputs.insert(f.name.clone(), f.blake3.clone());
    }
    let report = write_report(&settings.out, &summary, &state.report, settings.file_mode)
        .and_then(|f| f.finish());
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
    match write_summary(&settings.out, &summary, settings.file_mode).and_then(|f| f.finish()) {
        Ok(f) => finished.push(f),
        Err(e) => {
            output::discard(finished);
            abandon_dir(&accepted_dir);
            return Err(fatal("summary.json", e));
        }
    }
    if STOP.load(Ordering::Relaxed) {
        output::discard(finished);
        abandon_dir(&accepted_dir);
        return Err(RunError::Interrupted);
    }
    output::commit(&settings.out, finished, accepted_dir).map_err(|e| fatal("outputs", e))?;
    Ok(summary)
}

/// A batch back from a worker: its outcomes, or None when checking it panicked.
type Checked_ = (Batch, Option<Vec<Outcome>>);

/// Reads every file in order into batches handed to `emit` (which returns false to stop).
/// Returns the digest of each file read.
fn read_all(
    files: &[InputFile],
    opts: &ReadOptions,
    spares: &source::Spares,
    emit: &mut dyn FnMut(Batch) -> bool,
) -> Vec<Option<source::digest::Digest>> {
    let mut sink = source::BatchSink::new(BATCH_ITEMS, BATCH_BYTES, emit).with_spares(spares);
    let mut digests = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        if sink.stopped {
            break;
        }
        digests.push(source::read_file(i as u32, f, opts, &mut sink));
        sink.flush_file();
    }
    sink.flush();
    digests
}

/// Records per batch: enough to keep a worker busy for about a millisecond.
const BATCH_ITEMS: usize = 1024;
/// Raw bytes per batch: with the window of batches in flight, what bounds reader memory.
const BATCH_BYTES: usize = 512 << 10;

/// What `Reorder::wait` did.
enum Waited {
    /// Took a finished batch.
    Took,
    /// Nothing to take or check right now.
    Idle,
    /// No batch can come any more.
    Closed,
}

/// Puts batches checked out of order back in input order for the single-threaded end.
struct Reorder {
    /// Most batches in flight at once.
    window: u64,
    /// Batches handed to the pool.
    sent: u64,
    /// Sequence number of the next batch to consume.
    next: u64,
    waiting: std::collections::BTreeMap<u64, Checked_>,
}

impl Reorder {
    fn new(window: usize) -> Reorder {
        Reorder {
            window: window.max(1) as u64,
            sent: 0,
            next: 0,
            waiting: Default::default(),
        }
    }

    /// Consumes what is ready, and waits while the window is full. When nothing is queued
    /// for this thread to check (every batch in flight is on another thread), it reads on
    /// instead, up to one and a half windows: blocking then would leave the other threads
    /// without the next batch when they finish theirs.
    fn collect(
        &mut self,
        rx: &mpsc::Receiver<Checked_>,
        state: &mut State,
        ctx: &Ctx,
        spares: &source::Spares,
    ) {
        while let Ok(done) = rx.try_recv() {
            self.take(done, state, ctx, spares);
        }
        while self.sent - self.next >= self.window {
            let may_read_on = self.sent - self.next < self.window + self.window / 2;
            match self.wait(rx, state, ctx, spares, may_read_on) {
                Waited::Took => {}
                Waited::Idle | Waited::Closed => return,
            }
        }
    }

    /// Takes one finished batch, checking queued batches on this thread while none is
    /// ready. With `may_return_idle`, returns `Idle` instead of blocking when there is
    /// nothing to check.
    fn wait(
        &mut self,
        rx: &mpsc::Receiver<Checked_>,
        state: &mut State,
        ctx: &Ctx,
        spares: &source::Spares,
        may_return_idle: bool,
    ) -> Waited {
        loop {
            match rx.try_recv() {
                Ok(done) => {
                    self.take(done, state, ctx, spares);
                    return Waited::Took;
                }
                Err(mpsc::TryRecvError::Disconnected) => return Waited::Closed,
                Err(mpsc::TryRecvError::Empty) => {}
            }
            if rayon::yield_now() == Some(rayon::Yield::Executed) {
                continue;
            }
            if may_return_idle {
                return Waited::Idle;
            }
            // Every batch in flight is on another thread, and only this thread spawns
            // more, so blocking cannot miss one.
            return match rx.recv() {
                Ok(done) => {
                    self.take(done, state, ctx, spares);
                    Waited::Took
                }
                Err(_) => Waited::Closed,
            };
        }
    }

    /// Waits for every batch still in flight.
    fn finish(
        &mut self,
        rx: &mpsc::Receiver<Checked_>,
        state: &mut State,
        ctx: &Ctx,
        spares: &source::Spares,
    ) {
        while self.next < self.sent {
            if let Waited::Closed = self.wait(rx, state, ctx, spares, false) {
                return;
            }
        }
    }

    fn take(&mut self, done: Checked_, state: &mut State, ctx: &Ctx, spares: &source::Spares) {
        self.waiting.insert(done.0.seq, done);
        while let Some((b, outs)) = self.waiting.remove(&self.next) {
            self.next += 1;
            if state.failure.is_some() {
                continue;
            }
            match outs {
                Some(outs) => {
                    state.consume(&b, outs, ctx);
                    spares.borrow_mut().push(b.recycle());
                }
                None => {
                    state.failure = Some(std::io::Error::other(format!(
                        "internal error: checking batch {} panicked",
                        b.seq
                    )))
                }
            }
        }
    }
}

fn write_report(
    dir: &std::path::Path,
    summary: &Summary,
    findings: &ReportFindings,
    mode: u32,
) -> std::io::Result<output::PendingFile> {
    let mut f = output::PendingFile::create(dir, output::REPORT, mode)?;
    output::report::write(f.writer(), summary, findings)?;
    Ok(f)
}

fn write_summary(
    dir: &std::path::Path,
    summary: &Summary,
    mode: u32,
) -> std::io::Result<output::PendingFile> {
    use std::io::Write;
    let mut f = output::PendingFile::create(dir, output::SUMMARY, mode)?;
    serde_json::to_writer_pretty(f.writer(), summary)?;
    f.writer().write_all(b"\n")?;
    Ok(f)
}

fn progress_bar(settings: &Settings, files: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !settings.progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files  {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// Read-only context of the workers.
struct Ctx<'a> {
    read: &'a ReadOptions,
    rules: &'a RuleSettings,
    /// The rules for JSON and XML records: `--decimal-comma` is about CSV exports only.
    rules_not_csv: RuleSettings,
    strict: bool,
}

impl Ctx<'_> {
    /// Checks every item of a batch; payloads and rejected inputs go to the batch's `out`
    /// buffer (one buffer per batch, reused: no allocation per record).
    fn process_batch(&self, b: &mut Batch) -> Vec<Outcome> {
        let mut out = std::mem::take(&mut b.out);
        out.reserve(b.data.len() + b.data.len() / 8);
        let outs = b
            .items
            .iter()
            .map(|it| self.process(it, b, &mut out))
            .collect();
        b.out = out;
        outs
    }

    fn process(&self, item: &Item, batch: &Batch, out: &mut Vec<u8>) -> Outcome {
        let Item::Record(raw) = item else {
            return Outcome::FileError;
        };
        let rules = match raw.body {
            RawBody::Csv { .. } => self.rules,
            _ => &self.rules_not_csv,
        };
        let start = out.len();
        let result = parse(raw, batch, self.read).map(|node| {
            let mut checked = rules::check_record(&node, rules, out);
            if self.strict {
                strictify(&mut checked);
            }
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
                Outcome::Record {
                    checked,
                    payload,
                    input,
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
                }
            }
        }
    }
}

/// `--strict`: every warning is an error.
fn strictify(checked: &mut Checked) {
    for d in &mut checked.diagnostics {
        d.severity = Severity::Error;
    }
    for d in &mut checked.dropped {
        d.1 = Severity::Error;
    }
    checked.errors += checked.warnings;
    checked.warnings = 0;
}

/// The record as read, for `rejected.ndjson` (masked with `--redact`).
fn render(v: &mut Vec<u8>, node: &Node, redact: bool) {
    match node {
        Node::Map(_) if redact => crate::redact::write_masked(v, node),
        Node::Map(_) => canonical::write_node(v, node),
        _ => v.extend_from_slice(b"null"),
    }
}

/// Parses a raw record into its tree; a failure is the record's `parse-error`.
fn parse<'b>(
    raw: &'b RawRecord,
    batch: &'b Batch,
    opts: &ReadOptions,
) -> Result<Node<'b>, Diagnostic> {
    let at = |line_offset: u64, column: u64, message: &str| {
        Diagnostic::error(
            code::PARSE_ERROR,
            "",
            format!(
                "line {}, column {column}: {message}",
                raw.loc.line + line_offset
            ),
        )
    };
    match &raw.body {
        RawBody::Json { start, end, col } => {
            let bytes = batch.bytes(*start, *end);
            let text = std::str::from_utf8(bytes).map_err(|e| {
                let ok = &bytes[..e.valid_up_to()];
                let line = memchr::memchr_iter(b'\n', ok).count() as u64;
                let col =
                    String::from_utf8_lossy(&ok[memchr::memrchr(b'\n', ok).map_or(0, |p| p + 1)..])
                        .chars()
                        .count() as u64
                        + 1;
                at(
                    line,
                    col,
                    &format!(
                        "invalid UTF-8 (byte 0x{:02X}); JSON must be UTF-8",
                        bytes[e.valid_up_to()]
                    ),
                )
            })?;
            json_value::parse(text, opts.max_depth).map_err(|e| {
                let (line, c) = e.line_col(text);
                // On the record's first line, columns count from the file's line start.
                let c = if line == 1 { c + col - 1 } else { c };
                at(line - 1, c, &e.message)
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
                at(f.line_offset, c, &f.message)
            })
        }
        RawBody::Csv { row, header } => source::csv::parse_record(row, header, opts)
            .map_err(|f| at(f.line_offset, f.column, &f.message)),
        RawBody::Unreadable(d) => Err(d.clone()),
    }
}

/// The ordered, single-threaded end of the pipeline.
struct State<'f> {
    files: &'f [InputFile],
    writers: RecordWriters,
    duplicates: Duplicates,
    summary: Summary,
    failure: Option<std::io::Error>,
    progress: Option<indicatif::ProgressBar>,
    report: ReportFindings,
    started: Instant,
}

impl State<'_> {
    fn consume(&mut self, batch: &Batch, outcomes: Vec<Outcome>, ctx: &Ctx) {
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
        if let Some(p) = &self.progress {
            if let Some(Item::Record(r)) = batch.items.last() {
                p.set_position(r.loc.file as u64);
            }
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
        let files = self.files;
        let source_of = |f: u32| files[f as usize].source.clone();
        match (item, outcome) {
            (Item::FileError { loc, diag }, _) => {
                let fs = &mut self.summary.by_file[loc.file as usize];
                fs.error = Some(diag.message.clone());
                self.report.add(diag.code, || ReportFinding {
                    source: files[loc.file as usize].source.clone(),
                    record: 0,
                    line: loc.line,
                    path: String::new(),
                    message: diag.message.clone(),
                });
                *self
                    .summary
                    .by_code
                    .entry(diag.code.to_string())
                    .or_default() += 1;
                let report = RecordReport {
                    source: &files[loc.file as usize].source,
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
                let dups = self.duplicates.check(&checked.keys, &raw.loc, &source_of)?;
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
                let fs = &mut s.by_file[raw.loc.file as usize];
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
                        self.report.add(d.code, || ReportFinding {
                            source: files[raw.loc.file as usize].source.clone(),
                            record: raw.loc.record,
                            line: raw.loc.line,
                            path: d.path.clone(),
                            message: d.message.clone(),
                        });
                    }
                }
                let report = RecordReport {
                    source: &files[raw.loc.file as usize].source,
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
                            rendered = parse(raw, batch, ctx.read).ok().map(|n| {
                                let mut v = Vec::new();
                                render(&mut v, &n, ctx.rules.redact);
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
