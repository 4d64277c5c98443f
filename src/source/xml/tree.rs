//! The record's tree under construction: open elements on a heap stack (so depth cannot
//! overflow the thread's), what each is by the catalog, their text pieces, and how a closed
//! element becomes a `Node` (repeated list fields merged, stray text kept for the rules).

use std::borrow::Cow;

use memchr::memmem;
use quick_xml::escape::{EscapeError, resolve_xml_entity};

use super::bytes::{has_amp, is_ws};
use crate::catalog::{self, Field, Shape, Type};
use crate::diagnostic::Diagnostic;
use crate::record::Node;
use crate::source::limits::{self, Container};

/// A parse step's fault: offset from the start of the current event, message.
pub(super) type StepFault = (usize, String);

/// What an open element is, by the catalog.
#[derive(Clone, Copy)]
enum Kind {
    /// Fields of a shape: the record itself, an Object field, or a list item. `item`: an
    /// empty one is an empty map (an item still counts) rather than absent text.
    Map { shape: &'static Shape, item: bool },
    /// A list field: each child element is one item of the shape.
    List(&'static Shape),
    /// `initializeScreeningProcesses`: each child's text is one item.
    EnumList,
    /// A scalar field or an unknown element: text, or a generic map of raw child names
    /// (which the rules then report as bad-type / unknown-field).
    Text,
}

/// An open element. It has no flag fields (byte-sized flags stored just before the frame
/// is pushed made that copy stall on store forwarding): whether it has child elements is
/// `Tree::done.len() > start`, and list kinds are the ones that merge repeats.
pub(super) struct Open<'a> {
    kind: Kind,
    key: Cow<'a, str>,
    /// Where its completed children start in `Tree::done`.
    start: usize,
    text: Text<'a>,
}

impl<'a> Open<'a> {
    fn new(kind: Kind, key: Cow<'a, str>, start: usize) -> Self {
        Open {
            kind,
            key,
            start,
            text: Text::Empty,
        }
    }
}

/// An element's text pieces (text events and CDATA sections), borrowed while there is one.
enum Text<'a> {
    Empty,
    One(Cow<'a, str>),
    Many(String),
}

impl<'a> Text<'a> {
    fn push(&mut self, piece: Cow<'a, str>) {
        *self = match std::mem::replace(self, Text::Empty) {
            Text::Empty => Text::One(piece),
            Text::One(first) => {
                let mut s = first.into_owned();
                s.push_str(&piece);
                Text::Many(s)
            }
            Text::Many(mut s) => {
                s.push_str(&piece);
                Text::Many(s)
            }
        };
    }

    fn is_blank(&self) -> bool {
        match self {
            Text::Empty => true,
            Text::One(s) => s.bytes().all(is_ws),
            Text::Many(s) => s.bytes().all(is_ws),
        }
    }

    /// The text with white space around it trimmed (spec §2), still borrowed if it was.
    fn finish(self) -> Cow<'a, str> {
        match self {
            Text::Empty => Cow::Borrowed(""),
            Text::One(Cow::Borrowed(s)) => Cow::Borrowed(trim_xml(s)),
            Text::One(Cow::Owned(s)) | Text::Many(s) => {
                if trim_xml(&s).len() == s.len() {
                    Cow::Owned(s)
                } else {
                    Cow::Owned(trim_xml(&s).to_owned())
                }
            }
        }
    }
}

#[inline(always)]
fn trim_xml(s: &str) -> &str {
    // XML white space is ASCII, so byte positions next to it are character boundaries.
    let b = s.as_bytes();
    let mut i = 0;
    let mut j = b.len();
    while i < j && is_ws(b[i]) {
        i += 1;
    }
    while j > i && is_ws(b[j - 1]) {
        j -= 1;
    }
    &s[i..j]
}

