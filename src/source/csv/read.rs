//! The reader thread's half: the byte-order mark and `--encoding` (`detect`), the header line's
//! delimiter and line ends, then each row cut as its own `ByteRecord` with the exact line it
//! starts on, and batches flushed by size.

use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use ::csv::{ByteRecord, ReaderBuilder, Terminator};

use super::header::Header;
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Location;
use crate::source::detect::{FileText, Sniffer, TextEncoding, Used, Why};
use crate::source::transcode::DecodingReader;
use crate::source::{BatchSink, Item, RawBody, RawRecord, ReadOptions, UTF8_BOM, io_fault, limits};

/// Bytes read per call while sniffing the start of the file.
const CHUNK: usize = 64 << 10;
/// How much of the header line is looked at to choose the delimiter and line ends.
const SNIFF_LIMIT: usize = 1 << 20;
/// Buffer of the CSV parser.
const BUFFER: usize = 256 << 10;
/// A new row's buffer starts with the previous row's size, up to this.
const MAX_PREALLOC: usize = 64 << 10;
/// Rows do not go through the batch's byte buffer, so `BatchSink` cannot see their size:
/// the reader flushes a batch itself once the rows pushed since its last flush hold this.
pub(super) const BATCH_BYTES: usize = 512 << 10;

/// Notes when the wrapped reader reaches its end, so that a row ended by the end of the
/// file (rather than by `\n`) is told apart.
struct Tap<R> {
    inner: R,
    eof: Rc<Cell<bool>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof.set(true);
        }
        Ok(n)
    }
}

