//! XML files (`.xml`): the vendor's SOAP payloads, one record per `AMLYZE_CUSTOMER` element
//! wherever it sits (spec §6): inside `soap:Envelope/soap:Body`, or thousands of them under
//! any wrapper element. Namespaces are ignored.
//!
//! The work is split like the JSON reader's:
//! - `read` runs on the single reader thread and only cuts. A light byte scanner (memchr
//!   for `<`, no tree, no unescaping) follows the markup — comments, CDATA sections,
//!   processing instructions, the DOCTYPE, quoted attribute values — and the element name
//!   stack, and copies each `AMLYZE_CUSTOMER` element's bytes into the batch. Memory is
//!   bounded whatever the file size: a fixed window buffer, the open-element stack, and the
//!   record being cut (itself bounded by `--max-record-bytes`). A structural fault (a
//!   mismatched end tag, an element left open at end of file, text after the root) ends the
//!   file with one file-level `parse-error`; the records cut before it stand.
//! - `parse_record` runs on the workers and parses one cut element with quick-xml into a
//!   `Node` tree whose keys are the catalog's canonical names, walking the catalog while
//!   descending, so that the rules see the same tree as for JSON.
//!
//! Encodings: a UTF-8 byte-order mark is skipped; a UTF-16 one, an XML declaration naming
//! another encoding, or `--encoding` (for files without a declaration) makes the stream go
//! through `transcode::DecodingReader`, so that both halves only ever see UTF-8.
//!
//! Security: a DOCTYPE is skipped, never interpreted. No entity it declares is expanded (a
//! reference to one is a record fault, "undefined entity") and no external resource it
//! names is ever opened, so neither "billion laughs" nor `SYSTEM "file:///etc/passwd"` can
//! do anything. Nesting is bounded by `--max-depth` in the parser, which keeps its own
//! stack on the heap.

use std::borrow::Cow;
use std::io::{self, Cursor, Read};
use std::sync::LazyLock;

use encoding_rs::Encoding;
use memchr::{memchr, memchr3, memmem, memrchr};
use quick_xml::escape::{EscapeError, resolve_xml_entity};
use quick_xml::events::Event;

use super::transcode::{DecodingReader, encoding_for_label};
use super::{BatchSink, Item, RawBody, RawRecord, ReadOptions, UTF8_BOM, io_fault};
use crate::catalog::{self, Field, Shape, Type};
use crate::diagnostic::{Diagnostic, code};
use crate::record::{Location, Node};

/// The local name of the element that is one record.
const RECORD_ELEMENT: &[u8] = b"AMLYZE_CUSTOMER";
/// The scanner's window. Big enough that refills (and their small memmove) are rare.
const BUF_SIZE: usize = 256 * 1024;
/// Longest element name the scanner accepts: a name must sit whole in the window.
const NAME_MAX: usize = 4096;
/// Open elements whose names are kept for end-tag checks. Deeper levels are only counted, so
/// that a file of a billion nested tags cannot grow the stack without bound; a record that
/// deep is rejected by `parse_record` (`--max-depth`) anyway.
const NAMED_DEPTH: usize = 4096;
/// Longest markup opener the scanner must see whole (`<!DOCTYPE`, `<![CDATA[`).
const LOOKAHEAD: usize = 9;
/// How much of the file head is examined for a byte-order mark and an XML declaration.
const SNIFF_BYTES: u64 = 1024;

/// A fault inside one record: offset line (0-based, relative to the record's first line),
/// column and message.
#[derive(Debug, Clone)]
pub struct RecordFault {
    pub line_offset: u64,
    pub column: u64,
    pub message: String,
}

// ------------------------------------------------------------------------------------------
// Reader thread: cutting the file into records.
// ------------------------------------------------------------------------------------------

pub fn read(file: u32, input: Box<dyn Read>, opts: &ReadOptions, sink: &mut BatchSink) {
    read_with_buffer(file, input, opts, sink, BUF_SIZE);
}

