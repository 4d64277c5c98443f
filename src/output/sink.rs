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
mod direct {
    //! `O_DIRECT` writes from aligned blocks, on a helper thread.

    use std::fs::File;
    use std::io;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::FileExt;
    use std::sync::mpsc;

    /// Alignment of memory, offsets and lengths for `O_DIRECT`: 4096 satisfies every
    /// common device (512-byte and 4K logical blocks).
    const ALIGN: usize = 4096;
    /// Bytes per block handed to the device. On this project's VM the host's work for our
    /// writes is taken from our vCPUs (steal time) when both are busy; 1 MiB requests cost it
    /// about a quarter less than 512 KiB ones for the same bytes.
    const BLOCK: usize = 1 << 20;
    /// Blocks per file: one being filled while the other is written. Every block counts in
    /// the RSS (page-cache pages do not), so the three record outputs hold 6 MiB.
    const BLOCKS: usize = 2;
    /// Bytes between two background `fdatasync`s (a multiple of `BLOCK`). Each one commits
    /// the journal and flushes the device's cache, which holds up the direct writes queued
    /// behind it: every 16 MiB the coordinator waited 150 to 350 ms per 1M records for
    /// blocks to come back; every 4 MiB, under 5 ms.
    const SYNC_STEP: u64 = 4 << 20;

    /// A `BLOCK`-long buffer whose start is `ALIGN`-aligned, in safe code: a slightly
    /// larger vector, used from its first aligned byte.
    struct Aligned {
        raw: Vec<u8>,
        start: usize,
    }

    impl Aligned {
        fn new() -> Aligned {
            let raw = vec![0u8; BLOCK + ALIGN];
            let start = raw.as_ptr().align_offset(ALIGN);
            Aligned { raw, start }
        }

        fn bytes(&self) -> &[u8] {
            &self.raw[self.start..self.start + BLOCK]
        }

        fn bytes_mut(&mut self) -> &mut [u8] {
            &mut self.raw[self.start..self.start + BLOCK]
        }
    }

