//! Scalar type checks of spec §2 and their canonical forms: one module per catalog type,
//! each with its unit tests beside it, and [`scalar`] only choosing among them.
//!
//! A check reads one present value ([`Value`]) and either writes its canonical form to
//! `out` and returns true, or reports what is wrong and writes nothing.
//!
//! Layout: `string` (free text: length, double-decoded UTF-8, spreadsheet-mangled
//! identifiers), `enumeration` (a word of a closed list, and lists of such words), `code`
//! (country, currency and supplied classifier codes), `date`, `boolean`, `integer` (integers
//! and percentages), `decimal`, `any` (an additional value's text, number or boolean), and
//! `additional` (an additional value against its declared datatype).

mod additional;
mod any;
mod boolean;
mod code;
mod date;
mod decimal;
mod enumeration;
mod integer;
mod string;
#[cfg(test)]
mod testing;

pub(super) use additional::additional_value;

use super::{Checker, Path};
use crate::catalog::{Field, Type};
use crate::diagnostic::Code;
use crate::record::Node;

/// One present value under check: its field, its node and where it is.
pub(super) struct Value<'v, 'n> {
    pub field: &'v Field,
    pub node: &'v Node<'n>,
    pub path: &'v Path<'v>,
    /// Inside a related entity: the vendor codes of `Field::codes` differ there.
    pub in_related: bool,
}

impl Value<'_, '_> {
    /// The text of a string leaf (JSON string, XML or CSV text), trimmed.
    fn text(&self) -> Option<&str> {
        self.node.as_text()
    }

    /// The field's vendor code for an invalid value here, else `local`.
    fn invalid_code(&self, local: Code) -> Code {
        self.field.codes.invalid(self.in_related).unwrap_or(local)
    }

    /// `bad-type`: the value is not of the JSON type `expected` names.
    fn bad_type(&self, c: &mut Checker, expected: &str) {
        c.bad_type(self.field, self.node, self.path, expected);
    }
}

/// Checks a present scalar value and writes it. Returns whether a value was written.
pub(super) fn scalar(
    c: &mut Checker,
    field: &Field,
    node: &Node,
    path: &Path,
    in_related: bool,
    out: &mut Vec<u8>,
) -> bool {
    let v = &Value {
        field,
        node,
        path,
        in_related,
    };
    match &field.ty {
        Type::Str { max_chars } => string::check(c, v, *max_chars, out),
        Type::Enum(words) => enumeration::one(c, v, words, out),
        Type::EnumList(words) => enumeration::list(c, v, words, out),
        Type::Country => code::iso(c, v, code::Iso::Country, out),
        Type::Currency => code::iso(c, v, code::Iso::Currency, out),
        Type::Classifier(name) => code::classifier(c, v, name, out),
        Type::Date => date::check(c, v, out),
        Type::Bool => boolean::check(c, v, out),
        Type::Int { min } => integer::int(c, v, *min, out),
        Type::Percent => integer::percent(c, v, out),
        Type::Decimal { min_zero } => decimal::check(c, v, *min_zero, out),
        Type::AnyScalar => any::check(c, v, out),
        Type::List(_) | Type::Object(_) => unreachable!("containers are checked by the walker"),
    }
}
