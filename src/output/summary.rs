//! `summary.json`: the run's counts, which prove that every record ended accepted or
//! rejected (`records == accepted + rejected`, in total and per file).
//!
//! The per-file rows are not held in memory: a run of two million files would need
//! hundreds of megabytes for them. They are written to a temporary file as each file
//! completes (`FileListWriter`) and read back, in order, whenever the summary or the
//! report is written (`FileList`). The rows are kept in a plain binary form: a JSON round
//! trip per row was 5% of a run of 200,000 one-lead files.

use std::collections::BTreeMap;
use std::io::{self, Read};

use serde::Serialize;

use crate::source::Format;
use crate::spill::{Spill, Stored};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    pub source: String,
    pub format: Format,
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// BLAKE3 of the file's bytes as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blake3: Option<crate::source::digest::Digest>,
}

/// Records, accepted and rejected of one group.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Counts {
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub version: String,
    pub spec: String,
    pub as_of: String,
    pub inputs: Vec<String>,
    pub files: u64,
    pub skipped_files: Vec<String>,
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub warnings: u64,
    pub by_code: BTreeMap<String, u64>,
    pub by_file: FileList,
    /// INDIVIDUAL, ORGANIZATION, and `unknown` for records whose entity type is missing or invalid.
    pub by_entity_type: BTreeMap<String, Counts>,
    /// Directories or entries the walk could not read (path and reason).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable_paths: Vec<String>,
    /// BLAKE3 of every output file written before this summary.
    pub outputs: BTreeMap<String, String>,
    /// Milliseconds from the start until every record was written; the final fsyncs, the
    /// report and this summary come after.
    pub elapsed_ms: u64,
}

impl Summary {
    /// Files that could not be read, wholly or in part.
    pub fn file_errors(&self) -> usize {
        self.by_file.errors() as usize + self.unreadable_paths.len()
    }

    /// The one-line summary printed on stdout.
    pub fn line(&self) -> String {
        format!(
            "{} records: {} accepted, {} rejected, {} warnings in {} files",
            self.records, self.accepted, self.rejected, self.warnings, self.files
        )
    }
}

/// The per-file rows of a run, in file order, kept in a temporary file.
#[derive(Debug, Clone, Default)]
pub struct FileList {
    rows: Option<Stored>,
    len: u64,
    errors: u64,
}

impl FileList {
    /// Files listed.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Files listed with an error.
    pub fn errors(&self) -> u64 {
        self.errors
    }

    /// The rows in file order. Fails only when the temporary file cannot be read back.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<FileSummary>> + '_ {
        let mut rows = self
            .rows
            .as_ref()
            .map(|r| io::BufReader::with_capacity(64 << 10, r.reader()));
        let mut left = self.len;
        std::iter::from_fn(move || {
            let rows = rows.as_mut()?;
            if left == 0 {
                return None;
            }
            left -= 1;
            Some(decode(rows))
        })
    }

    /// The rows in memory: for tests and for callers that know the run was small.
    pub fn to_vec(&self) -> io::Result<Vec<FileSummary>> {
        self.iter().collect()
    }
}

impl Serialize for FileList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len as usize))?;
        for row in self.iter() {
            seq.serialize_element(&row.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// Writes the rows of a `FileList` as the files complete.
pub struct FileListWriter {
    spill: Spill,
    line: Vec<u8>,
    len: u64,
    errors: u64,
}

impl FileListWriter {
    /// Keeps the rows in a temporary file in `dir`.
    pub fn create(dir: &std::path::Path) -> io::Result<FileListWriter> {
        Ok(FileListWriter {
            spill: Spill::create(dir, "files")?,
            line: Vec::with_capacity(256),
            len: 0,
            errors: 0,
        })
    }

    /// Appends the next file's row.
    pub fn push(&mut self, row: &FileSummary) -> io::Result<()> {
        self.line.clear();
        encode(&mut self.line, row);
        self.spill.append(&self.line)?;
        self.len += 1;
        self.errors += u64::from(row.error.is_some());
        Ok(())
    }

    pub fn finish(self) -> io::Result<FileList> {
        Ok(FileList {
            rows: Some(self.spill.into_stored()?),
            len: self.len,
            errors: self.errors,
        })
    }
}

/// A row as bytes: the source (length, then UTF-8), the format, the three counts, the
/// digest (a flag, then 32 bytes), the error (a flag, then length and UTF-8).
fn encode(out: &mut Vec<u8>, row: &FileSummary) {
    let text = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    text(out, &row.source);
    out.push(match row.format {
        Format::Json => 0,
        Format::Ndjson => 1,
        Format::Xml => 2,
        Format::Csv => 3,
    });
    for n in [row.records, row.accepted, row.rejected] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    match &row.blake3 {
        Some(d) => {
            out.push(1);
            out.extend_from_slice(&d.0);
        }
        None => out.push(0),
    }
    match &row.error {
        Some(e) => {
            out.push(1);
            text(out, e);
        }
        None => out.push(0),
    }
}

fn decode(r: &mut impl Read) -> io::Result<FileSummary> {
    fn u64_(r: &mut impl Read) -> io::Result<u64> {
        let mut b = [0u8; 8];
        r.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn byte(r: &mut impl Read) -> io::Result<u8> {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        Ok(b[0])
    }
    fn text(r: &mut impl Read) -> io::Result<String> {
        let len = u64_(r)?;
        let mut s = Vec::new();
        r.take(len).read_to_end(&mut s)?;
        if s.len() as u64 != len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        String::from_utf8(s).map_err(io::Error::other)
    }
    let source = text(r)?;
    let format = match byte(r)? {
        0 => Format::Json,
        1 => Format::Ndjson,
        2 => Format::Xml,
        _ => Format::Csv,
    };
    let (records, accepted, rejected) = (u64_(r)?, u64_(r)?, u64_(r)?);
    let blake3 = match byte(r)? {
        0 => None,
        _ => {
            let mut d = [0u8; 32];
            r.read_exact(&mut d)?;
            Some(crate::source::digest::Digest(d))
        }
    };
    let error = match byte(r)? {
        0 => None,
        _ => Some(text(r)?),
    };
    Ok(FileSummary {
        source,
        format,
        records,
        accepted,
        rejected,
        error,
        blake3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::digest::Digest;

    fn row(i: u8) -> FileSummary {
        FileSummary {
            source: format!("dir/f\n\"{i}\".json"),
            format: if i.is_multiple_of(2) {
                Format::Json
            } else {
                Format::Xml
            },
            records: u64::from(i) * 3,
            accepted: u64::from(i) * 2,
            rejected: u64::from(i),
            error: (i == 1).then(|| "cannot read: gone".to_string()),
            blake3: (i != 2).then_some(Digest([i; 32])),
        }
    }

    #[test]
    fn rows_come_back_in_order_and_serialize_like_a_vector() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<FileSummary> = (0..5).map(row).collect();
        let mut w = FileListWriter::create(dir.path()).unwrap();
        for r in &rows {
            w.push(r).unwrap();
        }
        let list = w.finish().unwrap();
        assert_eq!((list.len(), list.errors()), (5, 1));
        assert_eq!(list.to_vec().unwrap(), rows);
        // Read twice: the summary and the report each read the list.
        assert_eq!(
            serde_json::to_string_pretty(&list).unwrap(),
            serde_json::to_string_pretty(&rows).unwrap()
        );
        assert_eq!(
            serde_json::to_string_pretty(&FileList::default()).unwrap(),
            serde_json::to_string_pretty(&Vec::<FileSummary>::new()).unwrap()
        );
    }
}