/// Builds the record's tree; its stack lives on the heap, so depth cannot overflow ours.
pub(super) struct Tree<'a> {
    pub(super) stack: Vec<Open<'a>>,
    /// Completed children of the open elements, in document order. An element's children
    /// are moved out in one exact-size allocation when it closes.
    pub(super) done: Vec<(Cow<'a, str>, Node<'a>)>,
    pub(super) root: Option<Node<'a>>,
    pub(super) max_depth: usize,
    /// `--redact`: faults quote nothing of the text (an undefined entity is not named).
    pub(super) redact: bool,
    /// Children per element (`--max-list-items`: items of a list, fields of an object).
    pub(super) max_items: usize,
    /// Elements the record may still hold (`limits::max_values`); 0 while skipping, so
    /// that one test sends every child of a skipped element to `refuse_child`.
    pub(super) budget: usize,
    /// `budget` while skipping.
    pub(super) saved_budget: usize,
    /// Depth of the elements being skipped past a limit (0: building). Skipped elements
    /// have no frame: their markup is still checked by the tokenizer, their text is not read.
    pub(super) skipping: usize,
    /// The stack depth of the open element that is full and was reported (0: none), so
    /// that each is reported once.
    pub(super) full_at: usize,
    /// The record's limit was reported: what follows is skipped silently.
    pub(super) values_cut: bool,
    /// `too-long` findings of the elements cut short.
    pub(super) cuts: Vec<Diagnostic>,
}

