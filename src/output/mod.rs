//! Writers only: `accepted.ndjson`, `rejected.ndjson`, `errors.csv`, `summary.json`,
//! `report.html`, and the run directory they are written in (`rundir`).
//!
//! Every file is written under its own name in the run's own new directory
//! (`OUT/runs/<run-id>/`, which nothing else writes in and no reader looks at before the
//! commit), created with `O_EXCL` and `O_NOFOLLOW`, hashed as it is written and fsynced.
//! The commit (`rundir::RunDir::commit`) then moves `OUT/latest` to the directory in one
//! rename, so a failed or killed run never leaves a mix of old and new outputs.

pub mod list;
pub mod records;
pub mod report;
pub mod rundir;
mod sink;
pub mod summary;
pub mod terminal;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::source::digest::HashWriter;
use sink::Sink;

pub use records::RecordWriters;
pub use summary::{FileSummary, Summary};

/// `--file-mode` unless set: the outputs hold personal data, readable by their owner only.
pub const DEFAULT_FILE_MODE: u32 = 0o600;

pub const ACCEPTED: &str = "accepted.ndjson";
pub const REJECTED: &str = "rejected.ndjson";
pub const ERRORS: &str = "errors.csv";
pub const SUMMARY: &str = "summary.json";
pub const REPORT: &str = "report.html";
/// With a ledger: the records accepted before with the same payload.
pub const UNCHANGED: &str = "unchanged.ndjson";
/// `--payload-layout files`: one pretty JSON file per accepted record.
pub const ACCEPTED_DIR: &str = "accepted";

/// An output file being written in the run directory, hashed as it is written.
pub struct PendingFile {
    pub name: String,
    path: PathBuf,
    writer: BufWriter<HashWriter<Sink>>,
}

/// A file written completely and fsynced.
pub struct FinishedFile {
    pub name: String,
    pub blake3: String,
    path: PathBuf,
}

/// Creates a new file with the run's permission bits (0600 unless `--file-mode` says
/// otherwise): never an existing file, never through a symlink planted at its name.
pub fn create_file(path: &Path, mode: u32) -> io::Result<File> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(mode).custom_flags(libc::O_NOFOLLOW);
        let f = opts.open(path)?;
        // The umask may have narrowed the mode; the flag is what the user asked for.
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        opts.open(path)
    }
}

impl PendingFile {
    /// A small file (summary, report), written with plain buffered writes.
    pub fn create(dir: &Path, name: &str, mode: u32) -> io::Result<PendingFile> {
        PendingFile::open(dir, name, mode, Sink::buffered)
    }

    /// A record stream that may grow to gigabytes: written with `O_DIRECT` where the file
    /// system allows it (see `sink`).
    pub fn create_streamed(dir: &Path, name: &str, mode: u32) -> io::Result<PendingFile> {
        PendingFile::open(dir, name, mode, Sink::streamed)
    }

    fn open(dir: &Path, name: &str, mode: u32, sink: fn(File) -> Sink) -> io::Result<PendingFile> {
        let path = dir.join(name);
        let file = create_file(&path, mode)?;
        Ok(PendingFile {
            name: name.to_string(),
            path,
            writer: BufWriter::with_capacity(
                256 << 10,
                HashWriter {
                    inner: sink(file),
                    hasher: Default::default(),
                },
            ),
        })
    }

    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.writer
    }

    /// Flushes and fsyncs.
    pub fn finish(self) -> io::Result<FinishedFile> {
        let path = self.path.clone();
        let result = (|| {
            let w = self.writer.into_inner().map_err(|e| e.into_error())?;
            w.inner.finish()?;
            Ok(w.hasher)
        })();
        match result {
            Ok(hasher) => Ok(FinishedFile {
                name: self.name,
                blake3: crate::source::digest::hex(&hasher),
                path: self.path,
            }),
            Err(e) => {
                let _ = fs::remove_file(path);
                Err(e)
            }
        }
    }

    /// Removes the file (the run failed). What is still buffered is dropped, not written:
    /// flushing it would only wait on the device for a file about to be unlinked.
    pub fn abandon(self) {
        let _ = fs::remove_file(&self.path);
        drop(self.writer.into_parts());
    }
}

/// Finishes all files (removing every temporary file when one fails), each on its own
/// thread: a finish is mostly waiting for the device (the last writes, the fsync), and side
/// by side the waits overlap. The first error in `files` order is the one returned.
pub fn finish_all(files: Vec<PendingFile>) -> io::Result<Vec<FinishedFile>> {
    use std::sync::Mutex;
    // A file is taken from its slot by its thread, or here where no thread could start.
    let slots: Vec<Mutex<Option<PendingFile>>> =
        files.into_iter().map(|f| Mutex::new(Some(f))).collect();
    let finish = |slot: &Mutex<Option<PendingFile>>| {
        let f = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        f.map(PendingFile::finish)
    };
    let results: Vec<io::Result<FinishedFile>> = std::thread::scope(|s| {
        let jobs: Vec<_> = slots
            .iter()
            .map(|slot| std::thread::Builder::new().spawn_scoped(s, move || finish(slot)))
            .collect();
        slots
            .iter()
            .zip(jobs)
            .map(|(slot, job)| {
                let done = match job {
                    Ok(h) => h.join().unwrap_or_else(|_| {
                        Some(Err(io::Error::other(
                            "internal error: finishing a file panicked",
                        )))
                    }),
                    Err(_) => finish(slot),
                };
                done.unwrap_or_else(|| Err(io::Error::other("internal error: a file was lost")))
            })
            .collect()
    });
    let mut done = Vec::with_capacity(results.len());
    let mut failed = None;
    for r in results {
        match r {
            Ok(f) => done.push(f),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    match failed {
        Some(e) => {
            discard(done);
            Err(e)
        }
        None => Ok(done),
    }
}

/// Removes finished files that will not be committed.
pub fn discard(files: Vec<FinishedFile>) {
    for f in files {
        let _ = fs::remove_file(f.path);
    }
}
