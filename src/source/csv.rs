//! CSV and TSV (spec §6): a header row of field paths, then one record per row.
//!
//! The reader thread only cuts: it resolves the header once into a [`Header`] (the column
//! paths walked through the catalog, folded into a tree of the record's shape) shared by
//! every row of the file, and pushes each row as its own `csv::ByteRecord`. Workers turn a
//! row into a `Node` tree with [`parse_record`], borrowing every cell (no copies).
//!
//! Line numbers: rows are split on `\n` only (a `\r` before it stays at the end of the last
//! cell and is dropped by `parse_record`), so that the line where a row starts is exact for
//! LF and CRLF files alike, even with blank lines and quoted cells spanning lines. Files
//! with bare-CR line ends (detected on the header line) are split on CR instead.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use ::csv::{ByteRecord, ReaderBuilder, Terminator};
use foldhash::HashMap;

use super::transcode::DecodingReader;
use super::xml::RecordFault;
use super::{BatchSink, Item, RawBody, RawRecord, ReadOptions, UTF8_BOM, io_fault};
use crate::catalog::{self, Shape, Type};
use crate::diagnostic::{Diagnostic, code};
use crate::record::{Location, Node};

/// Bytes read per call while sniffing the start of the file.
const CHUNK: usize = 64 << 10;
/// How much of the header line is looked at to choose the delimiter and line ends.
const SNIFF_LIMIT: usize = 1 << 20;
/// Buffer of the CSV parser.
const BUFFER: usize = 256 << 10;
/// A new row's buffer starts with the previous row's size, up to this.
const MAX_PREALLOC: usize = 64 << 10;
/// Rows do not go through the batch's byte buffer, so `BatchSink` cannot see their size:
/// the reader flushes a batch itself once the rows pushed since its last flush hold this.
const BATCH_BYTES: usize = 4 << 20;

/// A CSV file's header: its columns, resolved against the catalog into a plan of the
/// record's tree.
#[derive(Debug)]
pub struct Header {
    columns: Vec<Column>,
    /// The tree the columns describe; `nodes[0]` is the record itself (a map).
    nodes: Vec<PlanNode>,
    /// The leaf node of each column.
    leaves: Vec<u32>,
}

#[derive(Debug)]
struct Column {
    /// The header cell as written (white space trimmed).
    name: String,
    /// Where the column's value goes, as the rules print paths (`listAddress[0].country`):
    /// canonical names for known segments, the raw rest of the name for an unknown column.
    path: String,
    /// The name does not resolve to a field of the catalog.
    unknown: bool,
}

#[derive(Debug)]
struct PlanNode {
    /// The key under which this node goes in its parent map (unused for list items).
    key: Key,
    /// The parent node (the root is its own parent).
    parent: u32,
    kind: Kind,
}

#[derive(Debug)]
enum Key {
    Field(&'static str),
    Raw(Box<str>),
    Item,
}

#[derive(Debug)]
enum Kind {
    /// Children in order of first appearance in the header.
    Map(Vec<u32>),
    /// Items as (index, node), sorted by index.
    List(Vec<(u32, u32)>),
    /// One column; `split` for a `;`-separated list cell (`initializeScreeningProcesses`).
    Leaf { col: u32, split: bool },
}

/// An interior node's identity within its parent, used to merge columns into one tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ChildKey {
    Field(&'static str),
    Index(u32),
}

/// One step of a resolved column path (always towards a map).
#[derive(Debug, Clone, Copy)]
enum Step {
    Object(&'static str),
    /// A list field; always followed by an `Index`.
    List(&'static str),
    Index(u32),
}

/// A column name walked through the catalog.
struct Resolved {
    steps: Vec<Step>,
    leaf: LeafKey,
    split: bool,
}

enum LeafKey {
    Known(&'static str),
    /// The rest of the raw name, from the first segment that does not resolve.
    Unknown(String),
}

impl Header {
    /// Resolves header names (one per column, in file order).
    pub fn from_names<'n>(names: impl IntoIterator<Item = &'n str>) -> Header {
        let mut b = Builder {
            nodes: vec![PlanNode {
                key: Key::Item,
                parent: 0,
                kind: Kind::Map(Vec::new()),
            }],
            leaves: Vec::new(),
            interior: HashMap::default(),
        };
        let mut columns = Vec::new();
        for (i, raw) in names.into_iter().enumerate() {
            let mut name = raw.trim();
            if i == 0 {
                name = name.trim_start_matches('\u{FEFF}').trim();
            }
            let r = resolve(name);
            let col = u32::try_from(columns.len()).unwrap_or(u32::MAX);
            b.add(col, &r);
            columns.push(Column {
                name: name.to_owned(),
                path: display_path(&r),
                unknown: matches!(r.leaf, LeafKey::Unknown(_)),
            });
        }
        let mut nodes = b.nodes;
        for n in &mut nodes {
            if let Kind::List(items) = &mut n.kind {
                items.sort_by_key(|&(index, _)| index);
            }
        }
        Header {
            columns,
            nodes,
            leaves: b.leaves,
        }
    }

    fn from_record(rec: &ByteRecord) -> Header {
        let names: Vec<Cow<'_, str>> = rec.iter().map(String::from_utf8_lossy).collect();
        Header::from_names(names.iter().map(|n| n.as_ref()))
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The column names as written in the file (trimmed).
    pub fn column_names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// Where column `i`'s values go, as the rules print paths (`listAddress[0].country`).
    pub fn column_path(&self, i: usize) -> Option<&str> {
        self.columns.get(i).map(|c| c.path.as_str())
    }

    /// Names of the columns that do not resolve to a catalog field.
    pub fn unknown_columns(&self) -> impl Iterator<Item = &str> + '_ {
        self.columns
            .iter()
            .filter(|c| c.unknown)
            .map(|c| c.name.as_str())
    }

    /// The value of interior node `id` for one row's cells; `live` marks the interior
    /// nodes with a non-empty cell below them.
    fn build<'a>(&self, id: u32, cells: &[&'a str], live: &[bool]) -> Node<'a> {
        match &self.nodes[id as usize].kind {
            Kind::Map(children) => {
                let mut fields = Vec::new();
                for &child in children {
                    let node = &self.nodes[child as usize];
                    let value = match &node.kind {
                        Kind::Leaf { col, split } => leaf_value(cells[*col as usize], *split),
                        _ if live[child as usize] => Some(self.build(child, cells, live)),
                        _ => None,
                    };
                    if let Some(value) = value {
                        let key = match &node.key {
                            Key::Field(name) => Cow::Borrowed(*name),
                            Key::Raw(name) => Cow::Owned(name.to_string()),
                            Key::Item => Cow::Borrowed(""),
                        };
                        fields.push((key, value));
                    }
                }
                Node::Map(fields)
            }
            Kind::List(items) => Node::List(
                items
                    .iter()
                    .filter(|&&(_, item)| live[item as usize])
                    .map(|&(_, item)| self.build(item, cells, live))
                    .collect(),
            ),
            Kind::Leaf { col, split } => {
                leaf_value(cells[*col as usize], *split).unwrap_or_else(|| Node::Map(Vec::new()))
            }
        }
    }
}

