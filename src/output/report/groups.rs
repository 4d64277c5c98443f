//! The findings the report lists, collected on the ordered thread while the run goes: per
//! code, the findings with the same message form one group, with its count and its first
//! rows. Memory is bounded whatever the number of findings: at most `GROUPS` groups per code
//! (later messages go to one group of their own, `rest`), `ROWS` rows per group, and codes
//! come from `diagnostic::CODES` (a few dozen). Everything is counted.

use std::collections::{BTreeMap, HashMap};

use super::html::{clipped_into, num};
use crate::diagnostic::{Code, Severity};

/// One finding (of a record, or of a file as a whole), as the report lists it.
#[derive(Debug, Clone, Copy)]
pub struct ReportFinding<'a> {
    pub source: &'a str,
    /// The record's number in its file; 0 for a finding about the file as a whole.
    pub record: u64,
    pub line: u64,
    /// The record's number in the run (1, 2, ...), which tells the records a code was found
    /// in apart; 0 for a file-level finding.
    pub serial: u64,
    pub customer_ext_id: Option<&'a str>,
    pub communication_number: Option<&'a str>,
    pub path: &'a str,
    pub message: &'a str,
    /// Whether the record was accepted; `None` for a file-level finding. Shown beside
    /// warnings, which a record may carry either way.
    pub accepted: Option<bool>,
}

/// The findings of a run, by code, grouped by message; and the run's options, which the
/// report lists.
///
/// Rows are rendered as findings come in, on the ordered thread while the other threads
/// still check records, rather than all at the end of the run, when nothing else is left
/// to do.
#[derive(Debug, Default)]
pub struct ReportFindings {
    pub(super) by_code: BTreeMap<&'static str, CodeGroups>,
    /// `--strict`: warnings reject the record too.
    pub(super) strict: bool,
    /// The options that shape the run's verdicts, as (name, value).
    pub(super) options: Vec<(&'static str, String)>,
    /// With a ledger: the last runs and the chain head (`history`).
    pub history: Option<super::History>,
}

/// The findings of one code.
#[derive(Debug)]
pub(super) struct CodeGroups {
    pub severity: Severity,
    /// Findings listed to the report (the summary's `byCode` also counts the ones beyond
    /// `--max-findings`).
    pub findings: u64,
    /// Records with at least one finding of this code.
    pub records: u64,
    /// Findings about a file as a whole.
    pub files: u64,
    /// `ReportFinding::serial` of the last record counted in `records`.
    last_serial: u64,
    /// One group per message, in the order the messages were first met.
    pub groups: Vec<Group>,
    /// Message -> index in `groups`: at most `ReportFindings::GROUPS` entries.
    index: HashMap<Box<str>, u32>,
    /// Findings whose message was new once `GROUPS` messages had their group.
    pub rest: Group,
}

/// Findings with one message (or, for `rest`, with any later message).
#[derive(Debug, Default)]
pub(super) struct Group {
    pub count: u64,
    /// `<tr>` elements of the first `ReportFindings::ROWS` findings, one per line.
    pub html: String,
    pub rows: usize,
}

impl ReportFindings {
    /// Groups (distinct messages) kept per code.
    pub const GROUPS: usize = 100;
    /// Rows kept per group.
    pub const ROWS: usize = 5;

