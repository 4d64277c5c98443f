//! The run's use of the ledger (`--ledger`): files read by an earlier committed run are not
//! read again (`FileHistory`, on the reader's side), and accepted records are checked
//! against the keys of earlier runs (`KeyHistory`, on the ordered end's side): the same
//! communicationNumber with the same payload is *unchanged*, with another payload a
//! `duplicate-communication-number`; a CREATE of a customerExtId created before is a
//! `duplicate-customer-ext-id` (spec §7). Each side has its own connection, so that the
//! reader and the ordered end never share one.
//!
//! **(decision)** Only records accepted by this run's own checks are compared with the
//! ledger: a rejected record has no payload to compare, and its keys are not recorded.

use std::io::{self, Read};
use std::path::Path;

use super::{RunError, Settings};
use crate::diagnostic::{Code, Diagnostic};
use crate::ledger::{KeyFilters, Ledger, LedgerError, PayloadDigest};
use crate::output::rundir::{self, OutDir};
use crate::output::summary::AlreadyProcessed;
use crate::output::{self, Summary};
use crate::rules::Checked;
use crate::source::InputFile;
use crate::source::digest::sha256_hex;

fn io_error(e: LedgerError) -> io::Error {
    io::Error::other(e.0)
}

/// The reader's view of the ledger: which files were read before.
pub(super) struct FileHistory {
    ledger: Ledger,
    /// `--reprocess`: read them anyway.
    reprocess: bool,
}

impl FileHistory {
    pub(super) fn open(path: &Path, reprocess: bool) -> Result<FileHistory, LedgerError> {
        Ok(FileHistory {
            ledger: Ledger::open(path)?,
            reprocess,
        })
    }

    /// Whether a committed run read a file with the same bytes (and it is not to be read
    /// again). Costs one read of the file before the real one (the page cache usually
    /// serves the second), unless no file the ledger knows has its size (then the bytes
    /// cannot be the same: a night of new files is not read twice); standard input and
    /// files that cannot be read are always read (the reader reports what is wrong).
    pub(super) fn seen_before(&mut self, file: &InputFile) -> Option<AlreadyProcessed> {
        if self.reprocess || file.is_stdin() {
            return None;
        }
        let size = std::fs::metadata(&file.path).ok()?.len();
        if !self.ledger.file_of_size(size).unwrap_or(true) {
            return None;
        }
        let digest = file_digest(&file.path).ok()?;
        let run_id = self.ledger.file_seen(&digest).ok()??;
        Some(AlreadyProcessed {
            source: file.source.clone(),
            blake3: crate::source::digest::Digest(digest).to_string(),
            run_id,
        })
    }
}

/// BLAKE3 of a regular file's bytes, as `byFile` gives it, each 4 MiB read hashed on the
/// run's pool. (Not mapped: the mapped pages of a big file count in the process's resident
/// memory, 734 MB for the 1M-record corpus.)
fn file_digest(path: &Path) -> io::Result<[u8; 32]> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut f = std::fs::File::open(path)?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 4 << 20];
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match f.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        if filled == 0 {
            break;
        }
        h.update_rayon(&buf[..filled]);
    }
    Ok(*h.finalize().as_bytes())
}

/// The ordered end's view of the ledger: the keys of earlier runs, and this run's new ones.
pub(super) struct KeyHistory {
    pub(super) ledger: Ledger,
    /// The ledger's filters, which the workers ask first (`check`).
    pub(super) filters: KeyFilters,
}

impl KeyHistory {
    pub(super) fn open(
        path: &Path,
        own_out: &Path,
        run_dir: &Path,
    ) -> Result<KeyHistory, LedgerError> {
        let mut ledger = Ledger::open(path)?;
        let (kept, deleted) = ledger.settle_pending(own_out)?;
        if kept + deleted > 0 {
            eprintln!(
                "leadbatch: ledger: settled runs left pending by a killed run: {kept} committed, \
                 {deleted} rolled back"
            );
        }
        ledger.begin_keys(run_dir)?;
        let filters = ledger.key_filters()?;
        Ok(KeyHistory { ledger, filters })
    }

