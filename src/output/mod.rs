//! Writers only: `accepted.ndjson`, `rejected.ndjson`, `errors.csv`, `summary.json`.
//!
//! Every file is written under a temporary name in `--out` and renamed into place only
//! when the whole run has completed (after an fsync of each file and of the directory), so
//! a failed or killed run never leaves a mix of old and new outputs. Temporary files left
//! by a killed run are removed by the next run.

pub mod records;
pub mod report;
pub mod summary;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::source::digest::HashWriter;

pub use records::RecordWriters;
pub use summary::{FileSummary, Summary};

/// Suffix of temporary output files.
const TMP_SUFFIX: &str = ".leadbatch-tmp";

pub const ACCEPTED: &str = "accepted.ndjson";
pub const REJECTED: &str = "rejected.ndjson";
pub const ERRORS: &str = "errors.csv";
pub const SUMMARY: &str = "summary.json";
pub const REPORT: &str = "report.html";
/// `--payload-layout files`: one pretty JSON file per accepted record.
pub const ACCEPTED_DIR: &str = "accepted";

/// A temporary directory name in `dir` for `name`.
pub fn tmp_dir_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()))
}

/// An output file being written under a temporary name, hashed as it is written.
pub struct PendingFile {
    pub name: String,
    final_path: PathBuf,
    tmp_path: PathBuf,
    writer: BufWriter<HashWriter<Writeback>>,
}

/// A file that gets its pages to disk while the run goes on, so that the fsync at the end
/// finds little left to do. Every few megabytes it asks the kernel to start writing
/// (`sync_file_range`, not waiting), and a helper thread runs `fdatasync` on a second
/// handle, back to back while data keeps coming. On this project's machine the final fsync
/// of a 670 MB `accepted.ndjson` otherwise took 0.3 to 0.5 s, all waiting for the device to
/// flush, with every core idle.
struct Writeback {
    file: File,
    written: u64,
    /// End of the range whose writeback was last started.
    started: u64,
    /// The helper that syncs in the background (started at the first step).
    syncer: Option<Syncer>,
}

/// A thread that runs `fdatasync` when asked; requests made while it is busy coalesce.
struct Syncer {
    ask: std::sync::mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Syncer {
    fn start(file: &File) -> Option<Syncer> {
        let handle = file.try_clone().ok()?;
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("leadbatch-sync".into())
            .spawn(move || {
                // Errors are left to the final fsync, which checks everything.
                while asked.recv().is_ok() {
                    let _ = handle.sync_data();
                }
            })
            .ok()?;
        Some(Syncer { ask, thread })
    }

    fn stop(self) {
        drop(self.ask);
        let _ = self.thread.join();
    }
}

/// Bytes between two writeback requests.
const WRITEBACK_STEP: u64 = 8 << 20;

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= WRITEBACK_STEP {
            #[cfg(target_os = "linux")]
            {
                use std::os::fd::AsRawFd;
                // A hint only: failures show up at the fsync, which checks everything.
                // SAFETY: a plain syscall on a file descriptor this struct owns.
                unsafe {
                    libc::sync_file_range(
                        self.file.as_raw_fd(),
                        self.started as libc::off64_t,
                        (self.written - self.started) as libc::off64_t,
                        libc::SYNC_FILE_RANGE_WRITE,
                    );
                }
            }
            if self.syncer.is_none() {
                self.syncer = Syncer::start(&self.file);
            }
            if let Some(s) = &self.syncer {
                let _ = s.ask.try_send(());
            }
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// A file written completely, fsynced, still under its temporary name.
pub struct FinishedFile {
    pub name: String,
    pub blake3: String,
    tmp_path: PathBuf,
    final_path: PathBuf,
}

/// Creates a file with the run's permission bits (0600 unless `--file-mode` says otherwise).
pub fn create_file(path: &Path, mode: u32) -> io::Result<File> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(mode);
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
    pub fn create(dir: &Path, name: &str, mode: u32) -> io::Result<PendingFile> {
        let final_path = dir.join(name);
        let tmp_path = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
        let file = create_file(&tmp_path, mode)?;
        Ok(PendingFile {
            name: name.to_string(),
            final_path,
            tmp_path,
            writer: BufWriter::with_capacity(
                256 << 10,
                HashWriter {
                    inner: Writeback {
                        file,
                        written: 0,
                        started: 0,
                        syncer: None,
                    },
                    hasher: Default::default(),
                },
            ),
        })
    }

    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.writer
    }

    /// Flushes and fsyncs; the file keeps its temporary name.
    pub fn finish(self) -> io::Result<FinishedFile> {
        let tmp = self.tmp_path.clone();
        let result = (|| {
            let mut w = self.writer.into_inner().map_err(|e| e.into_error())?;
            w.flush()?;
            if let Some(s) = w.inner.syncer.take() {
                s.stop();
            }
            w.inner.file.sync_data()?;
            Ok(w.hasher)
        })();
        match result {
            Ok(hasher) => Ok(FinishedFile {
                name: self.name,
                blake3: crate::source::digest::hex(&hasher),
                tmp_path: self.tmp_path,
                final_path: self.final_path,
            }),
            Err(e) => {
                let _ = fs::remove_file(tmp);
                Err(e)
            }
        }
    }

    /// Removes the temporary file (the run failed).
    pub fn abandon(self) {
        let _ = fs::remove_file(&self.tmp_path);
    }
}

/// Finishes all files (removing every temporary file when one fails).
pub fn finish_all(files: Vec<PendingFile>) -> io::Result<Vec<FinishedFile>> {
    let mut done = Vec::with_capacity(files.len());
    let mut it = files.into_iter();
    for f in it.by_ref() {
        match f.finish() {
            Ok(ff) => done.push(ff),
            Err(e) => {
                for rest in it {
                    rest.abandon();
                }
                discard(done);
                return Err(e);
            }
        }
    }
    Ok(done)
}

/// Removes finished files that will not be committed.
pub fn discard(files: Vec<FinishedFile>) {
    for f in files {
        let _ = fs::remove_file(f.tmp_path);
    }
}

/// Renames all finished files into place, then fsyncs the directory. `accepted_dir`, when
/// given, is a finished directory of per-record payloads renamed to `accepted/`.
pub fn commit(
    dir: &Path,
    files: Vec<FinishedFile>,
    accepted_dir: Option<PathBuf>,
) -> io::Result<()> {
    if let Some(tmp_dir) = accepted_dir {
        let target = dir.join(ACCEPTED_DIR);
        let old = dir.join(format!(
            ".{ACCEPTED_DIR}.old.{}{TMP_SUFFIX}",
            std::process::id()
        ));
        if target.exists() {
            fs::rename(&target, &old)?;
        }
        fs::rename(&tmp_dir, &target)?;
        let _ = fs::remove_dir_all(&old);
    }
    for f in &files {
        fs::rename(&f.tmp_path, &f.final_path)?;
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
            if e.path().is_dir() {
                let _ = fs::remove_dir_all(e.path());
            } else {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}
