//! What the value checks' unit tests share: catalog fields by name, leaf nodes, and one
//! check of one value as the walker would make it.

use std::borrow::Cow;

use super::super::{Check, Checker, Path, RuleSettings, scalar::Date};
use crate::catalog::{self, Field};
use crate::diagnostic::Diagnostic;
use crate::record::Node;

/// The run's date of these tests (`--as-of`).
pub(super) const AS_OF: Date = Date {
    year: 2026,
    month: 11,
    day: 23,
};

pub(super) fn settings() -> RuleSettings {
    RuleSettings {
        as_of: AS_OF,
        ..RuleSettings::default()
    }
}

/// The first field named `name` in the catalog's shapes (the lead's own first).
pub(super) fn field(name: &str) -> &'static Field {
    catalog::shapes()
        .iter()
        .flat_map(|shape| shape.fields.iter())
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in the catalog"))
}

/// XML or CSV text.
pub(super) fn text(s: &str) -> Node<'_> {
    Node::Text(Cow::Borrowed(s))
}

/// A JSON string.
pub(super) fn string(s: &str) -> Node<'_> {
    Node::Str(Cow::Borrowed(s))
}

/// A JSON number, as written.
pub(super) fn number(s: &str) -> Node<'_> {
    Node::Number(s)
}

/// Checks `node` as the value of field `name` of the lead (path: the field's name): the
/// canonical JSON written (None: nothing) and the findings.
pub(super) fn run(s: &RuleSettings, name: &str, node: &Node) -> (Option<String>, Vec<Diagnostic>) {
    run_as(Check::new(s), name, node, false)
}

/// `run` as `check` says, inside a related entity when `in_related`.
pub(super) fn run_as(
    check: Check,
    name: &str,
    node: &Node,
    in_related: bool,
) -> (Option<String>, Vec<Diagnostic>) {
    let field = field(name);
    let mut c = Checker::new(check);
    let root = Path::root();
    let path = root.key(field.name);
    let mut out = Vec::new();
    let wrote = super::scalar(&mut c, field, node, &path, in_related, &mut out);
    assert_eq!(
        wrote,
        !out.is_empty(),
        "{name}: written iff true is returned"
    );
    let written = wrote.then(|| String::from_utf8(out).expect("canonical JSON is UTF-8"));
    (written, c.result.diagnostics)
}
