//! What a run tells the operator at a terminal when it ends: the first findings of rejected
//! records as `source:line: path: code: message` (the form compilers, frictionless and ajv
//! use, which editors and terminals turn into links), then a count per code. Only when
//! stderr is a terminal (`main` decides): a cron job's mail carries the summary line, and
//! errors.csv has every finding.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::diagnostic::{Code, Severity, code_info};

/// `--show` when not given.
pub const DEFAULT_SHOW: usize = 10;

/// One finding kept for the terminal, as errors.csv has it (messages already redacted with
/// `--redact`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub source: String,
    /// 1-based line of the record (of the file for a file-level finding); 0 when unknown.
    pub line: u64,
    pub path: String,
    pub code: Code,
    pub message: String,
}

/// The first `limit` findings of rejected records and unreadable files, in the run's order.
/// Bounded: a night of 35,000 rejections keeps `limit` of them.
#[derive(Debug, Clone, Default)]
pub struct FirstFindings {
    pub limit: usize,
    pub kept: Vec<Shown>,
}

impl FirstFindings {
    pub fn new(limit: usize) -> FirstFindings {
        FirstFindings {
            limit,
            kept: Vec::new(),
        }
    }

    /// Whether another finding would be kept: callers skip building it when not.
    pub fn wants_more(&self) -> bool {
        self.kept.len() < self.limit
    }

    pub fn push(&mut self, shown: Shown) {
        if self.wants_more() {
            self.kept.push(shown);
        }
    }
}

/// Writes the findings, then "… more in errors.csv", then the count per code (most frequent
/// first, then by name), each with its severity. Nothing when the run found nothing to show.
pub fn write_findings(
    w: &mut impl Write,
    first: &FirstFindings,
    by_code: &BTreeMap<String, u64>,
    errors_csv: &str,
) -> io::Result<()> {
    if first.kept.is_empty() {
        return Ok(());
    }
    for f in &first.kept {
        let line = if f.line > 0 {
            format!(":{}", f.line)
        } else {
            String::new()
        };
        let path = if f.path.is_empty() {
            String::new()
        } else {
            format!(" {}:", f.path)
        };
        writeln!(w, "{}{line}:{path} {}: {}", f.source, f.code, f.message)?;
    }
    let total: u64 = by_code.values().sum();
    if total > first.kept.len() as u64 {
        writeln!(
            w,
            "... and {} more findings in {errors_csv}",
            total - first.kept.len() as u64
        )?;
    }
    let mut counts: Vec<(&String, &u64)> = by_code.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let width = counts.first().map_or(1, |(_, n)| n.to_string().len());
    for (code, n) in counts {
        let severity = code_info(code).map_or(Severity::Error, |c| c.severity);
        writeln!(w, "{n:>width$}  {code} ({})", severity.as_str())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_then_the_rest_then_counts_per_code() {
        let mut first = FirstFindings::new(2);
        for (line, path, code) in [
            (3, "birthDate", Code::BadDate),
            (0, "", Code::UnreadableFile),
        ] {
            first.push(Shown {
                source: "in/a.ndjson".into(),
                line,
                path: path.into(),
                code,
                message: "m".into(),
            });
        }
        first.push(Shown {
            source: "x".into(),
            line: 1,
            path: String::new(),
            code: Code::BadDate,
            message: "dropped".into(),
        });
        assert!(!first.wants_more());
        let by_code: BTreeMap<String, u64> = [
            ("bad-date".to_string(), 12),
            ("document-expired".to_string(), 3),
            ("unreadable-file".to_string(), 1),
        ]
        .into();
        let mut out = Vec::new();
        write_findings(&mut out, &first, &by_code, "out/latest/errors.csv").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "in/a.ndjson:3: birthDate: bad-date: m\n\
             in/a.ndjson: unreadable-file: m\n\
             ... and 14 more findings in out/latest/errors.csv\n\
             12  bad-date (error)\n \
             3  document-expired (warning)\n \
             1  unreadable-file (error)\n"
        );
        let mut none = Vec::new();
        write_findings(&mut none, &FirstFindings::new(0), &by_code, "e").unwrap();
        assert!(none.is_empty());
    }
}
