//! Sources: finding the input files and cutting them into located raw records.
//!
//! Readers run on one thread per run, in the run's deterministic file order, and only cut:
//! they copy each record's raw bytes (an NDJSON line, a JSON array element, an
//! `AMLYZE_CUSTOMER` element, a CSV row) into a `Batch`. Parsing and checking happen on the
//! worker pool (`pipeline`), so a single big file is still processed in parallel. Every
//! reader streams with a bounded buffer: memory does not grow with the file.

pub mod csv;
pub mod detect;
pub mod digest;
pub mod discover;
pub mod expansion;
pub mod json;
pub mod json_value;
pub mod limits;
pub mod ndjson;
pub mod nul;
pub mod transcode;
pub mod xml;

use std::io::Read;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::record::Location;

pub use detect::TextEncoding;
pub use discover::{Found, Overlap, Walk, WalkOptions};

/// Input formats of spec §6.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Ndjson,
    Xml,
    Csv,
}

impl Format {
    /// The format (and compression) for a file name, by extension (case-insensitive):
    /// `.gz` and `.zst` may follow any supported extension.
    pub fn detect(path: &std::path::Path) -> Option<(Format, Option<Compression>)> {
        // The extension is ASCII: a name that is not UTF-8 elsewhere still has one.
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let (rest, compression) = if let Some(r) = name.strip_suffix(".gz") {
            (r, Some(Compression::Gzip))
        } else if let Some(r) = name.strip_suffix(".zst") {
            (r, Some(Compression::Zstd))
        } else {
            (name.as_str(), None)
        };
        let ext = rest.rsplit_once('.')?.1;
        Format::from_extension(ext).map(|f| (f, compression))
    }

    fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "xml" => Some(Format::Xml),
            "csv" | "tsv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Xml => "xml",
            Format::Csv => "csv",
        }
    }
}

/// A compression wrapped around a supported format (`leads.ndjson.gz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

/// One input file of the run.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path relative to its INPUT root, '/'-separated (the file itself when INPUT is a file;
    /// `-` for standard input).
    pub source: String,
    pub format: Format,
    pub compression: Option<Compression>,
}

impl InputFile {
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

/// Limits and options the readers need.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub max_record_bytes: usize,
    pub max_depth: usize,
    /// `--max-list-items`: items per list and fields per object of a record's tree (see
    /// `limits`).
    pub max_list_items: usize,
    /// `--encoding`: the text encoding of CSV files and of XML files without an encoding
    /// declaration (a byte-order mark decides over it).
    pub encoding: TextEncoding,
    /// `--delimiter`: the field delimiter of every CSV and TSV file; None: `,` for `.csv`
    /// (`;` when the header line holds no comma) and tab for `.tsv`.
    pub delimiter: Option<u8>,
    /// Read buffer of one file: 1 MiB, smaller for small files (a buffer is initialised
    /// before its first read, so a 1 MiB buffer per one-lead file costs more than the lead).
    pub buffer_size: usize,
    /// `--max-expansion`: a compressed file may expand to this many times its size (and
    /// always to 64 MiB); see `expansion`.
    pub max_expansion: u64,
    /// `--redact`: parse-error messages quote no byte of a record (see `found_char`).
    pub redact: bool,
    /// Bytes read from the input files (as stored: compressed bytes for `.gz`/`.zst`) are
    /// added here, for the progress bar; None when nothing watches.
    pub bytes_read: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_record_bytes: 16 << 20,
            max_depth: 64,
            max_list_items: limits::DEFAULT_MAX_ITEMS,
            encoding: TextEncoding::Utf8,
            delimiter: None,
            buffer_size: 1 << 20,
            max_expansion: expansion::DEFAULT_FACTOR,
            redact: false,
            bytes_read: None,
        }
    }
}

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
            crate::diagnostic::code::PARSE_ERROR,
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

/// How a parse-error message names the character it found where the syntax wanted
/// another: quoted (`'x'`), or, under `--redact`, by its class ("a letter", "a digit") unless
/// it is ASCII punctuation, which is syntax rather than data. A malformed record is still
/// found by the line and column the message gives; its bytes, which may be a name or a
/// birth date, are not copied into the reports.
pub fn found_char(c: char, redact: bool) -> String {
    if !redact || c.is_ascii_punctuation() {
        format!("'{c}'")
    } else if c.is_alphabetic() {
        "a letter".into()
    } else if c.is_numeric() {
        "a digit".into()
    } else {
        "a character".into()
    }
}

/// A UTF-8 byte-order mark, skipped at the start of every format.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads one file into the sink with the reader of its format (decompressing it first, see
/// `decompressed`). I/O faults become file-level findings; this never fails the run. Returns the BLAKE3 digest of the file's
/// bytes as stored (compressed files: the compressed bytes), or None when it could not be
/// opened. The encoding the file was read as is in `sink.text` after.
/// A reader that adds the bytes it reads to a counter shared with the progress bar (one
/// relaxed atomic add per read of up to a buffer: nothing next to the read itself).
struct Counted {
    inner: Box<dyn Read>,
    counter: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// The file-level finding of a file that could not be opened. Whatever the cause
/// (permission denied, removed since the walk, not a regular file), nothing of it was read,
/// so it is `unreadable-file`, never `parse-error`: that code means bytes that were read and
/// are wrong, and the fix is elsewhere (access rights, not the export).
fn open_failure(e: &std::io::Error) -> Diagnostic {
    let why = match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            " (the user running leadbatch may not read it)".to_string()
        }
        _ => String::new(),
    };
    Diagnostic::error(
        crate::diagnostic::code::UNREADABLE_FILE,
        "",
        format!("cannot read file: {e}{why}"),
    )
}

