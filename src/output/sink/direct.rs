//! `O_DIRECT` writes from aligned blocks, on a helper thread.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::mpsc;

use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
use rustix::io::Errno;

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
    let flags = fcntl_getfl(file)?;
    let flags = if on {
        flags.union(OFlags::DIRECT)
    } else {
        flags.difference(OFlags::DIRECT)
    };
    Ok(fcntl_setfl(file, flags)?)
}

/// Writes `bytes` at `offset`. A direct write the file system refuses turns `O_DIRECT`
/// off for the file and is written again, buffered (the same bytes at the same place).
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    match file.write_all_at(bytes, offset) {
        Err(e) if Errno::from_io_error(&e) == Some(Errno::INVAL) => {
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
        fcntl_getfl(&self.file).is_ok_and(|f| f.contains(OFlags::DIRECT))
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
                        first_error
                            .get_or_insert(io::Error::other("the output writer thread stopped"));
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
