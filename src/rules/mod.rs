//! Rules: checking one record against the catalog and the lead rules, while writing its
//! canonical payload in the same pass.
//!
//! A record gets all its findings, not only the first (up to `max_findings` kept; all are
//! counted). Paths are rendered only when a finding is made. Cross-record rules (duplicates)
//! live in `cross` and run afterwards, in the run's deterministic order.
//!
//! Layout: this module walks a record's objects and lists along the catalog (`Checker`);
//! `verdict` says how a record is checked (`Check`) and holds its verdict (`Checked`);
//! `value` checks one scalar value, a module per type, on the parsers of `scalar`; `lead`
//! holds the rules across the fields of a lead; `path` names the values findings are about;
//! `mojibake` and `classifiers` serve the value checks.

pub mod classifiers;
pub mod cross;
mod lead;
mod mojibake;
mod path;
pub mod scalar;
mod value;
mod verdict;

use crate::canonical;
use crate::catalog::{self, EntityType, Field, Presence, Shape, Type};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::record::Node;

pub use path::Path;
use scalar::Date;
pub use verdict::{Check, Checked, Keys, check_record};

/// `--max-findings` unless set: findings kept per record.
pub const DEFAULT_MAX_FINDINGS: usize = 100;

/// What the rules need to know about the run.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// "Today" for date sanity (`--as-of`).
    pub as_of: Date,
    /// `--decimal-comma`: decimals in CSV cells use `,`. The rules read it from the record
    /// (`Check::decimal_comma`), which the pipeline marks for the records the CSV reader cut.
    pub decimal_comma: bool,
    /// `--date-format`: the local order of dates written as text (CSV cells, XML elements);
    /// JSON strings are always ISO.
    pub date_format: Option<scalar::DateFormat>,
    /// Findings kept per record (all are counted).
    pub max_findings: usize,
    /// `--redact`: personal values never appear in messages.
    pub redact: bool,
    /// `--classifiers`: code lists that replace "any non-empty code".
    pub classifiers: Option<std::sync::Arc<classifiers::Classifiers>>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            as_of: Date::today_utc(),
            decimal_comma: false,
            date_format: None,
            max_findings: DEFAULT_MAX_FINDINGS,
            redact: false,
            classifiers: None,
        }
    }
}

impl RuleSettings {
    /// A date field's text, parsed in `--date-format` when the value is text of a CSV or XML
    /// file (`Node::Text`); a JSON string is always ISO (JSON has no spreadsheet locale).
    pub(crate) fn parse_date(
        &self,
        node: &Node,
        text: &str,
    ) -> Result<scalar::DateValue, scalar::DateError> {
        match node {
            Node::Text(_) => scalar::parse_date_as(text, self.date_format),
            _ => scalar::parse_date(text),
        }
    }
}

/// The fields of one object, placed by catalog index.
pub type Slots<'n, 'a> = [Option<&'n Node<'a>>];

/// Most fields a shape may have (slots live on the stack; `object` keeps a bit per field
/// in a `u128`).
pub const MAX_FIELDS: usize = 96;
const _: () = assert!(MAX_FIELDS <= 128);

/// The fields of a shape that are mandatory for some entity type, as a bit mask (they must
/// be visited even when absent).
fn always_checked(shape: &Shape) -> u128 {
    static MASKS: std::sync::LazyLock<Vec<u128>> = std::sync::LazyLock::new(|| {
        catalog::shapes()
            .iter()
            .map(|shape| {
                shape
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.ind == Presence::Mandatory
                            || f.org == Presence::Mandatory
                            || f.default.is_some()
                    })
                    .fold(0u128, |m, (i, _)| m | 1 << i)
            })
            .collect()
    });
    MASKS.get(shape.id).copied().unwrap_or(u128::MAX)
}

/// Shapes and positions whose field order is remembered per thread (`Checker::place`).
const ORDER_SHAPES: usize = 32;
const ORDER_LEN: usize = 64;

thread_local! {
    /// Per shape, the catalog index of the field seen at each position of the last object
    /// of that shape (`u8::MAX`: none yet). Only a guess: it is always checked by name.
    static ORDER: std::cell::RefCell<[[u8; ORDER_LEN]; ORDER_SHAPES]> =
        const { std::cell::RefCell::new([[u8::MAX; ORDER_LEN]; ORDER_SHAPES]) };
}

pub(crate) struct Checker<'s> {
    /// `check.settings`, the name the rules use.
    pub s: &'s RuleSettings,
    pub check: Check<'s>,
    pub result: Checked,
}

