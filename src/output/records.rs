//! The per-record outputs: accepted payloads, rejected records with their findings, and
//! the findings as CSV rows for a compliance officer.

use std::io::{self, Write};
use std::path::Path;

use super::{ACCEPTED, ERRORS, PendingFile, REJECTED};
use crate::canonical::{write_key, write_str};
use crate::diagnostic::Diagnostic;
use crate::record::Location;

/// A rejected or warned-about record, as the writers need it.
pub struct RecordReport<'a> {
    pub source: &'a str,
    pub loc: &'a Location,
    pub communication_number: Option<&'a str>,
    pub customer_ext_id: Option<&'a str>,
    pub diagnostics: &'a [Diagnostic],
}

pub struct RecordWriters {
    accepted: Option<PendingFile>,
    rejected: PendingFile,
    errors: PendingFile,
    line: Vec<u8>,
}

impl RecordWriters {
    /// `with_accepted` is false for `validate`.
    pub fn create(dir: &Path, with_accepted: bool) -> io::Result<RecordWriters> {
        let accepted = if with_accepted {
            Some(PendingFile::create(dir, ACCEPTED)?)
        } else {
            None
        };
        let rejected = PendingFile::create(dir, REJECTED)?;
        let mut errors = PendingFile::create(dir, ERRORS)?;
        errors.writer().write_all(
            b"source,record,line,customerExtId,communicationNumber,severity,code,path,message\n",
        )?;
        Ok(RecordWriters {
            accepted,
            rejected,
            errors,
            line: Vec::with_capacity(4096),
        })
    }

    pub fn accepted(&mut self, payload: &[u8]) -> io::Result<()> {
        if let Some(a) = &mut self.accepted {
            let w = a.writer();
            w.write_all(payload)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    /// One line of `rejected.ndjson`; `input` is the record as read (JSON), or None.
    pub fn rejected(&mut self, r: &RecordReport, input: Option<&[u8]>) -> io::Result<()> {
        let l = &mut self.line;
        l.clear();
        l.push(b'{');
        write_key(l, "source");
        write_str(l, r.source);
        write_key(l, "record");
        l.extend_from_slice(r.loc.record.to_string().as_bytes());
        write_key(l, "line");
        l.extend_from_slice(r.loc.line.to_string().as_bytes());
        write_key(l, "resultType");
        write_str(l, "REQUEST_REJECTED");
        if let Some(cn) = r.communication_number {
            write_key(l, "communicationNumber");
            write_str(l, cn);
        }
        if let Some(ext) = r.customer_ext_id {
            write_key(l, "customerExtId");
            write_str(l, ext);
        }
        write_key(l, "errors");
        l.push(b'[');
        for (i, d) in r.diagnostics.iter().enumerate() {
            if i > 0 {
                l.push(b',');
            }
            l.push(b'{');
            write_key(l, "code");
            write_str(l, d.code);
            write_key(l, "path");
            write_str(l, &d.path);
            write_key(l, "severity");
            write_str(l, d.severity.as_str());
            write_key(l, "message");
            write_str(l, &d.message);
            l.push(b'}');
        }
        l.push(b']');
        write_key(l, "input");
        match input {
            Some(json) => l.extend_from_slice(json),
            None => l.extend_from_slice(b"null"),
        }
        l.extend_from_slice(b"}\n");
        self.rejected.writer().write_all(l)
    }

    /// One `errors.csv` row per finding.
    pub fn findings(&mut self, r: &RecordReport) -> io::Result<()> {
        for d in r.diagnostics {
            let record = r.loc.record.to_string();
            let line = if r.loc.line > 0 {
                r.loc.line.to_string()
            } else {
                String::new()
            };
            self.error_row(&[
                r.source,
                if r.loc.record == 0 { "" } else { &record },
                &line,
                r.customer_ext_id.unwrap_or(""),
                r.communication_number.unwrap_or(""),
                d.severity.as_str(),
                d.code,
                &d.path,
                &d.message,
            ])?;
        }
        Ok(())
    }

    fn error_row(&mut self, cells: &[&str]) -> io::Result<()> {
        let l = &mut self.line;
        l.clear();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                l.push(b',');
            }
            csv_cell(l, c);
        }
        l.push(b'\n');
        self.errors.writer().write_all(l)
    }

    pub fn into_files(self) -> Vec<PendingFile> {
        let mut v = Vec::new();
        if let Some(a) = self.accepted {
            v.push(a);
        }
        v.push(self.rejected);
        v.push(self.errors);
        v
    }

    pub fn abandon(self) {
        for f in self.into_files() {
            f.abandon();
        }
    }
}

/// RFC 4180 quoting: quote when the cell holds a delimiter, a quote or a line break.
fn csv_cell(out: &mut Vec<u8>, cell: &str) {
    let needs = cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs {
        out.extend_from_slice(cell.as_bytes());
        return;
    }
    out.push(b'"');
    for b in cell.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_read_back_with_the_csv_crate() {
        let cells = [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "=SUM(A1)",
            "",
            "Žygimantas",
        ];
        let mut line = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            csv_cell(&mut line, c);
        }
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&line[..]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(rec.iter().collect::<Vec<_>>(), cells);
    }
}
