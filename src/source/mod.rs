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

use crate::diagnostic::Diagnostic;
use crate::record::Location;

mod batch;

pub use batch::{Batch, BatchSink, Item, RawBody, RawRecord, Spares};
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

/// `--max-record-bytes` unless set: 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;
/// `--max-depth` unless set.
pub const DEFAULT_MAX_DEPTH: usize = 64;

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
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
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
        crate::diagnostic::Code::UnreadableFile,
        "",
        format!("cannot read file: {e}{why}"),
    )
}

/// Reads one file into the sink with the reader of its format (decompressing it first, see
/// `decompressed`). I/O faults become file-level findings; this never fails the run.
/// Returns the BLAKE3 digest of the file's bytes as stored (compressed files: the
/// compressed bytes), or None when it could not be opened. The encoding the file was read
/// as is in `sink.text` after.
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
            crate::diagnostic::Code::ParseError,
            "",
            format!("read error at line {line}: {e}"),
        ),
    )
}