    /// Compares an accepted record (its payload and the payload's digest) with the ledger.
    /// Returns the earlier run when the record is unchanged; otherwise reports any duplicate
    /// on `checked` (which may reject it), and records the keys of a record still accepted.
    pub(super) fn check(
        &mut self,
        checked: &mut Checked,
        (payload, digest): (&[u8], &PayloadDigest),
        source: &str,
        record: u64,
        max_findings: usize,
    ) -> io::Result<Option<String>> {
        let keys = &checked.keys;
        let [cn_hash, ext_hash] = keys.ledger_hashes;
        let cn = hashed(keys.communication_number.as_deref(), cn_hash);
        let ext = hashed(keys.customer_ext_id.as_deref(), ext_hash);
        let mut found = Vec::new();
        if let Some((cn, hash, true)) = cn
            && let Some(earlier) = self
                .ledger
                .communication_number_hashed(cn, hash)
                .map_err(io_error)?
        {
            if earlier.payload_digest.matches(payload, digest) {
                return Ok(Some(earlier.run_id));
            }
            found.push(Diagnostic::error(
                Code::DuplicateCommunicationNumber,
                "communicationNumber",
                format!(
                    "communicationNumber {cn:?} was accepted with another payload in run {} \
                     ({} record {}); AMLYZE refuses a number used before",
                    earlier.run_id, earlier.source, earlier.record
                ),
            ));
        }
        if keys.is_create
            && let Some((ext, hash, true)) = ext
            && let Some(run_id) = self
                .ledger
                .created_ext_id_hashed(ext, hash)
                .map_err(io_error)?
        {
            found.push(Diagnostic::error(
                Code::DuplicateCustomerExtId,
                "customerExtId",
                format!("a CREATE for customerExtId {ext:?} was already made in run {run_id}"),
            ));
        }
        if !found.is_empty() {
            // Errors: the record is rejected, and its keys are not recorded.
            for d in found {
                checked.report(d, max_findings);
            }
        } else if checked.accepted() {
            let created = ext.filter(|_| checked.keys.is_create);
            self.ledger
                .add_keys_hashed(unmarked(cn), digest, unmarked(created), source, record)
                .map_err(io_error)?;
        }
        Ok(None)
    }
}

/// A key with its ledger hash, without the filters' answer.
fn unmarked(key: Option<(&str, u64, bool)>) -> Option<(&str, u64)> {
    key.map(|(k, hash, _)| (k, hash))
}

/// A key with its ledger hash and whether the ledger may hold it: as the worker found,
/// else hashed here and to be looked up.
fn hashed(key: Option<&str>, hash: Option<(u64, bool)>) -> Option<(&str, u64, bool)> {
    key.map(|k| match hash {
        Some((hash, maybe)) => (k, hash, maybe),
        None => (k, crate::ledger::key_hash(k), true),
    })
}

/// The SHA-256 of the previous committed run's summary.json: the ledger's newest run, or
/// without a ledger the run `OUT/latest` names.
pub(super) fn previous_manifest(
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

/// The ledger's last runs and this one, for the report's chart.
pub(super) fn report_history(
    ledger: &crate::ledger::Ledger,
    s: &Summary,
) -> Result<output::report::History, RunError> {
    use output::report::{History, HistoryRun};
    let runs = ledger.runs().map_err(|e| RunError::Fatal(e.0))?;
    let before = runs.len().saturating_sub(output::report::HISTORY_RUNS - 1);
    let mut shown: Vec<HistoryRun> = runs[before..]
        .iter()
        .map(|r| HistoryRun {
            run_id: r.run_id.clone(),
            accepted: r.accepted,
            rejected: r.rejected,
            unchanged: r.unchanged,
        })
        .collect();
    shown.push(HistoryRun {
        run_id: s.run_id.clone(),
        accepted: s.accepted,
        rejected: s.rejected,
        unchanged: s.unchanged,
    });
    Ok(History {
        runs: shown,
        head: s.previous_manifest.clone(),
    })
}

/// What the ledger keeps of a run, gathered at its end.
pub(super) struct RunRecordParts<'a> {
    pub(super) settings: &'a Settings,
    pub(super) summary: &'a Summary,
    pub(super) run_dir: &'a rundir::RunDir,
    pub(super) started: &'a str,
}

impl RunRecordParts<'_> {
    /// Writes the run's rows to the ledger, marked pending (before `latest` moves).
    pub(super) fn stage(&self, ledger: &mut crate::ledger::Ledger) -> Result<(), RunError> {
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
                size: row.bytes,
                counts: [row.records, row.accepted, row.rejected, row.unchanged],
            })
        });
        ledger
            .stage(&record, files)
            .map_err(|e| RunError::Fatal(e.0))
    }
}
