//! The reader thread's half: a light byte scanner (memchr for `<`, no tree, no unescaping)
//! that follows the markup (comments, CDATA sections, processing instructions, the DOCTYPE)
//! and, outside records, the open-element stack through a fixed window, and copies each
//! `AMLYZE_CUSTOMER` element's bytes into the batch. This file holds the window, the main
//! loop and the constructs that are only skipped; start and end tags, and so where records
//! begin, are in `tags`; what is looked at inside a record, and so where it ends, in
//! `record`.

mod record;
mod tags;

use std::io::{self, Read};

use memchr::{memmem, memrchr};

use record::Inside;

use super::bytes::{count_chars, count_newlines, find_lt, is_ws};
use super::encoding::{OpenError, open_stream};
use crate::record::Location;
use crate::source::{BatchSink, ReadOptions, io_fault};

/// The local name of the element that is one record.
const RECORD_ELEMENT: &[u8] = b"AMLYZE_CUSTOMER";
/// The scanner's window. Big enough that refills (and their small memmove) are rare.
pub(super) const BUF_SIZE: usize = 256 * 1024;
/// Longest element name the scanner accepts: a name must sit whole in the window.
const NAME_MAX: usize = 4096;
/// Open elements whose names are kept for end-tag checks. Deeper levels are only counted, so
/// that a file of a billion nested tags cannot grow the stack without bound; a record that
/// deep is rejected by `parse_record` (`--max-depth`) anyway.
const NAMED_DEPTH: usize = 4096;
/// Longest markup opener the scanner must see whole (`<!DOCTYPE`, `<![CDATA[`).
const LOOKAHEAD: usize = 9;

/// `read` with a chosen window size (tests use tiny windows to exercise every refill path).
pub(super) fn read_with_buffer(
    file: u32,
    input: Box<dyn Read>,
    opts: &ReadOptions,
    sink: &mut BatchSink,
    buf_size: usize,
) {
    let text = sink.text.clone();
    let stream = match open_stream(input, opts, &text) {
        Ok(s) => s,
        Err(OpenError::Io(e)) => {
            let (loc, diag) = io_fault(file, 1, &e);
            sink.file_error(loc, diag);
            return;
        }
        Err(OpenError::Encoding(label)) => {
            let msg = format!("unknown encoding \"{label}\" in the XML declaration");
            sink.file_fault(file, 1, 1, &msg);
            return;
        }
    };
    let mut s = Scanner::new(file, stream, opts.max_record_bytes, buf_size);
    let outcome = s.run(sink);
    // A record cut short (fault, I/O error, or the run stopping) leaves no bytes behind.
    if let Some(rec) = s.rec.take() {
        sink.data().truncate(rec.data_start);
    }
    match outcome {
        Ok(()) => {}
        Err(Stop::Fault(f)) => sink.file_fault(file, f.line, f.col, &f.message),
        Err(Stop::Io(line, e)) => {
            let (loc, diag) = io_fault(file, line, &e);
            sink.file_error(loc, diag);
        }
    }
}

/// Why the scanner stopped before the end of the file.
enum Stop {
    Fault(Fault),
    /// A read error, at this line.
    Io(u64, io::Error),
}

struct Fault {
    line: u64,
    col: u64,
    message: String,
}

/// One open element whose name is kept.
struct Frame {
    /// Where its name starts in `Scanner::names` (it runs to the end of `names`).
    name_at: usize,
    /// Absolute offset of its `<` in the (decoded) stream.
    off: u64,
    /// Line of its `<`; 0 until needed. Computing it for every tag would cost a newline
    /// count per tag, so it is resolved lazily: when a fault names it, or before the window
    /// part holding it is discarded.
    line: u64,
}

