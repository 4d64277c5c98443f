//! A strict JSON parser into the borrowed `Node` tree.
//!
//! Why not `serde_json::Value`: a lead must keep repeated keys (spec §6: `duplicate-field`,
//! never "last one wins"), numbers must keep their source text (no precision lost on the way
//! to the canonical payload), strings should borrow from the input, and nesting must stop at a
//! configured depth instead of exhausting the stack. The grammar is RFC 8259 exactly: no
//! comments, no trailing commas, no NaN/Infinity, no raw control characters in strings.

use std::borrow::Cow;

use super::ReadOptions;
use super::limits::{self, Container, Parsed as Record};
use crate::diagnostic::Diagnostic;
use crate::record::Node;

/// A syntax error at a byte offset of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
    /// The path of the value at fault, when the text parsed and only a value is wrong (a NUL
    /// in a string, see `source::nul`); empty for a syntax error.
    pub path: String,
}

impl SyntaxError {
    /// 1-based line and column (in characters) of the error within `text`.
    pub fn line_col(&self, text: &str) -> (u64, u64) {
        let upto = &text.as_bytes()[..self.offset.min(text.len())];
        let line = memchr::memchr_iter(b'\n', upto).count() as u64 + 1;
        let line_start = memchr::memrchr(b'\n', upto).map_or(0, |p| p + 1);
        let col = String::from_utf8_lossy(&upto[line_start..]).chars().count() as u64 + 1;
        (line, col)
    }
}

/// Parses one complete JSON document (surrounding white space allowed, nothing else), its
/// lists and objects of any size.
pub fn parse(text: &str, max_depth: usize) -> Result<Node<'_>, SyntaxError> {
    parse_with(text, max_depth, usize::MAX, false).map(|p| p.node)
}

/// Parses one record: `parse` with `--max-depth`, and its lists and objects capped by
/// `--max-list-items` (`limits`); what goes past a cap is checked for syntax, not built.
/// With `--redact` a syntax error names no character of the text but ASCII punctuation
/// (`source::found_char`): the text is a record that may hold personal data.
pub fn parse_record<'a>(text: &'a str, opts: &ReadOptions) -> Result<Record<'a>, SyntaxError> {
    parse_with(text, opts.max_depth, opts.max_list_items, opts.redact)
}

fn parse_with(
    text: &str,
    max_depth: usize,
    max_items: usize,
    redact: bool,
) -> Result<Record<'_>, SyntaxError> {
    let mut p = Parser::new(text, max_depth, max_items, redact);
    let parsed = (|| {
        p.skip_ws();
        let node = p.value(0, 0)?;
        p.skip_ws();
        if p.pos != p.bytes.len() {
            return Err(p.err("unexpected data after the JSON value"));
        }
        Ok(node)
    })();
    match parsed {
        // Well-formed JSON, but a string holds U+0000: refused as in every format.
        Ok(node) => match p.nul_at {
            Some(offset) => Err(SyntaxError {
                offset,
                message: crate::source::nul::MESSAGE.to_string(),
                path: crate::source::nul::path_of_nul(&node).unwrap_or_default(),
            }),
            None => Ok(Record { node, cuts: p.cuts }),
        },
        Err(Fail) => Err(p.error.take().unwrap_or(SyntaxError {
            offset: p.pos,
            message: "invalid JSON".to_string(),
            path: String::new(),
        })),
    }
}

/// A parse failed; the details are in `Parser::error`. Keeping the error out of the return
/// type keeps `Result<Node, Fail>` the size of a `Node`: the values returned up the
/// recursion are moved through the stack, and a wide error made each move cost more.
struct Fail;

type Parsed<T> = Result<T, Fail>;

/// An object's fields as parsed.
type Fields<'a> = Vec<(Cow<'a, str>, Node<'a>)>;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
    redact: bool,
    /// Where the first NUL in a string is, raw or escaped: the text is still parsed, so that
    /// the fault can name the value's path.
    nul_at: Option<usize>,
    error: Option<SyntaxError>,
    /// Items per list, fields per object (`--max-list-items`).
    max_items: usize,
    /// Values the record may still hold; 0 while skipping.
    budget: usize,
    /// Depth of the values being skipped past a limit (0: building).
    skipping: usize,
    /// Per depth, how the open container at that depth was entered (see `INDEX`): only
    /// read to word a cut's path. One store per container, where a path kept up to date
    /// would cost one per value; inline for the depths of real records (no allocation per
    /// record), on the heap past them.
    trail: [u64; TRAIL],
    deeper: Vec<u64>,
    /// The record's limit was reported: the rest of the record is skipped silently.
    values_cut: bool,
    cuts: Vec<Diagnostic>,
}

