//! The header row resolved through the catalog: each column name (`listAddress.0.country`,
//! `listAddress[0].country`, any case, aliases) walked into steps of the record's shape, the
//! columns folded into one plan of the record's tree, and a row's cells laid out on it.

use std::borrow::Cow;

use ::csv::ByteRecord;
use foldhash::HashMap;

use crate::catalog::{self, Shape, Type};
use crate::diagnostic::Diagnostic;
use crate::record::Node;
use crate::source::limits::{self, Container};

/// A CSV file's header: its columns, resolved against the catalog into a plan of the
/// record's tree.
#[derive(Debug)]
pub struct Header {
    pub(super) columns: Vec<Column>,
    /// The tree the columns describe; `nodes[0]` is the record itself (a map).
    pub(super) nodes: Vec<PlanNode>,
    /// The leaf node of each column (`NO_LEAF` for a column past a limit).
    pub(super) leaves: Vec<u32>,
    /// `--max-list-items`: indices of a list, fields of an object, items of a `;`-list.
    max_items: usize,
}

/// The leaf of a column that is not in the plan: past `--max-list-items`.
pub(super) const NO_LEAF: u32 = u32::MAX;

#[derive(Debug)]
pub(super) struct Column {
    /// The header cell as written (white space trimmed).
    pub(super) name: String,
    /// Where the column's value goes, as the rules print paths (`listAddress[0].country`):
    /// canonical names for known segments, the raw rest of the name for an unknown column.
    path: String,
    /// The name does not resolve to a field of the catalog.
    unknown: bool,
    /// Past `--max-list-items` (an index from the limit up, or a field past the limit's
    /// number in its object): not in the plan; a value in it is this `too-long` finding.
    pub(super) cut: Option<Box<Diagnostic>>,
}

#[derive(Debug)]
pub(super) struct PlanNode {
    /// The key under which this node goes in its parent map (unused for list items).
    key: Key,
    /// The parent node (the root is its own parent).
    pub(super) parent: u32,
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
    /// Resolves header names (one per column, in file order), with the default
    /// `--max-list-items`.
    pub fn from_names<'n>(names: impl IntoIterator<Item = &'n str>) -> Header {
        Header::with_limit(names, limits::DEFAULT_MAX_ITEMS)
    }

    /// Resolves header names (one per column, in file order); lists hold at most
    /// `max_items` items (indices 0 to `max_items - 1`), objects `max_items` fields.
    pub fn with_limit<'n>(names: impl IntoIterator<Item = &'n str>, max_items: usize) -> Header {
        let mut b = Builder {
            max_items,
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
            let cut = b.add(col, &r).err().map(Box::new);
            columns.push(Column {
                name: name.to_owned(),
                path: display_path(&r),
                unknown: matches!(r.leaf, LeafKey::Unknown(_)),
                cut,
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
            max_items,
        }
    }

    pub(super) fn from_record(rec: &ByteRecord, max_items: usize) -> Header {
        let names: Vec<Cow<'_, str>> = rec.iter().map(String::from_utf8_lossy).collect();
        Header::with_limit(names.iter().map(|n| n.as_ref()), max_items)
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

    /// A new budget for one row's `;`-lists.
    pub(super) fn cap(&self) -> Cap {
        Cap {
            left: limits::max_values(self.max_items),
            cuts: Vec::new(),
        }
    }

    /// The value of interior node `id` for one row's cells; `live` marks the interior
    /// nodes with a non-empty cell below them.
    pub(super) fn build<'a>(
        &self,
        id: u32,
        cells: &[&'a str],
        live: &[bool],
        cap: &mut Cap,
    ) -> Node<'a> {
        match &self.nodes[id as usize].kind {
            Kind::Map(children) => {
                let mut fields = Vec::new();
                for &child in children {
                    let node = &self.nodes[child as usize];
                    let value = match &node.kind {
                        Kind::Leaf { col, split } => self.leaf_value(*col, cells, *split, cap),
                        _ if live[child as usize] => Some(self.build(child, cells, live, cap)),
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
                    .map(|&(_, item)| self.build(item, cells, live, cap))
                    .collect(),
            ),
            Kind::Leaf { col, split } => self
                .leaf_value(*col, cells, *split, cap)
                .unwrap_or_else(|| Node::Map(Vec::new())),
        }
    }

    /// Column `col`'s value; `None` for an empty cell.
    #[inline]
    fn leaf_value<'a>(
        &self,
        col: u32,
        cells: &[&'a str],
        split: bool,
        cap: &mut Cap,
    ) -> Option<Node<'a>> {
        let cell = cells[col as usize];
        if cell.is_empty() {
            None
        } else if split {
            self.split_list(col, cell, cap)
        } else {
            Some(Node::Text(Cow::Borrowed(cell)))
        }
    }

    /// A `;`-separated cell as a list, stopped at the limits. Out of line: inlined, its
    /// limit checks made `leaf_value`, which runs for every cell, a call of its own; now
    /// `leaf_value` is inlined into `build` (callgrind, 60,000 CSV records: `build` with
    /// its cells 338M instructions to 267M, 3.6% of the run).
    #[inline(never)]
    fn split_list<'a>(&self, col: u32, cell: &'a str, cap: &mut Cap) -> Option<Node<'a>> {
        let mut items = Vec::new();
        for s in cell.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            if items.len() >= self.max_items || cap.left == 0 {
                let path = self.columns[col as usize].path.clone();
                let cut = if cap.left == 0 {
                    limits::too_many_values(path, self.max_items)
                } else {
                    limits::too_many(path, Container::List, self.max_items)
                };
                cap.add(cut);
                break;
            }
            cap.left -= 1;
            items.push(Node::Text(Cow::Borrowed(s)));
        }
        (!items.is_empty()).then_some(Node::List(items))
    }
}

