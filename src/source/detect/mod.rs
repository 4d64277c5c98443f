//! What a CSV or XML file's text is encoded in, when the file does not say: `--encoding
//! auto`, and the hints of the findings for bytes that are not what they were read as. The
//! detector is chardetng (the one Firefox uses), over a bounded window of the file.
//!
//! Scope: CSV files, and XML files with neither a byte-order mark nor an encoding in their
//! declaration. JSON and NDJSON are UTF-8 by RFC 8259 and never go through here.
//!
//! Decisions (the spec is silent):
//! - The window is `WINDOW` (64 KiB) from the file's first non-ASCII byte, not from its
//!   start: ASCII reads the same in every candidate, so a file whose first megabyte is
//!   ASCII and whose names come later is judged on its names, not on nothing. Up to that
//!   byte the text is passed on as it is; from there the window is held (memory: one
//!   window per run, on the reader thread) and the detector runs once, on it alone (time:
//!   bounded per file whatever its size). 64 KiB of a lead export is hundreds of rows, and
//!   chardetng needs a few lines of non-ASCII names to tell windows-1257 from windows-1252.
//! - The guess decides the whole rest of the file. A later byte the chosen encoding cannot
//!   decode is a file-level `parse-error` (never a replacement character), whose message
//!   names the detector's guess for the bytes there.
//! - UTF-8 is a guess like any other: a window that is valid UTF-8 keeps the file UTF-8,
//!   and if invalid UTF-8 comes later the records holding it are rejected with a hint.
//! - With UTF-8 input (the default), the reader validates the stream as it passes (SIMD,
//!   a fraction of the parsing cost) only so that, at the first invalid sequence, the
//!   detector can look at the window from there: the record-level `parse-error` then names
//!   the file's likely encoding rather than a fixed guess.

use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::rc::Rc;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

use super::transcode::DecodingReader;

/// Bytes the detector sees, from the first non-ASCII byte (or the first invalid UTF-8).
pub const WINDOW: usize = 64 << 10;
/// Bytes read per call.
const CHUNK: usize = 64 << 10;
/// Most bytes of the line before the first non-ASCII byte fed to the detector as context.
const CONTEXT: usize = 256;

/// How the text encoding of `CSV` files and undeclared XML files is chosen (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// UTF-8 (the default); a UTF-16 byte-order mark is still honoured.
    #[default]
    Utf8,
    /// `--encoding auto`: detected per file.
    Auto,
    /// A named encoding other than UTF-8.
    Named(&'static Encoding),
}

impl TextEncoding {
    /// As `--encoding` names it (lower case): `utf-8`, `auto`, or the encoding's name.
    pub fn label(self) -> String {
        match self {
            TextEncoding::Utf8 => "utf-8".into(),
            TextEncoding::Auto => "auto".into(),
            TextEncoding::Named(e) => e.name().to_ascii_lowercase(),
        }
    }
}

/// Why a file was decoded from an encoding other than UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    ByteOrderMark,
    Declaration,
    Option,
    Detected,
}

impl Why {
    /// As `summary.json` and stderr name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::ByteOrderMark => "byte-order-mark",
            Why::Declaration => "declaration",
            Why::Option => "option",
            Why::Detected => "detected",
        }
    }
}

/// The encoding a file was read as, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Used {
    pub encoding: &'static Encoding,
    pub why: Why,
}

/// What the reader learns about the text of the file being read; reset for each file.
#[derive(Debug, Default)]
pub struct FileText {
    /// The encoding the file is decoded from, when it is not UTF-8.
    pub used: Cell<Option<Used>>,
    /// The detector's guess for bytes found not to be UTF-8, for the findings' hints.
    pub guess: Cell<Option<&'static Encoding>>,
    /// The file's XML declaration names UTF-8: `--encoding` cannot change how it is read.
    pub declared_utf8: Cell<bool>,
}

impl FileText {
    /// What the findings of the file's records should suggest, once bytes were found not to
    /// be UTF-8.
    pub fn hint(&self) -> Option<Hint> {
        Some(Hint {
            guess: self.guess.get()?,
            declared_utf8: self.declared_utf8.get(),
        })
    }
}

/// The detector's guess for a file whose bytes are not UTF-8, as the worker that rejects its
/// records needs it (`hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub guess: &'static Encoding,
    pub declared_utf8: bool,
}

/// The detector's best candidate for `bytes` (`last`: they run to the end of the file).
pub fn guess(bytes: &[u8], last: bool, allow_utf8: bool) -> &'static Encoding {
    let mut d = EncodingDetector::new(Iso2022JpDetection::Deny);
    d.feed(bytes, last);
    d.guess(
        None,
        if allow_utf8 {
            Utf8Detection::Allow
        } else {
            Utf8Detection::Deny
        },
    )
}

