//! One record's check: how it is checked ([`Check`]: the run's settings, which warnings
//! reject, how the record's text is written) and its verdict ([`Checked`], with the
//! [`Keys`] the cross-record rules need).

use super::{Checker, MAX_FIELDS, Path, RuleSettings, lead};
use crate::catalog::{self, EntityType};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::record::Node;

/// Values the cross-record rules need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    /// Inline strings (up to 24 bytes without allocating): the keys are made on a worker
    /// and dropped on the ordered thread, and a heap string freed on another thread than
    /// the one that allocated it made the two contend for the allocator's lock.
    pub communication_number: Option<compact_str::CompactString>,
    pub customer_ext_id: Option<compact_str::CompactString>,
    /// `action` absent or CREATE.
    pub is_create: bool,
    pub entity_type: Option<EntityType>,
    /// `cross::key_hash` of the two keys, computed on the worker so that the ordered
    /// thread only probes; None: computed there.
    pub hashes: Option<[u64; 2]>,
    /// `ledger::key_hash` of the two keys and whether the ledger's filters may hold them
    /// (None: absent, or no ledger), computed on the worker with the payload's digest, so
    /// that the ordered thread looks up only the keys the ledger may have.
    pub ledger_hashes: [Option<(u64, bool)>; 2],
}

/// The verdict on one record.
#[derive(Debug, Default)]
pub struct Checked {
    /// Findings kept (at most `max_findings`).
    pub diagnostics: Vec<Diagnostic>,
    /// Findings beyond `max_findings`: code, severity, count.
    pub dropped: Vec<(Code, Severity, u64)>,
    pub errors: u64,
    pub warnings: u64,
    pub keys: Keys,
}

impl Checked {
    pub fn accepted(&self) -> bool {
        self.errors == 0
    }

    /// Reports `first` ahead of the findings already kept, so that they are kept whatever
    /// the number of the others (the last kept ones move to the dropped counts).
    pub fn report_first(&mut self, first: Vec<Diagnostic>, max: usize) {
        if first.is_empty() {
            return;
        }
        // The findings already kept were counted when reported: count `first` only.
        let mut counts = (self.errors, self.warnings);
        for d in &first {
            match d.severity {
                Severity::Error => counts.0 += 1,
                Severity::Warning => counts.1 += 1,
            }
        }
        let later = std::mem::take(&mut self.diagnostics);
        for d in first.into_iter().chain(later) {
            self.report(d, max);
        }
        (self.errors, self.warnings) = counts;
    }

    pub fn report(&mut self, d: Diagnostic, max: usize) {
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.diagnostics.len() < max {
            self.diagnostics.push(d);
        } else if let Some(e) = self
            .dropped
            .iter_mut()
            .find(|(c, s, _)| *c == d.code && *s == d.severity)
        {
            e.2 += 1;
        } else {
            self.dropped.push((d.code, d.severity, 1));
        }
    }
}

/// How a record is checked: the run's settings, which warnings reject (`--strict`,
/// `--deny`), and what its reader says of how its text is written.
///
/// Warnings that reject are reported as errors where they are found, so that every count
/// and every kept or dropped finding has its final severity from the start. The decimal
/// comma is a property of the record, not of the run: `--decimal-comma` is about CSV
/// cells, and the pipeline sets it for the records the CSV reader cut (a copy of this small
/// value per record, not of the settings).
#[derive(Debug, Clone, Copy)]
pub struct Check<'a> {
    pub settings: &'a RuleSettings,
    /// `--strict`: every warning rejects.
    pub strict: bool,
    /// `--deny`: the codes of the warnings that reject.
    pub deny: &'a [Code],
    /// The record's text values (`Node::Text`) write decimals with `,` (`1.234,5`).
    pub decimal_comma: bool,
}