/// A cell's value; `None` for an empty cell.
fn leaf_value(cell: &str, split: bool) -> Option<Node<'_>> {
    if cell.is_empty() {
        None
    } else if split {
        let items: Vec<Node<'_>> = cell
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Node::Text(Cow::Borrowed(s)))
            .collect();
        (!items.is_empty()).then_some(Node::List(items))
    } else {
        Some(Node::Text(Cow::Borrowed(cell)))
    }
}

struct Builder {
    nodes: Vec<PlanNode>,
    leaves: Vec<u32>,
    interior: HashMap<(u32, ChildKey), u32>,
}

impl Builder {
    fn push(&mut self, parent: u32, index: Option<u32>, node: PlanNode) -> u32 {
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(node);
        match (&mut self.nodes[parent as usize].kind, index) {
            (Kind::Map(children), None) => children.push(id),
            (Kind::List(items), Some(i)) => items.push((i, id)),
            // `resolve` only yields paths that alternate list fields and indices.
            _ => debug_assert!(false, "inconsistent column path"),
        }
        id
    }

    fn add(&mut self, col: u32, r: &Resolved) {
        let mut node = 0u32;
        for step in &r.steps {
            let (child, index, key, kind) = match *step {
                Step::Object(n) => (
                    ChildKey::Field(n),
                    None,
                    Key::Field(n),
                    Kind::Map(Vec::new()),
                ),
                Step::List(n) => (
                    ChildKey::Field(n),
                    None,
                    Key::Field(n),
                    Kind::List(Vec::new()),
                ),
                Step::Index(i) => (
                    ChildKey::Index(i),
                    Some(i),
                    Key::Item,
                    Kind::Map(Vec::new()),
                ),
            };
            node = match self.interior.get(&(node, child)) {
                Some(&existing) => existing,
                None => {
                    let parent = node;
                    let id = self.push(node, index, PlanNode { key, parent, kind });
                    self.interior.insert((node, child), id);
                    id
                }
            };
        }
        let key = match &r.leaf {
            LeafKey::Known(name) => Key::Field(name),
            LeafKey::Unknown(raw) => Key::Raw(raw.as_str().into()),
        };
        let kind = Kind::Leaf {
            col,
            split: r.split,
        };
        let parent = node;
        let leaf = self.push(node, None, PlanNode { key, parent, kind });
        self.leaves.push(leaf);
    }
}

/// Splits a column name into segments with their byte offsets; `a[0].b` is `a.0.b`.
fn segments(name: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut off = 0;
    for piece in name.split('.') {
        if !push_bracketed(piece, off, &mut out) {
            out.push((off, piece));
        }
        off += piece.len() + 1;
    }
    out
}

/// `name[1]` (or `name[1][2]`) as segments; false when `piece` is not of that form.
fn push_bracketed<'n>(piece: &'n str, off: usize, out: &mut Vec<(usize, &'n str)>) -> bool {
    let Some(open) = piece.find('[') else {
        return false;
    };
    if open == 0 || !piece.ends_with(']') {
        return false;
    }
    let mut parts = vec![(off, &piece[..open])];
    let mut pos = open;
    while pos < piece.len() {
        let rest = &piece[pos..];
        let Some(inner) = rest.strip_prefix('[') else {
            return false;
        };
        let Some(close) = inner.find(']') else {
            return false;
        };
        let digits = &inner[..close];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        parts.push((off + pos + 1, digits));
        pos += close + 2;
    }
    out.extend(parts);
    true
}

fn parse_index(seg: &str) -> Option<u32> {
    if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seg.parse().ok()
}

