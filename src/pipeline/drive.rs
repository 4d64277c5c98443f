//! The second stage: every file read in order into batches, each batch checked on the
//! pool, put back in order and written by the ordered end (`consume`).
//!
//! `--jobs N` means N busy threads. With 1, everything runs on the calling thread, one
//! batch after another. With N ≥ 2 the coordinator (reading, ordering, writing) is one of
//! the pool's N threads and, whenever it would wait for a batch, checks queued batches
//! itself, so no core idles while there is work and no thread is added that the machine
//! has no core for.

use std::sync::atomic::Ordering;
use std::sync::mpsc;

use super::check::Ctx;
use super::order::{Checked_, Reorder, read_all};
use super::prepare::Prepared;
use super::{RunError, STOP, Settings};
use crate::rules;
use crate::source::{self, Batch};

/// Reads, checks and writes every record; returns the number of batches handed on, once
/// the ordered end has consumed each of them.
pub(super) fn drive(settings: &Settings, p: &mut Prepared) -> Result<u64, RunError> {
    let ctx = Ctx {
        read: &settings.read,
        rules: &settings.rules,
        check: rules::Check {
            strict: settings.strict,
            deny: &settings.deny,
            ..rules::Check::new(&settings.rules)
        },
        ledger: p.state.history.as_ref().map(|h| h.filters.clone()),
    };
    // Taken by `&mut`: a connection may move to the pool's thread but is not shared.
    let file_history = &mut p.file_history;
    let seen_before =
        &mut |f: &source::InputFile| file_history.as_mut().and_then(|h| h.seen_before(f));
    let state = &mut p.state;
    let walk = &mut p.walk;
    let file_events = &p.file_events;
    let read_options = &p.read_options;
    let handed_on = if settings.jobs <= 1 {
        // One thread does everything: read a batch, check it, write it.
        let spares = source::Spares::default();
        read_all(
            walk,
            read_options,
            &spares,
            file_events,
            seen_before,
            &mut |b: Batch| {
                if state.failure.is_some() || STOP.load(Ordering::Relaxed) {
                    return false;
                }
                let mut b = b;
                let outs = ctx.process_batch(&mut b);
                state.consume(&b, outs, &ctx);
                spares.borrow_mut().push(b.recycle());
                state.failure.is_none() && !STOP.load(Ordering::Relaxed)
            },
        )
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.jobs)
            .thread_name(|i| format!("leadbatch-worker-{i}"))
            .build()
            .map_err(|e| RunError::Fatal(format!("cannot start worker threads: {e}")))?;
        // Batches in flight (queued, being checked or waiting for their turn): bounds memory.
        let window = 3 * settings.jobs;
        let ctx = &ctx;
        pool.install(|| {
            let (done_tx, done_rx) = mpsc::channel::<Checked_>();
            let mut order = Reorder::new(window);
            let spares = source::Spares::default();
            // Batches wait here in input order. A task checks whichever batch is
            // oldest, not the one it was spawned with: rayon runs a thread's own tasks
            // newest first, and the coordinator checking the newest batches left the
            // oldest on the other thread, finished batches holding the window while
            // they waited for it, and that thread idle for want of a queued batch.
            let queue = std::sync::Mutex::new(std::collections::VecDeque::<Batch>::new());
            rayon::in_place_scope(|scope| {
                let queue = &queue;
                let order = &mut order;
                let spares = &spares;
                let handed_on = read_all(
                    walk,
                    read_options,
                    spares,
                    file_events,
                    seen_before,
                    &mut |b: Batch| {
                        let done_tx = done_tx.clone();
                        queue.lock().unwrap_or_else(|e| e.into_inner()).push_back(b);
                        scope.spawn(move |_| {
                            // One task per batch pushed, so there is always one to take.
                            let Some(mut b) =
                                queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                            else {
                                return;
                            };
                            // A panic is a bug, but it must end the run with an error, not a hang.
                            let outs =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    ctx.process_batch(&mut b)
                                }))
                                .ok();
                            let _ = done_tx.send((b, outs));
                        });
                        order.sent += 1;
                        order.collect(&done_rx, state, ctx, spares);
                        state.failure.is_none() && !STOP.load(Ordering::Relaxed)
                    },
                );
                // Only the tasks hold senders now: if one ever ended without sending, the
                // channel closes instead of `finish` waiting forever.
                drop(done_tx);
                order.finish(&done_rx, state, ctx, spares);
                handed_on
            })
        })
    };
    if let Some(bar) = &state.progress {
        bar.finish();
    }
    if STOP.load(Ordering::Relaxed) {
        return Err(RunError::Interrupted);
    }
    if let Some(e) = state.failure.take() {
        return Err(RunError::Fatal(format!("cannot write outputs: {e}")));
    }
    if state.consumed != handed_on {
        return Err(RunError::Fatal(format!(
            "internal error: {} of {handed_on} batches were written",
            state.consumed
        )));
    }
    Ok(handed_on)
}