/// `read` with a chosen window size (tests use tiny windows to exercise every refill path).
fn read_with_buffer(
    file: u32,
    input: Box<dyn Read>,
    opts: &ReadOptions,
    sink: &mut BatchSink,
    buf_size: usize,
) {
    let stream = match open_stream(input, opts) {
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

enum OpenError {
    Io(io::Error),
    Encoding(String),
}

/// The file as a UTF-8 stream: byte-order mark skipped, legacy encodings decoded.
fn open_stream(mut input: Box<dyn Read>, opts: &ReadOptions) -> Result<Box<dyn Read>, OpenError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
    input
        .by_ref()
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(OpenError::Io)?;
    let (skip, enc) = sniff(&head, opts)?;
    let mut head = Cursor::new(head);
    head.set_position(skip);
    let rest: Box<dyn Read> = Box::new(head.chain(input));
    Ok(match enc {
        Some(enc) => Box::new(DecodingReader::new(rest, enc)),
        None => rest,
    })
}

/// Bytes to skip and the encoding to decode from (`None`: the stream is taken as UTF-8).
fn sniff(head: &[u8], opts: &ReadOptions) -> Result<(u64, Option<&'static Encoding>), OpenError> {
    // A byte-order mark decides over any declaration (they can only disagree by mistake, and
    // the mark is what the bytes are). DecodingReader removes a UTF-16 mark itself.
    if head.starts_with(UTF8_BOM) {
        return Ok((UTF8_BOM.len() as u64, None));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[b'<', 0, b'?', 0]) {
        return Ok((0, Some(encoding_rs::UTF_16LE)));
    }
    if head.starts_with(&[0xFE, 0xFF]) || head.starts_with(&[0, b'<', 0, b'?']) {
        return Ok((0, Some(encoding_rs::UTF_16BE)));
    }
    let enc = match declared_encoding(head) {
        Some(label) => match encoding_for_label(&label) {
            // "replacement" is what WHATWG maps dangerous labels (ISO-2022-KR, ...) to.
            None => return Err(OpenError::Encoding(label)),
            Some(e) if e == encoding_rs::REPLACEMENT => return Err(OpenError::Encoding(label)),
            // A declaration we could read as ASCII cannot really be UTF-16: the bytes decide.
            Some(e)
                if e == encoding_rs::UTF_8
                    || e == encoding_rs::UTF_16LE
                    || e == encoding_rs::UTF_16BE =>
            {
                None
            }
            Some(e) => Some(e),
        },
        None => opts.encoding.filter(|e| *e != encoding_rs::UTF_8),
    };
    Ok((0, enc))
}

/// The `encoding="..."` of an XML declaration at the very start of `head`.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let rest = head.strip_prefix(b"<?xml")?;
    if !rest.first().is_some_and(|&b| is_ws(b)) {
        return None;
    }
    let decl = &rest[..memmem::find(rest, b"?>")?];
    let mut i = memmem::find(decl, b"encoding")? + b"encoding".len();
    let skip_ws = |mut i: usize| {
        while decl.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        i
    };
    i = skip_ws(i);
    if decl.get(i) != Some(&b'=') {
        return None;
    }
    i = skip_ws(i + 1);
    let quote = *decl.get(i).filter(|&&b| b == b'"' || b == b'\'')?;
    let len = memchr(quote, &decl[i + 1..])?;
    Some(String::from_utf8_lossy(&decl[i + 1..i + 1 + len]).into_owned())
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

    /// Length of the name starting at `pos + from`; `pos` stays put (and so in the window).
    fn scan_name(&mut self, from: usize, sink: &mut BatchSink) -> Result<usize, Stop> {
        let mut k = from;
        loop {
            if let Some(j) = find_name_end(&self.buf[self.pos + k..self.end]) {
                return Ok(k + j - from);
            }
            k = self.end - self.pos;
            if k - from > NAME_MAX {
                return Err(self.fault(
                    self.pos,
                    format!("element name longer than {NAME_MAX} bytes"),
                ));
            }
            if !self.fill(self.pos, sink)? {
                // The name runs to the end of the file; the caller reports the cut tag.
                return Ok(k - from);
            }
        }
    }

    fn start_tag(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
        let len = self.scan_name(1, sink)?;
        if len == 0 || !is_name_start(self.buf[self.pos + 1]) {
            return Err(self.fault(self.pos, "'<' is not followed by an element name"));
        }
        let depth = self.depth();
        if depth == 0 {
            if self.root_closed {
                return Err(self.fault(
                    self.pos,
                    "a second root element after the root element was closed",
                ));
            }
            self.root_seen = true;
        }
        let name = self.pos + 1..self.pos + 1 + len;
        let is_record = self.rec.is_none() && local_name(&self.buf[name.clone()]) == RECORD_ELEMENT;
        let named = self.deep == 0 && self.frames.len() < NAMED_DEPTH;
        let name_at = self.names.len();
        // The element is pushed before its attributes are scanned: a refill in between must
        // see it to resolve its line before its `<` leaves the window.
        if named {
            self.names.extend_from_slice(&self.buf[name]);
            self.frames.push(Frame {
                name_at,
                off: self.base + self.pos as u64,
                line: 0,
            });
        } else {
            self.deep += 1;
        }
        if is_record {
            self.records += 1;
            let line = self.line_at(self.pos);
            // The column is only worth a bounded look back: on a single-line file of many
            // records it would cost a window scan per record.
            let lo = self.pos.saturating_sub(4096);
            let col = if lo == 0 || memrchr(b'\n', &self.buf[lo..self.pos]).is_some() {
                self.col_at(self.pos)
            } else {
                1
            };
            self.rec = Some(Rec {
                loc: Location {
                    file: self.file,
                    record: self.records,
                    line,
                },
                col,
                data_start: sink.data().len(),
                from: self.pos,
                len: 0,
                too_long: false,
                depth,
            });
        }
        self.pos += 1 + len;
        let self_closing = self.scan_attributes(name_at, named, sink)?;
        if self_closing {
            if named {
                self.frames.pop();
                self.names.truncate(name_at);
            } else {
                self.deep -= 1;
            }
            if depth == 0 {
                self.root_closed = true;
            }
            if is_record {
                self.finish_record(sink);
            }
        }
        Ok(())
    }

    /// Skips a start tag's attributes through its `>`; whether it was `/>`.
    fn scan_attributes(
        &mut self,
        name_at: usize,
        named: bool,
        sink: &mut BatchSink,
    ) -> Result<bool, Stop> {
        // Fast paths, most tags: `<Name>` and `<Name/>`.
        match self.buf.get(self.pos..self.end) {
            Some([b'>', ..]) => {
                self.pos += 1;
                return Ok(false);
            }
            Some([b'/', b'>', ..]) => {
                self.pos += 2;
                return Ok(true);
            }
            _ => {}
        }
        // `pos` is just past the name, so `pos - 1` is its last byte.
        let mut prev = self.buf[self.pos - 1];
        loop {
            let s = &self.buf[self.pos..self.end];
            let (k, c) = match memchr3(b'>', b'"', b'\'', s) {
                Some(k) => (k, s[k]),
                None => (s.len(), 0),
            };
            if let Some(j) = memchr(b'<', &s[..k]) {
                return Err(self.fault(self.pos + j, "'<' inside a start tag"));
            }
            if k > 0 {
                prev = s[k - 1];
            }
            if c == 0 {
                self.pos = self.end;
                if !self.fill(self.pos, sink)? {
                    return Err(self.eof_in_tag(name_at, named));
                }
                continue;
            }
            self.pos += k + 1;
            if c == b'>' {
                return Ok(prev == b'/');
            }
            // A quoted attribute value: anything but its quote, `>` included.
            loop {
                if let Some(m) = memchr(c, &self.buf[self.pos..self.end]) {
                    self.pos += m + 1;
                    break;
                }
                self.pos = self.end;
                if !self.fill(self.pos, sink)? {
                    return Err(self.eof_in_tag(name_at, named));
                }
            }
            prev = c;
        }
    }

    fn eof_in_tag(&mut self, name_at: usize, named: bool) -> Stop {
        let msg = if named {
            format!(
                "unexpected end of file inside the start tag <{}>",
                String::from_utf8_lossy(&self.names[name_at..])
            )
        } else {
            "unexpected end of file inside a start tag".to_string()
        };
        self.fault(self.end, msg)
    }

    fn end_tag(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
        // Fast path, nearly every end tag: exactly the open element's name, then `>`.
        if self.deep == 0
            && let Some(top) = self.frames.last()
        {
            let name_at = top.name_at;
            let len = self.names.len() - name_at;
            self.need(2 + len + 1, sink)?;
            let name = &self.names[name_at..];
            let close = self.pos + 2 + len;
            if close < self.end
                && self.buf[close] == b'>'
                && eq_short(&self.buf[self.pos + 2..close], name)
            {
                self.pos = close + 1;
                return self.pop_element(sink);
            }
        }
        let len = self.scan_name(2, sink)?;
        let found = self.pos + 2..self.pos + 2 + len;
        if self.deep == 0 {
            match self.frames.len() {
                0 => {
                    let msg = format!(
                        "end tag </{}> has no matching start tag",
                        String::from_utf8_lossy(&self.buf[found])
                    );
                    return Err(self.fault(self.pos, msg));
                }
                n => {
                    let name_at = self.frames[n - 1].name_at;
                    if self.names[name_at..] != self.buf[found.clone()] {
                        let line = self.frame_line(n - 1);
                        let msg = format!(
                            "mismatched end tag </{}>: expected </{}> (opened at line {line})",
                            String::from_utf8_lossy(&self.buf[found]),
                            String::from_utf8_lossy(&self.names[name_at..]),
                        );
                        return Err(self.fault(self.pos, msg));
                    }
                }
            }
        }
        self.pos += 2 + len;
        loop {
            if self.pos == self.end && !self.fill(self.pos, sink)? {
                return Err(self.fault(self.end, "unexpected end of file inside an end tag"));
            }
            match self.buf[self.pos] {
                b'>' => {
                    self.pos += 1;
                    break;
                }
                b if is_ws(b) => self.pos += 1,
                _ => return Err(self.fault(self.pos, "expected '>' closing the end tag")),
            }
        }
        self.pop_element(sink)
    }

    /// The end tag of the innermost open element was consumed.
    fn pop_element(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
        if self.deep > 0 {
            self.deep -= 1;
        } else if let Some(f) = self.frames.pop() {
            self.names.truncate(f.name_at);
        }
        let depth = self.depth();
        if depth == 0 {
            self.root_closed = true;
        }
        if self.rec.as_ref().is_some_and(|r| r.depth == depth) {
            self.finish_record(sink);
        }
        Ok(())
    }

    /// The record element closed at `pos`: hand it on.
    fn finish_record(&mut self, sink: &mut BatchSink) {
        let Some(mut rec) = self.rec.take() else {
            return;
        };
        let from = rec.from;
        rec_take(&mut rec, &self.buf[from..self.pos], sink, self.limit);
        let body = if rec.too_long {
            RawBody::Unreadable(Diagnostic::error(
                code::PARSE_ERROR,
                "",
                format!(
                    "record of {} bytes exceeds --max-record-bytes ({})",
                    rec.len, self.limit
                ),
            ))
        } else {
            RawBody::Xml {
                start: rec.data_start,
                end: sink.data().len(),
                col: rec.col,
            }
        };
        sink.push(Item::Record(RawRecord { loc: rec.loc, body }));
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

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The next `<`. Text between tags is mostly short (a value, an indentation), where
/// memchr's set-up costs more than the search: look at a few words first.
#[inline]
fn find_lt(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= bytes.len() && i < 32 {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]))
            ^ (ONES * u64::from(b'<'));
        // Zero bytes of `w` are the `<`s; the lowest flagged byte is exact.
        let zero = w.wrapping_sub(ONES) & !w & HIGH;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr(b'<', &bytes[i..]).map(|j| i + j)
}

/// `a == b` for short slices (element names) without a call to memcmp.
#[inline]
fn eq_short(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    if n >= 8 {
        // Whole words, the last one overlapping its predecessor.
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        return word(a, n - 8) == word(b, n - 8);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Position of the first byte of `bytes` that ends an element name.
#[inline]
fn find_name_end(bytes: &[u8]) -> Option<usize> {
    // Eight bytes at a time: every name-ending byte is below 'A' (0x41), and so are only a
    // few name bytes (digits, ':', '-', '.'), so a word without a byte below 0x41 is all
    // name. The lowest flagged byte of the classic "has less than" test is exact.
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
        let below = w.wrapping_sub(ONES * 0x41) & !w & HIGH;
        if below == 0 {
            i += 8;
            continue;
        }
        let j = i + (below.trailing_zeros() / 8) as usize;
        if is_name_end(bytes[j]) {
            return Some(j);
        }
        i = j + 1;
    }
    bytes[i..]
        .iter()
        .position(|&b| is_name_end(b))
        .map(|j| i + j)
}

/// Bytes that end an element name in a tag.
static NAME_END: [bool; 256] = {
    let mut t = [false; 256];
    let ends = b" \t\r\n/><=\"'";
    let mut i = 0;
    while i < ends.len() {
        t[ends[i] as usize] = true;
        i += 1;
    }
    t
};

#[inline]
fn is_name_end(b: u8) -> bool {
    NAME_END[b as usize]
}

/// XML name start characters, loosely: letters, `_`, `:` and anything non-ASCII.
#[inline]
fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

/// The name without its namespace prefix.
#[inline]
fn local_name(name: &[u8]) -> &[u8] {
    match memrchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    // Every byte of the file goes through here once: count in blocks whose per-block sum
    // fits a byte, which the compiler turns into wide byte compares.
    let mut chunks = bytes.chunks_exact(128);
    let mut n: u64 = 0;
    for chunk in &mut chunks {
        n += u64::from(chunk.iter().fold(0u8, |k, &b| k + u8::from(b == b'\n')));
    }
    n + chunks
        .remainder()
        .iter()
        .fold(0u64, |k, &b| k + u64::from(b == b'\n'))
}

/// Characters in UTF-8 `bytes` (continuation bytes are not counted).
fn count_chars(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |n, &b| n + u64::from(b & 0xC0 != 0x80))
}