impl<'a> Check<'a> {
    /// Warnings stay warnings; decimals use `.`.
    pub fn new(settings: &'a RuleSettings) -> Check<'a> {
        Check {
            settings,
            strict: false,
            deny: &[],
            decimal_comma: false,
        }
    }

    /// Whether a warning of `code` rejects the record, and so is reported as an error.
    pub(super) fn rejects(&self, code: Code) -> bool {
        self.strict || self.deny.contains(&code)
    }

    /// Checks a record and writes its canonical payload to `out` (meaningful only when the
    /// record is accepted; the caller truncates otherwise).
    pub fn record(self, node: &Node, out: &mut Vec<u8>) -> Checked {
        let mut c = Checker::new(self);
        match node {
            Node::Map(fields) => {
                let root = Path::root();
                let mut buf = [None; MAX_FIELDS];
                let slots = c.slots(&catalog::LEAD, fields, &root, &mut buf);
                let facts = lead::Facts::read(slots);
                c.result.keys = facts.keys();
                let overrides = lead::check(&mut c, &facts);
                let entity = facts.entity;
                c.object(
                    &catalog::LEAD,
                    slots,
                    &root,
                    entity,
                    false,
                    Some(&overrides),
                    out,
                );
            }
            other => {
                c.report(Diagnostic::error(
                    Code::BadType,
                    "",
                    format!(
                        "a lead record must be a JSON object, found {}",
                        other.kind()
                    ),
                ));
            }
        }
        c.result
    }
}

/// Checks a record as `Check::new(settings)` does.
pub fn check_record(node: &Node, settings: &RuleSettings, out: &mut Vec<u8>) -> Checked {
    Check::new(settings).record(node, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::json_value;

    /// An individual's lead whose identifiers a spreadsheet mangled: two `excel-mangled`
    /// warnings, nothing else.
    const MANGLED: &str = r#"{"communicationNumber": "1.23457E+15", "requester": "bank",
        "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": "5.0001E+10", "entityType": "INDIVIDUAL",
        "applicationDate": "2024-01-05", "firstName": "Jonas", "lastName": "Jankūnas",
        "citizenshipCountry": "LT", "birthDate": "1980-02-29"}"#;

    fn verdict(check: Check) -> Checked {
        let node = json_value::parse(MANGLED, 64).expect("JSON");
        check.record(&node, &mut Vec::new())
    }

    fn severities(c: &Checked) -> Vec<(Code, Severity)> {
        c.diagnostics.iter().map(|d| (d.code, d.severity)).collect()
    }

    #[test]
    fn warnings_are_warnings_unless_the_run_says_they_reject() {
        let s = RuleSettings::default();
        let plain = verdict(Check::new(&s));
        let warned = vec![
            (Code::ExcelMangled, Severity::Warning),
            (Code::ExcelMangled, Severity::Warning),
        ];
        assert_eq!(severities(&plain), warned);
        assert!(plain.accepted());
        assert_eq!((plain.errors, plain.warnings), (0, 2));
        let other = verdict(Check {
            deny: &[Code::DateOrder],
            ..Check::new(&s)
        });
        assert_eq!(severities(&other), warned);
    }

    #[test]
    fn strict_and_deny_report_the_warnings_as_errors_from_the_start() {
        let s = RuleSettings::default();
        let rejected = vec![
            (Code::ExcelMangled, Severity::Error),
            (Code::ExcelMangled, Severity::Error),
        ];
        for check in [
            Check {
                strict: true,
                ..Check::new(&s)
            },
            Check {
                deny: &[Code::DateOrder, Code::ExcelMangled],
                ..Check::new(&s)
            },
        ] {
            let c = verdict(check);
            assert_eq!(severities(&c), rejected);
            assert!(!c.accepted());
            assert_eq!((c.errors, c.warnings), (2, 0));
        }
    }

    #[test]
    fn warnings_beyond_max_findings_are_counted_with_their_final_severity() {
        let s = RuleSettings {
            max_findings: 1,
            ..RuleSettings::default()
        };
        let c = verdict(Check {
            strict: true,
            ..Check::new(&s)
        });
        assert_eq!(severities(&c), vec![(Code::ExcelMangled, Severity::Error)]);
        assert_eq!(c.dropped, vec![(Code::ExcelMangled, Severity::Error, 1)]);
        assert_eq!((c.errors, c.warnings), (2, 0));
    }
}
