//! The lead rules of spec §1 and the rules that relate several fields of one object
//! (document dates, turnover ranges, approval before application).

use std::sync::LazyLock;

use super::scalar::{self, Date};
use super::{Checker, Keys, Path, RuleSettings, Slots};
use crate::catalog::{self, EntityType, Field, Presence, Shape, has_lead_marker};
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Node;

/// Catalog positions of the fields the lead rules read.
struct LeadIdx {
    communication_number: usize,
    action: usize,
    source: usize,
    risk_level: usize,
    status: usize,
    category: usize,
    entity_type: usize,
    ext_id: usize,
    application: usize,
    approval: usize,
    closing: usize,
    /// The fields a lead-to-customer conversion may omit (the catalog's
    /// `optional_in_conversion`: birthDate), as a bit mask over field indices.
    optional_in_conversion: u128,
    /// Those and the four positions above (`Overrides::mask`).
    touched: u128,
}

static IDX: LazyLock<LeadIdx> = LazyLock::new(|| {
    let l = &catalog::LEAD;
    let optional_in_conversion = l
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| f.optional_in_conversion && *i < 128)
        .fold(0, |m, (i, _)| m | 1u128 << i);
    let (approval, risk_level, status, closing) = (
        l.idx("approvalDate"),
        l.idx("riskLevel"),
        l.idx("customerStatus"),
        l.idx("closingDate"),
    );
    LeadIdx {
        communication_number: l.idx("communicationNumber"),
        action: l.idx("action"),
        source: l.idx("sourceOfRiskLevel"),
        risk_level,
        status,
        category: l.idx("riskManagementCategory"),
        entity_type: l.idx("entityType"),
        ext_id: l.idx("customerExtId"),
        application: l.idx("applicationDate"),
        approval,
        closing,
        optional_in_conversion,
        touched: Overrides::touched(
            optional_in_conversion,
            [approval, risk_level, status, closing],
        ),
    }
});

fn text<'n>(slots: &Slots<'n, '_>, i: usize) -> Option<&'n str> {
    slots[i].and_then(Node::as_text).filter(|t| !t.is_empty())
}

fn present(slots: &Slots, i: usize) -> bool {
    slots[i].is_some_and(|v| !v.is_absent())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Update,
    /// Not a valid action (reported by the enum check).
    Other,
}

/// What the lead rules need to know, read leniently before the field checks.
pub(super) struct Facts<'n> {
    pub entity: Option<EntityType>,
    action: Action,
    category: Option<&'n str>,
    source: Option<&'n str>,
    status: Option<&'n str>,
    communication_number: Option<&'n str>,
    ext_id: Option<&'n str>,
    risk_present: bool,
    status_present: bool,
}

impl<'n> Facts<'n> {
    pub fn read(slots: &Slots<'n, '_>) -> Facts<'n> {
        let ix = &*IDX;
        let action = match text(slots, ix.action) {
            None => Action::Create,
            Some(a) if a.eq_ignore_ascii_case("CREATE") => Action::Create,
            Some(a) if a.eq_ignore_ascii_case("UPDATE") => Action::Update,
            Some(_) => Action::Other,
        };
        Facts {
            entity: text(slots, ix.entity_type).and_then(EntityType::parse),
            action,
            category: text(slots, ix.category),
            source: text(slots, ix.source),
            status: text(slots, ix.status),
            communication_number: text(slots, ix.communication_number),
            ext_id: text(slots, ix.ext_id),
            risk_present: present(slots, ix.risk_level),
            status_present: present(slots, ix.status),
        }
    }

    pub fn keys(&self) -> Keys {
        Keys {
            communication_number: self.communication_number.map(Into::into),
            customer_ext_id: self.ext_id.map(Into::into),
            is_create: self.action == Action::Create,
            entity_type: self.entity,
            hashes: Some([
                super::cross::key_hash(self.communication_number.unwrap_or("")),
                super::cross::key_hash(self.ext_id.unwrap_or("")),
            ]),
            ledger_hashes: [None, None],
        }
    }

    fn source_is(&self, word: &str) -> bool {
        self.source.is_some_and(|s| s.eq_ignore_ascii_case(word))
    }
}

/// How the lead rules change the catalog's presence for this record.
pub(super) struct Overrides {
    conversion: bool,
    import_conversion: bool,
    closing_required: bool,
    /// Catalog positions, copied so that the per-field check reads no global.
    optional_in_conversion: u128,
    /// Every field above, as a bit mask over field indices (`mask`).
    touched: u128,
    approval: usize,
    risk_level: usize,
    status: usize,
    closing: usize,
}

/// Presence of a field for one record, with the code and message to use when violated.
pub(super) struct PresenceRule {
    pub presence: Presence,
    pub code: Option<Code>,
    pub message: Option<&'static str>,
}

