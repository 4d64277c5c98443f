//! The workers' fast path: a hand-written tokenizer for the markup nearly every record is
//! made of (start, end and empty-element tags, attributes, text), driving the same `Tree`
//! as the full parser. quick-xml's general reader was a third of an XML record's parse;
//! this loop finds each `<` word-at-a-time and tells tags apart by one byte.
//!
//! It only ever answers for records it reads exactly as the full parser would: anything
//! else — a comment, CDATA section, processing instruction or declaration, an end tag that
//! is not `</name>`, an unusual name, a tag cut short, any `Tree` fault — returns
//! `None`, and `parse_record` reads the record again with quick-xml, which also words the
//! error. A differential test (`tests/fast.rs`) and a fuzz target hold the two to the same
//! trees.

use std::borrow::Cow;

use memchr::memchr3;

use super::bytes::{eq_short, find_lt, find_name_end, find_short, is_ws};
use super::tree::Tree;
use crate::source::limits::Parsed;

/// The record's tree, or `None` when the full parser must read it.
pub(super) fn parse_fast<'a>(text: &'a str, mut tree: Tree<'a>) -> Option<Parsed<'a>> {
    let b = text.as_bytes();
    // The cut record starts at its element's `<`; anything else is the full parser's.
    if b.first() != Some(&b'<') {
        return None;
    }
    // Qualified names of the open elements, for the end-tag check (quick-xml compares the
    // whole name, prefix included).
    let mut open: Vec<&'a str> = Vec::with_capacity(8);
    let mut i = 0;
    loop {
        // `b[i]` is a `<`.
        match *b.get(i + 1)? {
            b'/' => {
                let name = open.pop()?;
                i = end_tag(b, i, name)?;
                tree.close();
            }
            b'!' | b'?' => return None,
            _ => {
                let from = i + 1;
                // The name ends at white space, `/` or `>`, as quick-xml's does (before
                // `/>`); a quote, `<` or `=` in it would make the two cut the tag apart.
                let end = from + find_name_end(&b[from..])?;
                let qname = text.get(from..end)?;
                if qname.is_empty() {
                    return None;
                }
                let empty = match *b.get(end)? {
                    b'>' => {
                        i = end + 1;
                        false
                    }
                    b'/' if b.get(end + 1) == Some(&b'>') => {
                        i = end + 2;
                        true
                    }
                    b'/' | b'"' | b'\'' | b'<' | b'=' => return None,
                    // White space: attributes, held to quick-xml's checks as the full
                    // parser holds them (`attributes_ok`).
                    _ => {
                        let gt = tag_end(b, end)?;
                        i = gt + 1;
                        let empty = b[gt - 1] == b'/';
                        let content = text.get(from..if empty { gt - 1 } else { gt })?;
                        if !attributes_ok(content, end - from) {
                            return None;
                        }
                        empty
                    }
                };
                // quick-xml's local name: after the first colon.
                let local = match find_short(qname.as_bytes(), b':') {
                    Some(c) => &qname[c + 1..],
                    None => qname,
                };
                if empty {
                    if !tree.leaf(local, "")? {
                        tree.open(Cow::Borrowed(local)).ok()?;
                        tree.close();
                    }
                } else {
                    // `<name>text</name>`, most elements: one step when it is a leaf.
                    let Gap { len, next, blank } = gap_at(b, i);
                    let raw = if blank { "" } else { text.get(i..i + len)? };
                    let leaf_end = next.and_then(|k| end_tag(b, i + k, qname));
                    match leaf_end {
                        Some(after) if tree.leaf(local, raw)? => i = after,
                        _ => {
                            tree.open(Cow::Borrowed(local)).ok()?;
                            open.push(qname);
                        }
                    }
                }
            }
        }
        // Text up to the next tag. White space alone makes no event (quick-xml's
        // `trim_text_start`); other text goes whole, leading white space included.
        let Gap { len, next, blank } = gap_at(b, i);
        if !blank {
            tree.text(text.get(i..i + len)?).ok()?;
        }
        match next {
            Some(k) => i += k,
            None => break,
        }
    }
    if !open.is_empty() {
        return None;
    }
    tree.finish().ok()
}

/// The text from a position to the next `<`.
struct Gap {
    /// Its length.
    len: usize,
    /// The `<`'s distance from the start, if there is one.
    next: Option<usize>,
    /// Whether it is all white space.
    blank: bool,
}