/// The record being cut.
struct Rec {
    loc: Location,
    /// 1-based column of the record's `<` on its first line.
    col: u64,
    /// Where its bytes start in the batch buffer.
    data_start: usize,
    /// Window position of its first byte not yet copied to the batch.
    from: usize,
    /// Bytes of the record before `from`.
    len: u64,
    /// Over `--max-record-bytes`: nothing more is copied, bytes are only counted.
    too_long: bool,
    /// Open-element depth outside the record element; the record ends when it is back.
    depth: usize,
}

struct Scanner {
    input: Box<dyn Read>,
    /// The window: `buf[..end]` holds data, `pos` is the scan position.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Absolute stream offset of `buf[0]`.
    base: u64,
    /// `line` is the (1-based) line of `buf[anchor]`; newlines are counted lazily from there.
    anchor: usize,
    line: u64,
    /// Characters of the current line that lie before `buf[0]` (for columns after a refill).
    col_carry: u64,
    /// Names of the open elements of `frames`, concatenated.
    names: Vec<u8>,
    frames: Vec<Frame>,
    /// Open elements beyond `NAMED_DEPTH`, counted only.
    deep: usize,
    /// The record element's name as written (prefix included), while a record is cut.
    rec_name: Vec<u8>,
    /// Open elements named like the record, inside it.
    rec_nested: usize,
    /// The record has just begun: try the one search for its end (`record`).
    rec_search: bool,
    record_finder: memmem::Finder<'static>,
    root_seen: bool,
    root_closed: bool,
    /// Markup (declaration, comment, PI, DOCTYPE) was seen: the file is not just blank.
    markup_seen: bool,
    doctype_seen: bool,
    rec: Option<Rec>,
    records: u64,
    file: u32,
    limit: usize,
}

impl Scanner {
    fn new(file: u32, input: Box<dyn Read>, limit: usize, buf_size: usize) -> Self {
        Scanner {
            input,
            buf: vec![0; buf_size.max(LOOKAHEAD * 2)],
            pos: 0,
            end: 0,
            eof: false,
            base: 0,
            anchor: 0,
            line: 1,
            col_carry: 0,
            names: Vec::new(),
            frames: Vec::new(),
            deep: 0,
            rec_name: Vec::new(),
            rec_nested: 0,
            rec_search: false,
            record_finder: memmem::Finder::new(RECORD_ELEMENT),
            root_seen: false,
            root_closed: false,
            markup_seen: false,
            doctype_seen: false,
            rec: None,
            records: 0,
            file,
            limit,
        }
    }

    #[inline]
    fn depth(&self) -> usize {
        self.frames.len() + self.deep
    }

    /// Line of window position `p` (moves the newline-count anchor there).
    fn line_at(&mut self, p: usize) -> u64 {
        if p >= self.anchor {
            self.line += count_newlines(&self.buf[self.anchor..p]);
        } else {
            self.line -= count_newlines(&self.buf[p..self.anchor]);
        }
        self.anchor = p;
        self.line
    }

    /// Column (1-based, in characters) of window position `p`.
    fn col_at(&self, p: usize) -> u64 {
        match memrchr(b'\n', &self.buf[..p]) {
            Some(i) => 1 + count_chars(&self.buf[i + 1..p]),
            None => 1 + self.col_carry + count_chars(&self.buf[..p]),
        }
    }

    fn fault(&mut self, p: usize, message: impl Into<String>) -> Stop {
        let line = self.line_at(p);
        let col = self.col_at(p);
        Stop::Fault(Fault {
            line,
            col,
            message: message.into(),
        })
    }

    fn frame_line(&mut self, i: usize) -> u64 {
        if self.frames[i].line == 0 {
            // Unresolved frames are always still in the window (see `fill`).
            let p = (self.frames[i].off - self.base) as usize;
            self.frames[i].line = self.line_at(p);
        }
        self.frames[i].line
    }

