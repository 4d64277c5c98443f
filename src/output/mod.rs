//! Writers only: `accepted.ndjson`, `rejected.ndjson`, `errors.csv`, `summary.json`.
//!
//! Every file is written under a temporary name in `--out` and renamed into place only
//! when the whole run has completed (after an fsync of each file and of the directory), so
//! a failed or killed run never leaves a mix of old and new outputs. Temporary files left
//! by a killed run are removed by the next run.

pub mod records;
pub mod summary;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub use records::RecordWriters;
pub use summary::{FileSummary, Summary};

/// Suffix of temporary output files.
const TMP_SUFFIX: &str = ".leadbatch-tmp";

pub const ACCEPTED: &str = "accepted.ndjson";
pub const REJECTED: &str = "rejected.ndjson";
pub const ERRORS: &str = "errors.csv";
pub const SUMMARY: &str = "summary.json";

/// An output file being written under a temporary name.
pub struct PendingFile {
    final_path: PathBuf,
    tmp_path: PathBuf,
    writer: BufWriter<File>,
}

impl PendingFile {
    pub fn create(dir: &Path, name: &str) -> io::Result<PendingFile> {
        let final_path = dir.join(name);
        let tmp_path = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Personal data: readable by the owner only.
            opts.mode(0o600);
        }
        let file = opts.open(&tmp_path)?;
        Ok(PendingFile {
            final_path,
            tmp_path,
            writer: BufWriter::with_capacity(1 << 20, file),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// Flushes and fsyncs; the file keeps its temporary name.
    fn finish(mut self) -> io::Result<(PathBuf, PathBuf)> {
        self.writer.flush()?;
        let file = self.writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok((self.tmp_path, self.final_path))
    }

    /// Removes the temporary file (the run failed).
    pub fn abandon(self) {
        let _ = fs::remove_file(&self.tmp_path);
    }
}

/// Renames all finished files into place, then fsyncs the directory.
pub fn commit(dir: &Path, files: Vec<PendingFile>) -> io::Result<()> {
    let mut done = Vec::with_capacity(files.len());
    let mut failure = None;
    for f in files {
        if failure.is_some() {
            f.abandon();
            continue;
        }
        let tmp = f.tmp_path.clone();
        match f.finish() {
            Ok(pair) => done.push(pair),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                failure = Some(e);
            }
        }
    }
    if let Some(e) = failure {
        for (tmp, _) in done {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, fin) in &done {
        fs::rename(tmp, fin)?;
    }
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes temporary files a killed run left in `dir`.
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(TMP_SUFFIX) {
            let _ = fs::remove_file(e.path());
        }
    }
}
