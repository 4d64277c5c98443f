//! How an output file's bytes reach the disk.
//!
//! Two ways, chosen per file when it is created:
//!
//! - **Direct** (Linux, the record outputs): the bytes are gathered in aligned 1 MiB
//!   blocks and a helper thread writes each with `O_DIRECT`, straight from our memory to the
//!   device; a second helper runs `fdatasync` every 4 MiB, so that the device's cache never
//!   holds much for the final fsync. Buffered writes cost the machine far more than the copy
//!   they look like: the kernel keeps the pages dirty, allocates their blocks and writes them
//!   back on its own threads, about 1 CPU-second per 670 MB on this project's 2-core machine
//!   against 0.1 s with `O_DIRECT`, and with both cores busy that time came out of the
//!   workers (`docs/performance.md`). The helpers only wait on the device, so `--jobs` still
//!   counts the busy threads. The last, partial block is written without `O_DIRECT` (its
//!   length is not a multiple of the block size), then the file is fsynced as always.
//! - **Buffered** (other systems, small files, and any file system that refuses `O_DIRECT`,
//!   such as tmpfs before Linux 6.6): plain writes, with the writeback started every few
//!   megabytes and a helper thread running `fdatasync` in the background, so that the final
//!   fsync finds little left to do.
//!
//! A direct write the file system refuses (`EINVAL`, e.g. a misaligned device) switches the
//! file to buffered writes and is retried, so the choice never loses bytes. Every other
//! write error ends the run, as for buffered files.

use std::fs::File;
use std::io::{self, Write};

/// Where a file's bytes go.
pub(super) enum Sink {
    Buffered(Writeback),
    #[cfg(target_os = "linux")]
    Direct(direct::Direct),
}

impl Sink {
    /// Plain buffered writes.
    pub(super) fn buffered(file: File) -> Sink {
        Sink::Buffered(Writeback {
            file,
            written: 0,
            started: 0,
            syncer: None,
            syncer_tried: false,
        })
    }

    /// Direct writes where the system and the file system allow them, else buffered.
    pub(super) fn streamed(file: File) -> Sink {
        #[cfg(target_os = "linux")]
        {
            match direct::Direct::new(file) {
                Ok(d) => Sink::Direct(d),
                Err(file) => Sink::buffered(file),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            Sink::buffered(file)
        }
    }

    /// Writes what is still held and fsyncs the data.
    pub(super) fn finish(self) -> io::Result<()> {
        match self {
            Sink::Buffered(mut w) => {
                w.file.flush()?;
                if let Some(s) = w.syncer.take() {
                    s.stop()?;
                }
                w.file.sync_data()
            }
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.finish(),
        }
    }

    /// Whether bytes go to the device with `O_DIRECT` (for tests).
    #[cfg(test)]
    pub(super) fn is_direct(&self) -> bool {
        match self {
            Sink::Buffered(_) => false,
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.is_direct(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Buffered(w) => w.write(buf),
            #[cfg(target_os = "linux")]
            Sink::Direct(d) => d.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing to push early: the bytes are written at `finish` at the latest.
        Ok(())
    }
}

/// A file that gets its pages to disk while the run goes on, so that the fsync at the end
/// finds little left to do. Every few megabytes it asks the kernel to start writing
/// (`sync_file_range`, not waiting), and a helper thread runs `fdatasync` on a second
/// handle, back to back while data keeps coming. On this project's machine the final fsync
/// of a 670 MB `accepted.ndjson` otherwise took 0.3 to 0.5 s, all waiting for the device to
/// flush, with every core idle.
pub(super) struct Writeback {
    file: File,
    written: u64,
    /// End of the range whose writeback was last started.
    started: u64,
    /// The helper that syncs in the background (started at the first step).
    syncer: Option<Syncer>,
    /// Whether starting it was tried (a failed start is not retried at every step).
    syncer_tried: bool,
}

/// A thread that runs `fdatasync` when asked; requests made while it is busy coalesce.
///
/// It keeps the first error it meets and `stop` returns it. Its handle is a `dup` of the
/// file's, and the kernel reports a writeback error once per open file: an error seen here
/// and dropped would let the final fsync succeed over lost data.
struct Syncer {
    ask: std::sync::mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<io::Result<()>>,
}

impl Syncer {
    fn start(file: &File) -> Option<Syncer> {
        let handle = file.try_clone().ok()?;
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("leadbatch-sync".into())
            .spawn(move || {
                let mut first = Ok(());
                while asked.recv().is_ok() {
                    if let Err(e) = handle.sync_data() {
                        first = first.and(Err(e));
                    }
                }
                first
            })
            .ok()?;
        Some(Syncer { ask, thread })
    }

    /// Waits for a sync in progress; the first error any sync met.
    fn stop(self) -> io::Result<()> {
        drop(self.ask);
        self.thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the background fsync thread panicked")))
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
                // Neither rustix nor nix wraps sync_file_range, and std has no such call.
                // SAFETY: the call takes no pointer, only a descriptor `self.file` keeps
                // open for its duration and a byte range; it cannot touch our memory.
                unsafe {
                    libc::sync_file_range(
                        self.file.as_raw_fd(),
                        self.started as libc::off64_t,
                        (self.written - self.started) as libc::off64_t,
                        libc::SYNC_FILE_RANGE_WRITE,
                    );
                }
            }
            if !self.syncer_tried {
                self.syncer_tried = true;
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

#[cfg(target_os = "linux")]
mod direct;

#[cfg(test)]
mod tests;