/// One row's budget for its `;`-lists (`limits::max_values` items in all) and its cuts.
pub(super) struct Cap {
    left: usize,
    pub(super) cuts: Vec<Diagnostic>,
}

impl Cap {
    /// Adds a cut, once per path.
    pub(super) fn add(&mut self, cut: Diagnostic) {
        if !self.cuts.iter().any(|c| c.path == cut.path) {
            self.cuts.push(cut);
        }
    }
}

struct Builder {
    max_items: usize,
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

    /// Adds a column to the plan; past a limit, the column is left out and its finding
    /// returned.
    fn add(&mut self, col: u32, r: &Resolved) -> Result<(), Diagnostic> {
        let added = self.add_steps(col, r);
        if added.is_err() {
            self.leaves.push(NO_LEAF);
        }
        added
    }

    fn add_steps(&mut self, col: u32, r: &Resolved) -> Result<(), Diagnostic> {
        let mut node = 0u32;
        for (k, step) in r.steps.iter().enumerate() {
            // An index names a position: from `max_items` on it is past the end of a full
            // list, whether or not the lower indices have columns.
            if let Step::Index(i) = *step
                && i as usize >= self.max_items
            {
                return Err(limits::too_many(
                    steps_path(&r.steps[..k]),
                    Container::List,
                    self.max_items,
                ));
            }
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
                    self.room(node, &r.steps[..k])?;
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
        self.room(node, &r.steps)?;
        let parent = node;
        let leaf = self.push(node, None, PlanNode { key, parent, kind });
        self.leaves.push(leaf);
        Ok(())
    }

    /// Whether plan node `node` (at `steps`) may take one more child: an object holds
    /// `max_items` fields. (A list's items are limited by their indices, in `add_steps`.)
    fn room(&self, node: u32, steps: &[Step]) -> Result<(), Diagnostic> {
        match &self.nodes[node as usize].kind {
            Kind::Map(children) if children.len() >= self.max_items => Err(limits::too_many(
                steps_path(steps),
                Container::Object,
                self.max_items,
            )),
            _ => Ok(()),
        }
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

/// The path of the node at the end of `steps`, as the rules print paths.
fn steps_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Object(n) | Step::List(n) => limits::push_key(&mut out, n),
            Step::Index(i) => limits::push_index(&mut out, *i as usize),
        }
    }
    out
}

fn display_path(r: &Resolved) -> String {
    let mut out = steps_path(&r.steps);
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