impl PresenceRule {
    pub fn of(presence: Presence) -> PresenceRule {
        PresenceRule {
            presence,
            code: None,
            message: None,
        }
    }
}

impl Overrides {
    /// The fields whose presence or default the lead rules may change, as a bit mask over
    /// field indices.
    pub fn mask(&self) -> u128 {
        self.touched
    }

    fn touched(optional_in_conversion: u128, fields: [usize; 4]) -> u128 {
        fields
            .iter()
            .filter(|&&i| i < 128)
            .fold(optional_in_conversion, |m, &i| m | 1u128 << i)
    }

    /// The presence rule of field `i`. Most fields are none the lead rules touch: one test
    /// of `touched` tells them, where a test of each position below ran for every field
    /// visited (callgrind, 60,000 XML or CSV records: `Checker::object` 341M instructions
    /// to 320M, 0.7% of the run).
    pub fn presence(&self, i: usize, field: &Field, entity: Option<EntityType>) -> PresenceRule {
        let base = field.presence(entity);
        let ix = self;
        if i >= 128 || (ix.touched >> i) & 1 == 0 {
            return PresenceRule::of(base);
        }
        let optional_in_conversion = (ix.optional_in_conversion >> i) & 1 == 1;
        if optional_in_conversion && self.conversion && base == Presence::Mandatory {
            // A converted customer may omit birthDate (spec §1; the catalog marks it).
            return PresenceRule::of(Presence::Optional);
        }
        if i == ix.approval && self.conversion {
            return PresenceRule {
                presence: Presence::Mandatory,
                code: Some(Code::ApprovalDateRequired),
                message: Some(
                    "a lead-to-customer conversion (UPDATE to a category without the lead marker) must carry approvalDate",
                ),
            };
        }
        if (i == ix.risk_level || i == ix.status) && self.import_conversion {
            return PresenceRule {
                presence: Presence::Mandatory,
                code: None,
                message: Some(
                    "riskLevel and customerStatus are mandatory when sourceOfRiskLevel is IMPORT",
                ),
            };
        }
        if i == ix.closing {
            return if self.closing_required {
                PresenceRule {
                    presence: Presence::Mandatory,
                    code: Some(Code::C013),
                    message: Some("ClosingDate is mandatory for CLOSED CustomerStatus"),
                }
            } else {
                PresenceRule {
                    presence: Presence::Forbidden,
                    code: Some(Code::C013a),
                    message: Some("ClosingDate can not exist for not CLOSED CustomerStatus"),
                }
            };
        }
        PresenceRule::of(base)
    }
}

/// Spec §1. Reports the lead findings and returns the presence overrides.
pub(super) fn check(c: &mut Checker, f: &Facts) -> Overrides {
    let mut conversion = false;
    if let Some(category) = f.category {
        let lead = has_lead_marker(category);
        if lead && f.source_is("IMPORT") {
            c.report(Diagnostic::error(
                Code::C008I02,
                "sourceOfRiskLevel",
                "When source of risk level IMPORT. 'Lead' risk management category is forbidden (a lead may only be EVALUATEd)",
            ));
        }
        if !lead {
            match f.action {
                Action::Create => c.report(Diagnostic::error(
                    Code::NotALead,
                    "riskManagementCategory",
                    format!(
                        "riskManagementCategory {} has no lead marker (LEAD_ prefix or _LEAD suffix): a CREATE without it is a customer, not a lead",
                        c.show(&catalog::LEAD.fields[catalog::LEAD.idx("riskManagementCategory")], category)
                    ),
                )),
                Action::Update => conversion = true,
                Action::Other => {}
            }
        }
    }
    if f.source_is("EVALUATE") {
        for (present, name) in [
            (f.risk_present, "riskLevel"),
            (f.status_present, "customerStatus"),
        ] {
            if present {
                c.warn(
                    Code::IgnoredForEvaluate,
                    name,
                    format!("{name} is not used when sourceOfRiskLevel is EVALUATE; it is kept in the payload"),
                );
            }
        }
    }
    let ix = &*IDX;
    Overrides {
        conversion,
        import_conversion: conversion && f.source_is("IMPORT"),
        closing_required: f.status.is_some_and(|s| s.eq_ignore_ascii_case("CLOSED")),
        optional_in_conversion: ix.optional_in_conversion,
        touched: ix.touched,
        approval: ix.approval,
        risk_level: ix.risk_level,
        status: ix.status,
        closing: ix.closing,
    }
}

/// A related entity's own entity type (it decides firstName/lastName vs title).
pub(super) fn entity_of(slots: &Slots, shape: &Shape) -> Option<EntityType> {
    text(slots, shape.idx("entityType")).and_then(EntityType::parse)
}