/// The name `--encoding` takes for `enc` (every encoding_rs name is a WHATWG label).
pub fn label(enc: &'static Encoding) -> String {
    enc.name().to_ascii_lowercase()
}

/// The hint of a record's `parse-error` for bytes that are not UTF-8 (`None`: the file was
/// not looked at, as in tests that parse records alone).
pub fn utf8_hint(found: Option<Hint>, mode: TextEncoding) -> String {
    match found {
        Some(h) if h.declared_utf8 && h.guess != encoding_rs::UTF_8 => format!(
            "the file looks like {} but its XML declaration says UTF-8: correct the \
             declaration (encoding=\"{}\")",
            h.guess.name(),
            label(h.guess)
        ),
        h => hint(h.map(|h| h.guess), encoding_rs::UTF_8, mode),
    }
}

/// What a finding about bytes that are not valid in the encoding they were read as
/// suggests: the detector's candidate when it has one (and it is not what was tried).
pub fn hint(
    guess: Option<&'static Encoding>,
    tried: &'static Encoding,
    mode: TextEncoding,
) -> String {
    let auto = mode == TextEncoding::Auto;
    match guess.filter(|g| *g != tried) {
        Some(g) => format!(
            "the file looks like {}: try --encoding {}{}",
            g.name(),
            label(g),
            if auto { "" } else { ", or --encoding auto" }
        ),
        None => format!(
            "if the file is not {}, name its encoding with --encoding{}",
            tried.name(),
            if auto { "" } else { ", or try --encoding auto" }
        ),
    }
}

/// What `Sniffer` is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `--encoding auto`, only ASCII seen so far.
    Auto,
    /// UTF-8, valid so far.
    Watch,
    /// Decided: bytes (already UTF-8, or decoded by `inner`) pass through.
    Pass,
}

/// The start of a UTF-8 sequence cut by the end of a read, to be checked with the next.
#[derive(Debug, Default)]
struct Carry {
    bytes: [u8; 4],
    len: usize,
}

impl Carry {
    /// Checks the next bytes of a UTF-8 stream: the offset in `b` of the first invalid
    /// sequence (0 when the sequence cut at the end of the previous bytes is invalid).
    fn check(&mut self, b: &[u8]) -> Option<usize> {
        let mut i = 0;
        if self.len > 0 {
            let width = match self.bytes[0] {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            let take = (width - self.len).min(b.len());
            self.bytes[self.len..self.len + take].copy_from_slice(&b[..take]);
            self.len += take;
            match simdutf8::compat::from_utf8(&self.bytes[..self.len]) {
                Err(e) if e.error_len().is_some() => {
                    self.len = 0;
                    return Some(0);
                }
                _ if self.len < width => return None,
                _ => self.len = 0,
            }
            i = take;
        }
        match simdutf8::compat::from_utf8(&b[i..]) {
            Ok(_) => None,
            Err(e) if e.error_len().is_none() => {
                let cut = &b[i + e.valid_up_to()..];
                self.bytes[..cut.len()].copy_from_slice(cut);
                self.len = cut.len();
                None
            }
            Err(e) => Some(i + e.valid_up_to()),
        }
    }
}

/// A `Read` in front of a CSV or undeclared XML file. With `--encoding auto` it chooses the
/// encoding at the first non-ASCII byte and decodes from there on; with UTF-8 it watches for
/// the first invalid sequence and records the detector's guess for the bytes there. Reads
/// go straight into the caller's buffer: only a window looked at is copied.
pub struct Sniffer {
    inner: Box<dyn Read>,
    mode: Mode,
    /// Bytes read ahead for the detector, handed on from `start` before `inner` is read
    /// again.
    buf: Vec<u8>,
    start: usize,
    eof: bool,
    /// Bytes read from the file so far.
    consumed: u64,
    carry: Carry,
    /// Bytes per read ahead (small for small files: the buffer is zeroed).
    chunk: usize,
    text: Rc<FileText>,
}

impl Sniffer {
    /// `auto`: choose the encoding; otherwise watch UTF-8. `text` receives what is found;
    /// `chunk` is the size of a read ahead.
    pub fn new(inner: Box<dyn Read>, auto: bool, chunk: usize, text: Rc<FileText>) -> Sniffer {
        Sniffer {
            inner,
            mode: if auto { Mode::Auto } else { Mode::Watch },
            buf: Vec::new(),
            start: 0,
            eof: false,
            consumed: 0,
            carry: Carry::default(),
            chunk: chunk.clamp(1 << 10, CHUNK),
            text,
        }
    }