// ------------------------------------------------------------------------------------------
// Workers: parsing one element into a Node tree with canonical names.
// ------------------------------------------------------------------------------------------

/// Per shape, the exact element names (PascalCase field names, names and aliases as written)
/// mapped to a field. `Shape::lookup_folded` lower-cases into a new String whenever its exact
/// table misses, which it does for every PascalCase element; this table answers those
/// without allocating and falls back to `lookup_folded` for any other spelling.
static XML_NAMES: LazyLock<Vec<NameTable>> = LazyLock::new(|| {
    catalog::shapes()
        .iter()
        .map(|shape| {
            let mut names: Vec<(String, usize)> = Vec::new();
            for f in shape.fields {
                let spellings = [f.name.to_string(), f.xml_name()].into_iter().chain(
                    f.aliases
                        .iter()
                        .flat_map(|a| [a.to_string(), catalog::pascal(a)]),
                );
                for s in spellings {
                    // Whatever lookup_folded says, so that both paths always agree.
                    if let Some(idx) = shape.lookup_folded(&s)
                        && !names.iter().any(|(n, _)| *n == s)
                    {
                        names.push((s, idx));
                    }
                }
            }
            NameTable::new(names)
        })
        .collect()
});

/// A small open-addressing table of exact names. Element names are looked up once per
/// element, tens of millions of times a second: a few byte loads make a good enough hash for
/// a few dozen known names, and cost less than a general-purpose hasher.
struct NameTable {
    slots: Vec<Option<(Box<str>, usize)>>,
    mask: usize,
}

impl NameTable {
    fn new(names: Vec<(String, usize)>) -> Self {
        // At most a quarter full: probes stay short and always reach an empty slot.
        let size = (names.len() * 4).next_power_of_two().max(4);
        let mut slots = vec![None; size];
        for (name, idx) in names {
            let mut i = Self::hash(name.as_bytes()) & (size - 1);
            while slots[i].is_some() {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Some((name.into_boxed_str(), idx));
        }
        NameTable {
            slots,
            mask: size - 1,
        }
    }

    #[inline]
    fn hash(name: &[u8]) -> usize {
        let n = name.len();
        if n == 0 {
            return 0;
        }
        let h = (n as u64)
            ^ (u64::from(name[0]) << 8)
            ^ (u64::from(name[n / 3]) << 16)
            ^ (u64::from(name[n / 2]) << 24)
            ^ (u64::from(name[n * 2 / 3]) << 32)
            ^ (u64::from(name[n - 1]) << 40);
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize
    }

    #[inline]
    fn get(&self, name: &str) -> Option<usize> {
        let mut i = Self::hash(name.as_bytes()) & self.mask;
        loop {
            match &self.slots[i] {
                None => return None,
                Some((k, idx)) if **k == *name => return Some(*idx),
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

fn lookup(names: &[NameTable], shape: &'static Shape, local: &str) -> Option<&'static Field> {
    let idx = match names[shape.id].get(local) {
        Some(i) => i,
        None => shape.lookup_folded(local)?,
    };
    Some(&shape.fields[idx])
}

pub fn parse_record<'a>(bytes: &'a [u8], opts: &ReadOptions) -> Result<Node<'a>, RecordFault> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        record_fault(
            bytes,
            at,
            format!(
                "invalid UTF-8 at byte offset {at} of the record (0x{:02X}); if the file is not UTF-8, \
                 declare its encoding or pass --encoding windows-1252",
                bytes[at]
            ),
        )
    })?;
    let mut reader = quick_xml::Reader::from_str(text);
    // White space before text is skipped by quick-xml, so the layout between elements makes
    // no events at all; where skipped white space is inside text (after a comment or a
    // CDATA section) it is recovered from the event positions (`at`). Trailing white space
    // is left to `Text::finish`, which trims the element's whole text: quick-xml's own end
    // trimming would glue text to an adjacent CDATA section.
    reader.config_mut().trim_text_start = true;
    let mut tree = Tree {
        names: &XML_NAMES,
        stack: Vec::with_capacity(8),
        done: Vec::with_capacity(64),
        root: None,
        max_depth: opts.max_depth,
    };
    loop {
        // The end of the previous event: where skipped white space starts.
        let at = reader.buffer_position() as usize;
        // Matched in place: binding the event first costs a copy of it per event.
        let step = match reader.read_event() {
            Err(e) => {
                let pos = reader.error_position() as usize;
                return Err(record_fault(bytes, pos, e.to_string()));
            }
            Ok(event) => match event {
                Event::Start(e) => tree.open(name_in(text, e.local_name().as_ref())),
                Event::Empty(e) => tree
                    .open(name_in(text, e.local_name().as_ref()))
                    .map(|()| tree.close()),
                Event::End(_) => {
                    // quick-xml has checked that the end tag matches.
                    tree.close();
                    Ok(())
                }
                Event::Text(t) => match slice_of(text, &t) {
                    // With the white space skipped before it (`at` is at or before `off`).
                    Some((off, _)) if off >= at => match text.get(at..off + t.len()) {
                        Some(raw) => tree.text(raw),
                        None => Err((0, "text not on a character boundary".to_string())),
                    },
                    // Not borrowed from `text` (never with `from_str`): the slower way.
                    _ => t
                        .unescape_with(resolve_xml_entity)
                        .map_err(|e| escape_fault(&t, e))
                        .map(|p| tree.push(p)),
                },
                Event::CData(_) if tree.stack.is_empty() => {
                    Err((0, "CDATA section outside the record element".to_string()))
                }
                Event::CData(c) => match slice_of(text, &c) {
                    Some((off, content)) => {
                        // White space quick-xml skipped before `<![CDATA[` is text too.
                        let opener = off.saturating_sub(b"<![CDATA[".len());
                        if let Some(ws) = text.get(at..opener).filter(|ws| !ws.is_empty()) {
                            tree.gap(ws);
                        }
                        tree.push(Cow::Borrowed(content));
                        Ok(())
                    }
                    None => c
                        .decode()
                        .map_err(|e| (0, e.to_string()))
                        .map(|p| tree.push(p)),
                },
                Event::Comment(_) | Event::PI(_) => Ok(()),
                Event::Decl(_) => Err((0, "an XML declaration inside a record".to_string())),
                Event::DocType(_) => Err((0, "a DOCTYPE inside a record".to_string())),
                Event::Eof => break,
            },
        };
        step.map_err(|(off, msg)| record_fault(bytes, at + off, msg))?;
    }
    tree.finish()
        .map_err(|msg| record_fault(bytes, bytes.len(), msg))
}

/// Where `raw` (a slice quick-xml borrowed from `text`) starts in `text`.
fn offset_in(text: &str, raw: &[u8]) -> Option<usize> {
    let off = (raw.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    // In bounds means inside `text`'s own memory: no other live buffer can be there.
    (off <= text.len() && raw.len() <= text.len() - off).then_some(off)
}

/// An element name as a `&'a str` of the record when quick-xml borrowed it from there (no
/// copy, no second UTF-8 check), else as an owned string.
fn name_in<'a>(text: &'a str, raw: &[u8]) -> Cow<'a, str> {
    match slice_of(text, raw) {
        Some((_, s)) => Cow::Borrowed(s),
        None => String::from_utf8_lossy(raw).into_owned().into(),
    }
}

/// `raw` as a `&'a str` of `text` and its offset, when quick-xml borrowed it from there.
fn slice_of<'a>(text: &'a str, raw: &[u8]) -> Option<(usize, &'a str)> {
    let off = offset_in(text, raw)?;
    Some((off, text.get(off..off + raw.len())?))
}