/// How a container was entered, as a `u64` (passed down with every value): the offset of
/// its field name, or `INDEX | i` for item `i` of a list.
const INDEX: u64 = 1 << 63;

/// Depths whose `trail` is kept inline.
const TRAIL: usize = 16;

impl<'a> Parser<'a> {
    fn new(text: &'a str, max_depth: usize, max_items: usize, redact: bool) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            max_depth,
            redact,
            nul_at: None,
            error: None,
            max_items,
            budget: limits::max_values(max_items),
            skipping: 0,
            trail: [0; TRAIL],
            deeper: Vec::new(),
            values_cut: false,
            cuts: Vec::new(),
        }
    }

    /// The container at `depth` refused a child: its finding, unless it is being skipped
    /// itself or the record's limit was already reported.
    #[cold]
    fn refuse(&mut self, depth: usize, container: Container) {
        if self.skipping > 0 || self.values_cut {
            return;
        }
        let path = self.path(depth);
        if self.budget == 0 {
            self.values_cut = true;
            self.cuts
                .push(limits::too_many_values(path, self.max_items));
        } else {
            self.cuts
                .push(limits::too_many(path, container, self.max_items));
        }
    }

    /// Parses a value past a limit without building it (a string with escapes is built and
    /// dropped at once; a container takes no children).
    fn skip(&mut self, depth: usize) -> Parsed<()> {
        let budget = std::mem::replace(&mut self.budget, 0);
        self.skipping += 1;
        let skipped = self.value(depth, 0);
        self.skipping -= 1;
        self.budget = budget;
        skipped.map(drop)
    }

    /// The path of the container at `depth`, as the rules print paths.
    #[cold]
    fn path(&self, depth: usize) -> String {
        let mut path = String::new();
        let trail = self.trail.iter().chain(&self.deeper);
        for &at in trail.take(depth + 1).skip(2) {
            if at & INDEX != 0 {
                limits::push_index(&mut path, (at & !INDEX) as usize);
            } else {
                let mut p = Parser::new(self.text, 0, 0, false);
                p.pos = at as usize;
                let key = p.string().map_or(Cow::Borrowed("?"), |k| k);
                limits::push_key(&mut path, &key);
            }
        }
        path
    }

    #[cold]
    fn err(&mut self, message: impl Into<String>) -> Fail {
        self.error = Some(SyntaxError {
            offset: self.pos,
            message: message.into(),
            path: String::new(),
        });
        Fail
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn describe_here(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "end of input".to_string(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => crate::source::found_char(c, self.redact),
        }
    }

    /// A value; `at` is how its container, if it is one, was entered (see `INDEX`).
    fn value(&mut self, depth: usize, at: u64) -> Parsed<Node<'a>> {
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth + 1, at),
            Some(b'[') => self.array(depth + 1, at),
            Some(b'"') => Ok(Node::Str(self.string()?)),
            Some(b't') => self.literal("true", Node::Bool(true)),
            Some(b'f') => self.literal("false", Node::Bool(false)),
            Some(b'n') => self.literal("null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err(format!(
                "expected a JSON value, found {}",
                self.describe_here()
            ))),
        }
    }

    fn literal(&mut self, word: &str, node: Node<'a>) -> Parsed<Node<'a>> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(node)
        } else {
            Err(self.err(format!(
                "expected a JSON value, found {}",
                self.describe_here()
            )))
        }
    }

    #[inline(always)]
    fn enter(&mut self, depth: usize, at: u64) -> Parsed<()> {
        if depth > self.max_depth {
            return Err(self.err(format!(
                "nesting deeper than {} levels (--max-depth)",
                self.max_depth
            )));
        }
        match self.trail.get_mut(depth) {
            Some(slot) => *slot = at,
            None => self.enter_deeper(depth - TRAIL, at),
        }
        Ok(())
    }

    #[cold]
    fn enter_deeper(&mut self, i: usize, at: u64) {
        if self.deeper.len() <= i {
            self.deeper.resize(i + 1, 0);
        }
        self.deeper[i] = at;
    }

    fn object(&mut self, depth: usize, at: u64) -> Parsed<Node<'a>> {
        self.enter(depth, at)?;
        self.pos += 1;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Node::Map(Vec::new()));
        }
        // Leads have a dozen or more fields: skip the first few regrowths. (Not for `{}`:
        // a list of empty objects would take 900 bytes per object.)
        let mut fields = Vec::with_capacity(16);
        // In a register: `value` cannot change it, but takes `self` mutably.
        let max_items = self.max_items;
        loop {
            let key_at = self.pos as u64;
            let key = self.field_name()?;
            if (fields.len() >= max_items) | (self.budget == 0) {
                return self.object_rest(depth, fields);
            }
            self.budget -= 1;
            let value = self.value(depth, key_at)?;
            fields.push((key, value));
            if !self.next(b'}')? {
                return Ok(Node::Map(fields));
            }
        }
    }

    /// A field name and its `:`, with the white space after it.
    #[inline(always)]
    fn field_name(&mut self) -> Parsed<Cow<'a, str>> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(self.err(format!(
                "expected a field name in double quotes, found {}",
                self.describe_here()
            )));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b':') {
            return Err(self.err(format!(
                "expected ':' after field name, found {}",
                self.describe_here()
            )));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(key)
    }

    /// After a member of an object (`close` `}`) or list (`]`): true at a `,` (and the white
    /// space after it), false at the end of the container.
    #[inline(always)]
    fn next(&mut self, close: u8) -> Parsed<bool> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                Ok(true)
            }
            Some(&b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => {
                let what = if close == b'}' {
                    "'}' in object"
                } else {
                    "']' in array"
                };
                Err(self.err(format!(
                    "expected ',' or {what}, found {}",
                    self.describe_here()
                )))
            }
        }
    }

    /// The rest of an object that is full, from the value of a field it refused.
    #[cold]
    fn object_rest(&mut self, depth: usize, fields: Fields<'a>) -> Parsed<Node<'a>> {
        self.refuse(depth, Container::Object);
        loop {
            self.skip(depth)?;
            if !self.next(b'}')? {
                return Ok(Node::Map(fields));
            }
            self.field_name()?;
        }
    }

    fn array(&mut self, depth: usize, at: u64) -> Parsed<Node<'a>> {
        self.enter(depth, at)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Node::List(items));
        }
        let max_items = self.max_items;
        loop {
            if (items.len() >= max_items) | (self.budget == 0) {
                return self.array_rest(depth, items);
            }
            self.budget -= 1;
            let at = INDEX | items.len() as u64;
            items.push(self.value(depth, at)?);
            if !self.next(b']')? {
                return Ok(Node::List(items));
            }
        }
    }

    /// The rest of a list that is full, from the first item it refused.
    #[cold]
    fn array_rest(&mut self, depth: usize, items: Vec<Node<'a>>) -> Parsed<Node<'a>> {
        self.refuse(depth, Container::List);
        loop {
            self.skip(depth)?;
            if !self.next(b']')? {
                return Ok(Node::List(items));
            }
        }
    }

    fn number(&mut self) -> Parsed<Node<'a>> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(self.err("invalid number: expected a digit"));
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.err("invalid number: expected a digit after '.'"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.err("invalid number: expected a digit in the exponent"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        self.pos = i;
        Ok(Node::Number(&self.text[start..i]))
    }

    fn string(&mut self) -> Parsed<Cow<'a, str>> {
        self.pos += 1; // opening quote
        let start = self.pos;
        let b = self.bytes;
        // Fast path: no escapes, borrow.
        let mut i = crate::canonical::find_special(b, start);
        if b.get(i) == Some(&b'"') {
            self.pos = i + 1;
            return Ok(Cow::Borrowed(&self.text[start..i]));
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        loop {
            let Some(&c) = b.get(i) else {
                self.pos = i;
                return Err(self.err("unterminated string"));
            };
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    i += 1;
                    let esc = b.get(i).copied();
                    i += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            self.pos = i;
                            let hi = self.hex4()?;
                            if hi == 0 {
                                self.nul_at.get_or_insert(i - 2);
                            }
                            i = self.pos;
                            let ch = if (0xD800..0xDC00).contains(&hi) {
                                if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u') {
                                    self.pos = i + 2;
                                    let lo = self.hex4()?;
                                    i = self.pos;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(
                                            self.err("invalid UTF-16 surrogate pair in \\u escape")
                                        );
                                    }
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            match ch {
                                Some(ch) => out.push(ch),
                                None => return Err(self.err("lone UTF-16 surrogate in \\u escape")),
                            }
                        }
                        _ => {
                            self.pos = i - 1;
                            return Err(self.err("invalid escape in string"));
                        }
                    }
                }
                0 => {
                    // Not the grammar's fault alone: a NUL is refused escaped too (`nul_at`).
                    self.nul_at.get_or_insert(i);
                    out.push('\0');
                    i += 1;
                }
                c if c < 0x20 => {
                    self.pos = i;
                    return Err(self.err(format!(
                        "raw control character U+{c:04X} in string (must be escaped)"
                    )));
                }
                _ => {
                    // Copy the run up to the next special byte in one go.
                    let run_start = i;
                    i = crate::canonical::find_special(b, i);
                    out.push_str(&self.text[run_start..i]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let parsed = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|s| u32::from_str_radix(s, 16).ok());
        match parsed {
            Some(v) if digits.is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit)) => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(self.err("invalid \\u escape: expected 4 hex digits")),
        }
    }
}

#[cfg(test)]
mod tests;
