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

/// A CSV file's header: its columns, resolved against the catalog into a plan of the
/// record's tree.
#[derive(Debug)]
pub struct Header {
    columns: Vec<Column>,
    /// The tree the columns describe; `nodes[0]` is the record itself (a map).
    nodes: Vec<PlanNode>,
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
                kind: Kind::Map(Vec::new()),
            }],
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
        Header { columns, nodes }
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

    /// The value of node `id` for one row's cells; `None` when no cell below it has one.
    fn build<'a>(&self, id: u32, cells: &[&'a str]) -> Option<Node<'a>> {
        match &self.nodes[id as usize].kind {
            Kind::Leaf { col, split } => {
                let cell = cells[*col as usize];
                if cell.is_empty() {
                    None
                } else if *split {
                    let items: Vec<Node<'a>> = cell
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
            Kind::Map(children) => {
                let mut fields = Vec::new();
                for &child in children {
                    if let Some(value) = self.build(child, cells) {
                        let key = match &self.nodes[child as usize].key {
                            Key::Field(name) => Cow::Borrowed(*name),
                            Key::Raw(name) => Cow::Owned(name.to_string()),
                            Key::Item => Cow::Borrowed(""),
                        };
                        fields.push((key, value));
                    }
                }
                (!fields.is_empty()).then_some(Node::Map(fields))
            }
            Kind::List(items) => {
                let values: Vec<Node<'a>> = items
                    .iter()
                    .filter_map(|&(_, item)| self.build(item, cells))
                    .collect();
                (!values.is_empty()).then_some(Node::List(values))
            }
        }
    }
}

struct Builder {
    nodes: Vec<PlanNode>,
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
                    let id = self.push(node, index, PlanNode { key, kind });
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
        self.push(node, None, PlanNode { key, kind });
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
    let mut cells: Vec<&'a str> = Vec::with_capacity(n);
    for (i, raw) in row.iter().enumerate() {
        // Rows are split on `\n`: the `\r` of a CRLF line end stays on the last cell.
        let bytes = match raw {
            [rest @ .., b'\r'] if i + 1 == n => rest,
            _ => raw,
        };
        if bytes.is_empty() {
            cells.push("");
            continue;
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => cells.push(s),
            Err(e) => {
                let line_offset = row
                    .iter()
                    .take(i)
                    .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
                    .sum();
                return Err(RecordFault {
                    line_offset,
                    column: i as u64 + 1,
                    message: format!(
                        "invalid UTF-8 in column '{}' (byte 0x{:02X}); if the file is not UTF-8, \
                         pass --encoding windows-1252",
                        header.columns[i].name,
                        bytes[e.valid_up_to()]
                    ),
                });
            }
        }
    }
    Ok(header
        .build(0, &cells)
        .unwrap_or_else(|| Node::Map(Vec::new())))
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
            RawBody::Unreadable(Diagnostic::error(
                code::PARSE_ERROR,
                "",
                format!(
                    "record of {len} bytes exceeds --max-record-bytes ({})",
                    opts.max_record_bytes
                ),
            ))
        } else {
            RawBody::Csv {
                row,
                header: header.clone(),
            }
        };
        sink.push(Item::Record(RawRecord { loc, body }));
    }
}
