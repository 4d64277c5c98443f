//! Reading in batches, and putting checked batches back in input order.

use std::sync::mpsc;

use super::Outcome;
use super::check::Ctx;
use super::consume::State;
use super::ledger::FileEvent;
use crate::output::summary::AlreadyProcessed;
use crate::source::{self, Batch, Found, ReadOptions};

/// A batch back from a worker: its outcomes, or None when checking it panicked.
pub(super) type Checked_ = (Batch, Option<Vec<Outcome>>);

/// Reads every file of the walk in order into batches handed to `emit` (which returns false
/// to stop), telling `ledger` about each file as it is opened and when it is done, and about
/// each file skipped. Returns the number of batches handed on.
pub(super) fn read_all(
    walk: &mut source::Walk,
    opts: &ReadOptions,
    spares: &source::Spares,
    ledger: &mpsc::Sender<FileEvent>,
    seen_before: &mut dyn FnMut(&source::InputFile) -> Option<AlreadyProcessed>,
    emit: &mut dyn FnMut(Batch) -> bool,
) -> u64 {
    let mut sink = source::BatchSink::new(BATCH_ITEMS, BATCH_BYTES, emit).with_spares(spares);
    let mut index: u32 = 0;
    // Entries walked since a batch was last handed on: files that give no record fill no
    // batch, and without one the ordered end would not settle them (memory would grow).
    let (mut quiet, mut handed_on) = (0usize, 0);
    while !sink.stopped {
        let Some(found) = walk.next() else {
            break;
        };
        match found {
            Found::File(f) if let Some(done) = seen_before(&f) => {
                let _ = ledger.send(FileEvent::AlreadyProcessed(done));
            }
            Found::File(f) => {
                let _ = ledger.send(FileEvent::Opened {
                    source: f.source.clone(),
                    format: f.format,
                });
                let pushed = sink.pushed();
                let digest = source::read_file(index, &f, opts, &mut sink);
                if sink.pushed() == pushed && digest.is_some() {
                    sink.file_error(empty_file(index), empty_file_warning());
                }
                let last_batch = (sink.pushed() != pushed).then(|| sink.last_item_seq());
                let encoding = sink.text.used.get();
                let _ = ledger.send(FileEvent::Read {
                    digest,
                    last_batch,
                    encoding,
                });
                sink.flush_file();
                index = index.saturating_add(1);
            }
            Found::Skipped(source) => {
                let _ = ledger.send(FileEvent::Skipped(source));
            }
        }
        if sink.handed_on() != handed_on {
            quiet = 0;
        } else {
            quiet += 1;
            if quiet == BATCH_ITEMS {
                sink.hand_on();
                quiet = 0;
            }
        }
        handed_on = sink.handed_on();
    }
    sink.flush();
    sink.handed_on()
}

/// Where a file-level finding about file `index` as a whole stands.
fn empty_file(index: u32) -> crate::record::Location {
    crate::record::Location {
        file: index,
        record: 0,
        line: 0,
    }
}

/// A file read wholly that gave no record and no error: in a nightly drop this is usually
/// an export that failed upstream, so it is said, as a warning (the run's status is not
/// changed by it).
fn empty_file_warning() -> crate::diagnostic::Diagnostic {
    crate::diagnostic::Diagnostic::warning(
        crate::diagnostic::Code::EmptyFile,
        "",
        "the file holds no lead record",
    )
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
pub(super) struct Reorder {
    /// Most batches in flight at once.
    window: u64,
    /// Batches handed to the pool.
    pub(super) sent: u64,
    /// Sequence number of the next batch to consume.
    next: u64,
    waiting: std::collections::BTreeMap<u64, Checked_>,
}

impl Reorder {
    pub(super) fn new(window: usize) -> Reorder {
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
    pub(super) fn collect(
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
    pub(super) fn finish(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_without_records_still_reach_the_ordered_end_in_batches() {
        // 2,500 skipped files and 100 empty ones (one warning each) fill no batch; without
        // batches handed on before they are full, the ledger would hold them all until the
        // end of the run.
        let dir = tempfile::tempdir().unwrap();
        for i in 0..2500 {
            std::fs::write(dir.path().join(format!("{i:04}.txt")), b"").unwrap();
        }
        for i in 0..100 {
            std::fs::write(dir.path().join(format!("{i:04}.json")), b"").unwrap();
        }
        let mut walk = source::Walk::new(
            &[dir.path().to_path_buf()],
            None,
            &source::WalkOptions::default(),
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        let mut events_at_batch = Vec::new();
        let handed_on = read_all(
            &mut walk,
            &ReadOptions::default(),
            &source::Spares::default(),
            &tx,
            &mut |_| None,
            &mut |b: Batch| {
                // Only the empty files' warnings: no batch waits for a record to fill it.
                assert!(b.items.iter().all(|i| matches!(
                    i,
                    source::Item::FileError { diag, .. }
                        if diag.code == crate::diagnostic::Code::EmptyFile
                )));
                events_at_batch.push(rx.try_iter().count());
                true
            },
        );
        // A batch after every BATCH_ITEMS entries walked: opened and read events, and skips.
        assert_eq!(handed_on, 2);
        assert_eq!(events_at_batch.len(), 2);
        assert!(
            events_at_batch.iter().all(|&n| n <= 2 * BATCH_ITEMS),
            "{events_at_batch:?}"
        );
    }
}