/// The text from `i` to the next `<`. Between tags it is mostly layout (a newline and an
/// indentation), which one loop steps over and classifies; the rest, a value, is searched
/// word by word.
#[inline]
fn gap_at(b: &[u8], i: usize) -> Gap {
    let rest = &b[i..];
    let mut j = 0;
    while j < rest.len() && is_ws(rest[j]) {
        j += 1;
    }
    if j == rest.len() || rest[j] == b'<' {
        let next = (j < rest.len()).then_some(j);
        return Gap {
            len: j,
            next,
            blank: true,
        };
    }
    let next = find_lt(&rest[j..]).map(|k| j + k);
    Gap {
        len: next.unwrap_or(rest.len()),
        next,
        blank: false,
    }
}

/// Past the end tag at `lt` when it is `</name>`, white space before `>` allowed (quick-xml
/// trims it before comparing names, and the vendor's own samples have it).
#[inline]
fn end_tag(b: &[u8], lt: usize, name: &str) -> Option<usize> {
    let mut close = lt + 2 + name.len();
    if b.get(lt + 1) != Some(&b'/') || !eq_short(b.get(lt + 2..close)?, name.as_bytes()) {
        return None;
    }
    while is_ws(*b.get(close)?) {
        close += 1;
    }
    (b[close] == b'>').then_some(close + 1)
}

/// Whether a start tag's attributes (`content`: the tag between `<` and `>` or `/>`, its
/// name `name_len` bytes long) are well-formed and each named once: the check the full
/// parser makes (`parse::attributes`), by the same quick-xml iterator, so that the two agree;
/// a fault is left to the full parser to word.
fn attributes_ok(content: &str, name_len: usize) -> bool {
    plain_attributes(&content.as_bytes()[name_len..])
        || quick_xml::events::attributes::Attributes::new(content, name_len).all(|a| a.is_ok())
}

/// Most names a plain tag's attributes may have before `plain_attributes` leaves it to
/// quick-xml.
const PLAIN_ATTRIBUTES: usize = 8;

/// True when `rest` (a start tag after its name) is attributes quick-xml's iterator reads
/// without a fault: `key = "value"` (or `'value'`), white space around `=` allowed, keys
/// up to `=` or white space, each named once, at most `PLAIN_ATTRIBUTES`. False says
/// nothing: quick-xml then decides. It is quick-xml's own reading of the valid case
/// (`IterState::next`) without the iterator's allocation of its list of keys and its
/// byte-by-byte steps, which were 1% of an XML run's instructions (callgrind, 60,000
/// records each with one `xmlns`).
pub(super) fn plain_attributes(rest: &[u8]) -> bool {
    let skip_ws = |mut i: usize| {
        while i < rest.len() && is_ws(rest[i]) {
            i += 1;
        }
        i
    };
    let mut keys: [&[u8]; PLAIN_ATTRIBUTES] = [&[]; PLAIN_ATTRIBUTES];
    let mut n = 0;
    let mut i = skip_ws(0);
    while i < rest.len() {
        // The key's first byte is taken whatever it is (`=` included), as quick-xml takes it.
        let start = i;
        i += 1;
        while i < rest.len() && rest[i] != b'=' && !is_ws(rest[i]) {
            i += 1;
        }
        let key = &rest[start..i];
        i = skip_ws(i);
        if rest.get(i) != Some(&b'=') {
            return false;
        }
        i = skip_ws(i + 1);
        let Some(&quote @ (b'"' | b'\'')) = rest.get(i) else {
            return false;
        };
        let Some(len) = memchr::memchr(quote, &rest[i + 1..]) else {
            return false;
        };
        if n == PLAIN_ATTRIBUTES || keys[..n].contains(&key) {
            return false;
        }
        keys[n] = key;
        n += 1;
        i = skip_ws(i + 1 + len + 1);
    }
    true
}

/// The `>` closing a start tag whose attributes start at `from`: the first one outside
/// quoted values, as quick-xml finds it.
fn tag_end(b: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let k = from + memchr3(b'>', b'"', b'\'', &b[from..])?;
        if b[k] == b'>' {
            return Some(k);
        }
        let q = b[k];
        from = k + 1 + b[k + 1..].iter().position(|&c| c == q)? + 1;
    }
}