impl<'a> Tree<'a> {
    pub(super) fn open(&mut self, local: Cow<'a, str>) -> Result<(), StepFault> {
        if self.stack.len() + self.skipping >= self.max_depth {
            return Err((
                0,
                format!(
                    "nesting deeper than {} levels (--max-depth)",
                    self.max_depth
                ),
            ));
        }
        if local.is_empty() {
            return Err((0, "an element without a name".to_string()));
        }
        let start = self.done.len();
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_some() {
                return Err((0, "a second element after the record element".to_string()));
            }
            let root = Kind::Map {
                shape: &catalog::LEAD,
                item: true,
            };
            self.stack.push(Open::new(root, Cow::Borrowed(""), start));
            return Ok(());
        };
        if start - parent.start >= self.max_items || self.budget == 0 {
            self.refuse_child(true);
            return Ok(());
        }
        self.budget -= 1;
        // White space before the first child is layout, not text.
        if parent.start == start && parent.text.is_blank() {
            parent.text = Text::Empty;
        }
        let (kind, key) = child_kind(parent.kind, local);
        self.stack.push(Open::new(kind, key, start));
        Ok(())
    }

    /// `open`, `text` (when `raw` is not empty) and `close` of an element in one step, for a
    /// leaf under a map — most elements of a record — without its frame on the stack.
    /// `Some(false)` when it is not such a leaf (the caller then takes the three steps),
    /// `None` on a fault (which the fast path leaves to the full parser to word).
    #[inline]
    pub(super) fn leaf(&mut self, local: &'a str, raw: &'a str) -> Option<bool> {
        if self.stack.len() + self.skipping >= self.max_depth || local.is_empty() {
            return Some(false);
        }
        let start = self.done.len();
        let Some(parent) = self.stack.last_mut() else {
            return Some(false);
        };
        // `child_kind`, for the kinds that close as a leaf: a scalar or Object field, an
        // unknown element, an enumeration list's item. (Returning its kind and key from
        // `child_kind` would put them through memory once more per element.)
        let key: &'a str = match parent.kind {
            Kind::Map { shape, .. } => match field(shape, local) {
                Some(f) if matches!(f.ty, Type::List(_) | Type::EnumList(_)) => return Some(false),
                Some(f) => f.name,
                None => local,
            },
            Kind::List(_) => return Some(false),
            Kind::EnumList => "",
            Kind::Text => local,
        };
        if start - parent.start >= self.max_items || self.budget == 0 {
            self.refuse_child(false);
            return Some(true);
        }
        self.budget -= 1;
        if parent.start == start && parent.text.is_blank() {
            parent.text = Text::Empty;
        }
        let text = if raw.len() <= 64 && !has_amp(raw.as_bytes()) {
            Cow::Borrowed(trim_xml(raw))
        } else {
            long_text(raw, self.redact)?
        };
        self.done.push((Cow::Borrowed(key), Node::Text(text)));
        Some(true)
    }

    pub(super) fn close(&mut self) {
        if self.skipping > 0 {
            self.skipping -= 1;
            if self.skipping == 0 {
                self.budget = self.saved_budget;
            }
            return;
        }
        if self.full_at == self.stack.len() {
            self.full_at = 0;
        }
        let Some(open) = self.stack.pop() else {
            return;
        };
        let Open {
            kind,
            key,
            start,
            text,
        } = open;
        let children = self.done.len() > start;
        // A list field: a second occurrence appends to the first (spec §6).
        let merges = matches!(kind, Kind::List(_) | Kind::EnumList);
        let text = text.finish();
        // Most elements are leaves under a map: pushed as they are built, since a node
        // moved through the general path below is copied twice more.
        if !children
            && !self.stack.is_empty()
            && matches!(kind, Kind::Text | Kind::Map { item: false, .. })
        {
            self.done.push((key, Node::Text(text)));
            return;
        }
        let node = match kind {
            Kind::List(_) | Kind::EnumList => {
                if children {
                    let mut items: Vec<Node<'a>> =
                        self.done.drain(start..).map(|(_, n)| n).collect();
                    // Stray text among the items is kept as an item, so the rules see it.
                    if !text.is_empty() {
                        items.push(Node::Text(text));
                    }
                    Node::List(items)
                } else if text.is_empty() {
                    Node::List(Vec::new())
                } else {
                    Node::Text(text)
                }
            }
            Kind::Map { item: true, .. } if !children && text.is_empty() => Node::Map(Vec::new()),
            Kind::Map { .. } | Kind::Text => {
                if children {
                    let mut fields: Vec<_> = self.done.drain(start..).collect();
                    // Stray text beside child elements becomes a field the rules report.
                    if !text.is_empty() {
                        fields.push((Cow::Borrowed("#text"), Node::Text(text)));
                    }
                    Node::Map(fields)
                } else {
                    Node::Text(text)
                }
            }
        };
        let Some(parent) = self.stack.last() else {
            self.root = Some(node);
            return;
        };
        if merges && let Node::List(new_items) = node {
            let earlier = self.done[parent.start..]
                .iter_mut()
                .find(|(k, v)| *k == key && matches!(v, Node::List(_)));
            match earlier {
                Some((_, Node::List(existing))) => {
                    // Another occurrence of the list: the items of all count together.
                    let room = self.max_items.saturating_sub(existing.len());
                    let cut = new_items.len() > room;
                    existing.extend(new_items.into_iter().take(room));
                    if cut {
                        self.merge_cut(&key);
                    }
                }
                _ => self.done.push((key, Node::List(new_items))),
            }
        } else {
            // Any other repeat is kept: the rules report duplicate-field. (List items get
            // the empty key, dropped when their list closes.)
            self.done.push((key, node));
        }
    }

    /// A text event's raw text (entities not yet expanded).
    pub(super) fn text(&mut self, raw: &'a str) -> Result<(), StepFault> {
        if self.stack.is_empty() {
            return match raw.bytes().position(|b| !is_ws(b)) {
                None => Ok(()),
                Some(i) => Err((i, "text outside the record element".to_string())),
            };
        }
        if self.skipping > 0 {
            return Ok(());
        }
        self.push(piece(raw, self.redact)?);
        Ok(())
    }

    /// A piece of the current element's text (unescaped text, or a CDATA section).
    pub(super) fn push(&mut self, piece: Cow<'a, str>) {
        let Some(open) = self.stack.last_mut().filter(|_| self.skipping == 0) else {
            return;
        };
        // Layout white space among child elements is not text.
        if self.done.len() > open.start && piece.bytes().all(is_ws) {
            return;
        }
        open.text.push(piece);
    }

    /// White space between two pieces of text: kept only inside text.
    pub(super) fn gap(&mut self, ws: &'a str) {
        if self.skipping == 0
            && let Some(open) = self.stack.last_mut()
            && !matches!(open.text, Text::Empty)
        {
            open.text.push(Cow::Borrowed(ws));
        }
    }

    pub(super) fn finish(self) -> Result<limits::Parsed<'a>, String> {
        if !self.stack.is_empty() {
            return Err(format!(
                "unexpected end of the record: {} element(s) not closed",
                self.stack.len() + self.skipping
            ));
        }
        let node = self
            .root
            .ok_or_else(|| "the record holds no element".to_string())?;
        Ok(limits::Parsed {
            node,
            cuts: self.cuts,
        })
    }

    /// The open element on top refused a child (an element about to open when `opening`,
    /// else a leaf, taken whole): skip it, and report unless skipping already.
    #[cold]
    fn refuse_child(&mut self, opening: bool) {
        if self.skipping > 0 {
            self.skipping += usize::from(opening);
            return;
        }
        self.refuse();
        if opening {
            self.saved_budget = std::mem::replace(&mut self.budget, 0);
            self.skipping = 1;
        }
    }

    /// The open element on top is full: its finding, unless it was reported or the
    /// record's limit was.
    fn refuse(&mut self) {
        if self.values_cut {
            return;
        }
        if self.budget == 0 {
            self.values_cut = true;
            let cut = limits::too_many_values(self.path(), self.max_items);
            self.cuts.push(cut);
        } else if self.full_at != self.stack.len() {
            self.full_at = self.stack.len();
            let container = match self.stack.last().map(|o| o.kind) {
                Some(Kind::List(_) | Kind::EnumList) => Container::List,
                _ => Container::Object,
            };
            let cut = limits::too_many(self.path(), container, self.max_items);
            self.cuts.push(cut);
        }
    }

    /// A list field given again (spec §6) went past the limit with the items of its
    /// earlier occurrences, under the open element on top.
    #[cold]
    fn merge_cut(&mut self, key: &str) {
        if !self.values_cut {
            let mut path = self.path();
            limits::push_key(&mut path, key);
            let cut = limits::too_many(path, Container::List, self.max_items);
            self.cuts.push(cut);
        }
    }

    /// The path of the open element on top, as the rules print paths (an item's index
    /// counts the items of this occurrence of its list).
    fn path(&self) -> String {
        let mut path = String::new();
        for (i, open) in self.stack.iter().enumerate().skip(1) {
            if open.key.is_empty() {
                limits::push_index(&mut path, open.start - self.stack[i - 1].start);
            } else {
                limits::push_key(&mut path, &open.key);
            }
        }
        path
    }
}

