//! Batches: the located raw records a reader cuts, handed to the pool as one unit, and the
//! sink that fills them (`BatchSink`), with their buffers recycled.

use std::sync::Arc;

use super::{csv, detect};
use crate::diagnostic::Diagnostic;
use crate::record::Location;
use std::rc::Rc;

/// How a record's raw content is held until a worker parses it.
#[derive(Debug)]
pub enum RawBody {
    /// JSON text (NDJSON line or array element): a range of `Batch::data`; `col` is the
    /// 1-based column of its first byte in the file (array elements need not start a line).
    Json { start: usize, end: usize, col: u64 },
    /// An `AMLYZE_CUSTOMER` element: a range of `Batch::data`; `col` as for JSON.
    Xml { start: usize, end: usize, col: u64 },
    /// A CSV row with the file's header.
    Csv {
        row: ::csv::ByteRecord,
        header: Arc<csv::Header>,
    },
    /// A record that could not even be cut out (e.g. over `--max-record-bytes`): its finding.
    Unreadable(Diagnostic),
}

#[derive(Debug)]
pub struct RawRecord {
    pub loc: Location,
    pub body: RawBody,
}

/// What readers emit, in order.
#[derive(Debug)]
pub enum Item {
    Record(RawRecord),
    /// The file (or the rest of it) cannot be read; `loc.record` is 0.
    FileError {
        loc: Location,
        diag: Diagnostic,
    },
}

/// A run of items cut by the reader thread, processed by the pool as one unit.
#[derive(Debug, Default)]
pub struct Batch {
    pub seq: u64,
    pub data: Vec<u8>,
    pub items: Vec<Item>,
    /// What the worker writes for the batch (payloads, rejected inputs); travels with
    /// the batch so that its buffer is reused too.
    pub out: Vec<u8>,
    /// Emptied CSV rows of an earlier use of this batch, for the CSV reader to fill again.
    pub rows: Vec<::csv::ByteRecord>,
    /// The detector's guess for files of this batch found not to be UTF-8 (file index,
    /// encoding), for the hint of their records' `parse-error` (`detect::hint`).
    pub hints: Vec<(u32, detect::Hint)>,
}

impl Batch {
    pub fn bytes(&self, start: usize, end: usize) -> &[u8] {
        &self.data[start..end]
    }

    /// The detector's guess for file `file`, if its bytes were found not to be UTF-8.
    pub fn hint(&self, file: u32) -> Option<detect::Hint> {
        self.hints.iter().find(|h| h.0 == file).map(|h| h.1)
    }

    /// Empties the batch but keeps its buffers, for the reader to fill again.
    pub fn recycle(mut self) -> Batch {
        self.data.clear();
        for item in self.items.drain(..) {
            if let Item::Record(RawRecord {
                body: RawBody::Csv { mut row, .. },
                ..
            }) = item
            {
                row.clear();
                self.rows.push(row);
            }
        }
        self.out.clear();
        self.hints.clear();
        self.seq = 0;
        self
    }
}

/// Emptied batches handed back to the reader: a batch buffer is about a megabyte, which
/// the allocator would otherwise map and unmap (and the kernel zero) for every batch.
pub type Spares = std::cell::RefCell<Vec<Batch>>;

/// Collects items into batches and hands full batches on.
pub struct BatchSink<'s> {
    batch: Batch,
    next_seq: u64,
    max_items: usize,
    max_bytes: usize,
    emit: &'s mut dyn FnMut(Batch) -> bool,
    spares: Option<&'s Spares>,
    /// Set when the consumer has gone away (the run is stopping).
    pub stopped: bool,
    /// Items pushed so far, and the sequence number of the batch the last one went into:
    /// what tells the ordered end when a file's last record has been consumed.
    pushed: u64,
    last_item_seq: u64,
    /// What the reader learns about the text of the file being read (`detect`).
    pub text: Rc<detect::FileText>,
}

impl<'s> BatchSink<'s> {
    pub fn new(max_items: usize, max_bytes: usize, emit: &'s mut dyn FnMut(Batch) -> bool) -> Self {
        BatchSink {
            batch: Batch::default(),
            next_seq: 0,
            max_items,
            max_bytes,
            emit,
            spares: None,
            stopped: false,
            pushed: 0,
            last_item_seq: 0,
            text: Rc::default(),
        }
    }

    /// Takes new batches from `spares` when there are any.
    pub fn with_spares(mut self, spares: &'s Spares) -> Self {
        self.spares = Some(spares);
        self
    }