    /// Discards `buf[..keep]` (copying what the record in progress needs first) and reads
    /// more. `Ok(false)` at end of file.
    fn fill(&mut self, keep: usize, sink: &mut BatchSink) -> Result<bool, Stop> {
        debug_assert!(keep <= self.pos);
        if self.eof {
            return Ok(false);
        }
        if keep > 0 {
            // Lines of open elements about to leave the window, in stream order.
            let abs_keep = self.base + keep as u64;
            let first = self
                .frames
                .iter()
                .rposition(|f| f.line != 0)
                .map_or(0, |i| i + 1);
            for i in first..self.frames.len() {
                if self.frames[i].off >= abs_keep {
                    break;
                }
                self.frame_line(i);
            }
            self.line_at(keep);
            match memrchr(b'\n', &self.buf[..keep]) {
                Some(i) => self.col_carry = count_chars(&self.buf[i + 1..keep]),
                None => self.col_carry += count_chars(&self.buf[..keep]),
            }
            if let Some(rec) = &mut self.rec {
                if rec.from < keep {
                    rec_take(rec, &self.buf[rec.from..keep], sink, self.limit);
                    rec.from = keep;
                }
                rec.from -= keep;
            }
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.pos -= keep;
            self.anchor -= keep;
            self.base += keep as u64;
        }
        if self.end == self.buf.len() {
            // Only when a kept construct fills the window (a long name in a tiny test
            // window): grow, bounded by NAME_MAX.
            let n = self.buf.len() * 2;
            self.buf.resize(n, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let line = self.line_at(self.pos);
                    return Err(Stop::Io(line, e));
                }
            }
        }
    }

    /// Makes at least `n` bytes available from `pos` unless the file ends first.
    #[inline]
    fn need(&mut self, n: usize, sink: &mut BatchSink) -> Result<(), Stop> {
        while self.end - self.pos < n {
            if !self.fill(self.pos, sink)? {
                break;
            }
        }
        Ok(())
    }

    fn run(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
        loop {
            if sink.stopped {
                return Ok(());
            }
            let found = find_lt(&self.buf[self.pos..self.end]);
            let stop = found.map_or(self.end, |i| self.pos + i);
            if self.depth() == 0 {
                self.outside_text(stop)?;
            }
            // Text inside elements is the parser's business.
            self.pos = stop;
            if found.is_none() {
                if !self.fill(self.pos, sink)? {
                    return self.at_eof();
                }
                continue;
            }
            // Inside a record only its end is looked for (`record`); markup goes on below.
            if self.rec.is_some() {
                match self.in_record(sink)? {
                    Inside::Took => continue,
                    Inside::Markup => {}
                }
            }
            self.need(LOOKAHEAD, sink)?;
            let rest = &self.buf[self.pos..self.end];
            match rest.get(1) {
                Some(b'/') => self.end_tag(sink)?,
                Some(b'?') => {
                    self.markup_seen = true;
                    self.skip_past(2, b"?>", "processing instruction", sink)?;
                }
                Some(b'!') => {
                    if rest.starts_with(b"<!--") {
                        self.markup_seen = true;
                        self.skip_past(4, b"-->", "comment", sink)?;
                    } else if rest.starts_with(b"<![CDATA[") {
                        if self.depth() == 0 {
                            return Err(
                                self.fault(self.pos, "CDATA section outside the root element")
                            );
                        }
                        self.skip_past(9, b"]]>", "CDATA section", sink)?;
                    } else if rest.starts_with(b"<!DOCTYPE") {
                        self.doctype(sink)?;
                    } else {
                        return Err(self.fault(self.pos, "unexpected markup: '<!' must open a comment, a CDATA section or the DOCTYPE"));
                    }
                }
                _ => self.start_tag(sink)?,
            }
        }
    }

    /// Text between `pos` and `stop` outside the root element must be white space.
    fn outside_text(&mut self, stop: usize) -> Result<(), Stop> {
        if let Some(i) = self.buf[self.pos..stop].iter().position(|&b| !is_ws(b)) {
            let where_ = if self.root_closed { "after" } else { "before" };
            return Err(self.fault(
                self.pos + i,
                format!("unexpected text {where_} the root element"),
            ));
        }
        Ok(())
    }

    /// Skips a construct whose `skip`-byte opener is at `pos`, through its terminator `pat`.
    fn skip_past(
        &mut self,
        skip: usize,
        pat: &[u8],
        what: &str,
        sink: &mut BatchSink,
    ) -> Result<(), Stop> {
        let open_line = self.line_at(self.pos);
        self.pos += skip;
        loop {
            if let Some(i) = memmem::find(&self.buf[self.pos..self.end], pat) {
                self.pos += i + pat.len();
                return Ok(());
            }
            // Keep a possible partial terminator at the window's end.
            self.pos = self.end.saturating_sub(pat.len() - 1).max(self.pos);
            if !self.fill(self.pos, sink)? {
                return Err(self.fault(
                    self.end,
                    format!("unexpected end of file inside the {what} opened at line {open_line}"),
                ));
            }
        }
    }

    /// Skips the DOCTYPE at `pos`, internal subset included, without interpreting anything.
    fn doctype(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
        if self.depth() > 0 || self.root_seen {
            return Err(self.fault(
                self.pos,
                "a DOCTYPE is only allowed before the root element",
            ));
        }
        if self.doctype_seen {
            return Err(self.fault(self.pos, "a second DOCTYPE"));
        }
        self.doctype_seen = true;
        self.markup_seen = true;
        let open_line = self.line_at(self.pos);
        self.pos += b"<!DOCTYPE".len();
        let mut brackets: u32 = 0;
        let mut quote: Option<u8> = None;
        loop {
            if self.pos == self.end && !self.fill(self.pos, sink)? {
                return Err(self.fault(
                    self.end,
                    format!("unexpected end of file inside the DOCTYPE opened at line {open_line}"),
                ));
            }
            let b = self.buf[self.pos];
            if let Some(q) = quote {
                if b == q {
                    quote = None;
                }
                self.pos += 1;
                continue;
            }
            match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' => brackets += 1,
                b']' => brackets = brackets.saturating_sub(1),
                b'>' if brackets == 0 => {
                    self.pos += 1;
                    return Ok(());
                }
                b'<' if brackets > 0 => {
                    // Comments and PIs of the internal subset may hold quotes and brackets.
                    self.need(4, sink)?;
                    let rest = &self.buf[self.pos..self.end];
                    if rest.starts_with(b"<!--") {
                        self.skip_past(4, b"-->", "comment", sink)?;
                        continue;
                    }
                    if rest.starts_with(b"<?") {
                        self.skip_past(2, b"?>", "processing instruction", sink)?;
                        continue;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn at_eof(&mut self) -> Result<(), Stop> {
        if self.depth() > 0 {
            let msg = match self.frames.len() {
                0 => "unexpected end of file: an element is not closed".to_string(),
                n => {
                    let line = self.frame_line(n - 1);
                    let deeper = match self.deep {
                        0 => String::new(),
                        d => format!(" (nor {d} elements inside it)"),
                    };
                    format!(
                        "unexpected end of file: element <{}> opened at line {line} is not closed{deeper}",
                        String::from_utf8_lossy(&self.names[self.frames[n - 1].name_at..])
                    )
                }
            };
            return Err(self.fault(self.end, msg));
        }
        if !self.root_seen && self.markup_seen {
            return Err(self.fault(self.end, "no root element"));
        }
        // An empty, blank or BOM-only file holds no records, like an empty JSON file.
        Ok(())
    }
}

/// Appends a piece of the record to the batch, unless the record is (now) over the limit.
fn rec_take(rec: &mut Rec, bytes: &[u8], sink: &mut BatchSink, limit: usize) {
    rec.len += bytes.len() as u64;
    if rec.too_long {
        return;
    }
    if rec.len > limit as u64 {
        rec.too_long = true;
        sink.data().truncate(rec.data_start);
    } else {
        sink.data().extend_from_slice(bytes);
    }
}
