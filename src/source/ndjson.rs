//! NDJSON (`.ndjson`, `.jsonl`): one record per line, blank lines skipped.
//!
//! Lines are appended straight into the batch buffer (no copy per line); a line longer
//! than `--max-record-bytes` is skipped to its end and reported on its own record.

use std::io::{BufRead, BufReader, Read};

use super::{BatchSink, Item, RawBody, RawRecord, ReadOptions, UTF8_BOM, io_fault};
use crate::diagnostic::{Diagnostic, code};
use crate::record::Location;

pub fn read(file: u32, input: Box<dyn Read>, opts: &ReadOptions, sink: &mut BatchSink) {
    let mut r = BufReader::with_capacity(opts.buffer_size, input);
    let mut line_no: u64 = 0;
    let mut record: u64 = 0;
    loop {
        if sink.stopped {
            return;
        }
        line_no += 1;
        let start = sink.data().len();
        match read_line_limited(&mut r, sink.data(), opts.max_record_bytes) {
            Ok(Line::Eof) => {
                sink.data().truncate(start);
                return;
            }
            Ok(Line::Complete) => {
                let data = sink.data();
                let mut bytes = &data[start..];
                if line_no == 1 && bytes.starts_with(UTF8_BOM) {
                    bytes = &bytes[UTF8_BOM.len()..];
                }
                if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                    data.truncate(start);
                    continue;
                }
                let offset = data.len() - bytes.len();
                let end = data.len();
                record += 1;
                let loc = Location {
                    file,
                    record,
                    line: line_no,
                };
                sink.push(Item::Record(RawRecord {
                    loc,
                    body: RawBody::Json {
                        start: offset,
                        end,
                        col: 1,
                    },
                }));
            }
            Ok(Line::TooLong(len)) => {
                sink.data().truncate(start);
                record += 1;
                let loc = Location {
                    file,
                    record,
                    line: line_no,
                };
                let diag = Diagnostic::error(
                    code::PARSE_ERROR,
                    "",
                    format!(
                        "record of {len} bytes exceeds --max-record-bytes ({})",
                        opts.max_record_bytes
                    ),
                );
                sink.push(Item::Record(RawRecord {
                    loc,
                    body: RawBody::Unreadable(diag),
                }));
            }
            Err(e) => {
                sink.data().truncate(start);
                let (loc, diag) = io_fault(file, line_no, &e);
                sink.file_error(loc, diag);
                return;
            }
        }
    }
}

pub enum Line {
    Eof,
    /// A line (without its `\n`) was appended.
    Complete,
    /// The line was longer than the limit: nothing appended, the line was consumed; its length.
    TooLong(u64),
}

/// Appends the next line (without the newline) to `out`, up to `limit` bytes.
pub fn read_line_limited<R: BufRead>(
    r: &mut R,
    out: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Line> {
    let start = out.len();
    let mut seen: u64 = 0;
    let mut too_long = false;
    let mut any = false;
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        any = true;
        let (chunk, found) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..i], Some(i)),
            None => (buf, None),
        };
        seen += chunk.len() as u64;
        if !too_long {
            if seen as usize > limit {
                too_long = true;
                out.truncate(start);
            } else {
                out.extend_from_slice(chunk);
            }
        }
        let consumed = found.map_or(buf.len(), |i| i + 1);
        r.consume(consumed);
        if found.is_some() {
            break;
        }
    }
    if !any {
        return Ok(Line::Eof);
    }
    if too_long {
        Ok(Line::TooLong(seen))
    } else {
        Ok(Line::Complete)
    }
}
