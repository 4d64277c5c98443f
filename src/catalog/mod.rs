//! THE field catalog: one row per field of the lead request (spec §3–§4).
//!
//! Every format's name mapping (JSON names and aliases, XML PascalCase, CSV headers matched
//! case-insensitively: one table of every spelling, `names`), every type/presence/enum rule, the canonical field order and the
//! JSON Schema export read this table. Adding a field the vendor documents tomorrow is one
//! new row in `fields.rs`.

mod fields;
pub mod iso;
mod names;

use std::sync::LazyLock;

use foldhash::HashMap;

use crate::diagnostic::Code;

pub use fields::{ADDITIONAL_VALUE, ADDRESS, DECLARED_TURNOVER, DOCUMENT, LEAD, RELATED_ENTITY};

/// Value types of spec §2.
#[derive(Debug)]
pub enum Type {
    /// Text; `max_chars` counts Unicode scalar values.
    Str {
        max_chars: Option<usize>,
    },
    Enum(&'static [&'static str]),
    Country,
    Currency,
    /// A code from the named AMLYZE classifier.
    Classifier(&'static str),
    Date,
    Bool,
    Int {
        min: Option<i64>,
    },
    Decimal {
        min_zero: bool,
    },
    /// Integer 0..=100.
    Percent,
    /// A list of enum words (`initializeScreeningProcesses`).
    EnumList(&'static [&'static str]),
    List(&'static Shape),
    Object(&'static Shape),
    /// `AdditionalValue.value`: a string, boolean or number, written as a string.
    AnyScalar,
}

/// Whether a field must, may or must not be present for one entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Mandatory,
    Optional,
    Forbidden,
}

/// Vendor codes for a field, at the top level and inside a related entity. `None` means the
/// local code for the situation (`missing-field`, `bad-code`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Codes {
    pub missing: Option<Code>,
    pub invalid: Option<Code>,
    pub rel_missing: Option<Code>,
    pub rel_invalid: Option<Code>,
}

impl Codes {
    pub const NONE: Codes = Codes {
        missing: None,
        invalid: None,
        rel_missing: None,
        rel_invalid: None,
    };

    pub fn missing(&self, in_related: bool) -> Option<Code> {
        if in_related {
            self.rel_missing
        } else {
            self.missing
        }
    }

    pub fn invalid(&self, in_related: bool) -> Option<Code> {
        if in_related {
            self.rel_invalid
        } else {
            self.invalid
        }
    }
}

/// One field of a shape.
#[derive(Debug)]
pub struct Field {
    /// Canonical (REST JSON) name.
    pub name: &'static str,
    pub ty: Type,
    /// Presence for an INDIVIDUAL and an ORGANIZATION (for nested shapes without an entity
    /// type both are the same).
    pub ind: Presence,
    pub org: Presence,
    /// Other accepted input names (`GIIN`, XML `SourceOfWealthCode`).
    pub aliases: &'static [&'static str],
    pub codes: Codes,
    /// An identifier a spreadsheet may mangle into scientific notation (`excel-mangled`).
    pub identifier: bool,
    /// Personal data: masked by `--redact`.
    pub personal: bool,
    /// Mandatory in the lead's own objects but optional inside a related entity (spec §4:
    /// `addressDetails` of the lead's `listAddress`).
    pub optional_in_related: bool,
    /// Mandatory only while the record is a lead: a lead-to-customer conversion (an UPDATE
    /// to a category without the lead marker) may omit it (spec §1: `birthDate` of an
    /// individual). Only the lead's own fields carry it (the marker is the lead's category).
    pub optional_in_conversion: bool,
    /// The date a person was born or an organization founded (spec §2): not in the future,
    /// not before 1900-01-01.
    pub life_date: bool,
    /// The value written when the field is absent, so that the canonical payload always
    /// states it (`action`: CREATE, the vendor's default); the schema requires it.
    pub default: Option<&'static str>,
}

impl Field {
    pub fn presence(&self, entity: Option<EntityType>) -> Presence {
        match entity {
            Some(EntityType::Individual) => self.ind,
            Some(EntityType::Organization) => self.org,
            // Unknown entity type: only what both require is required, nothing is forbidden.
            None => {
                if self.ind == Presence::Mandatory && self.org == Presence::Mandatory {
                    Presence::Mandatory
                } else {
                    Presence::Optional
                }
            }
        }
    }