/// The field an element names: its PascalCase name (or any other letter case) or alias.
#[inline]
fn field(shape: &'static Shape, local: &str) -> Option<&'static Field> {
    shape.lookup_folded(local).map(|i| &shape.fields[i])
}

/// What an element named `local` is under a `parent`, and its key in the tree.
fn child_kind<'a>(parent: Kind, local: Cow<'a, str>) -> (Kind, Cow<'a, str>) {
    match parent {
        Kind::Map { shape, .. } => match field(shape, &local) {
            Some(f) => {
                let key = Cow::Borrowed(f.name);
                match &f.ty {
                    Type::List(item) => (Kind::List(item), key),
                    Type::EnumList(_) => (Kind::EnumList, key),
                    Type::Object(sub) => (
                        Kind::Map {
                            shape: sub,
                            item: false,
                        },
                        key,
                    ),
                    _ => (Kind::Text, key),
                }
            }
            None => (Kind::Text, local),
        },
        // Items: whatever their element name (`<Address>`, `<Process>`).
        Kind::List(item) => (
            Kind::Map {
                shape: item,
                item: true,
            },
            Cow::Borrowed(""),
        ),
        Kind::EnumList => (Kind::Text, Cow::Borrowed("")),
        Kind::Text => (Kind::Text, local),
    }
}

/// A leaf's text that is long or holds a reference, expanded and trimmed; `None` on a
/// fault. Out of line, so that `leaf` stays small for the short plain values most are:
/// inlined, it made `leaf` save and restore more registers on every call (callgrind,
/// 60,000 XML records: `leaf` 278M instructions to 249M, what it took before the limits).
#[inline(never)]
fn long_text(raw: &str, redact: bool) -> Option<Cow<'_, str>> {
    Some(Text::One(piece(raw, redact).ok()?).finish())
}

/// A text event's raw text with its references expanded.
fn piece(raw: &str, redact: bool) -> Result<Cow<'_, str>, StepFault> {
    // Most text holds no reference: skip the unescaper's set-up for it.
    if raw.len() <= 64 && !has_amp(raw.as_bytes()) {
        Ok(Cow::Borrowed(raw))
    } else {
        quick_xml::escape::unescape_with(raw, resolve_xml_entity)
            .map_err(|e| escape_fault(raw.as_bytes(), quick_xml::Error::Escape(e), redact))
    }
}

/// An unescaping fault, at the offending reference within the text event. With `redact`
/// an undefined entity is not named: its name is text of the record, which may be data.
pub(super) fn escape_fault(t: &[u8], e: quick_xml::Error, redact: bool) -> StepFault {
    match e {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(range, name)) => (
            range.start.saturating_sub(1),
            format!(
                "undefined entity {}: only the five XML entities and character references are \
                 expanded (entities declared in a DOCTYPE never are)",
                if redact {
                    "reference".to_string()
                } else {
                    format!("&{name};")
                }
            ),
        ),
        quick_xml::Error::Escape(EscapeError::UnterminatedEntity(range)) => (
            range.start,
            "'&' does not start an entity reference ending in ';' (write a literal & as &amp;)"
                .to_string(),
        ),
        quick_xml::Error::Escape(EscapeError::InvalidCharRef(err)) => (
            memmem::find(t, b"&#").unwrap_or(0),
            format!("invalid character reference: {err}"),
        ),
        other => (0, other.to_string()),
    }
}