impl<'s> Checker<'s> {
    pub fn new(check: Check<'s>) -> Checker<'s> {
        Checker {
            s: check.settings,
            check,
            result: Checked::default(),
        }
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.result.report(d, self.s.max_findings);
    }

    /// Reports a warning, as an error when the run says warnings of `code` reject
    /// (`Check::rejects`).
    pub fn warn(&mut self, code: Code, path: impl Into<String>, message: String) {
        // Built here rather than through `Diagnostic::error`, which checks that the code is
        // an error code: this is a warning code the run made reject.
        let severity = match self.check.rejects(code) {
            true => Severity::Error,
            false => Severity::Warning,
        };
        self.report(Diagnostic {
            code,
            path: path.into(),
            severity,
            message,
        });
    }

    /// A value as a message may show it: quoted, or masked when `--redact` is on and the
    /// field holds personal data.
    pub fn show(&self, field: &Field, text: &str) -> String {
        format!("{:?}", self.show_plain(field, text))
    }

    /// `show` without the quotes, for numbers and words that messages write bare. No
    /// personal field is numeric today; every value a message shows goes through here so
    /// that one marked personal tomorrow is masked too. A value spanning lines is masked
    /// whatever its field (`redact::may_hold_other_records`).
    pub fn show_plain<'t>(&self, field: &Field, text: &'t str) -> std::borrow::Cow<'t, str> {
        if self.s.redact && (field.personal || crate::redact::may_hold_other_records(text)) {
            std::borrow::Cow::Owned(crate::redact::mask(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    /// Places an object's fields in catalog slots; reports unknown and repeated names.
    fn slots<'b, 'n, 'a>(
        &mut self,
        shape: &Shape,
        fields: &'n [(std::borrow::Cow<'a, str>, Node<'a>)],
        path: &Path,
        buf: &'b mut [Option<&'n Node<'a>>; MAX_FIELDS],
    ) -> &'b Slots<'n, 'a> {
        let slots = &mut buf[..shape.fields.len()];
        ORDER.with_borrow_mut(|order| {
            let seen = &mut order[shape.id.min(ORDER_SHAPES - 1)];
            for (pos, (key, value)) in fields.iter().enumerate() {
                let at = self.place(shape, seen, pos, key);
                self.place_value(shape, slots, at, key, value, path);
            }
        });
        slots
    }

    /// The catalog index of the field named `key` at position `pos` of an object: first a
    /// guess from the previous object of this shape (a feed writes its fields in the same
    /// order every time, so one comparison usually settles it), else the name index.
    #[inline]
    fn place(
        &self,
        shape: &Shape,
        seen: &mut [u8; ORDER_LEN],
        pos: usize,
        key: &str,
    ) -> Option<usize> {
        if let Some(&g) = seen.get(pos)
            && let Some(f) = shape.fields.get(g as usize)
            && catalog::same_name(f.name, key)
        {
            return Some(g as usize);
        }
        let found = shape.lookup(key);
        if let (Some(slot), Some(i)) = (seen.get_mut(pos), found) {
            *slot = i as u8;
        }
        found
    }

    fn place_value<'n, 'a>(
        &mut self,
        shape: &Shape,
        slots: &mut [Option<&'n Node<'a>>],
        at: Option<usize>,
        key: &str,
        value: &'n Node<'a>,
        path: &Path,
    ) {
        {
            match at {
                Some(i) => {
                    if slots[i].is_some() {
                        let name = shape.fields[i].name;
                        self.report(Diagnostic::error(
                            Code::DuplicateField,
                            path.key(name).render(),
                            format!("field {name} appears more than once"),
                        ));
                    } else {
                        slots[i] = Some(value);
                    }
                }
                None => {
                    let hint = shape
                        .suggest(key)
                        .map(|s| format!("; did you mean {s}?"))
                        .unwrap_or_default();
                    self.report(Diagnostic::error(
                        Code::UnknownField,
                        path.key(key).render(),
                        format!("unknown field {key}{hint}"),
                    ));
                }
            }
        }
    }

    /// Checks the fields of an object in catalog order and writes them as a JSON object.
    /// Returns whether anything was written.
    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        shape: &Shape,
        slots: &Slots,
        path: &Path,
        entity: Option<EntityType>,
        in_related: bool,
        overrides: Option<&lead::Overrides>,
        out: &mut Vec<u8>,
    ) -> bool {
        let start = out.len();
        out.push(b'{');
        // Most fields of a record are absent and optional: nothing to decide for them. Only
        // the fields present, mandatory or touched by the lead rules are visited, in
        // catalog order (a lead shape has ninety fields, a record a score).
        let mut visit = always_checked(shape) | overrides.map_or(0, |o| o.mask());
        for (i, s) in slots.iter().enumerate() {
            if s.is_some() {
                visit |= 1 << i;
            }
        }
        while visit != 0 {
            let i = visit.trailing_zeros() as usize;
            visit &= visit - 1;
            let field = &shape.fields[i];
            let value = slots[i].filter(|v| !v.is_absent());
            let rule = match overrides {
                Some(o) => o.presence(i, field, entity),
                None => lead::PresenceRule::of(field.presence_in(entity, in_related)),
            };
            let Some(value) = value else {
                if rule.presence == Presence::Mandatory {
                    let code = rule
                        .code
                        .or_else(|| field.codes.missing(in_related))
                        .unwrap_or(Code::MissingField);
                    let msg = rule
                        .message
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{} is mandatory", catalog::pascal(field.name)));
                    self.report(Diagnostic::error(code, path.key(field.name).render(), msg));
                }
                if let Some(default) = field.default {
                    canonical::write_field_key(out, field.name);
                    canonical::write_str(out, default);
                }
                continue;
            };
            if rule.presence == Presence::Forbidden {
                let (code, msg) = match (rule.code, entity) {
                    (Some(code), _) => (
                        code,
                        rule.message.unwrap_or("field not allowed here").to_string(),
                    ),
                    (None, Some(EntityType::Organization)) => (
                        Code::C015,
                        format!(
                            "Field not allowed for ORGANIZATION. Field: {}",
                            catalog::pascal(field.name)
                        ),
                    ),
                    (None, _) => (
                        Code::C014,
                        format!(
                            "Field not allowed for INDIVIDUAL. Field: {}",
                            catalog::pascal(field.name)
                        ),
                    ),
                };
                self.report(Diagnostic::error(code, path.key(field.name).render(), msg));
                continue;
            }
            let mark = out.len();
            canonical::write_field_key(out, field.name);
            let fpath = path.key(field.name);
            if !self.value(field, value, &fpath, in_related, out) {
                out.truncate(mark);
            }
        }
        self.after_object(shape, slots, path, in_related);
        if out.len() == start + 1 {
            out.truncate(start);
            return false;
        }
        out.push(b'}');
        true
    }

