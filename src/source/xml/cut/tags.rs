//! The scanner's start and end tags outside records: element names pushed on and popped off
//! the open-element stack, end tags checked against it, attributes skipped; the record
//! element's start, which begins a record, and popping it, which hands its bytes on.

use memchr::{memchr, memchr3, memrchr};

use super::{Frame, NAME_MAX, NAMED_DEPTH, RECORD_ELEMENT, Rec, Scanner, Stop, rec_take};
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Location;
use crate::source::xml::bytes::{eq_short, find_name_end, is_name_start, is_ws, local_name};
use crate::source::{BatchSink, Item, RawBody, RawRecord};

impl Scanner {
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

    pub(super) fn start_tag(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
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
            self.names.extend_from_slice(&self.buf[name.clone()]);
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
            self.rec_name.clear();
            self.rec_name.extend_from_slice(&self.buf[name]);
            self.rec_nested = 0;
            self.rec_search = true;
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
    pub(super) fn scan_attributes(
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

    pub(super) fn end_tag(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
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
    pub(super) fn pop_element(&mut self, sink: &mut BatchSink) -> Result<(), Stop> {
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
                Code::ParseError,
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
}