/// A fault at byte `pos` of the record.
fn record_fault(bytes: &[u8], pos: usize, message: String) -> RecordFault {
    let before = &bytes[..pos.min(bytes.len())];
    let line_start = memrchr(b'\n', before).map_or(0, |i| i + 1);
    RecordFault {
        line_offset: count_newlines(before),
        column: 1 + count_chars(&before[line_start..]),
        message,
    }
}

/// A parse step's fault: offset from the start of the current event, message.
type StepFault = (usize, String);

/// What an open element is, by the catalog.
#[derive(Clone, Copy)]
enum Kind {
    /// Fields of a shape: the record itself, an Object field, or a list item. `item`: an
    /// empty one is an empty map (an item still counts) rather than absent text.
    Map { shape: &'static Shape, item: bool },
    /// A list field: each child element is one item of the shape.
    List(&'static Shape),
    /// `initializeScreeningProcesses`: each child's text is one item.
    EnumList,
    /// A scalar field or an unknown element: text, or a generic map of raw child names
    /// (which the rules then report as bad-type / unknown-field).
    Text,
}

/// An open element. It has no flag fields (byte-sized flags stored just before the frame
/// is pushed made that copy stall on store forwarding): whether it has child elements is
/// `Tree::done.len() > start`, and list kinds are the ones that merge repeats.
struct Open<'a> {
    kind: Kind,
    key: Cow<'a, str>,
    /// Where its completed children start in `Tree::done`.
    start: usize,
    text: Text<'a>,
}

impl<'a> Open<'a> {
    fn new(kind: Kind, key: Cow<'a, str>, start: usize) -> Self {
        Open {
            kind,
            key,
            start,
            text: Text::Empty,
        }
    }
}

/// An element's text pieces (text events and CDATA sections), borrowed while there is one.
enum Text<'a> {
    Empty,
    One(Cow<'a, str>),
    Many(String),
}

impl<'a> Text<'a> {
    fn push(&mut self, piece: Cow<'a, str>) {
        *self = match std::mem::replace(self, Text::Empty) {
            Text::Empty => Text::One(piece),
            Text::One(first) => {
                let mut s = first.into_owned();
                s.push_str(&piece);
                Text::Many(s)
            }
            Text::Many(mut s) => {
                s.push_str(&piece);
                Text::Many(s)
            }
        };
    }

    fn is_blank(&self) -> bool {
        match self {
            Text::Empty => true,
            Text::One(s) => s.bytes().all(is_ws),
            Text::Many(s) => s.bytes().all(is_ws),
        }
    }

    /// The text with white space around it trimmed (spec §2), still borrowed if it was.
    fn finish(self) -> Cow<'a, str> {
        match self {
            Text::Empty => Cow::Borrowed(""),
            Text::One(Cow::Borrowed(s)) => Cow::Borrowed(trim_xml(s)),
            Text::One(Cow::Owned(s)) | Text::Many(s) => {
                if trim_xml(&s).len() == s.len() {
                    Cow::Owned(s)
                } else {
                    Cow::Owned(trim_xml(&s).to_owned())
                }
            }
        }
    }
}

fn trim_xml(s: &str) -> &str {
    // XML white space is ASCII, so byte positions next to it are character boundaries.
    let b = s.as_bytes();
    let mut i = 0;
    let mut j = b.len();
    while i < j && is_ws(b[i]) {
        i += 1;
    }
    while j > i && is_ws(b[j - 1]) {
        j -= 1;
    }
    &s[i..j]
}

/// Builds the record's tree; its stack lives on the heap, so depth cannot overflow ours.
struct Tree<'a> {
    names: &'static [NameTable],
    stack: Vec<Open<'a>>,
    /// Completed children of the open elements, in document order. An element's children
    /// are moved out in one exact-size allocation when it closes.
    done: Vec<(Cow<'a, str>, Node<'a>)>,
    root: Option<Node<'a>>,
    max_depth: usize,
}

impl<'a> Tree<'a> {
    fn open(&mut self, local: Cow<'a, str>) -> Result<(), StepFault> {
        if self.stack.len() >= self.max_depth {
            return Err((
                0,
                format!(
                    "nesting deeper than {} levels (--max-depth)",
                    self.max_depth
                ),
            ));
        }
        if local.is_empty() {
            return Err((0, "an element without a name".to_string()));
        }
        let start = self.done.len();
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_some() {
                return Err((0, "a second element after the record element".to_string()));
            }
            let root = Kind::Map {
                shape: &catalog::LEAD,
                item: true,
            };
            self.stack.push(Open::new(root, Cow::Borrowed(""), start));
            return Ok(());
        };
        // White space before the first child is layout, not text.
        if parent.start == start && parent.text.is_blank() {
            parent.text = Text::Empty;
        }
        let (kind, key) = match parent.kind {
            Kind::Map { shape, .. } => match lookup(self.names, shape, &local) {
                Some(f) => {
                    let key = Cow::Borrowed(f.name);
                    match &f.ty {
                        Type::List(item) => (Kind::List(item), key),
                        Type::EnumList(_) => (Kind::EnumList, key),
                        Type::Object(sub) => (
                            Kind::Map {
                                shape: sub,
                                item: false,
                            },
                            key,
                        ),
                        _ => (Kind::Text, key),
                    }
                }
                None => (Kind::Text, local),
            },
            // Items: whatever their element name (`<Address>`, `<Process>`).
            Kind::List(item) => (
                Kind::Map {
                    shape: item,
                    item: true,
                },
                Cow::Borrowed(""),
            ),
            Kind::EnumList => (Kind::Text, Cow::Borrowed("")),
            Kind::Text => (Kind::Text, local),
        };
        self.stack.push(Open::new(kind, key, start));
        Ok(())
    }

    fn close(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        let Open {
            kind,
            key,
            start,
            text,
        } = open;
        let children = self.done.len() > start;
        // A list field: a second occurrence appends to the first (spec §6).
        let merges = matches!(kind, Kind::List(_) | Kind::EnumList);
        let text = text.finish();
        let node = match kind {
            Kind::List(_) | Kind::EnumList => {
                if children {
                    let mut items: Vec<Node<'a>> =
                        self.done.drain(start..).map(|(_, n)| n).collect();
                    // Stray text among the items is kept as an item, so the rules see it.
                    if !text.is_empty() {
                        items.push(Node::Text(text));
                    }
                    Node::List(items)
                } else if text.is_empty() {
                    Node::List(Vec::new())
                } else {
                    Node::Text(text)
                }
            }
            Kind::Map { item: true, .. } if !children && text.is_empty() => Node::Map(Vec::new()),
            Kind::Map { .. } | Kind::Text => {
                if children {
                    let mut fields: Vec<_> = self.done.drain(start..).collect();
                    // Stray text beside child elements becomes a field the rules report.
                    if !text.is_empty() {
                        fields.push((Cow::Borrowed("#text"), Node::Text(text)));
                    }
                    Node::Map(fields)
                } else {
                    Node::Text(text)
                }
            }
        };
        let Some(parent) = self.stack.last() else {
            self.root = Some(node);
            return;
        };
        if merges && let Node::List(new_items) = node {
            let earlier = self.done[parent.start..]
                .iter_mut()
                .find(|(k, v)| *k == key && matches!(v, Node::List(_)));
            match earlier {
                Some((_, Node::List(existing))) => existing.extend(new_items),
                _ => self.done.push((key, Node::List(new_items))),
            }
        } else {
            // Any other repeat is kept: the rules report duplicate-field. (List items get
            // the empty key, dropped when their list closes.)
            self.done.push((key, node));
        }
    }

    /// A text event's raw text (entities not yet expanded).
    fn text(&mut self, raw: &'a str) -> Result<(), StepFault> {
        if self.stack.is_empty() {
            return match raw.bytes().position(|b| !is_ws(b)) {
                None => Ok(()),
                Some(i) => Err((i, "text outside the record element".to_string())),
            };
        }
        // Most text holds no reference: skip the unescaper's set-up for it.
        let piece = if raw.len() <= 64 && !raw.as_bytes().contains(&b'&') {
            Cow::Borrowed(raw)
        } else {
            quick_xml::escape::unescape_with(raw, resolve_xml_entity)
                .map_err(|e| escape_fault(raw.as_bytes(), quick_xml::Error::Escape(e)))?
        };
        self.push(piece);
        Ok(())
    }

    /// A piece of the current element's text (unescaped text, or a CDATA section).
    fn push(&mut self, piece: Cow<'a, str>) {
        let Some(open) = self.stack.last_mut() else {
            return;
        };
        // Layout white space among child elements is not text.
        if self.done.len() > open.start && piece.bytes().all(is_ws) {
            return;
        }
        open.text.push(piece);
    }

    /// White space between two pieces of text: kept only inside text.
    fn gap(&mut self, ws: &'a str) {
        if let Some(open) = self.stack.last_mut()
            && !matches!(open.text, Text::Empty)
        {
            open.text.push(Cow::Borrowed(ws));
        }
    }

    fn finish(self) -> Result<Node<'a>, String> {
        if !self.stack.is_empty() {
            return Err(format!(
                "unexpected end of the record: {} element(s) not closed",
                self.stack.len()
            ));
        }
        self.root
            .ok_or_else(|| "the record holds no element".to_string())
    }
}