    /// Turns `O_DIRECT` on or off for the open file (all its handles share the flag).
    fn set_direct(file: &File, on: bool) -> io::Result<()> {
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor the caller owns; no memory is passed.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 {
            return Err(io::Error::last_os_error());
        }
        let flags = if on {
            flags | libc::O_DIRECT
        } else {
            flags & !libc::O_DIRECT
        };
        // SAFETY: as above.
        if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Writes `bytes` at `offset`. A direct write the file system refuses turns `O_DIRECT`
    /// off for the file and is written again, buffered (the same bytes at the same place).
    fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
        match file.write_all_at(bytes, offset) {
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                set_direct(file, false)?;
                file.write_all_at(bytes, offset)
            }
            other => other,
        }
    }

    /// The helper thread and its two queues: full blocks out, written blocks back.
    struct Writer {
        full: mpsc::SyncSender<(Aligned, u64)>,
        written: mpsc::Receiver<io::Result<Aligned>>,
        thread: std::thread::JoinHandle<()>,
    }

    pub(in crate::output) struct Direct {
        file: File,
        /// The block being filled and how much of it is.
        block: Aligned,
        len: usize,
        /// File offset of `block`'s first byte.
        offset: u64,
        /// Blocks made so far (at most `BLOCKS`).
        made: usize,
        /// Blocks handed to the writer and not yet back.
        in_flight: usize,
        writer: Option<Writer>,
        /// Flushes the device's cache in the background (see `hand_over`).
        syncer: Option<super::Syncer>,
        syncer_tried: bool,
        /// Set by the first failed write: every later call fails too, so that no byte can
        /// be taken after one was lost.
        failed: bool,
    }

    impl Direct {
        /// Turns `O_DIRECT` on, or gives the file back if the file system refuses it.
        pub(in crate::output) fn new(file: File) -> Result<Direct, File> {
            if set_direct(&file, true).is_err() {
                return Err(file);
            }
            Ok(Direct {
                file,
                block: Aligned::new(),
                len: 0,
                offset: 0,
                made: 1,
                in_flight: 0,
                writer: None,
                syncer: None,
                syncer_tried: false,
                failed: false,
            })
        }

        /// Writes `bytes` at offset 0 through the refusing-and-retrying path.
        #[cfg(test)]
        pub(in crate::output) fn write_misaligned_for_test(&self, bytes: &[u8]) -> io::Result<()> {
            write_at(&self.file, bytes, 0)
        }

        #[cfg(test)]
        pub(in crate::output) fn is_direct(&self) -> bool {
            // SAFETY: fcntl on a descriptor this struct owns; no memory is passed.
            let flags = unsafe { libc::fcntl(self.file.as_raw_fd(), libc::F_GETFL) };
            flags >= 0 && flags & libc::O_DIRECT != 0
        }

        /// Takes up to a block's worth of `buf`. A full block is handed over before any byte
        /// is taken, so an error always means that nothing of `buf` was.
        pub(in crate::output) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.failed {
                return Err(poisoned());
            }
            if self.len == BLOCK
                && let Err(e) = self.hand_over()
            {
                self.failed = true;
                return Err(e);
            }
            let n = buf.len().min(BLOCK - self.len);
            self.block.bytes_mut()[self.len..self.len + n].copy_from_slice(&buf[..n]);
            self.len += n;
            Ok(n)
        }

        /// Sends the full block to the writer and takes an empty one: a new one while
        /// fewer than `BLOCKS` exist, else the first one written back.
        fn hand_over(&mut self) -> io::Result<()> {
            if self.writer.is_none() {
                self.writer = Some(self.start_writer()?);
            }
            let Some(w) = &self.writer else {
                unreachable!("started above")
            };
            let next = if self.made < BLOCKS {
                self.made += 1;
                Aligned::new()
            } else {
                let back = w
                    .written
                    .recv()
                    .map_err(|_| io::Error::other("the output writer thread stopped"))?;
                self.in_flight -= 1;
                back?
            };
            let full = std::mem::replace(&mut self.block, next);
            if w.full.send((full, self.offset)).is_err() {
                // The writer stops at its first error: hand that one on (a full disk, say),
                // not the closed channel.
                let first = w.written.try_iter().find_map(Result::err);
                return Err(
                    first.unwrap_or_else(|| io::Error::other("the output writer thread stopped"))
                );
            }
            self.in_flight += 1;
            self.offset += BLOCK as u64;
            // O_DIRECT data can still sit in the device's volatile cache, and flushing
            // 670 MB of it at the end took 0.15 to 0.65 s here. Asking for fdatasync as
            // blocks land keeps that flush small, as for buffered files.
            if self.offset.is_multiple_of(SYNC_STEP) {
                if !self.syncer_tried {
                    self.syncer_tried = true;
                    self.syncer = super::Syncer::start(&self.file);
                }
                if let Some(s) = &self.syncer {
                    let _ = s.ask.try_send(());
                }
            }
            self.len = 0;
            Ok(())
        }

        fn start_writer(&self) -> io::Result<Writer> {
            let file = self.file.try_clone()?;
            let (full, to_write) = mpsc::sync_channel::<(Aligned, u64)>(BLOCKS);
            let (give_back, written) = mpsc::sync_channel::<io::Result<Aligned>>(BLOCKS);
            let thread = std::thread::Builder::new()
                .name("leadbatch-write".into())
                .spawn(move || {
                    for (block, offset) in to_write {
                        let r = write_at(&file, block.bytes(), offset).map(|()| block);
                        let stop = r.is_err();
                        if give_back.send(r).is_err() || stop {
                            break;
                        }
                    }
                })?;
            Ok(Writer {
                full,
                written,
                thread,
            })
        }

        /// Waits for the blocks in flight, writes the last one (its aligned part direct,
        /// the rest buffered) and fsyncs.
        pub(in crate::output) fn finish(mut self) -> io::Result<()> {
            if self.failed {
                return Err(poisoned());
            }
            let mut first_error = None;
            if let Some(w) = self.writer.take() {
                drop(w.full);
                for _ in 0..self.in_flight {
                    match w.written.recv() {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => {
                            first_error.get_or_insert(e);
                        }
                        Err(_) => {
                            first_error.get_or_insert(io::Error::other(
                                "the output writer thread stopped",
                            ));
                        }
                    }
                }
                self.in_flight = 0;
                let _ = w.thread.join();
            }
            if let Some(s) = self.syncer.take()
                && let Err(e) = s.stop()
            {
                first_error.get_or_insert(e);
            }
            if let Some(e) = first_error {
                return Err(e);
            }
            let aligned = self.len / ALIGN * ALIGN;
            let bytes = &self.block.bytes()[..self.len];
            if aligned > 0 {
                write_at(&self.file, &bytes[..aligned], self.offset)?;
            }
            if aligned < self.len {
                set_direct(&self.file, false)?;
                self.file
                    .write_all_at(&bytes[aligned..], self.offset + aligned as u64)?;
            }
            self.file.sync_data()
        }
    }

    /// A file given up without `finish` (the run failed): the writer is told to stop and
    /// waited for (it has at most one block to write), so no thread outlives the file.
    impl Drop for Direct {
        fn drop(&mut self) {
            if let Some(w) = self.writer.take() {
                drop(w.full);
                drop(w.written);
                let _ = w.thread.join();
            }
            if let Some(s) = self.syncer.take() {
                let _ = s.stop();
            }
        }
    }

    fn poisoned() -> io::Error {
        io::Error::other("an earlier write to this output file failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `data` through a streamed sink in uneven pieces and reads the file back.
    fn round_trip(dir: &std::path::Path, data: &[u8]) -> (Vec<u8>, bool) {
        let path = dir.join("out");
        let file = File::create(&path).unwrap();
        let mut sink = Sink::streamed(file);
        let direct = sink.is_direct();
        let mut rest = data;
        let mut step = 1;
        while !rest.is_empty() {
            let n = step.min(rest.len());
            sink.write_all(&rest[..n]).unwrap();
            rest = &rest[n..];
            step = step * 7 % 300_001 + 1;
        }
        sink.finish().unwrap();
        (std::fs::read(&path).unwrap(), direct)
    }

    /// A directory on the disk that holds the build (tmpfs `/tmp` would hide the direct
    /// path).
    fn test_dir() -> std::io::Result<tempfile::TempDir> {
        tempfile::tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/target"))
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn streamed_files_hold_exactly_what_was_written() {
        // Empty, under one alignment unit, exactly one block, blocks plus a tail, and
        // more blocks than the writer holds at once.
        let dir = test_dir().unwrap();
        for len in [
            0,
            1,
            4095,
            4096,
            4097,
            1 << 20,
            (1 << 20) + 1,
            5 * (1 << 20) + 12345,
        ] {
            let data = pattern(len);
            let (back, _) = round_trip(dir.path(), &data);
            assert_eq!(back.len(), data.len(), "length for {len}");
            assert!(back == data, "bytes for {len}");
        }
    }

    #[test]
    fn streamed_files_are_exact_on_tmpfs_too() {
        // tmpfs refuses O_DIRECT before Linux 6.6: the sink falls back to buffered writes.
        if let Ok(shm) = tempfile::tempdir_in("/dev/shm") {
            let data = pattern((3 << 20) + 77);
            let (back, _) = round_trip(shm.path(), &data);
            assert!(back == data);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_refused_direct_write_is_written_again_buffered() {
        // A misaligned length is refused by O_DIRECT (EINVAL): the bytes must still land,
        // and the file is buffered from then on.
        let dir = test_dir().unwrap();
        let path = dir.path().join("odd");
        let file = File::create(&path).unwrap();
        let Sink::Direct(d) = Sink::streamed(file) else {
            return; // this file system refuses O_DIRECT: nothing to fall back from
        };
        assert!(d.is_direct());
        d.write_misaligned_for_test(b"not a block").unwrap();
        assert!(!d.is_direct());
        d.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"not a block");
    }

    /// A read-only handle: every write fails (EBADF). The error must surface, every later
    /// call must fail too, and nothing may panic or hang, finished or dropped.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_direct_write_fails_every_later_call() {
        let dir = test_dir().unwrap();
        let path = dir.path().join("read-only");
        std::fs::write(&path, b"").unwrap();
        for finish in [true, false] {
            let mut sink = Sink::streamed(File::open(&path).unwrap());
            if !sink.is_direct() {
                return; // this file system refuses O_DIRECT: covered by the buffered path
            }
            let block = vec![7u8; 1 << 20];
            let err = (0..8)
                .find_map(|_| sink.write_all(&block).err())
                .expect("writing to a read-only file must fail");
            assert_eq!(err.raw_os_error(), Some(libc::EBADF), "{err}");
            assert!(sink.write(b"x").is_err());
            if finish {
                assert!(sink.finish().is_err());
            } // else dropped here, as an abandoned output is
        }
    }

    /// `fdatasync` on a pipe fails (EINVAL): the background syncer must hand that on.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_background_syncer_keeps_its_first_error() {
        let (_reader, writer) = std::io::pipe().unwrap();
        let file = File::from(std::os::fd::OwnedFd::from(writer));
        let syncer = Syncer::start(&file).expect("a syncer thread");
        syncer.ask.send(()).unwrap();
        let err = syncer.stop().expect_err("fdatasync on a pipe fails");
        assert_eq!(err.raw_os_error(), Some(libc::EINVAL), "{err}");
    }

    #[test]
    fn small_files_are_buffered() {
        let dir = test_dir().unwrap();
        let path = dir.path().join("small");
        let mut sink = Sink::buffered(File::create(&path).unwrap());
        assert!(!sink.is_direct());
        sink.write_all(b"{}\n").unwrap();
        sink.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
    }
}