/// Walks a column name through the catalog shapes, from the lead.
fn resolve(name: &str) -> Resolved {
    let segs = segments(name);
    let mut steps = Vec::new();
    let mut shape: &'static Shape = &catalog::LEAD;
    let mut i = 0;
    let unknown = |steps: Vec<Step>, off: usize| Resolved {
        steps,
        leaf: LeafKey::Unknown(name[off..].to_owned()),
        split: false,
    };
    loop {
        let (off, seg) = segs[i];
        let last = i + 1 == segs.len();
        let Some(fi) = shape.lookup_folded(seg) else {
            return unknown(steps, off);
        };
        let field = &shape.fields[fi];
        match &field.ty {
            Type::List(sub) => {
                // A list needs an index and then a field of the item.
                let index = segs.get(i + 1).and_then(|&(_, s)| parse_index(s));
                match index {
                    Some(ix) if i + 2 < segs.len() => {
                        steps.push(Step::List(field.name));
                        steps.push(Step::Index(ix));
                        shape = sub;
                        i += 2;
                    }
                    _ => return unknown(steps, off),
                }
            }
            Type::Object(sub) => {
                if last {
                    return unknown(steps, off);
                }
                steps.push(Step::Object(field.name));
                shape = sub;
                i += 1;
            }
            ty => {
                if !last {
                    return unknown(steps, off);
                }
                return Resolved {
                    steps,
                    leaf: LeafKey::Known(field.name),
                    split: matches!(ty, Type::EnumList(_)),
                };
            }
        }
    }
}

fn display_path(r: &Resolved) -> String {
    let mut out = String::new();
    for step in &r.steps {
        match step {
            Step::Object(n) | Step::List(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    let leaf = match &r.leaf {
        LeafKey::Known(n) => *n,
        LeafKey::Unknown(raw) => raw.as_str(),
    };
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(leaf);
    out
}

/// Parses one row into a record tree (on a worker thread).
pub fn parse_record<'a>(
    row: &'a ByteRecord,
    header: &Header,
    _opts: &ReadOptions,
) -> Result<Node<'a>, RecordFault> {
    let n = header.columns.len();
    if row.len() != n {
        return Err(RecordFault {
            line_offset: 0,
            column: 1,
            message: format!("row has {} cells but the header has {n}", row.len()),
        });
    }
    // Usually the whole row is valid UTF-8 and every cell is a slice of it.
    let text = std::str::from_utf8(row.as_slice()).ok();
    let mut cells: Vec<&'a str> = Vec::with_capacity(n);
    let mut live = vec![false; header.nodes.len()];
    let mut start = 0;
    for (i, raw) in row.iter().enumerate() {
        let next = start + raw.len();
        // Rows are split on `\n`: the `\r` of a CRLF line end stays on the last cell.
        let bytes = match raw {
            [rest @ .., b'\r'] if i + 1 == n => rest,
            _ => raw,
        };
        let end = start + bytes.len();
        let cell = if bytes.is_empty() {
            ""
        } else if let Some(s) = text.and_then(|t| t.get(start..end)) {
            s
        } else {
            match std::str::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => return Err(utf8_fault(row, header, i, bytes, &e)),
            }
        };
        start = next;
        cells.push(cell);
        if !cell.is_empty() {
            // Mark the cell's ancestors as holding a value.
            let mut p = header.nodes[header.leaves[i] as usize].parent as usize;
            while !live[p] {
                live[p] = true;
                p = header.nodes[p].parent as usize;
            }
        }
    }
    Ok(header.build(0, &cells, &live))
}

fn utf8_fault(
    row: &ByteRecord,
    header: &Header,
    i: usize,
    bytes: &[u8],
    e: &std::str::Utf8Error,
) -> RecordFault {
    let line_offset = row
        .iter()
        .take(i)
        .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
        .sum();
    RecordFault {
        line_offset,
        column: i as u64 + 1,
        message: format!(
            "invalid UTF-8 in column '{}' (byte 0x{:02X}); if the file is not UTF-8, pass \
             --encoding windows-1252",
            header.columns[i].name,
            bytes[e.valid_up_to()]
        ),
    }
}

/// Notes when the wrapped reader reaches its end, so that a row ended by the end of the
/// file (rather than by `\n`) is told apart.
struct Tap<R> {
    inner: R,
    eof: Rc<Cell<bool>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof.set(true);
        }
        Ok(n)
    }
}