    /// An empty collection for a run with these options (name, value).
    pub fn new(strict: bool, options: Vec<(&'static str, String)>) -> ReportFindings {
        ReportFindings {
            by_code: BTreeMap::new(),
            strict,
            options,
            history: None,
        }
    }

    pub fn add(&mut self, code: Code, severity: Severity, f: ReportFinding<'_>) {
        let c = self
            .by_code
            .entry(code.as_str())
            .or_insert_with(|| CodeGroups {
                severity,
                findings: 0,
                records: 0,
                files: 0,
                last_serial: 0,
                groups: Vec::new(),
                index: HashMap::new(),
                rest: Group::default(),
            });
        c.findings += 1;
        if f.serial == 0 {
            c.files += 1;
        } else if f.serial != c.last_serial {
            c.records += 1;
            c.last_serial = f.serial;
        }
        // Messages are grouped (and shown) up to `MAX_TEXT` bytes, so that a message
        // quoting a huge value cannot make a group's key huge.
        let message = clip(f.message).0;
        let group = match c.index.get(message) {
            Some(&i) => &mut c.groups[i as usize],
            None if c.groups.len() < Self::GROUPS => {
                c.index.insert(message.into(), c.groups.len() as u32);
                c.groups.push(Group::default());
                let last = c.groups.len() - 1;
                &mut c.groups[last]
            }
            None => &mut c.rest,
        };
        group.count += 1;
        if group.rows < Self::ROWS {
            group.rows += 1;
            row_into(&mut group.html, &f, severity == Severity::Warning);
        }
    }
}

impl CodeGroups {
    /// The groups with their messages, the largest first (ties: the first met first).
    pub fn sorted(&self) -> Vec<(&str, &Group)> {
        let mut messages = vec![""; self.groups.len()];
        for (m, &i) in &self.index {
            messages[i as usize] = m;
        }
        let mut out: Vec<(&str, &Group)> = messages.into_iter().zip(&self.groups).collect();
        // Stable: equal counts keep the order they were met in.
        out.sort_by_key(|(_, g)| std::cmp::Reverse(g.count));
        out
    }
}

/// Bytes of a text (file, identifier, path, message) kept in a row or a group's key; a
/// longer one is cut at a character boundary and ends with `…` (errors.csv has it whole).
pub(super) const MAX_TEXT: usize = 240;

/// `s` cut to at most `MAX_TEXT` bytes, and whether it was cut.
pub(super) fn clip(s: &str) -> (&str, bool) {
    if s.len() <= MAX_TEXT {
        return (s, false);
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (&s[..end], true)
}

/// Appends the table row of one finding: file, record, line, customerExtId,
/// communicationNumber, path, message, and for a warning whether its record was accepted.
/// Numbers carry their value in `data-v` for the page's sorting.
fn row_into(o: &mut String, f: &ReportFinding<'_>, outcome: bool) {
    use std::fmt::Write as _;
    o.push_str("<tr><td>");
    clipped_into(o, f.source);
    if f.record == 0 {
        o.push_str("</td><td data-v=\"0\">file</td>");
    } else {
        let _ = write!(
            o,
            "</td><td class=\"num\" data-v=\"{}\">{}</td>",
            f.record,
            num(f.record)
        );
    }
    let _ = write!(
        o,
        "<td class=\"num\" data-v=\"{}\">{}</td><td>",
        f.line,
        num(f.line)
    );
    clipped_into(o, f.customer_ext_id.unwrap_or(""));
    o.push_str("</td><td>");
    clipped_into(o, f.communication_number.unwrap_or(""));
    o.push_str("</td><td><code>");
    clipped_into(o, f.path);
    o.push_str("</code></td><td>");
    clipped_into(o, f.message);
    if outcome {
        o.push_str(match f.accepted {
            Some(true) => "</td><td>accepted",
            Some(false) => "</td><td class=\"rej\">rejected",
            None => "</td><td>",
        });
    }
    o.push_str("</td></tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(serial: u64, message: &str) -> ReportFinding<'_> {
        ReportFinding {
            source: "in/<a>.ndjson",
            record: serial,
            line: serial + 10,
            serial,
            customer_ext_id: Some("Lead_1"),
            communication_number: Some("ComNr_1"),
            path: "birthDate",
            message,
            accepted: Some(false),
        }
    }

    #[test]
    fn equal_messages_share_a_group_with_its_first_rows_and_its_count() {
        let mut r = ReportFindings::default();
        for i in 1..=50 {
            r.add(
                Code::MissingField,
                Severity::Error,
                finding(i, "FirstName is mandatory"),
            );
        }
        r.add(
            Code::MissingField,
            Severity::Error,
            finding(51, "LastName is mandatory"),
        );
        // Two findings of one record count the record once.
        r.add(
            Code::MissingField,
            Severity::Error,
            finding(51, "Title is mandatory"),
        );
        let c = &r.by_code["missing-field"];
        assert_eq!((c.findings, c.records, c.rest.count), (52, 51, 0));
        let sorted = c.sorted();
        let counts: Vec<(&str, u64, usize)> =
            sorted.iter().map(|(m, g)| (*m, g.count, g.rows)).collect();
        assert_eq!(
            counts,
            [
                ("FirstName is mandatory", 50, ReportFindings::ROWS),
                ("LastName is mandatory", 1, 1),
                ("Title is mandatory", 1, 1),
            ]
        );
        assert_eq!(
            sorted[0].1.html.lines().next(),
            Some(
                "<tr><td>in/&lt;a&gt;.ndjson</td><td class=\"num\" data-v=\"1\">1</td>\
                 <td class=\"num\" data-v=\"11\">11</td><td>Lead_1</td><td>ComNr_1</td>\
                 <td><code>birthDate</code></td><td>FirstName is mandatory</td></tr>"
            )
        );
        assert_eq!(sorted[0].1.html.lines().count(), ReportFindings::ROWS);
    }

    #[test]
    fn messages_past_the_group_limit_are_counted_in_the_rest_with_their_first_rows() {
        let mut r = ReportFindings::default();
        let extra = 7;
        for i in 0..(ReportFindings::GROUPS as u64 + extra) {
            let message = format!("birthDate \"{i}\" is not a date");
            // Each message twice: the groups hold two findings each.
            for _ in 0..2 {
                r.add(Code::BadDate, Severity::Error, finding(i + 1, &message));
            }
        }
        let c = &r.by_code["bad-date"];
        assert_eq!(c.groups.len(), ReportFindings::GROUPS);
        assert!(c.groups.iter().all(|g| g.count == 2 && g.rows == 2));
        assert_eq!(
            (c.rest.count, c.rest.rows),
            (2 * extra, ReportFindings::ROWS)
        );
        assert_eq!(c.index.len(), ReportFindings::GROUPS);
        assert_eq!(c.findings, 2 * (ReportFindings::GROUPS as u64 + extra));
        // The first message past the limit is the rest's first row.
        let first_rest = format!("birthDate &quot;{}&quot;", ReportFindings::GROUPS);
        assert!(c.rest.html.lines().next().unwrap().contains(&first_rest));
    }

    #[test]
    fn warnings_say_whether_their_record_was_accepted_and_file_findings_name_no_record() {
        let mut r = ReportFindings::default();
        let mut f = finding(3, "the document expired on 2020-01-03");
        f.accepted = Some(true);
        r.add(Code::DocumentExpired, Severity::Warning, f);
        let file = ReportFinding {
            record: 0,
            serial: 0,
            customer_ext_id: None,
            communication_number: None,
            path: "",
            accepted: None,
            ..finding(0, "the file holds no record")
        };
        r.add(Code::EmptyFile, Severity::Warning, file);
        let row = &r.by_code["document-expired"].groups[0].html;
        assert!(
            row.ends_with("<td>the document expired on 2020-01-03</td><td>accepted</td></tr>\n")
        );
        let e = &r.by_code["empty-file"];
        assert_eq!((e.findings, e.records, e.files), (1, 0, 1));
        assert!(e.groups[0].html.contains("<td data-v=\"0\">file</td>"));
    }
}