/// An unescaping fault, at the offending reference within the text event.
fn escape_fault(t: &[u8], e: quick_xml::Error) -> StepFault {
    match e {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(range, name)) => (
            range.start.saturating_sub(1),
            format!(
                "undefined entity &{name};: only the five XML entities and character references are \
                 expanded (entities declared in a DOCTYPE never are)"
            ),
        ),
        quick_xml::Error::Escape(EscapeError::UnterminatedEntity(range)) => (
            range.start,
            "'&' does not start an entity reference ending in ';' (write a literal & as &amp;)"
                .to_string(),
        ),
        quick_xml::Error::Escape(EscapeError::InvalidCharRef(err)) => (
            memmem::find(t, b"&#").unwrap_or(0),
            format!("invalid character reference: {err}"),
        ),
        other => (0, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Batch;

    const FULL: &str =
        include_str!("../../../shared/samples/xml/customer-individual-evaluate-full.xml");
    const IND: &str = include_str!("../../../shared/samples/xml/lead-individual-mandatory.xml");
    const ORG: &str = include_str!("../../../shared/samples/xml/lead-organization-mandatory.xml");

    /// What the reader emitted, flattened.
    #[derive(Debug, PartialEq)]
    enum Got {
        /// Location, record bytes.
        Rec(Location, Vec<u8>),
        /// Location, message of an unreadable record.
        Unreadable(Location, String),
        /// Location, message of a file-level fault.
        FileError(Location, String),
    }

    impl Got {
        fn bytes(&self) -> &[u8] {
            match self {
                Got::Rec(_, b) => b,
                other => panic!("not a record: {other:?}"),
            }
        }
        fn loc(&self) -> &Location {
            match self {
                Got::Rec(l, _) | Got::Unreadable(l, _) | Got::FileError(l, _) => l,
            }
        }
    }

    fn flatten(batches: Vec<Batch>) -> Vec<Got> {
        let mut out = Vec::new();
        for b in batches {
            for item in b.items {
                out.push(match item {
                    Item::Record(RawRecord { loc, body }) => match body {
                        RawBody::Xml { start, end, .. } => {
                            Got::Rec(loc, b.data[start..end].to_vec())
                        }
                        RawBody::Unreadable(d) => Got::Unreadable(loc, d.message),
                        other => panic!("unexpected body {other:?}"),
                    },
                    Item::FileError { loc, diag } => {
                        assert_eq!(diag.code, code::PARSE_ERROR);
                        Got::FileError(loc, diag.message)
                    }
                });
            }
        }
        out
    }

    fn cut_with(
        input: Box<dyn Read>,
        opts: &ReadOptions,
        buf_size: usize,
        max_items: usize,
    ) -> Vec<Got> {
        let mut batches = Vec::new();
        let mut emit = |b: Batch| {
            batches.push(b);
            true
        };
        {
            let mut sink = BatchSink::new(max_items, 1 << 20, &mut emit);
            read_with_buffer(7, input, opts, &mut sink, buf_size);
            sink.flush();
        }
        flatten(batches)
    }

    /// Cuts `input` with the real window, and checks that a tiny window fed by a reader
    /// returning a few bytes at a time cuts exactly the same.
    fn cut_opts(input: &[u8], opts: &ReadOptions) -> Vec<Got> {
        let got = cut_with(Box::new(Cursor::new(input.to_vec())), opts, BUF_SIZE, 3);
        let trickle = Trickle {
            data: input.to_vec(),
            at: 0,
            step: 0,
        };
        let small = cut_with(Box::new(trickle), opts, 16, 1000);
        assert_eq!(got, small, "a tiny window cuts differently");
        got
    }

    fn cut(input: &[u8]) -> Vec<Got> {
        cut_opts(input, &ReadOptions::default())
    }

    /// A reader returning 1, 2, 3, ... 7 bytes per call.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.step = self.step % 7 + 1;
            let n = self.step.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn parse(bytes: &[u8]) -> Node<'_> {
        match parse_record(bytes, &ReadOptions::default()) {
            Ok(n) => n,
            Err(f) => panic!("record fault: {f:?}\n{}", String::from_utf8_lossy(bytes)),
        }
    }

    fn fault(bytes: &[u8]) -> RecordFault {
        match parse_record(bytes, &ReadOptions::default()) {
            Ok(n) => panic!("expected a fault, got {n:?}"),
            Err(f) => f,
        }
    }

    /// The node at a dotted path: `listAddress.0.country`.
    fn at<'n, 'a>(node: &'n Node<'a>, path: &str) -> &'n Node<'a> {
        let mut cur = node;
        for part in path.split('.') {
            cur = match (cur, part.parse::<usize>()) {
                (Node::List(items), Ok(i)) => {
                    items.get(i).unwrap_or_else(|| panic!("no item {path}"))
                }
                _ => cur
                    .get(part)
                    .unwrap_or_else(|| panic!("no field {part} in {path}: {cur:?}")),
            };
        }
        cur
    }

    fn text<'n>(node: &'n Node, path: &str) -> &'n str {
        match at(node, path) {
            Node::Text(s) => s,
            other => panic!("{path} is not text: {other:?}"),
        }
    }

    fn len(node: &Node, path: &str) -> usize {
        match at(node, path) {
            Node::List(items) => items.len(),
            other => panic!("{path} is not a list: {other:?}"),
        }
    }

    fn keys<'n>(node: &'n Node) -> Vec<&'n str> {
        match node {
            Node::Map(fields) => fields.iter().map(|(k, _)| k.as_ref()).collect(),
            other => panic!("not a map: {other:?}"),
        }
    }

    fn one_record(input: &str) -> Vec<u8> {
        let got = cut(input.as_bytes());
        assert_eq!(got.len(), 1, "{got:?}");
        got[0].bytes().to_vec()
    }

    #[test]
    fn vendor_samples_are_one_record_each_at_line_4() {
        for sample in [FULL, IND, ORG] {
            let got = cut(sample.as_bytes());
            assert_eq!(got.len(), 1, "{got:?}");
            assert_eq!(
                got[0].loc(),
                &Location {
                    file: 7,
                    record: 1,
                    line: 4
                }
            );
            let bytes = got[0].bytes();
            assert!(bytes.starts_with(b"<AMLYZE_CUSTOMER xmlns="));
            assert!(bytes.ends_with(b"</AMLYZE_CUSTOMER>"));
        }
    }

    #[test]
    fn full_individual_sample_parses_with_canonical_names() {
        let bytes = one_record(FULL);
        let n = parse(&bytes);
        let k = keys(&n);
        assert_eq!(
            &k[..4],
            [
                "communicationNumber",
                "requester",
                "riskManagementCategory",
                "sourceOfRiskLevel"
            ]
        );
        assert_eq!(text(&n, "communicationNumber"), "ComNr_4541");
        assert_eq!(text(&n, "isPEP"), "true");
        assert_eq!(text(&n, "amlOfficer"), "false");
        // InitializeScreeningProcesses: <Process> children.
        assert_eq!(
            at(&n, "initializeScreeningProcesses"),
            &Node::List(vec![
                Node::Text("SANCTIONS".into()),
                Node::Text("PEP".into()),
                Node::Text("ADVERSE_MEDIA".into())
            ])
        );
        // FieldOfActivity and its objects.
        assert_eq!(
            keys(at(&n, "fieldOfActivity")),
            ["student", "pension", "employment", "other"]
        );
        assert_eq!(
            text(&n, "fieldOfActivity.student.higherSchoolTitle"),
            "Vilnius Tech"
        );
        assert_eq!(text(&n, "fieldOfActivity.pension.pensionCountry"), "LT");
        assert_eq!(
            text(
                &n,
                "fieldOfActivity.employment.employmentPositionDescription"
            ),
            "Accountant"
        );
        assert_eq!(text(&n, "fieldOfActivity.other.otherStatusDescription"), "");
        // Lists, whatever the item element's name.
        assert_eq!(
            text(&n, "listContact.0.contactDetails"),
            "labalabalab@gmail.com"
        );
        assert_eq!(text(&n, "listAddress.0.zipCode"), "04127");
        assert_eq!(
            text(&n, "listBusinessEntityDocument.0.documentIssueDate"),
            "2020-09-20Z"
        );
        assert_eq!(
            text(&n, "listIntroductionSource.0.introductionSource"),
            "Internet"
        );
        assert_eq!(
            text(&n, "listAppealReason.0.appealReasonType"),
            "PURPOSE_GET_LOAN"
        );
        assert_eq!(len(&n, "listPaymentCountry"), 4);
        assert_eq!(text(&n, "listPaymentCountry.3.turnoverDirection"), "IN");
        assert_eq!(text(&n, "listDeclaredTurnover.0.from"), "1500");
        // SourceOfWealth: SourceOfWealthCode -> code, Value -> amount.
        assert_eq!(
            keys(at(&n, "listSourceOfWealth.0")),
            ["code", "amount", "comment"]
        );
        assert_eq!(text(&n, "listSourceOfWealth.0.code"), "6");
        assert_eq!(text(&n, "listSourceOfWealth.0.amount"), "1250");
        // AdditionalValues, `<Datatype >` included.
        assert_eq!(len(&n, "listAdditionalValues"), 6);
        assert_eq!(
            keys(at(&n, "listAdditionalValues.0")),
            ["code", "description", "datatype", "value"]
        );
        assert_eq!(text(&n, "listAdditionalValues.0.datatype"), "BOOLEAN");
        assert_eq!(
            text(&n, "listAdditionalValues.2.value"),
            "2022-12-11T12:10:11Z"
        );
        assert_eq!(text(&n, "listAdditionalValues.5.datatype"), "DECIMAL");
        // Nothing unknown, nothing twice.
        let mut sorted = k.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), k.len());
        assert!(k.iter().all(|k| catalog::LEAD.lookup(k).is_some()), "{k:?}");
        // Text without escapes is borrowed from the record.
        assert!(matches!(
            at(&n, "firstName"),
            Node::Text(Cow::Borrowed("Lafora"))
        ));
    }

    #[test]
    fn mandatory_samples_parse() {
        let ind = one_record(IND);
        let n = parse(&ind);
        assert_eq!(text(&n, "communicationNumber"), "ComNr_45{{seq}}");
        assert_eq!(text(&n, "riskManagementCategory"), "LEAD_AMLYZE");
        assert_eq!(text(&n, "citizenshipCountry"), "JP");
        assert_eq!(keys(&n).len(), 11);
        let org = one_record(ORG);
        let n = parse(&org);
        assert_eq!(text(&n, "title"), "Lead_Uab'Roxy'");
        assert_eq!(text(&n, "entityType"), "ORGANIZATION");
        assert_eq!(text(&n, "legalForm"), "LTD");
    }

    fn leads(n: usize) -> String {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Leads>\n");
        for i in 0..n {
            s.push_str(&format!(
                "  <AMLYZE_CUSTOMER xmlns=\"urn:x\">\n    <CommunicationNumber>C{i}</CommunicationNumber>\n  </AMLYZE_CUSTOMER>\n"
            ));
        }
        s.push_str("</Leads>\n");
        s
    }

    #[test]
    fn many_records_under_a_wrapper() {
        let got = cut(leads(500).as_bytes());
        assert_eq!(got.len(), 500);
        for (i, g) in got.iter().enumerate() {
            assert_eq!(
                g.loc(),
                &Location {
                    file: 7,
                    record: i as u64 + 1,
                    line: 3 + 3 * i as u64
                }
            );
            assert_eq!(
                text(&parse(g.bytes()), "communicationNumber"),
                format!("C{i}")
            );
        }
    }

    #[test]
    fn prefixed_records_at_any_depth() {
        let doc = "<soap:Envelope xmlns:soap=\"s\"><soap:Body>\n<ns2:AMLYZE_CUSTOMER xmlns:ns2=\"u\">\
                   <ns2:FirstName>Ann</ns2:FirstName><ns2:ListContact><ns2:Contact><ns2:ContactType>EMAIL\
                   </ns2:ContactType></ns2:Contact></ns2:ListContact></ns2:AMLYZE_CUSTOMER>\n\
                   <a><b><c><AMLYZE_CUSTOMER/></c></b></a>\n</soap:Body></soap:Envelope>";
        let got = cut(doc.as_bytes());
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].loc().line, 2);
        let n = parse(got[0].bytes());
        assert_eq!(text(&n, "firstName"), "Ann");
        assert_eq!(text(&n, "listContact.0.contactType"), "EMAIL");
        assert_eq!(
            got[1].loc(),
            &Location {
                file: 7,
                record: 2,
                line: 3
            }
        );
        assert_eq!(got[1].bytes(), b"<AMLYZE_CUSTOMER/>");
        assert_eq!(parse(got[1].bytes()), Node::Map(vec![]));
        // A record element nested in a record is part of it, not a record.
        let got = cut(b"<AMLYZE_CUSTOMER><AMLYZE_CUSTOMER/></AMLYZE_CUSTOMER>");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn cdata_comments_pis_and_quoted_attributes_are_skipped() {
        let doc = "<?xml version=\"1.0\"?>\n<!-- <AMLYZE_CUSTOMER> in a comment -- -->\n\
                   <?pi <AMLYZE_CUSTOMER> ?>\n<Leads note=\"a > b\" other='<AMLYZE_CUSTOMER>'>\n\
                   <AMLYZE_CUSTOMER><Title><![CDATA[x <AMLYZE_CUSTOMER> ]]> y]]></Title>\
                   <!-- </AMLYZE_CUSTOMER> --></AMLYZE_CUSTOMER>\n\
                   <![CDATA[<AMLYZE_CUSTOMER></AMLYZE_CUSTOMER>]]>\n\
                   <AMLYZE_CUSTOMER a=\"/\" b='>'><Title>second</Title></AMLYZE_CUSTOMER>\n</Leads>\n<!-- end -->\n";
        let got = cut(doc.as_bytes());
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].loc().line, 5);
        assert_eq!(got[1].loc().line, 7);
        // CDATA is text, joined with the text around it, then trimmed as a whole.
        assert_eq!(
            text(&parse(got[0].bytes()), "title"),
            "x <AMLYZE_CUSTOMER>  y]]>"
        );
        assert_eq!(text(&parse(got[1].bytes()), "title"), "second");
    }

    #[test]
    fn text_is_joined_across_cdata_and_comments_then_trimmed() {
        let cases = [
            ("<Title>  a  </Title>", "a"),
            ("<Title>a<!-- c --> b</Title>", "a b"),
            ("<Title>a <![CDATA[b]]></Title>", "a b"),
            ("<Title><![CDATA[a]]>  <![CDATA[b]]></Title>", "a  b"),
            ("<Title> <![CDATA[ a ]]> </Title>", "a"),
            ("<Title>x &amp; <![CDATA[&amp;]]> y</Title>", "x & &amp; y"),
            ("<Title>\n  line1\n  line2\n</Title>", "line1\n  line2"),
            ("<Title><?pi x?>v</Title>", "v"),
        ];
        for (element, want) in cases {
            let rec = format!("<AMLYZE_CUSTOMER>{element}</AMLYZE_CUSTOMER>");
            assert_eq!(text(&parse(rec.as_bytes()), "title"), want, "{element}");
        }
    }

    #[test]
    fn name_table_agrees_with_the_catalog() {
        for shape in catalog::shapes() {
            for (i, f) in shape.fields.iter().enumerate() {
                let table = &XML_NAMES[shape.id];
                assert_eq!(
                    table.get(&f.xml_name()),
                    Some(i),
                    "{}.{}",
                    shape.name,
                    f.name
                );
                assert_eq!(table.get(f.name), Some(i), "{}.{}", shape.name, f.name);
                for a in f.aliases {
                    assert_eq!(table.get(a), shape.lookup_folded(a), "{}.{a}", shape.name);
                }
                // Other spellings fall back to the catalog's case-insensitive lookup.
                let upper = f.name.to_uppercase();
                assert_eq!(
                    lookup(&XML_NAMES, shape, &upper).map(|f| f.name),
                    Some(f.name)
                );
            }
            assert_eq!(XML_NAMES[shape.id].get("NoSuchElement"), None);
            assert_eq!(XML_NAMES[shape.id].get(""), None);
        }
    }

    #[test]
    fn repeated_lists_merge_and_repeated_scalars_stay_twice() {
        let rec = b"<AMLYZE_CUSTOMER>\
            <ListSourceOfWealth><SourceOfWealth><SourceOfWealthCode>1</SourceOfWealthCode></SourceOfWealth></ListSourceOfWealth>\
            <FirstName>A</FirstName><FirstName>B</FirstName>\
            <ListSourceOfWealth><SourceOfWealth><Code>2</Code><Amount>5</Amount></SourceOfWealth></ListSourceOfWealth>\
            <InitializeScreeningProcesses><Process>PEP</Process></InitializeScreeningProcesses>\
            <InitializeScreeningProcesses><Process>SANCTIONS</Process></InitializeScreeningProcesses>\
            <ListAddress/><ListAddress><Address><Country>LT</Country></Address></ListAddress>\
            <FieldOfActivity><Student><IsStudent>true</IsStudent></Student></FieldOfActivity>\
            <FieldOfActivity/>\
            </AMLYZE_CUSTOMER>";
        let n = parse(rec);
        assert_eq!(
            keys(&n),
            [
                "listSourceOfWealth",
                "firstName",
                "firstName",
                "initializeScreeningProcesses",
                "listAddress",
                "fieldOfActivity",
                "fieldOfActivity"
            ]
        );
        assert_eq!(len(&n, "listSourceOfWealth"), 2);
        assert_eq!(text(&n, "listSourceOfWealth.0.code"), "1");
        assert_eq!(text(&n, "listSourceOfWealth.1.code"), "2");
        assert_eq!(text(&n, "listSourceOfWealth.1.amount"), "5");
        assert_eq!(len(&n, "initializeScreeningProcesses"), 2);
        assert_eq!(text(&n, "listAddress.0.country"), "LT");
        let Node::Map(fields) = &n else {
            unreachable!()
        };
        assert_eq!(fields[1].1, Node::Text("A".into()));
        assert_eq!(fields[2].1, Node::Text("B".into()));
        // An empty object element is absent.
        assert!(fields[6].1.is_absent());
    }

    #[test]
    fn unknown_elements_keep_their_raw_names() {
        let rec = b"<AMLYZE_CUSTOMER><Nickname>Bob</Nickname><firstname>x</firstname>\
            <Extra><Inner>1</Inner><Inner><Deep>2</Deep></Inner></Extra>\
            <LastName><Given>no</Given></LastName>\
            <ListContact>junk<Contact><Colour>red</Colour></Contact></ListContact>\
            <ListAddress>not a list</ListAddress><EntityType>  </EntityType><Requester/></AMLYZE_CUSTOMER>";
        let n = parse(rec);
        assert_eq!(
            keys(&n),
            [
                "Nickname",
                "firstName",
                "Extra",
                "lastName",
                "listContact",
                "listAddress",
                "entityType",
                "requester"
            ]
        );
        assert_eq!(text(&n, "Nickname"), "Bob");
        assert_eq!(keys(at(&n, "Extra")), ["Inner", "Inner"]);
        assert_eq!(text(&n, "Extra.Inner"), "1");
        // A scalar field holding elements: a map, which the rules report as bad-type.
        assert_eq!(text(&n, "lastName.Given"), "no");
        assert_eq!(text(&n, "listContact.0.Colour"), "red");
        assert_eq!(at(&n, "listContact.1"), &Node::Text("junk".into()));
        assert_eq!(at(&n, "listAddress"), &Node::Text("not a list".into()));
        assert_eq!(at(&n, "entityType"), &Node::Text("".into()));
        assert_eq!(at(&n, "requester"), &Node::Text("".into()));
    }

    #[test]
    fn entities_and_character_references() {
        let rec =
            b"<AMLYZE_CUSTOMER><Title>A &amp; B &lt;&gt;&quot;&apos; caf&#233; &#xE9;</Title>\
            <Requester> x <![CDATA[ &amp; ]]> </Requester></AMLYZE_CUSTOMER>";
        let n = parse(rec);
        assert_eq!(text(&n, "title"), "A & B <>\"' café é");
        assert_eq!(text(&n, "requester"), "x  &amp;");
        let f = fault(b"<AMLYZE_CUSTOMER>\n  <Title>ok</Title>\n  <FirstName>a &lol; b</FirstName>\n</AMLYZE_CUSTOMER>");
        assert!(f.message.contains("undefined entity &lol;"), "{f:?}");
        assert_eq!((f.line_offset, f.column), (2, 16));
        let f = fault(b"<AMLYZE_CUSTOMER><Title>a & b</Title></AMLYZE_CUSTOMER>");
        assert!(f.message.contains("&amp;"), "{f:?}");
        let f = fault(b"<AMLYZE_CUSTOMER><Title>&#0;</Title></AMLYZE_CUSTOMER>");
        assert!(f.message.contains("character reference"), "{f:?}");
    }

    #[test]
    fn billion_laughs_is_never_expanded() {
        let mut doc =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for i in 1..10 {
            let prev = if i == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", i - 1)
            };
            doc.push_str(&format!(
                " <!ENTITY lol{i} \"{}\">\n",
                format!("&{prev};").repeat(10)
            ));
        }
        doc.push_str(" <!-- a ] and a \" in a comment --> <?pi ] ?>\n]>\n<Leads>\n");
        doc.push_str("<AMLYZE_CUSTOMER><Title>&lol9;</Title></AMLYZE_CUSTOMER>\n");
        doc.push_str("<AMLYZE_CUSTOMER><Title>plain</Title></AMLYZE_CUSTOMER>\n</Leads>\n");
        let got = cut(doc.as_bytes());
        assert_eq!(got.len(), 2, "{got:?}");
        let f = fault(got[0].bytes());
        assert!(f.message.contains("undefined entity &lol9;"), "{f:?}");
        assert_eq!(text(&parse(got[1].bytes()), "title"), "plain");
    }

    #[test]
    fn external_entities_are_never_read() {
        let doc = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
                   <r><AMLYZE_CUSTOMER><Title>&xxe;</Title></AMLYZE_CUSTOMER></r>";
        let got = cut(doc.as_bytes());
        assert_eq!(got.len(), 1, "{got:?}");
        let f = fault(got[0].bytes());
        assert!(f.message.contains("undefined entity &xxe;"), "{f:?}");
        // A DOCTYPE with an external subset only is skipped just the same.
        let doc = "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><AMLYZE_CUSTOMER/>";
        assert!(matches!(&cut(doc.as_bytes())[..], [Got::Rec(..)]));
    }

    #[test]
    fn deep_nesting_is_a_fault_not_a_stack_overflow() {
        let depth = 10_000;
        let rec = format!(
            "<AMLYZE_CUSTOMER>{}{}</AMLYZE_CUSTOMER>",
            "<X>".repeat(depth),
            "</X>".repeat(depth)
        );
        let f = fault(rec.as_bytes());
        assert!(f.message.contains("nesting deeper than 64 levels"), "{f:?}");
        // Through the reader, wrappers included: cut, then rejected by the parser.
        let doc = format!("{}{rec}{}", "<W>".repeat(depth), "</W>".repeat(depth));
        let got = cut(doc.as_bytes());
        assert_eq!(
            got.len(),
            1,
            "{:?}",
            got.iter().map(Got::loc).collect::<Vec<_>>()
        );
        assert!(fault(got[0].bytes()).message.contains("deeper"));
        // Within the limit is fine.
        let ok = format!(
            "<AMLYZE_CUSTOMER>{}{}</AMLYZE_CUSTOMER>",
            "<X>".repeat(63),
            "</X>".repeat(63)
        );
        parse(ok.as_bytes());
    }

    #[test]
    fn unclosed_element_at_end_of_file() {
        let doc = "<Leads>\n<AMLYZE_CUSTOMER><Title>a</Title></AMLYZE_CUSTOMER>\n<AMLYZE_CUSTOMER>\n<Title>b</Title>\n";
        let got = cut(doc.as_bytes());
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            got[0].loc(),
            &Location {
                file: 7,
                record: 1,
                line: 2
            }
        );
        assert_eq!(
            got[1],
            Got::FileError(
                Location { file: 7, record: 0, line: 5 },
                "line 5, column 1: unexpected end of file: element <AMLYZE_CUSTOMER> opened at line 3 is not closed"
                    .into()
            )
        );
        // Inside a comment, a start tag, an attribute.
        for (doc, what) in [
            ("<r><!-- x", "comment opened at line 1"),
            ("<r>\n<![CDATA[ x", "CDATA section opened at line 2"),
            ("<r><AMLYZE_CUSTOMER a='x", "start tag <AMLYZE_CUSTOMER>"),
            ("<r><Ti", "start tag <Ti>"),
        ] {
            let got = cut(doc.as_bytes());
            assert!(
                matches!(&got[..], [Got::FileError(_, m)] if m.contains(what)),
                "{doc}: {got:?}"
            );
        }
    }

    #[test]
    fn structural_faults_end_the_file() {
        let cases: [(&str, &str); 9] = [
            (
                "<r><AMLYZE_CUSTOMER/>\n<a></b></r>",
                "line 2, column 4: mismatched end tag </b>: expected </a> (opened at line 2)",
            ),
            (
                "<r><AMLYZE_CUSTOMER/></r>\ntrailing",
                "line 2, column 1: unexpected text after the root element",
            ),
            ("<r><AMLYZE_CUSTOMER/></r><r/>", "a second root element"),
            (
                "garbage<r/>",
                "line 1, column 1: unexpected text before the root element",
            ),
            (
                "<?xml version=\"1.0\"?>\n<!-- nothing -->\n",
                "no root element",
            ),
            ("<r><AMLYZE_CUSTOMER/></r></r>", "has no matching start tag"),
            (
                "<r><AMLYZE_CUSTOMER/>< x/></r>",
                "not followed by an element name",
            ),
            ("<r><AMLYZE_CUSTOMER/><a <b/></r>", "'<' inside a start tag"),
            (
                "<r><AMLYZE_CUSTOMER/><!DOCTYPE r></r>",
                "DOCTYPE is only allowed before",
            ),
        ];
        for (doc, msg) in cases {
            let got = cut(doc.as_bytes());
            match &got[..] {
                [Got::Rec(..), Got::FileError(_, m)] | [Got::FileError(_, m)] => {
                    assert!(m.contains(msg), "{doc}: {m}")
                }
                other => panic!("{doc}: {other:?}"),
            }
        }
    }

    #[test]
    fn empty_files_hold_nothing() {
        for doc in [
            &b""[..],
            b"  \n\t ",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBF\n",
            b"<r/>",
            b"<r><x>1</x></r>",
        ] {
            assert_eq!(cut(doc), vec![], "{doc:?}");
        }
    }

    #[test]
    fn declared_and_optional_encodings() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<AMLYZE_CUSTOMER><Title>Caf\xe9 \x80</Title></AMLYZE_CUSTOMER>".to_vec();
        let got = cut(&doc);
        assert_eq!(text(&parse(got[0].bytes()), "title"), "Café €");
        // ISO-8859-1, single quotes, the declaration honoured over --encoding.
        doc = b"<?xml version='1.0' encoding = 'ISO-8859-1' ?><AMLYZE_CUSTOMER><Title>\xe9</Title></AMLYZE_CUSTOMER>".to_vec();
        let utf16 = ReadOptions {
            encoding: Some(encoding_rs::UTF_16LE),
            ..ReadOptions::default()
        };
        assert_eq!(
            text(&parse(cut_opts(&doc, &utf16)[0].bytes()), "title"),
            "é"
        );
        let doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?><AMLYZE_CUSTOMER><Title>é</Title></AMLYZE_CUSTOMER>";
        let cp1252 = ReadOptions {
            encoding: Some(encoding_rs::WINDOWS_1252),
            ..ReadOptions::default()
        };
        assert_eq!(
            text(
                &parse(cut_opts(doc.as_bytes(), &cp1252)[0].bytes()),
                "title"
            ),
            "é"
        );
        // Without a declaration, --encoding applies.
        let doc = b"<AMLYZE_CUSTOMER><Title>\xe9</Title></AMLYZE_CUSTOMER>";
        assert_eq!(
            text(&parse(cut_opts(doc, &cp1252)[0].bytes()), "title"),
            "é"
        );
        // UTF-16 with a byte-order mark.
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<r>\n<AMLYZE_CUSTOMER><Title>Žé</Title></AMLYZE_CUSTOMER></r>"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes()),
            )
            .collect();
        let got = cut(&utf16);
        assert_eq!(got[0].loc().line, 3);
        assert_eq!(text(&parse(got[0].bytes()), "title"), "Žé");
        // An unknown label.
        let got = cut(b"<?xml version=\"1.0\" encoding=\"klingon\"?><r/>");
        assert!(
            matches!(&got[..], [Got::FileError(_, m)] if m.contains("unknown encoding \"klingon\"")),
            "{got:?}"
        );
    }

    #[test]
    fn invalid_utf8_is_a_record_fault_suggesting_an_encoding() {
        let doc = b"<r>\n<AMLYZE_CUSTOMER>\n<Title>ok</Title>\n<FirstName>Ren\xe9</FirstName>\n</AMLYZE_CUSTOMER>\n<AMLYZE_CUSTOMER/></r>";
        let got = cut(doc);
        assert_eq!(got.len(), 2, "{got:?}");
        let f = fault(got[0].bytes());
        assert!(
            f.message
                .contains("invalid UTF-8 at byte offset 50 of the record (0xE9)"),
            "{f:?}"
        );
        assert!(f.message.contains("--encoding windows-1252"), "{f:?}");
        assert_eq!((f.line_offset, f.column), (2, 15));
    }

    #[test]
    fn records_over_the_limit_are_unreadable_and_skipped() {
        let big = format!(
            "<AMLYZE_CUSTOMER><Title>{}</Title></AMLYZE_CUSTOMER>",
            "x".repeat(300)
        );
        let doc =
            format!("<r>\n{big}\n<AMLYZE_CUSTOMER><Title>small</Title></AMLYZE_CUSTOMER></r>");
        let opts = ReadOptions {
            max_record_bytes: 100,
            ..ReadOptions::default()
        };
        let got = cut_opts(doc.as_bytes(), &opts);
        assert_eq!(
            got[0],
            Got::Unreadable(
                Location {
                    file: 7,
                    record: 1,
                    line: 2
                },
                format!(
                    "record of {} bytes exceeds --max-record-bytes (100)",
                    big.len()
                )
            )
        );
        assert_eq!(
            got[1].loc(),
            &Location {
                file: 7,
                record: 2,
                line: 3
            }
        );
        assert_eq!(text(&parse(got[1].bytes()), "title"), "small");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn record_faults_locate_quick_xml_errors() {
        let f = fault(b"<AMLYZE_CUSTOMER>\n<Title>a</Tilte>\n</AMLYZE_CUSTOMER>");
        assert_eq!(f.line_offset, 1, "{f:?}");
        assert!(f.message.contains("Tilte"), "{f:?}");
        let f = fault(b"<AMLYZE_CUSTOMER><Title>a</Title>");
        assert!(f.message.contains("not closed"), "{f:?}");
    }

    #[test]
    fn stops_when_the_consumer_goes_away() {
        let mut seen = 0;
        let mut emit = |b: Batch| {
            seen += b.items.len();
            false
        };
        let mut sink = BatchSink::new(2, 1 << 20, &mut emit);
        read(
            0,
            Box::new(Cursor::new(leads(100).into_bytes())),
            &ReadOptions::default(),
            &mut sink,
        );
        assert!(sink.stopped);
        sink.flush();
        assert_eq!(seen, 2);
    }

    #[test]
    fn read_errors_are_file_errors() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                // Longer than the head examined for an encoding, so the error comes later.
                let doc = format!(
                    "<r>\n<AMLYZE_CUSTOMER/><!-- {} -->\n<AMLYZE_CUSTOMER>",
                    "x".repeat(2000)
                );
                let doc = doc.as_bytes();
                if self.0 >= doc.len() {
                    return Err(io::Error::other("disk on fire"));
                }
                let n = buf.len().min(doc.len() - self.0);
                buf[..n].copy_from_slice(&doc[self.0..self.0 + n]);
                self.0 += n;
                Ok(n)
            }
        }
        let got = cut_with(Box::new(Failing(0)), &ReadOptions::default(), 64, 100);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            matches!(&got[1], Got::FileError(l, m) if l.line == 3 && m.contains("disk on fire")),
            "{got:?}"
        );
        // A byte the declared encoding cannot decode. (DecodingReader reports the error
        // before handing over the text decoded ahead of it, so no record precedes it here.)
        let doc = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<r>\n<AMLYZE_CUSTOMER/>\n\xff\xff</r>";
        let got = cut_with(
            Box::new(Cursor::new(doc.to_vec())),
            &ReadOptions::default(),
            BUF_SIZE,
            10,
        );
        assert!(
            matches!(got.last(), Some(Got::FileError(_, m)) if m.contains("byte offset 66 is not valid Shift_JIS")),
            "{got:?}"
        );
    }
}
