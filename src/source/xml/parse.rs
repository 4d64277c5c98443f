//! The workers' half: `parse_record` parses one cut element into a `Node` tree — by the
//! fast tokenizer (`fast`) when it can, else with quick-xml — whose keys are the catalog's canonical names, so that the rules see the same tree
//! as for JSON; a fault is located by line and column within the record.

use std::borrow::Cow;

use memchr::memrchr;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::Event;

use super::RecordFault;
use super::bytes::{count_chars, count_newlines};
use super::fast::parse_fast;
use super::tree::{Tree, escape_fault};
use crate::source::ReadOptions;
use crate::source::limits::{self, Parsed};

pub fn parse_record<'a>(bytes: &'a [u8], opts: &ReadOptions) -> Result<Parsed<'a>, RecordFault> {
    let text = utf8(bytes, opts.redact)?;
    let parsed = match parse_fast(text, new_tree(opts)) {
        Some(parsed) => parsed,
        None => parse_full(text, opts)?,
    };
    no_nul(bytes, parsed)
}

/// `parse_record` without the fast path: the reference the fast path is held to (by the
/// differential tests and the `xml_record` fuzz target); same trees, same faults.
pub fn parse_record_full<'a>(
    bytes: &'a [u8],
    opts: &ReadOptions,
) -> Result<Parsed<'a>, RecordFault> {
    no_nul(bytes, parse_full(utf8(bytes, opts.redact)?, opts)?)
}

/// XML allows no U+0000, not even in text, where quick-xml lets it through: a record that
/// holds one is a fault at the first, with the path of the value holding it (`source::nul`).
fn no_nul<'a>(bytes: &[u8], parsed: Parsed<'a>) -> Result<Parsed<'a>, RecordFault> {
    match memchr::memchr(0, bytes) {
        None => Ok(parsed),
        Some(at) => Err(RecordFault {
            path: crate::source::nul::path_of_nul(&parsed.node).unwrap_or_default(),
            ..record_fault(bytes, at, crate::source::nul::MESSAGE.to_string())
        }),
    }
}

/// The record as text; with `redact` (`--redact`) the fault does not quote the bad byte.
fn utf8(bytes: &[u8], redact: bool) -> Result<&str, RecordFault> {
    simdutf8::compat::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let byte = if redact {
            String::new()
        } else {
            format!(" (0x{:02X})", bytes[at])
        };
        RecordFault {
            not_utf8: true,
            ..record_fault(
                bytes,
                at,
                format!("invalid UTF-8 at byte offset {at} of the record{byte}"),
            )
        }
    })
}

fn new_tree<'a>(opts: &ReadOptions) -> Tree<'a> {
    Tree {
        stack: Vec::with_capacity(8),
        done: Vec::with_capacity(64),
        root: None,
        max_depth: opts.max_depth,
        redact: opts.redact,
        max_items: opts.max_list_items,
        budget: limits::max_values(opts.max_list_items),
        saved_budget: 0,
        skipping: 0,
        full_at: 0,
        values_cut: false,
        cuts: Vec::new(),
    }
}

/// The fast path's tree for `text`, or `None` where it leaves the record to `parse_full`.
#[cfg(test)]
pub(super) fn parse_fast_only<'a>(text: &'a str, opts: &ReadOptions) -> Option<Parsed<'a>> {
    parse_fast(text, new_tree(opts))
}

/// The full parser, quick-xml's events into a `Tree`: every record the fast path declines,
/// and the wording of every fault.
pub(super) fn parse_full<'a>(text: &'a str, opts: &ReadOptions) -> Result<Parsed<'a>, RecordFault> {
    let bytes = text.as_bytes();
    let mut reader = quick_xml::Reader::from_str(text);
    // White space before text is skipped by quick-xml, so the layout between elements makes
    // no events at all; where skipped white space is inside text (after a comment or a
    // CDATA section) it is recovered from the event positions (`at`). Trailing white space
    // is left to `Text::finish`, which trims the element's whole text: quick-xml's own end
    // trimming would glue text to an adjacent CDATA section.
    reader.config_mut().trim_text_start = true;
    let mut tree = new_tree(opts);
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
                // The element's own faults (no name, too deep) first, then its attributes'.
                Event::Start(e) => {
                    let opened = tree.open(name_in(text, e.local_name().as_ref()));
                    if opened.is_ok() {
                        attributes(text, &e)?;
                    }
                    opened
                }
                Event::Empty(e) => {
                    let opened = tree.open(name_in(text, e.local_name().as_ref()));
                    if opened.is_ok() {
                        attributes(text, &e)?;
                        tree.close();
                    }
                    opened
                }
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
                        .map_err(|e| escape_fault(&t, e, opts.redact))
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

/// A start tag's attributes must be well-formed and each named once (XML 1.0 §3.1), even
/// though no attribute is read: a repeated attribute is a fault like an unclosed element.
/// quick-xml checks them only when asked, as here (and as `fast::attributes_ok` does).
fn attributes(text: &str, e: &quick_xml::events::BytesStart) -> Result<(), RecordFault> {
    let bytes = text.as_bytes();
    let Some(start) = offset_in(text, e) else {
        return Ok(());
    };
    for attr in e.attributes() {
        let Err(err) = attr else { continue };
        use quick_xml::events::attributes::AttrError;
        let (pos, message) = match err {
            AttrError::Duplicated(pos, prev) => {
                let name_len = e[prev..]
                    .iter()
                    .position(|&b| b == b'=' || super::bytes::is_ws(b))
                    .unwrap_or(e.len() - prev);
                let name = String::from_utf8_lossy(&e[prev..prev + name_len]);
                (
                    pos,
                    format!("attribute {name} appears twice in one element"),
                )
            }
            AttrError::ExpectedEq(pos) => (pos, "an attribute name must be followed by '='".into()),
            AttrError::ExpectedValue(pos) => {
                (pos, "'=' must be followed by an attribute value".into())
            }
            AttrError::UnquotedValue(pos) => (pos, "an attribute value must be in quotes".into()),
            AttrError::ExpectedQuote(pos, _) => (
                pos,
                "an attribute value is missing its closing quote".into(),
            ),
        };
        return Err(record_fault(bytes, start + pos, message));
    }
    Ok(())
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
        not_utf8: false,
        path: String::new(),
    }
}