    /// Presence inside an object of the lead itself (`in_related` false) or of a related
    /// entity (true).
    pub fn presence_in(&self, entity: Option<EntityType>, in_related: bool) -> Presence {
        if in_related && self.optional_in_related {
            Presence::Optional
        } else {
            self.presence(entity)
        }
    }

    /// The XML element name: the field name in PascalCase.
    pub fn xml_name(&self) -> String {
        pascal(self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityType {
    Individual,
    Organization,
}

impl EntityType {
    pub fn parse(text: &str) -> Option<EntityType> {
        if text.eq_ignore_ascii_case("INDIVIDUAL") {
            Some(EntityType::Individual)
        } else if text.eq_ignore_ascii_case("ORGANIZATION") {
            Some(EntityType::Organization)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Individual => "INDIVIDUAL",
            EntityType::Organization => "ORGANIZATION",
        }
    }
}

/// A record shape: the lead itself or one nested type.
#[derive(Debug)]
pub struct Shape {
    /// Position in `fields::SHAPES`, used to find the shape's name table.
    pub id: usize,
    /// The vendor's type name (`Address`, `BusinessEntityDocument`): also the XML item element.
    pub name: &'static str,
    pub fields: &'static [Field],
}

/// The name tables of every shape, in the order of `fields::SHAPES`, built once.
static NAMES: LazyLock<Vec<names::Names>> = LazyLock::new(|| {
    fields::SHAPES
        .iter()
        .enumerate()
        .map(|(i, shape)| {
            assert_eq!(shape.id, i, "shape ids must match their position in SHAPES");
            names::Names::new(shape)
        })
        .collect()
});

/// Equality of two field names, inlined: names are short, and a call to `memcmp` for each
/// of the thirty-odd keys of a record cost more than the comparison itself.
#[inline]
pub fn same_name(a: &str, b: &str) -> bool {
    names::same_bytes(a.as_bytes(), b.as_bytes())
}

impl Shape {
    /// Index of the field with this exact JSON name or alias.
    #[inline]
    pub fn lookup(&self, name: &str) -> Option<usize> {
        NAMES[self.id].json(name)
    }

    /// Index of the field for a CSV header or XML element name: a name or alias in any
    /// ASCII letter case (PascalCase is what XML writes).
    #[inline]
    pub fn lookup_folded(&self, name: &str) -> Option<usize> {
        NAMES[self.id].folded(name)
    }

    /// Index of a field by its canonical name; panics when the catalog lacks it (a
    /// programming error caught by the tests).
    pub fn idx(&self, name: &str) -> usize {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("catalog shape {} has no field {name}", self.name))
    }

    /// The closest known field name, for "did you mean" hints.
    ///
    /// A feed with one misspelt field misspells it in every record: answers are remembered
    /// per thread (a few thousand names at most), as the comparison costs microseconds.
    pub fn suggest(&self, name: &str) -> Option<&'static str> {
        // Field names are under 40 characters; a name twice as long cannot score 0.85, and
        // comparing it would cost time in its length for every record that carries it.
        if name.len() > 80 {
            return None;
        }
        type Memo = Vec<HashMap<Box<str>, Option<&'static str>>>;
        thread_local!(static MEMO: std::cell::RefCell<Memo> = Default::default());
        if let Some(hit) = MEMO.with_borrow(|m| m.get(self.id).and_then(|m| m.get(name).copied())) {
            return hit;
        }
        let found = self.closest(name);
        MEMO.with_borrow_mut(|m| {
            if m.len() <= self.id {
                m.resize_with(self.id + 1, HashMap::default);
            }
            if m[self.id].len() < 1024 {
                m[self.id].insert(Box::from(name), found);
            }
        });
        found
    }

    fn closest(&self, name: &str) -> Option<&'static str> {
        let lower = name.to_ascii_lowercase();
        let mut best: Option<(f64, &'static str)> = None;
        for (f, field_lower) in self.fields.iter().zip(&NAMES[self.id].lower_names) {
            let score = strsim::jaro_winkler(&lower, field_lower);
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, f.name));
            }
        }
        best.filter(|(s, _)| *s >= 0.85).map(|(_, n)| n)
    }
}

/// All shapes, the lead first.
pub fn shapes() -> &'static [&'static Shape] {
    fields::SHAPES
}

/// `firstName` -> `FirstName`.
pub fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
    }
    out.extend(chars);
    out
}