    /// Reads until `buf[from..]` holds a window or the file ends.
    fn fill_window(&mut self, from: usize) -> io::Result<()> {
        while self.buf.len() - from < WINDOW && !self.eof {
            let old = self.buf.len();
            self.buf.resize(old + self.chunk, 0);
            let n = read_retrying(&mut self.inner, &mut self.buf[old..]);
            self.buf.truncate(old + *n.as_ref().unwrap_or(&0));
            let n = n?;
            self.consumed += n as u64;
            self.eof = n == 0;
        }
        Ok(())
    }

    /// `--encoding auto`, at the first non-ASCII byte `bytes[at]` (`bytes`: the end of the
    /// read that found it, and the file offset of `bytes[0]`): runs the detector on a window
    /// from there, and reads on as what it guesses.
    fn choose(&mut self, bytes: &[u8], at: usize, offset: u64) -> io::Result<()> {
        let from = context_start(bytes, at);
        self.buf.clear();
        self.buf.extend_from_slice(&bytes[from..]);
        let at = at - from;
        self.fill_window(at)?;
        let enc = guess(&self.buf, self.eof, true);
        if enc == encoding_rs::UTF_8 {
            self.mode = Mode::Watch;
            self.start = at;
            if let Some(bad) = self.carry.check(&self.buf[at..]) {
                self.invalid(at + bad)?;
            } else if self.eof && self.carry.len > 0 {
                self.invalid(self.buf.len() - self.carry.len)?;
            }
            return Ok(());
        }
        self.text.used.set(Some(Used {
            encoding: enc,
            why: Why::Detected,
        }));
        let rest = self.buf.split_off(at);
        self.buf = Vec::new();
        self.start = 0;
        let inner = std::mem::replace(&mut self.inner, Box::new(io::empty()));
        self.inner = Box::new(
            DecodingReader::sized(Cursor::new(rest).chain(inner), enc, self.chunk)
                .starting_at(offset + (from + at) as u64)
                .detected(),
        );
        self.mode = Mode::Pass;
        Ok(())
    }

    /// UTF-8 that is not: `buf[bad]` starts an invalid sequence. Records the detector's
    /// guess for a window from there; the bytes themselves go on, to be rejected.
    fn invalid(&mut self, bad: usize) -> io::Result<()> {
        self.fill_window(bad)?;
        let from = context_start(&self.buf, bad);
        self.text
            .guess
            .set(Some(guess(&self.buf[from..], self.eof, false)));
        self.mode = Mode::Pass;
        Ok(())
    }
}

/// Where the detector's view of a window from `bytes[at]` begins: the start of its line,
/// for context, at most `CONTEXT` bytes back.
fn context_start(bytes: &[u8], at: usize) -> usize {
    let lo = at.saturating_sub(CONTEXT);
    memchr::memrchr(b'\n', &bytes[lo..at]).map_or(lo, |i| lo + i + 1)
}

fn read_retrying(r: &mut dyn Read, out: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(out) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

impl Read for Sniffer {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start < self.buf.len() {
                let n = out.len().min(self.buf.len() - self.start);
                out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
                self.start += n;
                if self.start == self.buf.len() {
                    (self.buf, self.start) = (Vec::new(), 0);
                }
                return Ok(n);
            }
            if self.mode == Mode::Pass || self.eof || out.is_empty() {
                return self.inner.read(out);
            }
            let n = read_retrying(&mut self.inner, out)?;
            let offset = self.consumed;
            self.consumed += n as u64;
            if self.mode == Mode::Watch {
                let mut copy = Vec::new();
                let bad = match self.carry.check(&out[..n]) {
                    Some(bad) => Some(bad),
                    // A sequence cut by the end of the file.
                    None if n == 0 && self.carry.len > 0 => {
                        copy.extend_from_slice(&self.carry.bytes[..self.carry.len]);
                        Some(0)
                    }
                    None => None,
                };
                if let Some(bad) = bad {
                    self.eof = n == 0;
                    // The window for the detector; what this read hands on is skipped.
                    let from = context_start(&out[..n], bad);
                    copy.extend_from_slice(&out[from..n]);
                    self.buf = copy;
                    self.start = self.buf.len();
                    self.invalid(bad - from)?;
                }
                return Ok(n);
            }
            // --encoding auto.
            if n == 0 {
                return Ok(0);
            }
            let at = Encoding::ascii_valid_up_to(&out[..n]);
            if at == n {
                return Ok(n);
            }
            let tail = out[..n].to_vec();
            self.choose(&tail, at, offset)?;
            if at > 0 {
                return Ok(at);
            }
        }
    }
}

#[cfg(test)]
mod tests;
