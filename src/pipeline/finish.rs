//! The third stage: the file lists, the last fsyncs, report.html and summary.json, all in
//! the run's directory, still uncommitted.

use std::path::PathBuf;
use std::time::Instant;

use super::consume::State;
use super::history::{self, KeyHistory};
use super::prepare::Prepared;
use super::{RunError, Settings};
use crate::output::report::ReportFindings;
use crate::output::rundir::{self, OutDir, RunDir};
use crate::output::{self, Summary};

/// A run whose outputs are all written and fsynced, waiting for its commit.
pub(super) struct Finished {
    pub(super) out: OutDir,
    pub(super) run_dir: RunDir,
    pub(super) summary: Summary,
    pub(super) history: Option<KeyHistory>,
    pub(super) started_at: String,
}

pub(super) fn finish(
    settings: &Settings,
    prepared: Prepared,
    started: Instant,
) -> Result<Finished, RunError> {
    let Prepared {
        out,
        mut walk,
        run_dir,
        started_at,
        state,
        ..
    } = prepared;
    let mut state = state;
    let dir = run_dir.path.clone();
    if let Some(h) = &state.history {
        state.report.history = Some(history::report_history(&h.ledger, &state.summary)?);
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
    Ok(Finished {
        out,
        run_dir,
        summary,
        history,
        started_at,
    })
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
