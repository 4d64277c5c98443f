//! JSON files (`.json`): one lead object, an array of lead objects, or the vendor's batch
//! wrapper `{"customers": [...]}`.
//!
//! The file is never loaded whole: a structural scanner (strings and nesting only) cuts the
//! top-level array's elements one by one, and the workers parse each element. So a syntax
//! error inside one element rejects that element only; an error in the array's own structure
//! (a missing comma, an unclosed array) ends the file with a file-level `parse-error`, and
//! the elements cut before it are processed normally.
//!
//! **(decision)** A top-level object is the batch wrapper when its first key is
//! `customers` and that key's value is an array; any other object is one lead. Keys after
//! `customers` in a wrapper are a file-level error (they would otherwise be lost silently).

use std::io::{BufRead, BufReader, Read};

use super::{BatchSink, Item, RawBody, RawRecord, ReadOptions, UTF8_BOM};
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Location;

pub fn read(file: u32, input: Box<dyn Read>, opts: &ReadOptions, sink: &mut BatchSink) {
    let mut s = Scanner {
        r: BufReader::with_capacity(opts.buffer_size, input),
        line: 1,
        col: 1,
        file,
        record: 0,
        limit: opts.max_record_bytes,
        redact: opts.redact,
    };
    if let Err(fault) = s.run(sink) {
        sink.file_fault(file, fault.line, fault.col, &fault.message);
    }
}

struct Fault {
    line: u64,
    col: u64,
    message: String,
}

struct Scanner<R: Read> {
    r: BufReader<R>,
    line: u64,
    col: u64,
    file: u32,
    record: u64,
    limit: usize,
    /// `--redact`: faults name no character of the data (`super::found_char`).
    redact: bool,
}

enum Scanned {
    /// The value fit in the limit and was appended.
    Value,
    /// The value was longer than the limit (bytes seen); nothing appended.
    TooLong(u64),
}

impl<R: Read> Scanner<R> {
    fn fault(&self, message: impl Into<String>) -> Fault {
        Fault {
            line: self.line,
            col: self.col,
            message: message.into(),
        }
    }

    fn io(&self, e: std::io::Error) -> Fault {
        self.fault(format!("read error: {e}"))
    }

    fn peek(&mut self) -> Result<Option<u8>, Fault> {
        loop {
            match self.r.fill_buf() {
                Ok(b) => return Ok(b.first().copied()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io(e)),
            }
        }
    }

    fn bump(&mut self, b: u8) {
        self.r.consume(1);
        self.advance(b);
    }