/// Appends up to `n` bytes read from `r` to `buf`; the number read (0 at the end).
fn read_more(r: &mut dyn Read, buf: &mut Vec<u8>, n: usize) -> io::Result<usize> {
    let old = buf.len();
    buf.resize(old + n, 0);
    loop {
        match r.read(&mut buf[old..]) {
            Ok(k) => {
                buf.truncate(old + k);
                return Ok(k);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
}

/// Handles the byte-order mark and `--encoding`: the UTF-8 stream to parse, and the bytes
/// of it already read.
fn open(mut input: Box<dyn Read>, opts: &ReadOptions) -> io::Result<(Box<dyn Read>, Vec<u8>)> {
    let mut first = Vec::with_capacity(CHUNK);
    while first.len() < UTF8_BOM.len() {
        if read_more(&mut input, &mut first, CHUNK)? == 0 {
            break;
        }
    }
    // A byte-order mark wins over --encoding.
    if first.starts_with(UTF8_BOM) {
        first.drain(..UTF8_BOM.len());
        return Ok((input, first));
    }
    let (encoding, bom) = if first.starts_with(b"\xFF\xFE") {
        (Some(encoding_rs::UTF_16LE), 2)
    } else if first.starts_with(b"\xFE\xFF") {
        (Some(encoding_rs::UTF_16BE), 2)
    } else {
        (opts.encoding.filter(|e| *e != encoding_rs::UTF_8), 0)
    };
    match encoding {
        Some(enc) => {
            first.drain(..bom);
            let raw = Cursor::new(first).chain(input);
            Ok((Box::new(DecodingReader::new(raw, enc)), Vec::new()))
        }
        None => Ok((input, first)),
    }
}

/// What the header line tells: the delimiter of a `.csv` and the line ends.
struct Style {
    /// `,` unless the header line holds no comma, then `;`.
    delimiter: u8,
    /// Lines end in a bare `\r` (old Mac style).
    cr_only: bool,
}

/// Reads the first line (past leading blank lines) into `peek`, up to `SNIFF_LIMIT`.
fn sniff(stream: &mut dyn Read, peek: &mut Vec<u8>) -> io::Result<Style> {
    let mut pos = 0;
    let mut started = false;
    let mut comma = false;
    let mut eof = false;
    let style = |comma: bool, cr_only: bool| Style {
        delimiter: if comma { b',' } else { b';' },
        cr_only,
    };
    loop {
        while pos < peek.len() {
            let b = peek[pos];
            if !started {
                if b == b'\r' || b == b'\n' {
                    pos += 1;
                    continue;
                }
                started = true;
            }
            match b {
                b',' => comma = true,
                b'\n' => return Ok(style(comma, false)),
                b'\r' => match peek.get(pos + 1) {
                    Some(&next) => return Ok(style(comma, next != b'\n')),
                    None if eof => return Ok(style(comma, false)),
                    None => break,
                },
                _ => {}
            }
            pos += 1;
        }
        if eof || peek.len() >= SNIFF_LIMIT {
            return Ok(style(comma, false));
        }
        if read_more(stream, peek, CHUNK)? == 0 {
            eof = true;
        }
    }
}

fn is_blank(row: &ByteRecord) -> bool {
    matches!(row.as_slice(), b"" | b"\r")
}

fn csv_fault(file: u32, line: u64, e: &::csv::Error, sink: &mut BatchSink) {
    let (loc, diag) = match e.kind() {
        ::csv::ErrorKind::Io(io) => io_fault(file, line, io),
        _ => io_fault(file, line, &io::Error::other(e.to_string())),
    };
    sink.file_error(loc, diag);
}

/// Cuts a CSV/TSV file into rows (on the reader thread).
pub fn read(
    file: u32,
    path: &Path,
    input: Box<dyn Read>,
    opts: &ReadOptions,
    sink: &mut BatchSink,
) {
    let fail = |sink: &mut BatchSink, line: u64, e: &io::Error| {
        let (loc, diag) = io_fault(file, line, e);
        sink.file_error(loc, diag);
    };
    let (mut stream, mut peek) = match open(input, opts) {
        Ok(x) => x,
        Err(e) => return fail(sink, 1, &e),
    };
    let style = match sniff(&mut stream, &mut peek) {
        Ok(s) => s,
        Err(e) => return fail(sink, 1, &e),
    };
    let tsv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let delimiter = if tsv { b'\t' } else { style.delimiter };
    let eof = Rc::new(Cell::new(false));
    let tap = Tap {
        inner: Cursor::new(peek).chain(stream),
        eof: eof.clone(),
    };
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(if style.cr_only {
            Terminator::CRLF
        } else {
            Terminator::Any(b'\n')
        })
        .buffer_capacity(BUFFER)
        .from_reader(tap);

    // Bare-CR files: the parser counts `\n` only, so lines are counted here.
    let mut cr_line: u64 = 1;
    let mut header_rec = ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut header_rec) {
            Ok(true) if is_blank(&header_rec) => continue,
            Ok(true) => break,
            Ok(false) => return,
            Err(e) => return csv_fault(file, rdr.position().line(), &e, sink),
        }
    }
    cr_line += 1 + memchr::memchr_iter(b'\r', header_rec.as_slice()).count() as u64;
    let header = Arc::new(Header::from_record(&header_rec));
    drop(header_rec);

    let mut record: u64 = 0;
    let mut cap_bytes = 1024;
    let mut cap_fields = header.len().max(1);
    let mut held: usize = 0;
    loop {
        if sink.stopped {
            return;
        }
        let mut row = ByteRecord::with_capacity(cap_bytes, cap_fields);
        match rdr.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return csv_fault(file, rdr.position().line(), &e, sink),
        }
        let content = row.as_slice();
        let line = if style.cr_only {
            let l = cr_line;
            cr_line += 1 + memchr::memchr_iter(b'\r', content).count() as u64;
            l
        } else {
            // The parser's line is past the row and its `\n` (absent when the file ended
            // the row); quoted cells keep their line breaks.
            let breaks = memchr::memchr_iter(b'\n', content).count() as u64;
            let terminator = u64::from(!eof.get());
            rdr.position()
                .line()
                .saturating_sub(breaks + terminator)
                .max(1)
        };
        if is_blank(&row) {
            continue;
        }
        let len = content.len();
        cap_bytes = (len + len / 8).clamp(64, MAX_PREALLOC);
        cap_fields = row.len().clamp(1, header.len().max(64));
        record += 1;
        let loc = Location { file, record, line };
        let body = if len > opts.max_record_bytes {
            held += 64;
            RawBody::Unreadable(Diagnostic::error(
                code::PARSE_ERROR,
                "",
                format!(
                    "record of {len} bytes exceeds --max-record-bytes ({})",
                    opts.max_record_bytes
                ),
            ))
        } else {
            held += len + 8 * row.len() + 64;
            RawBody::Csv {
                row,
                header: header.clone(),
            }
        };
        sink.push(Item::Record(RawRecord { loc, body }));
        if held >= BATCH_BYTES {
            sink.flush();
            held = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Batch;

    fn t(s: &str) -> Node<'_> {
        Node::Text(Cow::Borrowed(s))
    }

    fn m<'a>(fields: Vec<(&'a str, Node<'a>)>) -> Node<'a> {
        Node::Map(
            fields
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
        )
    }

    fn l(items: Vec<Node<'_>>) -> Node<'_> {
        Node::List(items)
    }

    fn run_opts(name: &str, bytes: &[u8], opts: &ReadOptions, max_items: usize) -> Vec<Item> {
        let mut items = Vec::new();
        let mut emit = |b: Batch| {
            items.extend(b.items);
            true
        };
        let mut sink = BatchSink::new(max_items, 1 << 20, &mut emit);
        read(
            7,
            Path::new(name),
            Box::new(Cursor::new(bytes.to_vec())),
            opts,
            &mut sink,
        );
        sink.flush();
        drop(sink);
        items
    }

    fn run(name: &str, bytes: &[u8]) -> Vec<Item> {
        run_opts(name, bytes, &ReadOptions::default(), 3)
    }

    /// (record, line, row, header) of every pushed row.
    fn cut_rows(items: &[Item]) -> Vec<(u64, u64, &ByteRecord, &Header)> {
        items
            .iter()
            .map(|it| match it {
                Item::Record(RawRecord {
                    loc,
                    body: RawBody::Csv { row, header },
                }) => {
                    assert_eq!(loc.file, 7);
                    (loc.record, loc.line, row, &**header)
                }
                other => panic!("unexpected item {other:?}"),
            })
            .collect()
    }

    fn parse<'a>(row: &'a ByteRecord, header: &Header) -> Node<'a> {
        parse_record(row, header, &ReadOptions::default()).expect("row parses")
    }

    fn record(cells: &[&str]) -> ByteRecord {
        ByteRecord::from(cells.to_vec())
    }

    #[test]
    fn gen_corpus_style_header_builds_the_nested_record() {
        let header = Header::from_names([
            "communicationNumber",
            "initializeScreeningProcesses",
            "listAddress.0.country",
            "listAddress.0.city",
            "listAddress.1.country",
            "fieldOfActivity.employment.isEmployee",
            "fieldOfActivity.employment.employerTitle",
            "fieldOfActivity.student.isStudent",
            "listRelatedEntity.0.entityType",
            "listRelatedEntity.0.listContact.0.contactType",
            "listRelatedEntity.0.listContact.0.contactDetails",
            "listRelatedEntity.0.listAddress.0.country",
            "listRelatedEntity.1.firstName",
            "isPEP",
        ]);
        assert_eq!(header.len(), 14);
        assert_eq!(header.unknown_columns().count(), 0);
        assert_eq!(
            header.column_path(9),
            Some("listRelatedEntity[0].listContact[0].contactType")
        );
        let row = record(&[
            "C1",
            " SANCTIONS; pep;;",
            "LT",
            "Vilnius",
            "",
            "true",
            "",
            "",
            "INDIVIDUAL",
            "EMAIL",
            "a@b.lt",
            "",
            "Jonas",
            "  ",
        ]);
        let expected = m(vec![
            ("communicationNumber", t("C1")),
            (
                "initializeScreeningProcesses",
                l(vec![t("SANCTIONS"), t("pep")]),
            ),
            (
                "listAddress",
                l(vec![m(vec![("country", t("LT")), ("city", t("Vilnius"))])]),
            ),
            (
                "fieldOfActivity",
                m(vec![("employment", m(vec![("isEmployee", t("true"))]))]),
            ),
            (
                "listRelatedEntity",
                l(vec![
                    m(vec![
                        ("entityType", t("INDIVIDUAL")),
                        (
                            "listContact",
                            l(vec![m(vec![
                                ("contactType", t("EMAIL")),
                                ("contactDetails", t("a@b.lt")),
                            ])]),
                        ),
                    ]),
                    m(vec![("firstName", t("Jonas"))]),
                ]),
            ),
            ("isPEP", t("  ")),
        ]);
        assert_eq!(parse(&row, &header), expected);
        // Leaves borrow from the row.
        let node = parse(&row, &header);
        assert!(matches!(
            node.get("communicationNumber"),
            Some(Node::Text(Cow::Borrowed(_)))
        ));
    }

    #[test]
    fn lists_are_compact_and_ordered_by_index() {
        let header = Header::from_names([
            "listAddress.2.country",
            "firstName",
            "listAddress.0.country",
            "listAddress.1.city",
            "listAddress.10.country",
        ]);
        let row = record(&["LV", "Eglė", "LT", "", "EE"]);
        assert_eq!(
            parse(&row, &header),
            m(vec![
                (
                    "listAddress",
                    l(vec![
                        m(vec![("country", t("LT"))]),
                        m(vec![("country", t("LV"))]),
                        m(vec![("country", t("EE"))]),
                    ])
                ),
                ("firstName", t("Eglė")),
            ])
        );
        let row = record(&["", "", "", "Kaunas", ""]);
        assert_eq!(
            parse(&row, &header),
            m(vec![(
                "listAddress",
                l(vec![m(vec![("city", t("Kaunas"))])])
            )])
        );
        let row = record(&["", "", "", "", ""]);
        assert_eq!(parse(&row, &header), Node::Map(Vec::new()));
    }

    #[test]
    fn bracket_indices_are_accepted() {
        let header = Header::from_names([
            "listAddress[0].country",
            "listRelatedEntity[1].listContact[0].contactType",
            "listAddress.0.city",
        ]);
        assert_eq!(header.unknown_columns().count(), 0);
        assert_eq!(header.column_path(0), Some("listAddress[0].country"));
        let row = record(&["LT", "EMAIL", "Vilnius"]);
        assert_eq!(
            parse(&row, &header),
            m(vec![
                (
                    "listAddress",
                    l(vec![m(vec![("country", t("LT")), ("city", t("Vilnius"))])])
                ),
                (
                    "listRelatedEntity",
                    l(vec![m(vec![(
                        "listContact",
                        l(vec![m(vec![("contactType", t("EMAIL"))])])
                    )])])
                ),
            ])
        );
    }

    #[test]
    fn header_names_match_case_insensitively_and_aliases_become_canonical() {
        let header = Header::from_names([
            " FirstName ",
            "LISTADDRESS.0.COUNTRY",
            "GIIN",
            "listSourceOfWealth.0.SourceOfWealthCode",
            "FieldOfActivity.Employment.IsEmployee",
        ]);
        assert_eq!(header.unknown_columns().count(), 0);
        assert_eq!(
            header.column_names().collect::<Vec<_>>(),
            [
                "FirstName",
                "LISTADDRESS.0.COUNTRY",
                "GIIN",
                "listSourceOfWealth.0.SourceOfWealthCode",
                "FieldOfActivity.Employment.IsEmployee"
            ]
        );
        let row = record(&["Jonas", "lt", "G1", "SALARY", "TRUE"]);
        assert_eq!(
            parse(&row, &header),
            m(vec![
                ("firstName", t("Jonas")),
                ("listAddress", l(vec![m(vec![("country", t("lt"))])])),
                ("giin", t("G1")),
                (
                    "listSourceOfWealth",
                    l(vec![m(vec![("code", t("SALARY"))])])
                ),
                (
                    "fieldOfActivity",
                    m(vec![("employment", m(vec![("isEmployee", t("TRUE"))]))])
                ),
            ])
        );
    }

    #[test]
    fn unknown_columns_keep_their_raw_names_at_the_right_place() {
        let header = Header::from_names([
            "middleName",
            "listAddress.0.foo",
            "listAddress",
            "listAddress.x.country",
            "listAddress.0",
            "firstName.0",
            "fieldOfActivity",
            "fieldOfActivity.employment.bar",
            "listAddress.0.country.extra",
            "initializeScreeningProcesses.0",
            "a[b].c",
            "",
        ]);
        assert_eq!(header.unknown_columns().count(), 12);
        assert_eq!(header.column_path(1), Some("listAddress[0].foo"));
        assert_eq!(
            header.column_path(7),
            Some("fieldOfActivity.employment.bar")
        );
        assert_eq!(header.column_path(8), Some("listAddress[0].country.extra"));
        let row = record(&["M", "f", "L", "X", "I", "F", "O", "B", "E", "S", "Z", "N"]);
        assert_eq!(
            parse(&row, &header),
            m(vec![
                ("middleName", t("M")),
                (
                    "listAddress",
                    l(vec![m(vec![("foo", t("f")), ("country.extra", t("E"))])])
                ),
                ("listAddress", t("L")),
                ("listAddress.x.country", t("X")),
                ("listAddress.0", t("I")),
                ("firstName.0", t("F")),
                ("fieldOfActivity", t("O")),
                (
                    "fieldOfActivity",
                    m(vec![("employment", m(vec![("bar", t("B"))]))])
                ),
                ("initializeScreeningProcesses.0", t("S")),
                ("a[b].c", t("Z")),
                ("", t("N")),
            ])
        );
        // Without values, unknown columns add nothing.
        let row = record(&[""; 12]);
        assert_eq!(parse(&row, &header), Node::Map(Vec::new()));
    }

    #[test]
    fn duplicate_columns_give_repeated_keys() {
        let header = Header::from_names([
            "firstName",
            "listAddress.0.country",
            "FirstName",
            "listAddress[0].COUNTRY",
            "lei",
            "LEI",
        ]);
        let row = record(&["A", "LT", "B", "LV", "", "L1"]);
        assert_eq!(
            parse(&row, &header),
            m(vec![
                ("firstName", t("A")),
                (
                    "listAddress",
                    l(vec![m(vec![("country", t("LT")), ("country", t("LV"))])])
                ),
                ("firstName", t("B")),
                ("lei", t("L1")),
            ])
        );
    }

    #[test]
    fn wrong_cell_counts_are_faults() {
        let header = Header::from_names(["firstName", "lastName", "birthDate"]);
        for (cells, n) in [(&["a", "b"][..], 2), (&["a", "b", "c", "d"][..], 4)] {
            let row = record(cells);
            let fault = parse_record(&row, &header, &ReadOptions::default()).unwrap_err();
            assert_eq!(
                fault.message,
                format!("row has {n} cells but the header has 3")
            );
            assert_eq!((fault.line_offset, fault.column), (0, 1));
        }
    }

    #[test]
    fn invalid_utf8_names_the_column_and_the_byte() {
        let header = Header::from_names(["note", "firstName"]);
        let row = ByteRecord::from(vec![&b"two\nlines"[..], &b"Jos\xe9"[..]]);
        let fault = parse_record(&row, &header, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            fault.message,
            "invalid UTF-8 in column 'firstName' (byte 0xE9); if the file is not UTF-8, pass \
             --encoding windows-1252"
        );
        assert_eq!((fault.line_offset, fault.column), (1, 2));
    }

    #[test]
    fn reads_rows_with_locations() {
        let items = run(
            "a.csv",
            b"firstName,lastName\nJonas,Jonaitis\n\n\"Multi\nline\",\"x, \"\"y\"\"\"\nlast,row",
        );
        let rows = cut_rows(&items);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
            [(1, 2), (2, 4), (3, 6)]
        );
        assert_eq!(
            parse(rows[1].2, rows[1].3),
            m(vec![
                ("firstName", t("Multi\nline")),
                ("lastName", t("x, \"y\""))
            ])
        );
        assert_eq!(
            parse(rows[2].2, rows[2].3),
            m(vec![("firstName", t("last")), ("lastName", t("row"))])
        );
    }

    #[test]
    fn crlf_files_keep_exact_lines_and_clean_cells() {
        let items = run(
            "a.csv",
            b"firstName,lastName\r\nA,B\r\n\r\n,,\r\n\"x\r\ny\",\"q\"\r\nC,D\r\n",
        );
        let rows = cut_rows(&items);
        assert_eq!(
            rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
            [(1, 2), (2, 5), (3, 7)]
        );
        assert_eq!(
            rows[0].3.column_names().collect::<Vec<_>>(),
            ["firstName", "lastName"]
        );
        assert_eq!(
            parse(rows[0].2, rows[0].3),
            m(vec![("firstName", t("A")), ("lastName", t("B"))])
        );
        assert_eq!(
            parse(rows[1].2, rows[1].3),
            m(vec![("firstName", t("x\r\ny")), ("lastName", t("q"))])
        );
    }

    #[test]
    fn bare_cr_line_ends_are_understood() {
        let items = run("a.csv", b"firstName,lastName\rA,B\rC,D\r");
        let rows = cut_rows(&items);
        assert_eq!(
            rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
            [(1, 2), (2, 3)]
        );
        assert_eq!(
            parse(rows[1].2, rows[1].3),
            m(vec![("firstName", t("C")), ("lastName", t("D"))])
        );
    }

    #[test]
    fn semicolon_delimiter_when_the_header_has_no_comma() {
        let items = run(
            "a.csv",
            b"\n\nfirstName;lastName;initializeScreeningProcesses\nJo, Jr;B;\"PEP;SANCTIONS\"\n",
        );
        let rows = cut_rows(&items);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1, 4);
        assert_eq!(
            parse(rows[0].2, rows[0].3),
            m(vec![
                ("firstName", t("Jo, Jr")),
                ("lastName", t("B")),
                (
                    "initializeScreeningProcesses",
                    l(vec![t("PEP"), t("SANCTIONS")])
                ),
            ])
        );
        // A comma anywhere in the header line keeps `,`.
        let items = run("a.csv", b"firstName,\"last;Name\"\nA;B,C\n");
        let rows = cut_rows(&items);
        assert_eq!(
            rows[0].3.column_names().collect::<Vec<_>>(),
            ["firstName", "last;Name"]
        );
        assert_eq!(rows[0].2.len(), 2);
    }

    #[test]
    fn tsv_uses_tabs() {
        let items = run("dir/leads.TSV", b"firstName\tlastName\nA, B\tC;D\n");
        let rows = cut_rows(&items);
        assert_eq!(
            parse(rows[0].2, rows[0].3),
            m(vec![("firstName", t("A, B")), ("lastName", t("C;D"))])
        );
    }

    #[test]
    fn utf8_bom_is_skipped() {
        let items = run("a.csv", b"\xEF\xBB\xBFfirstName,lastName\nA,B\n");
        let rows = cut_rows(&items);
        assert_eq!(rows[0].3.unknown_columns().count(), 0);
        assert_eq!(
            parse(rows[0].2, rows[0].3),
            m(vec![("firstName", t("A")), ("lastName", t("B"))])
        );
    }

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut out = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            out.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_bom_selects_decoding() {
        for little in [true, false] {
            let bytes = utf16("firstName,lastName\nŽygimantas,山田\n", little);
            let items = run("a.csv", &bytes);
            let rows = cut_rows(&items);
            assert_eq!(rows.len(), 1);
            assert_eq!(
                parse(rows[0].2, rows[0].3),
                m(vec![
                    ("firstName", t("Žygimantas")),
                    ("lastName", t("山田"))
                ])
            );
        }
    }

    #[test]
    fn windows_1252_with_encoding_option() {
        let bytes = b"firstName,lastName\nJos\xe9,M\xfcller \x80\n";
        let opts = ReadOptions {
            encoding: Some(encoding_rs::WINDOWS_1252),
            ..ReadOptions::default()
        };
        let items = run_opts("a.csv", bytes, &opts, 10);
        let rows = cut_rows(&items);
        assert_eq!(
            parse(rows[0].2, rows[0].3),
            m(vec![("firstName", t("José")), ("lastName", t("Müller €"))])
        );
        // Without the option the row is rejected with a hint.
        let items = run("a.csv", bytes);
        let rows = cut_rows(&items);
        let fault = parse_record(rows[0].2, rows[0].3, &ReadOptions::default()).unwrap_err();
        assert!(
            fault.message.contains("column 'firstName' (byte 0xE9)"),
            "{}",
            fault.message
        );
        assert!(fault.message.contains("--encoding windows-1252"));
    }

    #[test]
    fn malformed_encoded_input_is_a_file_error() {
        let opts = ReadOptions {
            encoding: Some(encoding_rs::UTF_16LE),
            ..ReadOptions::default()
        };
        // A lone high surrogate is not valid UTF-16.
        let mut bytes = Vec::new();
        for u in "firstName\nA".encode_utf16().chain([0xD800, 0x0041]) {
            bytes.extend(u.to_le_bytes());
        }
        let items = run_opts("a.csv", &bytes, &opts, 10);
        assert!(
            items.iter().any(|it| matches!(it, Item::FileError { loc, diag }
                if loc.record == 0 && diag.code == code::PARSE_ERROR && diag.message.contains("read error"))),
            "{items:?}"
        );
    }

    #[test]
    fn header_only_and_empty_files_give_nothing() {
        assert!(run("a.csv", b"").is_empty());
        assert!(run("a.csv", b"\n\r\n").is_empty());
        assert!(run("a.csv", b"firstName,lastName").is_empty());
        assert!(run("a.csv", b"firstName,lastName\r\n\r\n,\r\n").is_empty());
        assert!(run("a.tsv", b"\xEF\xBB\xBF").is_empty());
    }

    #[test]
    fn unterminated_quote_takes_the_rest_of_the_file() {
        let items = run("a.csv", b"firstName,lastName\n\"A,B\nC,D\n");
        let rows = cut_rows(&items);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1, 2);
        assert!(parse_record(rows[0].2, rows[0].3, &ReadOptions::default()).is_err());
    }

    #[test]
    fn oversize_rows_are_unreadable_and_reading_goes_on() {
        let opts = ReadOptions {
            max_record_bytes: 10,
            ..ReadOptions::default()
        };
        let items = run_opts(
            "a.csv",
            b"firstName,lastName\nshort,row\naaaaaaaaaa,bbbbbbbbbb\nx,y\n",
            &opts,
            10,
        );
        assert_eq!(items.len(), 3);
        match &items[1] {
            Item::Record(RawRecord {
                loc,
                body: RawBody::Unreadable(diag),
            }) => {
                assert_eq!((loc.record, loc.line), (2, 3));
                assert_eq!(diag.code, code::PARSE_ERROR);
                assert_eq!(
                    diag.message,
                    "record of 20 bytes exceeds --max-record-bytes (10)"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[2], Item::Record(r) if r.loc.record == 3 && r.loc.line == 4));
    }

    #[test]
    fn batches_of_big_rows_are_flushed_by_size() {
        let mut data = b"firstName,lastName\n".to_vec();
        let cell = "x".repeat(100 << 10);
        for _ in 0..100 {
            data.extend(format!("{cell},{cell}\n").bytes());
        }
        let mut sizes = Vec::new();
        let mut emit = |b: Batch| {
            let bytes: usize = b
                .items
                .iter()
                .map(|it| match it {
                    Item::Record(RawRecord {
                        body: RawBody::Csv { row, .. },
                        ..
                    }) => row.as_slice().len(),
                    _ => 0,
                })
                .sum();
            sizes.push((b.items.len(), bytes));
            true
        };
        let mut sink = BatchSink::new(10_000, 1 << 20, &mut emit);
        let input = Box::new(Cursor::new(data));
        read(
            0,
            Path::new("a.csv"),
            input,
            &ReadOptions::default(),
            &mut sink,
        );
        sink.flush();
        drop(sink);
        assert_eq!(sizes.iter().map(|s| s.0).sum::<usize>(), 100);
        assert!(sizes.len() >= 4, "{sizes:?}");
        assert!(
            sizes.iter().all(|s| s.1 <= BATCH_BYTES + (200 << 10)),
            "{sizes:?}"
        );
    }

    #[test]
    fn a_stopped_sink_stops_the_reader() {
        let mut data = b"firstName\n".to_vec();
        for i in 0..100 {
            data.extend(format!("n{i}\n").bytes());
        }
        let mut seen = 0;
        let mut emit = |b: Batch| {
            seen += b.items.len();
            false
        };
        let mut sink = BatchSink::new(5, 1 << 20, &mut emit);
        read(
            0,
            Path::new("a.csv"),
            Box::new(Cursor::new(data)),
            &ReadOptions::default(),
            &mut sink,
        );
        assert!(sink.stopped);
        drop(sink);
        assert_eq!(seen, 5);
    }

    #[test]
    fn wide_headers_and_long_lines_stay_linear() {
        let n = 100_000;
        let mut data = Vec::new();
        for i in 0..n {
            if i > 0 {
                data.push(b',');
            }
            if i % 2 == 0 {
                data.extend(format!("listAddress.{i}.country").bytes());
            } else {
                data.extend(format!("unknown{i}").bytes());
            }
        }
        data.push(b'\n');
        data.extend(std::iter::repeat_n(&b"LT,"[..], n - 1).flatten());
        data.extend(b"x\n");
        let start = std::time::Instant::now();
        let items = run("wide.csv", &data);
        let rows = cut_rows(&items);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].3.len(), n);
        assert_eq!(rows[0].3.unknown_columns().count(), n / 2);
        let node = parse(rows[0].2, rows[0].3);
        let Node::Map(fields) = &node else { panic!() };
        assert_eq!(fields.len(), 1 + n / 2);
        assert!(matches!(&fields[0].1, Node::List(items) if items.len() == n / 2));
        // One 20 MB line.
        let mut long = b"firstName,lastName\n".to_vec();
        long.extend(std::iter::repeat_n(b'a', 20 << 20));
        long.extend(b",b\n");
        let items = run("long.csv", &long);
        assert!(matches!(
            &items[..],
            [Item::Record(RawRecord {
                body: RawBody::Unreadable(_),
                ..
            })]
        ));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn gen_corpus_fixture_reads_completely() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv/gen_corpus_seed12.csv");
        let bytes = std::fs::read(&path).unwrap();
        let items = run("gen_corpus_seed12.csv", &bytes);
        let rows = cut_rows(&items);
        assert_eq!(rows.len(), 60);
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            (1..=60).collect::<Vec<_>>()
        );
        // Record 49 holds a quoted two-line cell: record 50 starts a line later.
        assert_eq!((rows[48].1, rows[49].1, rows[59].1), (50, 52, 62));
        let header = rows[0].3;
        let mut unknown: Vec<_> = header.unknown_columns().collect();
        unknown.sort();
        assert_eq!(unknown, ["leadSource", "riskScore"]);
        for (record, _, row, header) in &rows {
            let node = parse(row, header);
            let Node::Map(fields) = &node else { panic!() };
            let odd = fields
                .iter()
                .any(|(k, _)| k == "riskScore" || k == "leadSource");
            assert_eq!(odd, [29, 34, 44, 59].contains(record), "record {record}");
            let comm = node.get("communicationNumber").and_then(Node::as_text);
            assert_eq!(comm, Some(format!("ComNr_12_{record:08}").as_str()));
        }
        let note = parse(rows[48].2, rows[48].3);
        assert_eq!(
            note.get("activityDescription"),
            Some(&t("multi-line \"quoted\" note\nsecond line, with comma"))
        );
    }
}
