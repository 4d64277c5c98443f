//! The header row resolved through the catalog: each column name (`listAddress.0.country`,
//! `listAddress[0].country`, any case, aliases) walked into steps of the record's shape, the
//! columns folded into one plan of the record's tree, and a row's cells laid out on it.

use std::borrow::Cow;

use ::csv::ByteRecord;
use foldhash::HashMap;

use crate::catalog::{self, Shape, Type};
use crate::record::Node;

/// A CSV file's header: its columns, resolved against the catalog into a plan of the
/// record's tree.
#[derive(Debug)]
pub struct Header {
    pub(super) columns: Vec<Column>,
    /// The tree the columns describe; `nodes[0]` is the record itself (a map).
    pub(super) nodes: Vec<PlanNode>,
    /// The leaf node of each column.
    pub(super) leaves: Vec<u32>,
}

#[derive(Debug)]
pub(super) struct Column {
    /// The header cell as written (white space trimmed).
    pub(super) name: String,
    /// Where the column's value goes, as the rules print paths (`listAddress[0].country`):
    /// canonical names for known segments, the raw rest of the name for an unknown column.
    path: String,
    /// The name does not resolve to a field of the catalog.
    unknown: bool,
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

    pub(super) fn from_record(rec: &ByteRecord) -> Header {
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
    pub(super) fn build<'a>(&self, id: u32, cells: &[&'a str], live: &[bool]) -> Node<'a> {
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
