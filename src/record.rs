//! The record as read: a located, format-neutral tree (`Node`) that every reader produces
//! and every rule consumes.
//!
//! JSON gives typed leaves (`Str`, `Number`, `Bool`); XML and CSV give untyped `Text` whose
//! meaning the catalog decides (spec §2: `true` is a Boolean in CSV/XML, but a JSON string
//! `"true"` is not). Strings borrow from the reader's buffer when no unescaping was needed.

use std::borrow::Cow;

/// One value of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    /// A JSON number, kept as its source text so that no precision is lost.
    Number(&'a str),
    /// A JSON string.
    Str(Cow<'a, str>),
    /// Untyped text from XML or CSV.
    Text(Cow<'a, str>),
    List(Vec<Node<'a>>),
    /// Fields in input order; repeated names are kept so that rules can report them.
    Map(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// The text of a string-like leaf, trimmed (spec §2: white space around text is not data).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Node::Str(s) | Node::Text(s) => Some(trim(s)),
            _ => None,
        }
    }

    /// Absent in the spec's sense: `null`, an empty or blank string, an empty list.
    pub fn is_absent(&self) -> bool {
        match self {
            Node::Null => true,
            // Most values start with a non-space byte: no trim needed to know.
            Node::Str(s) | Node::Text(s) => match s.as_bytes().first() {
                None => true,
                Some(b) if !b.is_ascii_whitespace() && *b < 0x80 => false,
                _ => s.trim().is_empty(),
            },
            Node::List(items) => items.is_empty(),
            _ => false,
        }
    }

    /// The JSON type name used in messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "boolean",
            Node::Number(_) => "number",
            Node::Str(_) | Node::Text(_) => "string",
            Node::List(_) => "array",
            Node::Map(_) => "object",
        }
    }

    /// First value of a field in a map, if this is a map.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Map(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// `str::trim`, with a shortcut for the usual value that starts and ends with a visible
/// ASCII character (every value of every record goes through here).
#[inline]
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if a > b' ' && a < 0x7f && b > b' ' && b < 0x7f => s,
        _ => s.trim(),
    }
}

/// Where a record (or a file-level fault) comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Index of the file in the run's sorted file list.
    pub file: u32,
    /// 1-based ordinal of the record in its file; 0 for a file-level fault.
    pub record: u64,
    /// 1-based line where the record (or fault) starts.
    pub line: u64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_agrees_with_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "ab",
            "a b",
            "é",
            " é ",
            "a\u{3000}",
            "\u{a0}a",
            "x\u{2003}",
            "~",
            "\u{7f}",
        ] {
            assert_eq!(super::trim(s), s.trim(), "{s:?}");
        }
    }
}
