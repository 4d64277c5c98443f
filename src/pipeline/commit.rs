//! The last stage: the ledger's rows staged (pending), `OUT/latest` moved to the run, the
//! rows confirmed, old runs pruned.

use std::sync::atomic::Ordering;

use super::finish::Finished;
use super::{RunError, STOP, Settings};
use crate::output::Summary;
use crate::output::rundir;

pub(super) fn commit(settings: &Settings, f: Finished) -> Result<Summary, RunError> {
    let Finished {
        out,
        mut run_dir,
        summary,
        mut history,
        started_at,
    } = f;
    if let Some(h) = history.as_mut() {
        let record = super::history::RunRecordParts {
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
        Err(e) => return Err(RunError::Fatal(format!("cannot write the commit: {e}"))),
    }
    if let Some(h) = history.as_mut()
        && let Err(e) = h.ledger.confirm(&run_dir.id)
    {
        // Committed all the same: the next run with this ledger marks it so.
        eprintln!("leadbatch: warning: the ledger could not mark the run committed: {e}");
    } else if let Some(h) = history.as_mut()
        && let Err(e) = h.ledger.compact()
    {
        // Merging key segments only keeps lookups quick; a later run merges them.
        eprintln!("leadbatch: warning: the ledger's key segments were not merged: {e}");
    }
    if let Err(e) = out.prune(settings.keep_runs) {
        eprintln!("leadbatch: warning: cannot remove old runs (--keep-runs): {e}");
    }
    Ok(summary)
}
