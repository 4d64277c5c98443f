//! The journal's writer: one thread, one ledger connection, group commits.
//!
//! A worker hands over the intent of the request it is about to send and waits until the
//! intent is durable; answers are handed over without waiting. The writer takes everything
//! queued, writes it in one transaction (`Ledger::journal_write`: one fsync), then lets the
//! waiting workers go. While it commits, the next intents queue up, so the commits group
//! themselves: a few milliseconds each, as many intents as there are workers.
//!
//! After a failed write, every later intent fails too: the delivery stops, because a request
//! whose intent is not durable could not be told apart from one never sent.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

use crate::ledger::journal::{Answer, Intent};
use crate::ledger::{Ledger, LedgerError};

/// The most rows written in one transaction.
const MAX_GROUP: usize = 4096;

enum Msg {
    Intent(Intent, SyncSender<Result<(), String>>),
    Answer(Answer),
}

/// The writer thread's handle.
pub struct Journal {
    tx: Mutex<Option<Sender<Msg>>>,
    thread: Mutex<Option<JoinHandle<Result<(), LedgerError>>>>,
}

impl Journal {
    /// Starts the writer on its own connection to the ledger at `path`.
    pub fn start(path: &Path) -> Result<Journal, LedgerError> {
        let ledger = Ledger::open(path)?;
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("leadbatch-journal".into())
            .spawn(move || write_loop(ledger, rx))
            .map_err(|e| LedgerError(format!("cannot start the journal's thread: {e}")))?;
        Ok(Journal {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    fn send(&self, msg: Msg) -> bool {
        let tx = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        tx.as_ref().is_some_and(|tx| tx.send(msg).is_ok())
    }

    /// Writes `intent` durably; returns when it is (or why it could not be).
    pub fn intent(&self, intent: Intent) -> Result<(), String> {
        let (ack, done) = mpsc::sync_channel(1);
        if !self.send(Msg::Intent(intent, ack)) {
            return Err("the journal is closed".into());
        }
        done.recv()
            .unwrap_or_else(|_| Err("the journal's writer ended".into()))
    }

    /// Queues `answer` for the next commit.
    pub fn answer(&self, answer: Answer) {
        let _ = self.send(Msg::Answer(answer));
    }

    /// Writes what is queued and ends the writer. Answers handed over later are dropped
    /// (their intents stay without an outcome: the next delivery resends those payloads).
    pub fn close(&self) -> Result<(), LedgerError> {
        drop(self.tx.lock().unwrap_or_else(|e| e.into_inner()).take());
        let thread = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        match thread.map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(LedgerError(
                "internal error: the journal's writer panicked".into(),
            )),
        }
    }
}

/// The writer: takes what is queued, writes it in one transaction, acknowledges.
fn write_loop(mut ledger: Ledger, rx: Receiver<Msg>) -> Result<(), LedgerError> {
    let mut failed: Option<String> = None;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        let mut intents = Vec::new();
        let mut acks = Vec::new();
        let mut answers = Vec::new();
        for m in batch {
            match m {
                Msg::Intent(i, ack) => {
                    intents.push(i);
                    acks.push(ack);
                }
                Msg::Answer(a) => answers.push(a),
            }
        }
        if failed.is_none()
            && let Err(e) = ledger.journal_write(&intents, &answers)
        {
            failed = Some(e.0);
        }
        for ack in acks {
            let _ = ack.send(failed.as_ref().map_or(Ok(()), |e| Err(e.clone())));
        }
    }
    match failed {
        Some(e) => Err(LedgerError(e)),
        None => Ok(()),
    }
}