    /// The batch's byte buffer, for a reader to append a record's bytes to.
    pub fn data(&mut self) -> &mut Vec<u8> {
        &mut self.batch.data
    }

    pub fn push(&mut self, item: Item) {
        self.push_held(item);
        if self.is_full() {
            self.flush();
        }
    }

    /// An emptied CSV row to fill, when the batch kept one from an earlier use.
    pub fn spare_row(&mut self) -> Option<::csv::ByteRecord> {
        self.batch.rows.pop()
    }

    /// Pushes without flushing: for a reader whose batch buffer also holds bytes not yet
    /// cut into records (see `flush_carry`).
    pub fn push_held(&mut self, item: Item) {
        if let Some(hint) = self.text.hint() {
            let file = match &item {
                Item::Record(r) => r.loc.file,
                Item::FileError { loc, .. } => loc.file,
            };
            if self.batch.hints.last().is_none_or(|h| h.0 != file) {
                self.batch.hints.push((file, hint));
            }
        }
        self.batch.items.push(item);
        self.pushed += 1;
        // The batch being filled is handed on under the next sequence number.
        self.last_item_seq = self.next_seq;
    }

    /// Batches handed on so far.
    pub fn handed_on(&self) -> u64 {
        self.next_seq
    }

    /// Items pushed so far.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// The sequence number of the batch that holds the last item pushed.
    pub fn last_item_seq(&self) -> u64 {
        self.last_item_seq
    }

    pub fn is_full(&self) -> bool {
        self.batch.items.len() >= self.max_items || self.batch.data.len() >= self.max_bytes
    }

    /// Hands the batch on, moving its bytes from `from` on (read but not yet cut into
    /// records) to the start of the next batch's buffer. Returns where they now start (0).
    pub fn flush_carry(&mut self, from: usize) -> usize {
        if self.batch.items.is_empty() || self.stopped {
            // Nothing to hand on: keep the bytes where they are, dropping what is before.
            self.batch.data.drain(..from);
            return 0;
        }
        let mut fresh = self
            .spares
            .and_then(|s| s.borrow_mut().pop())
            .unwrap_or_default();
        fresh.data.extend_from_slice(&self.batch.data[from..]);
        self.batch.data.truncate(from);
        let mut batch = std::mem::replace(&mut self.batch, fresh);
        batch.seq = self.next_seq;
        self.next_seq += 1;
        if !(self.emit)(batch) {
            self.stopped = true;
        }
        0
    }

    /// Appends `bytes` and pushes a record of the given kind over them.
    pub fn push_bytes(&mut self, loc: Location, bytes: &[u8], xml: bool) {
        let start = self.batch.data.len();
        self.batch.data.extend_from_slice(bytes);
        let end = self.batch.data.len();
        let body = if xml {
            RawBody::Xml { start, end, col: 1 }
        } else {
            RawBody::Json { start, end, col: 1 }
        };
        self.push(Item::Record(RawRecord { loc, body }));
    }

    pub fn file_error(&mut self, loc: Location, diag: Diagnostic) {
        self.push(Item::FileError { loc, diag });
    }

    /// A structural fault that ends the file: `parse-error` "line L, column C: message".
    pub fn file_fault(&mut self, file: u32, line: u64, col: u64, message: &str) {
        let loc = Location {
            file,
            record: 0,
            line,
        };
        let diag = Diagnostic::error(
            crate::diagnostic::Code::ParseError,
            "",
            format!("line {line}, column {col}: {message}"),
        );
        self.file_error(loc, diag);
    }

    /// Called after each file: small files share batches, so nothing to do unless the
    /// batch is full (kept as a hook for per-file batching policies).
    pub fn flush_file(&mut self) {
        if self.batch.items.len() >= self.max_items || self.batch.data.len() >= self.max_bytes {
            self.flush();
        }
    }

    pub fn flush(&mut self) {
        if self.batch.items.is_empty() {
            return;
        }
        self.hand_on();
    }

    /// Hands the batch on even when it holds no item: a long run of files that give no
    /// record (empty files, skipped ones) still reaches the ordered end, which settles them.
    pub fn hand_on(&mut self) {
        if self.stopped {
            return;
        }
        let fresh = self
            .spares
            .and_then(|s| s.borrow_mut().pop())
            .unwrap_or_default();
        let mut batch = std::mem::replace(&mut self.batch, fresh);
        batch.seq = self.next_seq;
        self.next_seq += 1;
        if !(self.emit)(batch) {
            self.stopped = true;
        }
    }
}