pub fn read_file(
    file_idx: u32,
    file: &InputFile,
    opts: &ReadOptions,
    sink: &mut BatchSink,
) -> Option<digest::Digest> {
    sink.text = Rc::default();
    let mut size_hint = None;
    let raw: Box<dyn Read> = if file.is_stdin() {
        Box::new(std::io::stdin())
    } else {
        // A FIFO, socket or device must never block the run: only regular files are opened.
        let opened = std::fs::metadata(&file.path).and_then(|meta| {
            if meta.is_file() {
                size_hint = Some(meta.len());
                std::fs::File::open(&file.path)
            } else {
                Err(std::io::Error::other("not a regular file"))
            }
        });
        match opened {
            Ok(f) => Box::new(f),
            Err(e) => {
                let loc = Location {
                    file: file_idx,
                    record: 0,
                    line: 0,
                };
                sink.file_error(loc, open_failure(&e));
                return None;
            }
        }
    };
    let raw: Box<dyn Read> = match &opts.bytes_read {
        Some(counter) => Box::new(Counted {
            inner: raw,
            counter: counter.clone(),
        }),
        None => raw,
    };
    let hashed = digest::SharedHashReader::new(raw);
    let reader = match decompressed(file, &hashed, opts, size_hint) {
        Ok(r) => r,
        Err(e) => {
            let (loc, diag) = io_fault(file_idx, 0, &e);
            sink.file_error(loc, diag);
            return Some(hashed.finish());
        }
    };
    let sized;
    let opts = match (size_hint, file.compression) {
        (Some(n), None) if (n as usize) < opts.buffer_size => {
            sized = ReadOptions {
                // Room for the whole file and the read that sees its end; the buffer is
                // zeroed before use, so a one-lead file must not get a big one.
                buffer_size: (n as usize + 1).max(1 << 10),
                ..opts.clone()
            };
            &sized
        }
        _ => opts,
    };
    match file.format {
        Format::Ndjson => ndjson::read(file_idx, reader, opts, sink),
        Format::Json => json::read(file_idx, reader, opts, sink),
        Format::Xml => xml::read(file_idx, reader, opts, sink),
        Format::Csv => csv::read(file_idx, &file.path, reader, opts, sink),
    }
    // The digest covers the whole file even when a reader stopped early, but not when the
    // run is stopping (nothing is committed, and standard input may never end).
    if sink.stopped {
        return None;
    }
    Some(hashed.finish())
}

/// Magic numbers at the start of a gzip member and of a zstd frame.
const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";

/// The file's bytes as its format reader reads them: decompressed when the name says
/// `.gz`/`.zst` (the limit of `--max-expansion` from the file's size), and for standard input,
/// which has no name, when its first bytes are the gzip or zstd magic number (the limit from
/// the compressed bytes read so far; see `expansion`). A zstd stream whose header cannot be
/// read is an error for the file.
fn decompressed(
    file: &InputFile,
    hashed: &digest::SharedHashReader,
    opts: &ReadOptions,
    size: Option<u64>,
) -> std::io::Result<Box<dyn Read>> {
    let mut head = Vec::new();
    let compression = match file.compression {
        Some(c) => Some(c),
        None if file.is_stdin() => {
            // Up to four bytes, for the magic numbers (fewer at the end of the input).
            hashed.clone().take(4).read_to_end(&mut head)?;
            if head.starts_with(GZIP_MAGIC) {
                Some(Compression::Gzip)
            } else if head.starts_with(ZSTD_MAGIC) {
                Some(Compression::Zstd)
            } else {
                None
            }
        }
        None => None,
    };
    let source = std::io::Cursor::new(head).chain(hashed.clone());
    let Some(compression) = compression else {
        return Ok(Box::new(source));
    };
    let (source, compressed): (Box<dyn Read>, _) = match size {
        Some(n) if !file.is_stdin() => (Box::new(source), expansion::Compressed::Known(n)),
        _ => {
            let count = Rc::new(std::cell::Cell::new(0));
            let counted = expansion::Counted {
                inner: source,
                count: count.clone(),
            };
            (Box::new(counted), expansion::Compressed::SoFar(count))
        }
    };
    let decoder: Box<dyn Read> = match compression {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(source)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(source)?),
    };
    Ok(Box::new(expansion::Limited::of(
        decoder,
        opts.max_expansion,
        compressed,
    )))
}

/// The file-level finding for an I/O error in the middle of a file.
pub fn io_fault(file: u32, line: u64, e: &std::io::Error) -> (Location, Diagnostic) {
    (
        Location {
            file,
            record: 0,
            line,
        },
        Diagnostic::error(
            crate::diagnostic::code::PARSE_ERROR,
            "",
            format!("read error at line {line}: {e}"),
        ),
    )
}
