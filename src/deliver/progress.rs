//! The progress bar of `submit` (stderr, on a terminal, without `--quiet`): payloads
//! answered, requests per second, requests in flight, retries, time left.

use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use crate::ledger::journal::Outcome;

/// Counters of this delivery, with a bar when there is a terminal to draw it on.
pub struct Progress {
    bar: Option<ProgressBar>,
    sent: AtomicU64,
    retries: AtomicU64,
    in_flight: AtomicU64,
}

impl Progress {
    /// `to_send`: payloads without a final answer yet.
    pub fn new(enabled: bool, to_send: u64) -> Progress {
        use std::io::IsTerminal;
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(to_send);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} answered, \
                     {per_sec}, {eta} left  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            sent: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
        }
    }

    /// A request left.
    pub fn sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    /// A request was answered (or failed).
    pub fn answered(&self, outcome: Option<Outcome>) {
        match outcome {
            Some(o) if o.is_final() => {
                if let Some(b) = &self.bar {
                    b.inc(1);
                }
            }
            Some(Outcome::Retry) => {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        self.redraw();
    }

    pub fn in_flight(&self, n: usize) {
        self.in_flight.store(n as u64, Ordering::Relaxed);
    }

    fn redraw(&self) {
        if let Some(b) = &self.bar {
            b.set_message(format!(
                "{} sent, {} in flight, {} retries",
                self.sent.load(Ordering::Relaxed),
                self.in_flight.load(Ordering::Relaxed),
                self.retries.load(Ordering::Relaxed)
            ));
        }
    }

    /// Requests sent in this delivery.
    pub fn requests(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Answers that asked for a retry (failures included) in this delivery.
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