/// Appends up to `n` bytes read from `r` to `buf`; the number read (0 at the end).
fn read_more(r: &mut dyn Read, buf: &mut Vec<u8>, n: usize) -> io::Result<usize> {
    let old = buf.len();
    buf.resize(old + n, 0);
    loop {
        match r.read(&mut buf[old..]) {
            Ok(k) => {
                buf.truncate(old + k);
                return Ok(k);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
}

/// Handles the byte-order mark and `--encoding`: the UTF-8 stream to parse, and the bytes
/// of it already read. What encoding the file is read as, and the detector's guess for
/// bytes that are not UTF-8, go to `text` (`detect`).
fn open(
    mut input: Box<dyn Read>,
    opts: &ReadOptions,
    text: &Rc<FileText>,
) -> io::Result<(Box<dyn Read>, Vec<u8>)> {
    let mut first = Vec::with_capacity(CHUNK.min(opts.buffer_size));
    while first.len() < UTF8_BOM.len() {
        if read_more(&mut input, &mut first, CHUNK.min(opts.buffer_size))? == 0 {
            break;
        }
    }
    // A byte-order mark wins over --encoding.
    let sniff = |rest, auto| Sniffer::new(rest, auto, opts.buffer_size, text.clone());
    if first.starts_with(UTF8_BOM) {
        first.drain(..UTF8_BOM.len());
        let rest = Box::new(Cursor::new(first).chain(input));
        return Ok((Box::new(sniff(rest, false)), Vec::new()));
    }
    let (encoding, bom) = if first.starts_with(b"\xFF\xFE") {
        (encoding_rs::UTF_16LE, 2)
    } else if first.starts_with(b"\xFE\xFF") {
        (encoding_rs::UTF_16BE, 2)
    } else {
        let rest = Box::new(Cursor::new(first).chain(input));
        return Ok(match opts.encoding {
            TextEncoding::Utf8 => (Box::new(sniff(rest, false)), Vec::new()),
            TextEncoding::Auto => (Box::new(sniff(rest, true)), Vec::new()),
            TextEncoding::Named(enc) => {
                text.used.set(Some(Used {
                    encoding: enc,
                    why: Why::Option,
                }));
                let decoder = DecodingReader::sized(rest, enc, opts.buffer_size);
                (Box::new(decoder), Vec::new())
            }
        });
    };
    text.used.set(Some(Used {
        encoding,
        why: Why::ByteOrderMark,
    }));
    first.drain(..bom);
    let raw = Cursor::new(first).chain(input);
    let decoder = DecodingReader::sized(raw, encoding, opts.buffer_size).starting_at(bom as u64);
    Ok((Box::new(decoder), Vec::new()))
}

/// What the header line tells: the delimiter of a `.csv` (unless `--delimiter` names it)
/// and the line ends.
struct Style {
    /// `,` unless the header line holds no comma, then `;`.
    delimiter: u8,
    /// Lines end in a bare `\r` (old Mac style).
    cr_only: bool,
}

/// Reads the first line (past leading blank lines) into `peek`, up to `SNIFF_LIMIT`.
fn sniff(stream: &mut dyn Read, peek: &mut Vec<u8>) -> io::Result<Style> {
    let mut pos = 0;
    let mut started = false;
    let mut comma = false;
    let mut eof = false;
    let style = |comma: bool, cr_only: bool| Style {
        delimiter: if comma { b',' } else { b';' },
        cr_only,
    };
    loop {
        while pos < peek.len() {
            let b = peek[pos];
            if !started {
                if b == b'\r' || b == b'\n' {
                    pos += 1;
                    continue;
                }
                started = true;
            }
            match b {
                b',' => comma = true,
                b'\n' => return Ok(style(comma, false)),
                b'\r' => match peek.get(pos + 1) {
                    Some(&next) => return Ok(style(comma, next != b'\n')),
                    None if eof => return Ok(style(comma, false)),
                    None => break,
                },
                _ => {}
            }
            pos += 1;
        }
        if eof || peek.len() >= SNIFF_LIMIT {
            return Ok(style(comma, false));
        }
        if read_more(stream, peek, CHUNK)? == 0 {
            eof = true;
        }
    }
}

fn is_blank(row: &ByteRecord) -> bool {
    matches!(row.as_slice(), b"" | b"\r")
}

fn csv_fault(file: u32, line: u64, e: &::csv::Error, sink: &mut BatchSink) {
    let (loc, diag) = match e.kind() {
        ::csv::ErrorKind::Io(io) => io_fault(file, line, io),
        _ => io_fault(file, line, &io::Error::other(e.to_string())),
    };
    sink.file_error(loc, diag);
}

/// Cuts a CSV/TSV file into rows (on the reader thread).
pub fn read(
    file: u32,
    path: &Path,
    input: Box<dyn Read>,
    opts: &ReadOptions,
    sink: &mut BatchSink,
) {
    let fail = |sink: &mut BatchSink, line: u64, e: &io::Error| {
        let (loc, diag) = io_fault(file, line, e);
        sink.file_error(loc, diag);
    };
    let text = sink.text.clone();
    let (mut stream, mut peek) = match open(input, opts, &text) {
        Ok(x) => x,
        Err(e) => return fail(sink, 1, &e),
    };
    let style = match sniff(&mut stream, &mut peek) {
        Ok(s) => s,
        Err(e) => return fail(sink, 1, &e),
    };
    let tsv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    // `--delimiter` decides for every file: an export's delimiter does not follow its name.
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None if tsv => b'\t',
        None => style.delimiter,
    };
    let eof = Rc::new(Cell::new(false));
    let tap = Tap {
        inner: Cursor::new(peek).chain(stream),
        eof: eof.clone(),
    };
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(if style.cr_only {
            Terminator::CRLF
        } else {
            Terminator::Any(b'\n')
        })
        .buffer_capacity(BUFFER)
        .from_reader(tap);

    // Bare-CR files: the parser counts `\n` only, so lines are counted here.
    let mut cr_line: u64 = 1;
    let mut header_rec = ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut header_rec) {
            Ok(true) if is_blank(&header_rec) => continue,
            Ok(true) => break,
            Ok(false) => return,
            Err(e) => return csv_fault(file, rdr.position().line(), &e, sink),
        }
    }
    cr_line += 1 + memchr::memchr_iter(b'\r', header_rec.as_slice()).count() as u64;
    // Each column is a value of every row: past a record's values, the file is unreadable
    // (its plan alone would take a few hundred bytes per column).
    let max_columns = limits::max_values(opts.max_list_items);
    if header_rec.len() > max_columns {
        let line = header_rec.position().map_or(1, |p| p.line());
        let message = format!(
            "the header has {} columns, more than a record may hold ({max_columns}: {} × \
             --max-list-items {})",
            header_rec.len(),
            limits::VALUES_PER_ITEM,
            opts.max_list_items
        );
        return sink.file_fault(file, line, 1, &message);
    }
    let header = Arc::new(Header::from_record(&header_rec, opts.max_list_items));
    drop(header_rec);

    let mut record: u64 = 0;
    let mut cap_bytes = 1024;
    let mut cap_fields = header.len().max(1);
    let mut held: usize = 0;
    loop {
        if sink.stopped {
            return;
        }
        let mut row = sink
            .spare_row()
            .unwrap_or_else(|| ByteRecord::with_capacity(cap_bytes, cap_fields));
        match rdr.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return csv_fault(file, rdr.position().line(), &e, sink),
        }
        let content = row.as_slice();
        let line = if style.cr_only {
            let l = cr_line;
            cr_line += 1 + memchr::memchr_iter(b'\r', content).count() as u64;
            l
        } else {
            // The parser's line is past the row and its `\n` (absent when the file ended
            // the row); quoted cells keep their line breaks.
            let breaks = memchr::memchr_iter(b'\n', content).count() as u64;
            let terminator = u64::from(!eof.get());
            rdr.position()
                .line()
                .saturating_sub(breaks + terminator)
                .max(1)
        };
        if is_blank(&row) {
            continue;
        }
        let len = content.len();
        cap_bytes = (len + len / 8).clamp(64, MAX_PREALLOC);
        cap_fields = row.len().clamp(1, header.len().max(64));
        record += 1;
        let loc = Location { file, record, line };
        let body = if len > opts.max_record_bytes {
            held += 64;
            RawBody::Unreadable(Diagnostic::error(
                Code::ParseError,
                "",
                format!(
                    "record of {len} bytes exceeds --max-record-bytes ({})",
                    opts.max_record_bytes
                ),
            ))
        } else {
            held += len + 8 * row.len() + 64;
            RawBody::Csv {
                row,
                header: header.clone(),
            }
        };
        sink.push(Item::Record(RawRecord { loc, body }));
        if held >= BATCH_BYTES {
            sink.flush();
            held = 0;
        }
    }
}