    /// Checks one present value of a field and writes its canonical form. Returns whether
    /// a value was written.
    fn value(
        &mut self,
        field: &Field,
        node: &Node,
        path: &Path,
        in_related: bool,
        out: &mut Vec<u8>,
    ) -> bool {
        match &field.ty {
            Type::List(shape) => {
                let Node::List(items) = node else {
                    self.bad_type(field, node, path, "an array of objects");
                    return false;
                };
                let start = out.len();
                out.push(b'[');
                let related = in_related || std::ptr::eq(*shape, &catalog::RELATED_ENTITY);
                for (i, item) in items.iter().enumerate() {
                    let ipath = path.index(i);
                    let Node::Map(fields) = item else {
                        if !item.is_absent() {
                            self.report(Diagnostic::error(
                                Code::BadType,
                                ipath.render(),
                                format!("expected an object, found {}", item.kind()),
                            ));
                        }
                        continue;
                    };
                    let mut buf = [None; MAX_FIELDS];
                    let slots = self.slots(shape, fields, &ipath, &mut buf);
                    let entity = if std::ptr::eq(*shape, &catalog::RELATED_ENTITY) {
                        lead::entity_of(slots, shape)
                    } else {
                        None
                    };
                    canonical::separate(out);
                    let mark = out.len();
                    if !self.object(shape, slots, &ipath, entity, related, None, out) {
                        out.truncate(mark);
                        if out.last() == Some(&b',') {
                            out.pop();
                        }
                    }
                }
                if out.len() == start + 1 {
                    out.truncate(start);
                    return false;
                }
                out.push(b']');
                true
            }
            Type::Object(shape) => {
                let Node::Map(fields) = node else {
                    self.bad_type(field, node, path, "an object");
                    return false;
                };
                let mut buf = [None; MAX_FIELDS];
                let slots = self.slots(shape, fields, path, &mut buf);
                self.object(shape, slots, path, None, in_related, None, out)
            }
            _ => value::scalar(self, field, node, path, in_related, out),
        }
    }

    /// A value of the wrong JSON type: always `bad-type` (spec §2), even for fields whose
    /// vendor code covers unknown values; the vendor codes are for wrong codes, not types.
    pub fn bad_type(&mut self, field: &Field, node: &Node, path: &Path, expected: &str) {
        self.report(Diagnostic::error(
            Code::BadType,
            path.render(),
            format!("{}: expected {expected}, found {}", field.name, node.kind()),
        ));
    }

    /// Rules that look at several fields of one object.
    fn after_object(&mut self, shape: &Shape, slots: &Slots, path: &Path, in_related: bool) {
        if std::ptr::eq(shape, &catalog::DOCUMENT) {
            lead::document_dates(self, shape, slots, path);
        } else if std::ptr::eq(shape, &catalog::DECLARED_TURNOVER) {
            lead::turnover_range(self, shape, slots, path);
        } else if std::ptr::eq(shape, &catalog::ADDITIONAL_VALUE) {
            value::additional_value(self, shape, slots, path, in_related);
        } else if std::ptr::eq(shape, &catalog::LEAD) {
            lead::date_order(self, shape, slots);
        }
    }
}
