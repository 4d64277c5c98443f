//! Inside a record the scanner looks only for the record's own end: the end tag `</Q>` of
//! the record element's name `Q` (prefix included), white space allowed before its `>`.
//! Comments, CDATA sections and processing instructions are skipped whole (their content
//! can neither end nor open anything), and a nested element named `Q` (not `<Q/>`) must be
//! closed first. Everything else is the parser's business: the worker that parses the
//! record checks its element structure (and any other `<!` markup, a DOCTYPE say) and
//! reports a fault there as a `parse-error` of that record, with line and column, and the
//! file goes on. What still ends the file from inside a record: a comment, CDATA section
//! or PI that is never closed, a start tag of a nested element named `Q` that is broken
//! (a `<` inside it, the file ending in it), and a record whose end never comes (at the
//! end of the file, "element <Q> ... is not closed").
//!
//! Why not follow every tag, as outside records: the parser does it again anyway, and the
//! scanner's tag loop was an eighth of an XML run. Most records are found whole by one
//! search instead (`skip_to_end`): from the record's first `<`, when the first
//! `AMLYZE_CUSTOMER` in the window is the end tag and no `<!` or `<?` comes before it, the
//! record can end nowhere else. Any other record is read `<` by `<` (`in_record`), which
//! gives the same cut: the search is only a shortcut, so where records end never depends
//! on the window or on how the input arrived.

use memchr::memchr2_iter;

use super::{LOOKAHEAD, RECORD_ELEMENT, Scanner, Stop};
use crate::source::BatchSink;
use crate::source::xml::bytes::{is_name_end, is_ws};

/// What `Scanner::in_record` did with the `<` at `pos`.
pub(super) enum Inside {
    /// Took it (and maybe ended the record); the scan goes on from `pos`.
    Took,
    /// A comment, CDATA section or PI: the general path skips it.
    Markup,
}

impl Scanner {
    /// The `<` at `pos`, inside a record.
    pub(super) fn in_record(&mut self, sink: &mut BatchSink) -> Result<Inside, Stop> {
        if std::mem::take(&mut self.rec_search) && self.skip_to_end(sink)? {
            return Ok(Inside::Took);
        }
        let q = self.rec_name.len();
        self.need(LOOKAHEAD.max(q + 2), sink)?;
        let rest = &self.buf[self.pos..self.end];
        match rest.get(1) {
            Some(b'?') => return Ok(Inside::Markup),
            Some(b'!') if rest.starts_with(b"<!--") || rest.starts_with(b"<![CDATA[") => {
                return Ok(Inside::Markup);
            }
            // Other `<!` markup (a DOCTYPE, a typo) is the parser's to report.
            Some(b'!') => self.pos += 2,
            Some(b'/') => {
                if !(rest.len() >= 2 + q
                    && rest[2..2 + q] == self.rec_name[..]
                    && rest.get(2 + q).is_none_or(|&b| is_name_end(b)))
                {
                    self.pos += 2;
                    return Ok(Inside::Took);
                }
                // `</Q`: white space, then `>` makes it the end tag. The white space is
                // stepped over as it is read, so a long run of it holds no window.
                self.pos += 2 + q;
                loop {
                    if self.pos == self.end && !self.fill(self.pos, sink)? {
                        // The end of the file: the main loop reports the open record.
                        return Ok(Inside::Took);
                    }
                    match self.buf[self.pos] {
                        b if is_ws(b) => self.pos += 1,
                        b'>' => {
                            self.pos += 1;
                            if self.rec_nested == 0 {
                                self.pop_element(sink)?;
                            } else {
                                self.rec_nested -= 1;
                            }
                            return Ok(Inside::Took);
                        }
                        // Not an end tag the scanner takes; the parser will say what it is.
                        _ => return Ok(Inside::Took),
                    }
                }
            }
            Some(_)
                if rest.len() > 1 + q
                    && rest[1..1 + q] == self.rec_name[..]
                    && is_name_end(rest[1 + q]) =>
            {
                // An element named like the record, inside it: its end tag is not the
                // record's. Its attributes are skipped as for any start tag.
                self.pos += 1 + q;
                let named = self.deep == 0;
                let name_at = self.frames.last().map_or(0, |f| f.name_at);
                if !self.scan_attributes(name_at, named, sink)? {
                    self.rec_nested += 1;
                }
            }
            _ => self.pos += 1,
        }
        Ok(Inside::Took)
    }

    /// At the record's first `<`: ends the record at once when the first `AMLYZE_CUSTOMER`
    /// in the window is its end tag and no markup comes before it, which `in_record` would
    /// find too. `false` (nothing moved) otherwise.
    fn skip_to_end(&mut self, sink: &mut BatchSink) -> Result<bool, Stop> {
        let rest = &self.buf[self.pos..self.end];
        let Some(k) = self.record_finder.find(rest) else {
            return Ok(false);
        };
        // A comment, CDATA section or PI could hide the end tag or fake one.
        if memchr2_iter(b'!', b'?', &rest[..k]).any(|i| i > 0 && rest[i - 1] == b'<') {
            return Ok(false);
        }
        // `</` and the name's prefix just before it, white space and `>` after it.
        let prefix = &self.rec_name[..self.rec_name.len() - RECORD_ELEMENT.len()];
        let p = prefix.len();
        if k < 2 + p || &rest[k - 2 - p..k - p] != b"</" || &rest[k - p..k] != prefix {
            return Ok(false);
        }
        let mut e = k + RECORD_ELEMENT.len();
        while e < rest.len() && is_ws(rest[e]) {
            e += 1;
        }
        if rest.get(e) != Some(&b'>') {
            return Ok(false);
        }
        self.pos += e + 1;
        self.pop_element(sink)?;
        Ok(true)
    }
}