/// Spec §1: the lead marker, matched without regard to case.
pub fn has_lead_marker(category: &str) -> bool {
    let b = category.as_bytes();
    (b.len() >= 5 && b[..5].eq_ignore_ascii_case(b"LEAD_"))
        || (b.len() >= 5 && b[b.len() - 5..].eq_ignore_ascii_case(b"_LEAD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_indexes_all_names() {
        for shape in shapes() {
            for (i, f) in shape.fields.iter().enumerate() {
                assert_eq!(shape.lookup(f.name), Some(i), "{}.{}", shape.name, f.name);
                assert_eq!(shape.lookup_folded(&f.xml_name()), Some(i));
                assert_eq!(shape.lookup_folded(&f.name.to_uppercase()), Some(i));
            }
        }
    }

    #[test]
    fn aliases_map_to_their_field() {
        assert_eq!(LEAD.lookup("GIIN"), Some(LEAD.idx("giin")));
        assert_eq!(LEAD.lookup("LEI"), Some(LEAD.idx("lei")));
        let sow = match &LEAD.fields[LEAD.idx("listSourceOfWealth")].ty {
            Type::List(s) => *s,
            _ => unreachable!(),
        };
        assert_eq!(
            sow.lookup_folded("SourceOfWealthCode"),
            Some(sow.idx("code"))
        );
        assert_eq!(sow.lookup_folded("Value"), Some(sow.idx("amount")));
        assert_eq!(sow.lookup_folded("Amount"), Some(sow.idx("amount")));
    }

    /// `rules` guesses a field by comparing its name only: that is sound only if a field's
    /// own name always finds that field (no alias of another field shadows it).
    #[test]
    fn every_field_name_finds_its_own_field() {
        for shape in shapes() {
            for (i, f) in shape.fields.iter().enumerate() {
                assert_eq!(shape.lookup(f.name), Some(i), "{}.{}", shape.name, f.name);
            }
        }
    }

    #[test]
    fn same_name_is_string_equality() {
        let names = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "communicationNumber",
            "communicationNumbeR",
            "xommunicationNumber",
            "communicationNumbers",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_name(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn suggestions_are_the_same_when_remembered() {
        let first = LEAD.suggest("fristName");
        assert_eq!(first, Some("firstName"));
        assert_eq!(LEAD.suggest("fristName"), first);
        assert_eq!(ADDRESS.suggest("fristName"), None);
    }

    #[test]
    fn suggestions_find_near_names() {
        assert_eq!(LEAD.suggest("firstname"), Some("firstName"));
        assert_eq!(LEAD.suggest("birth_date"), Some("birthDate"));
        assert_eq!(LEAD.suggest("zzzzzz"), None);
        // A hostile name is not compared at all (it would cost time in its length).
        assert_eq!(LEAD.suggest(&"firstName".repeat(10_000)), None);
    }

    #[test]
    fn lead_marker() {
        for c in ["LEAD_IND", "lead_org", "IND_LEAD", "LEAD_AMLYZE", "x_lead"] {
            assert!(has_lead_marker(c), "{c}");
        }
        for c in ["IND", "LEADIND", "IND_LEADS", "LEAD", "_LEA"] {
            assert!(!has_lead_marker(c), "{c}");
        }
    }

    #[test]
    fn shapes_fit_the_rules_slot_array() {
        for shape in shapes() {
            assert!(
                shape.fields.len() <= crate::rules::MAX_FIELDS,
                "{}",
                shape.name
            );
        }
    }

    /// The schema and the rules read `optional_in_conversion` against the lead's own
    /// category, which nested objects do not have.
    #[test]
    fn only_the_leads_fields_are_optional_in_a_conversion() {
        for shape in shapes().iter().skip(1) {
            for f in shape.fields {
                assert!(!f.optional_in_conversion, "{}.{}", shape.name, f.name);
            }
        }
        let marked: Vec<&str> = LEAD
            .fields
            .iter()
            .filter(|f| f.optional_in_conversion)
            .map(|f| f.name)
            .collect();
        assert_eq!(marked, ["birthDate"]);
    }

    #[test]
    fn field_names_are_unique_per_shape() {
        for shape in shapes() {
            let mut names: Vec<_> = shape.fields.iter().map(|f| f.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), shape.fields.len(), "{}", shape.name);
        }
    }
}
