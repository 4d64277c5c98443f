//! `--max-list-items`: how large a record's tree may grow, whatever its shape.
//!
//! A record's bytes are bounded (`--max-record-bytes`), but its tree is not bounded by them:
//! each value of the tree takes 32 to 56 bytes, more with the room its list or object keeps
//! for growth, while `{},` or `1,` in the input takes 2 or 3. One legal 4.5 MB record of
//! 1.5 million empty contacts took 1.5 GB. So every reader caps the tree it builds:
//!
//! - a list (a JSON array, an XML list element's items, a CSV list's indices) holds at most
//!   `max_items` items, and an object at most `max_items` fields;
//! - a record holds at most `VALUES_PER_ITEM × max_items` values in all (every item of a
//!   list and every field of an object is one value), which bounds the tree of a record
//!   made of many lists each under the limit; in CSV, where each column is a value, a
//!   header with more columns makes the file unreadable.
//!
//! Past a limit the record is rejected with one `too-long` finding at the list or object
//! (the path of the list, the limit and the flag in the message), and the rest of that list
//! or object, or past the record's limit the rest of the record, is skipped: checked for
//! syntax but never built, so it costs no memory. **(decision)** The record is rejected
//! rather than accepted truncated: the vendor would receive a different record than the
//! one sent. `rejected.ndjson` shows the record as read up to the limit. At the default
//! (10,000), a record's tree stays under about 50 MB, and no lead the vendor documents
//! comes near it.

use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;

/// Items per list (and fields per object) by default.
pub const DEFAULT_MAX_ITEMS: usize = 10_000;

/// A record may hold this many times `max_items` values in all.
pub const VALUES_PER_ITEM: usize = 10;

/// The most values a record may hold with `max_items` per list.
pub fn max_values(max_items: usize) -> usize {
    max_items.saturating_mul(VALUES_PER_ITEM)
}

/// A record's tree, and the lists and objects cut short on the way (`too-long` findings,
/// in document order, that reject the record).
#[derive(Debug, PartialEq)]
pub struct Parsed<'a> {
    pub node: Node<'a>,
    pub cuts: Vec<Diagnostic>,
}

impl<'a> Parsed<'a> {
    /// A tree nothing was cut from.
    pub fn whole(node: Node<'a>) -> Self {
        Parsed {
            node,
            cuts: Vec::new(),
        }
    }
}

/// Which container a cut is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    List,
    Object,
}

/// The finding for a list or object at `path` (as the rules print paths; empty for the
/// record itself) that has more than `max` items or fields.
pub fn too_many(path: String, container: Container, max: usize) -> Diagnostic {
    let what = match (container, path.is_empty()) {
        (Container::List, true) => format!("the record has more than {max} items"),
        (Container::List, false) => format!("{path} has more than {max} items"),
        (Container::Object, true) => format!("the record has more than {max} fields"),
        (Container::Object, false) => format!("{path} has more than {max} fields"),
    };
    let rest = match container {
        Container::List => "the rest of the list",
        Container::Object => "the rest of the object",
    };
    Diagnostic::error(
        Code::TooLong,
        path,
        format!("{what} (--max-list-items {max}): {rest} was not read"),
    )
}

/// The finding for a record that reached `VALUES_PER_ITEM × max_items` values at `path`.
pub fn too_many_values(path: String, max_items: usize) -> Diagnostic {
    Diagnostic::error(
        Code::TooLong,
        path,
        format!(
            "the record has more than {} values in its lists and objects ({VALUES_PER_ITEM} \
             × --max-list-items {max_items}): the rest of the record was not read",
            max_values(max_items)
        ),
    )
}

/// Appends a field name to a path being rendered (`a.b`).
pub fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Appends a list index to a path being rendered (`a[3]`).
pub fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write as _;
    let _ = write!(path, "[{index}]");
}

#[cfg(test)]
mod tests;