/// The date of slot `i`, read as the value check read it (`--date-format` for text).
fn date_value(s: &RuleSettings, slots: &Slots, i: usize) -> Option<scalar::DateValue> {
    let text = text(slots, i)?;
    s.parse_date(slots[i]?, text).ok()
}

fn date_at(s: &RuleSettings, slots: &Slots, i: usize) -> Option<Date> {
    date_value(s, slots, i).map(|v| v.date())
}

/// Document: expiry not before issue (error); expired on the run's date (warning).
pub(super) fn document_dates(c: &mut Checker, shape: &Shape, slots: &Slots, path: &Path) {
    let issue = date_at(c.s, slots, shape.idx("documentIssueDate"));
    let Some(expiry) = date_at(c.s, slots, shape.idx("documentExpiryDate")) else {
        return;
    };
    let p = path.key("documentExpiryDate").render();
    if let Some(issue) = issue
        && expiry < issue
    {
        c.report(Diagnostic::error(
            Code::OutOfRange,
            p,
            format!("documentExpiryDate {expiry} is before documentIssueDate {issue}"),
        ));
        return;
    }
    if expiry < c.s.as_of {
        c.warn(
            Code::DocumentExpired,
            p,
            format!("the document expired on {expiry} (run date {})", c.s.as_of),
        );
    }
}

/// DeclaredTurnover: at least one of from/to; from <= to.
pub(super) fn turnover_range(c: &mut Checker, shape: &Shape, slots: &Slots, path: &Path) {
    // Integers of any size (BigInteger amounts), compared as canonical text.
    let num = |i: usize| {
        slots[i].and_then(|n| match n {
            Node::Number(t) => scalar::canonical_integer(t).ok(),
            Node::Str(t) | Node::Text(t) => scalar::canonical_integer(t.trim()).ok(),
            _ => None,
        })
    };
    let (fi, ti) = (shape.idx("from"), shape.idx("to"));
    if !present(slots, fi) && !present(slots, ti) {
        c.report(Diagnostic::error(
            Code::MissingField,
            path.key("from").render(),
            "DeclaredTurnover needs at least one of from and to",
        ));
        return;
    }
    if let (Some(from), Some(to)) = (num(fi), num(ti))
        && scalar::compare_integers(&from, &to).is_gt()
    {
        c.report(Diagnostic::error(
            Code::OutOfRange,
            path.key("to").render(),
            format!("turnover range from {from} is greater than to {to}"),
        ));
    }
}

/// approvalDate before applicationDate: the vendor accepts it, a reviewer wants to see it.
/// Two timestamps compare as instants (zones applied); otherwise calendar dates compare.
pub(super) fn date_order(c: &mut Checker, _shape: &Shape, slots: &Slots) {
    let ix = &*IDX;
    let value = |i| date_value(c.s, slots, i);
    let (Some(app), Some(appr)) = (value(ix.application), value(ix.approval)) else {
        return;
    };
    let before = match (&app, &appr) {
        (
            scalar::DateValue::Timestamp { canonical: a, .. },
            scalar::DateValue::Timestamp { canonical: b, .. },
        ) => match (instant(a), instant(b)) {
            (Some(a), Some(b)) => b < a,
            _ => appr.date() < app.date(),
        },
        _ => appr.date() < app.date(),
    };
    if before {
        let show = |v: &scalar::DateValue| match v {
            scalar::DateValue::Plain(d) => d.to_string(),
            scalar::DateValue::Timestamp { canonical, .. } => canonical.clone(),
        };
        c.warn(
            Code::DateOrder,
            "approvalDate",
            format!(
                "approvalDate {} is before applicationDate {}",
                show(&appr),
                show(&app)
            ),
        );
    }
}

/// A canonical RFC 3339 timestamp (`YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)`) as UTC seconds and
/// the fraction's digits (compared as text, padded).
fn instant(ts: &str) -> Option<(i64, String)> {
    let date = Date::parse_plain(ts.get(..10)?)?;
    let num = |r: std::ops::Range<usize>| ts.get(r)?.parse::<i64>().ok();
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = ts.get(19..)?;
    let (frac, zone) = match rest.strip_prefix('.') {
        Some(r) => {
            let end = r.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(r.len());
            (r[..end].to_string(), &r[end..])
        }
        None => (String::new(), rest),
    };
    let offset = match zone {
        "Z" => 0,
        z if z.len() == 6 => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            sign * (z.get(1..3)?.parse::<i64>().ok()? * 3600
                + z.get(4..6)?.parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    let secs = date.days_since_epoch() * 86_400 + h * 3600 + m * 60 + s - offset;
    Some((secs, format!("{frac:0<9}")))
}