    #[inline]
    fn advance(&mut self, b: u8) {
        (self.line, self.col) = advance_over(&[b], self.line, self.col);
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, Fault> {
        loop {
            match self.peek()? {
                Some(b @ (b' ' | b'\t' | b'\r' | b'\n')) => self.bump(b),
                other => return Ok(other),
            }
        }
    }

    fn describe(&self, b: Option<u8>) -> String {
        match b {
            None => "end of file".into(),
            Some(b) if b.is_ascii_graphic() => super::found_char(b as char, self.redact),
            Some(_) if self.redact => "a non-ASCII or control byte".into(),
            Some(b) => format!("byte 0x{b:02X}"),
        }
    }

    fn run(&mut self, sink: &mut BatchSink) -> Result<(), Fault> {
        // Byte-order mark.
        if let Ok(buf) = self.r.fill_buf()
            && buf.starts_with(UTF8_BOM)
        {
            self.r.consume(UTF8_BOM.len());
        }
        match self.skip_ws()? {
            None => return Ok(()), // an empty file holds no records
            Some(b'[') => {
                let open = (self.line, self.col);
                self.bump(b'[');
                self.array(sink, open)?;
            }
            Some(b'{') => self.object_or_wrapper(sink)?,
            Some(_) => {
                // A top-level scalar: one record, which the rules reject as not an object.
                self.element(sink)?;
            }
        }
        match self.skip_ws()? {
            None => Ok(()),
            b => Err(self.fault(format!(
                "unexpected {} after the top-level JSON value",
                self.describe(b)
            ))),
        }
    }

    /// Elements of an array whose `[` was just consumed, up to and including its `]`.
    fn array(&mut self, sink: &mut BatchSink, open: (u64, u64)) -> Result<(), Fault> {
        if self.skip_ws()? == Some(b']') {
            self.bump(b']');
            return Ok(());
        }
        loop {
            if sink.stopped {
                return Ok(());
            }
            match self.skip_ws()? {
                None => {
                    return Err(self.fault(format!(
                        "unexpected end of file: the array opened at line {}, column {} is not closed",
                        open.0, open.1
                    )));
                }
                Some(b @ (b']' | b',')) => {
                    return Err(self.fault(format!(
                        "expected an array element, found {}",
                        self.describe(Some(b))
                    )));
                }
                Some(_) => self.element(sink)?,
            }
            match self.skip_ws()? {
                Some(b',') => self.bump(b','),
                Some(b']') => {
                    self.bump(b']');
                    return Ok(());
                }
                None => {
                    return Err(self.fault(format!(
                        "unexpected end of file: the array opened at line {}, column {} is not closed",
                        open.0, open.1
                    )));
                }
                b => {
                    return Err(self.fault(format!(
                        "expected ',' or ']' after an array element, found {}",
                        self.describe(b)
                    )));
                }
            }
        }
    }

    /// One record starting at the current byte.
    fn element(&mut self, sink: &mut BatchSink) -> Result<(), Fault> {
        self.record += 1;
        let col = self.col;
        let loc = Location {
            file: self.file,
            record: self.record,
            line: self.line,
        };
        let start = sink.data().len();
        match self.value(sink.data(), start, 0, false)? {
            Scanned::Value => {
                let end = sink.data().len();
                sink.push(Item::Record(RawRecord {
                    loc,
                    body: RawBody::Json { start, end, col },
                }));
            }
            Scanned::TooLong(n) => {
                let diag = Diagnostic::error(
                    Code::ParseError,
                    "",
                    format!(
                        "record of {n} bytes exceeds --max-record-bytes ({})",
                        self.limit
                    ),
                );
                sink.push(Item::Record(RawRecord {
                    loc,
                    body: RawBody::Unreadable(diag),
                }));
            }
        }
        Ok(())
    }

    /// Copies one JSON value's bytes into `out` (from `start`), following strings and
    /// nesting only. Grammar inside the value is the parser's business. `depth` and `in_str`
    /// give the state when the value's first bytes were already consumed (an object whose
    /// opening was read while looking for the batch wrapper).
    fn value(
        &mut self,
        out: &mut Vec<u8>,
        start: usize,
        depth: u64,
        in_str: bool,
    ) -> Result<Scanned, Fault> {
        let (line0, col0) = (self.line, self.col);
        let mut depth = depth;
        let mut in_str = in_str;
        let mut esc = false;
        let mut seen = (out.len() - start) as u64;
        let mut too_long = false;
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io(e)),
            };
            if buf.is_empty() {
                if depth == 0 && !in_str {
                    break; // a scalar ending at end of file
                }
                return Err(Fault {
                    line: self.line,
                    col: self.col,
                    message: format!(
                        "unexpected end of file inside the value starting at line {line0}, column {col0}"
                    ),
                });
            }
            let mut i = 0;
            let mut done = false;
            while i < buf.len() {
                let b = buf[i];
                if in_str {
                    if esc {
                        esc = false;
                    } else if b == b'\\' {
                        esc = true;
                    } else if b == b'"' {
                        in_str = false;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                } else {
                    match b {
                        b'"' => in_str = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            if depth == 0 {
                                done = true; // end of a scalar: the enclosing array closes
                                break;
                            }
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                done = true;
                                break;
                            }
                        }
                        b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => {
                            done = true;
                            break;
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            let chunk = &buf[..i];
            seen += chunk.len() as u64;
            if !too_long {
                if (out.len() - start) + chunk.len() > self.limit {
                    too_long = true;
                    out.truncate(start);
                } else {
                    out.extend_from_slice(chunk);
                }
            }
            let (line, col) = advance_over(chunk, self.line, self.col);
            self.line = line;
            self.col = col;
            self.r.consume(i);
            if done {
                break;
            }
        }
        Ok(if too_long {
            Scanned::TooLong(seen)
        } else {
            Scanned::Value
        })
    }

    /// A top-level object: the batch wrapper, or one lead.
    fn object_or_wrapper(&mut self, sink: &mut BatchSink) -> Result<(), Fault> {
        let loc_line = self.line;
        let col = self.col;
        // Read the first key without committing: `{`, white space, a simple string.
        let mut head: Vec<u8> = Vec::new();
        head.push(b'{');
        self.bump(b'{');
        while let Some(b @ (b' ' | b'\t' | b'\r' | b'\n')) = self.peek()? {
            head.push(b);
            self.bump(b);
        }
        let mut is_wrapper = false;
        if self.peek()? == Some(b'"') {
            let key_start = head.len();
            head.push(b'"');
            self.bump(b'"');
            // Keys up to 64 bytes are enough to recognise `customers`.
            while head.len() - key_start < 64 {
                match self.peek()? {
                    Some(b'"') => {
                        head.push(b'"');
                        self.bump(b'"');
                        break;
                    }
                    Some(b'\\') | None => break,
                    Some(b) => {
                        head.push(b);
                        self.bump(b);
                    }
                }
            }
            if &head[key_start..] == b"\"customers\"" {
                // Look for `: [` — white space allowed.
                while let Some(b @ (b' ' | b'\t' | b'\r' | b'\n' | b':')) = self.peek()? {
                    head.push(b);
                    self.bump(b);
                }
                if self.peek()? == Some(b'[') && head.contains(&b':') {
                    is_wrapper = true;
                }
            }
        }
        if is_wrapper {
            let open = (self.line, self.col);
            self.bump(b'[');
            self.array(sink, open)?;
            return match self.skip_ws()? {
                Some(b'}') => {
                    self.bump(b'}');
                    Ok(())
                }
                Some(b',') => Err(self.fault(
                    "the batch wrapper may only hold \"customers\"; other keys are not read",
                )),
                b => Err(self.fault(format!(
                    "expected '}}' closing the batch wrapper, found {}",
                    self.describe(b)
                ))),
            };
        }
        // One lead: the bytes read so far, then the rest of the object.
        self.record += 1;
        let loc = Location {
            file: self.file,
            record: self.record,
            line: loc_line,
        };
        let start = sink.data().len();
        sink.data().extend_from_slice(&head);
        // Continue scanning as if inside the object (depth 1), honouring a string in progress.
        let in_key = head.len() > 1 && head.iter().filter(|&&b| b == b'"').count() % 2 == 1;
        let scanned = self.value(sink.data(), start, 1, in_key)?;
        match scanned {
            Scanned::Value => {
                let end = sink.data().len();
                sink.push(Item::Record(RawRecord {
                    loc,
                    body: RawBody::Json { start, end, col },
                }));
            }
            Scanned::TooLong(n) => {
                sink.data().truncate(start);
                let diag = Diagnostic::error(
                    Code::ParseError,
                    "",
                    format!(
                        "record of {n} bytes exceeds --max-record-bytes ({})",
                        self.limit
                    ),
                );
                sink.push(Item::Record(RawRecord {
                    loc,
                    body: RawBody::Unreadable(diag),
                }));
            }
        }
        Ok(())
    }
}

/// Line and column after `chunk` (columns count characters, not UTF-8 continuation bytes).
fn advance_over(chunk: &[u8], mut line: u64, mut col: u64) -> (u64, u64) {
    match memchr::memrchr(b'\n', chunk) {
        Some(last) => {
            line += memchr::memchr_iter(b'\n', chunk).count() as u64;
            col = 1 + chunk[last + 1..]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count() as u64;
        }
        None => col += chunk.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64,
    }
    (line, col)
}
