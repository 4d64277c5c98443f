//! `summary.json`: the run's counts, which prove that every record ended accepted or
//! rejected (`records == accepted + rejected`, in total and per file).
//!
//! The per-file rows and the skipped files are not held in memory but in `list::List`s.

use std::collections::BTreeMap;
use std::io::{self, Read};

use serde::Serialize;

use super::list::{List, Row, get_text, get_u8, get_u64, put_text, put_u64};
use crate::source::Format;

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
    /// The encoding a CSV or XML file was decoded from (its `--encoding` label), only when
    /// it is not UTF-8: absent means UTF-8, which JSON and NDJSON always are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Why `encoding`: `byte-order-mark`, `declaration` (XML), `option` (`--encoding`) or
    /// `detected` (`--encoding auto`: a guess, worth a look).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_source: Option<String>,
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
    pub skipped_files: PathList,
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
        self.by_file.flagged() as usize + self.unreadable_paths.len()
    }

    /// "SOURCE: read as ENCODING (WHY)" for each file decoded from another encoding than
    /// UTF-8, in file order (printed on stderr with `--encoding auto`).
    pub fn encoding_notes(&self) -> impl Iterator<Item = String> + '_ {
        self.by_file.iter().filter_map(|row| {
            let row = row.ok()?;
            let (enc, why) = (row.encoding?, row.encoding_source?);
            Some(format!("{}: read as {enc} ({why})", row.source))
        })
    }

    /// The one-line summary printed on stdout.
    pub fn line(&self) -> String {
        format!(
            "{} records: {} accepted, {} rejected, {} warnings in {} files",
            self.records, self.accepted, self.rejected, self.warnings, self.files
        )
    }
}

/// The per-file rows of a run, in file order (`Row`: see `list`).
pub type FileList = List<FileSummary>;

/// Source paths, in order.
pub type PathList = List<String>;

/// A row as bytes: the source, the format, the three counts, the digest (a flag, then 32
/// bytes), the error, the encoding and its source (each a flag, then the text).
impl Row for FileSummary {
    fn encode(&self, out: &mut Vec<u8>) {
        put_text(out, &self.source);
        out.push(match self.format {
            Format::Json => 0,
            Format::Ndjson => 1,
            Format::Xml => 2,
            Format::Csv => 3,
        });
        for n in [self.records, self.accepted, self.rejected] {
            put_u64(out, n);
        }
        match &self.blake3 {
            Some(d) => {
                out.push(1);
                out.extend_from_slice(&d.0);
            }
            None => out.push(0),
        }
        for text in [&self.error, &self.encoding, &self.encoding_source] {
            match text {
                Some(e) => {
                    out.push(1);
                    put_text(out, e);
                }
                None => out.push(0),
            }
        }
    }

    fn decode(r: &mut impl Read) -> io::Result<FileSummary> {
        let source = get_text(r)?;
        let format = match get_u8(r)? {
            0 => Format::Json,
            1 => Format::Ndjson,
            2 => Format::Xml,
            3 => Format::Csv,
            b => return Err(io::Error::other(format!("file list: format byte {b}"))),
        };
        let (records, accepted, rejected) = (get_u64(r)?, get_u64(r)?, get_u64(r)?);
        let blake3 = match get_u8(r)? {
            0 => None,
            _ => {
                let mut d = [0u8; 32];
                r.read_exact(&mut d)?;
                Some(crate::source::digest::Digest(d))
            }
        };
        let mut text = || -> io::Result<Option<String>> {
            Ok(match get_u8(r)? {
                0 => None,
                _ => Some(get_text(r)?),
            })
        };
        let (error, encoding, encoding_source) = (text()?, text()?, text()?);
        Ok(FileSummary {
            source,
            format,
            records,
            accepted,
            rejected,
            error,
            blake3,
            encoding,
            encoding_source,
        })
    }

    fn flagged(&self) -> bool {
        self.error.is_some()
    }
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
            encoding: (i == 3).then(|| "windows-1257".to_string()),
            encoding_source: (i == 3).then(|| "detected".to_string()),
        }
    }

    #[test]
    fn rows_come_back_in_order_and_serialize_like_a_vector() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<FileSummary> = (0..5).map(row).collect();
        let mut w = super::super::list::ListWriter::create(dir.path(), "files").unwrap();
        for r in &rows {
            w.push(r).unwrap();
        }
        let list = w.finish().unwrap();
        let list: FileList = list;
        assert_eq!((list.len(), list.flagged()), (5, 1));
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
