//! `summary.json`: the run's counts, which prove that every record ended accepted or
//! rejected (`records == accepted + rejected`, in total and per file).
//!
//! The per-file rows and the skipped files are not held in memory but in `list::List`s.

use std::collections::BTreeMap;
use std::io::{self, Read};

use serde::Serialize;

use super::list::{List, Row, get_text, get_u8, get_u64, put_text, put_u64};
use crate::source::{Format, Overlap};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    pub source: String,
    pub format: Format,
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Records already accepted with the same payload in an earlier run (with a ledger).
    pub unchanged: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The code of a file-level warning (`empty-file`); its message is in errors.csv.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
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
    /// The file's size when it was read (for the ledger, which skips the digest of a file
    /// whose size no earlier file had); not in summary.json.
    #[serde(skip)]
    pub bytes: Option<u64>,
}

/// Records, accepted, rejected and unchanged of one group.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Counts {
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub unchanged: u64,
}

/// A file not read because a committed run of the ledger read the same bytes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AlreadyProcessed {
    pub source: String,
    /// BLAKE3 of the file's bytes.
    pub blake3: String,
    /// The run that read it.
    pub run_id: String,
}

#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub version: String,
    pub spec: String,
    /// This run's directory under `OUT/runs/`.
    pub run_id: String,
    /// The run `OUT/latest` named when this one began (null for the first run of OUT).
    pub previous_run_id: Option<String>,
    /// SHA-256 of the previous committed run's summary.json (of the ledger's chain with
    /// `--ledger`, else of `OUT/latest`), so that runs form a chain an auditor can check
    /// with `sha256sum`.
    pub previous_manifest: Option<String>,
    pub as_of: String,
    pub inputs: Vec<String>,
    /// The options that decided the verdicts (`pipeline::RunOptions`).
    pub options: Option<crate::pipeline::RunOptions>,
    pub files: u64,
    pub skipped_files: PathList,
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Records already accepted with the same payload by an earlier run of the ledger:
    /// `records == accepted + rejected + unchanged`. Always 0 without a ledger.
    pub unchanged: u64,
    pub warnings: u64,
    pub by_code: BTreeMap<String, u64>,
    pub by_file: FileList,
    /// INDIVIDUAL, ORGANIZATION, and `unknown` for records whose entity type is missing or invalid.
    pub by_entity_type: BTreeMap<String, Counts>,
    /// Directories or entries the walk could not read (path and reason); always present,
    /// so that a check of the night's summary needs no "absent means none".
    pub unreadable_paths: Vec<String>,
    /// Files not read again: a committed run of the ledger read the same bytes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub already_processed: Vec<AlreadyProcessed>,
    /// INPUTs whose files were already read through another INPUT (each file is read once).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overlapping_inputs: Vec<Overlap>,
    /// BLAKE3 of every output file written before this summary, per-record payload files
    /// (`--payload-layout files`) included.
    pub outputs: Outputs,
    /// Milliseconds from the start until every record was written; the final fsyncs, the
    /// report and this summary come after.
    pub elapsed_ms: u64,
    /// The first findings of rejected records and unreadable files (`--show`), for the
    /// terminal only: errors.csv has them all.
    #[serde(skip)]
    pub first_findings: super::terminal::FirstFindings,
}

impl Summary {
    /// Files that could not be read, wholly or in part.
    pub fn file_errors(&self) -> usize {
        self.by_file.flagged() as usize + self.unreadable_paths.len()
    }

    /// What the operator is told on stderr at the end of a run, one line each: INPUTs that
    /// overlapped, files skipped and paths that could not be read (a count and the first
    /// few; the whole lists are in summary.json).
    pub fn notices(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .overlapping_inputs
            .iter()
            .map(|o| {
                format!(
                    "INPUT {} overlaps INPUT {}: {} {} read once, through {}",
                    o.input,
                    o.read_through,
                    o.files,
                    plural(o.files, "file", "files"),
                    o.read_through
                )
            })
            .collect();
        if !self.already_processed.is_empty() {
            let n = self.already_processed.len() as u64;
            let first: Vec<String> = self
                .already_processed
                .iter()
                .take(NOTICE_NAMES)
                .map(|a| format!("{} (run {})", a.source, a.run_id))
                .collect();
            lines.push(format!(
                "{n} {} already processed by an earlier run, not read again (--reprocess reads \
                 them): {}{}",
                plural(n, "file", "files"),
                first.join(", "),
                more(n, first.len()),
            ));
        }
        if !self.skipped_files.is_empty() {
            let first: Vec<String> = self
                .skipped_files
                .iter()
                .take(NOTICE_NAMES)
                .map_while(Result::ok)
                .collect();
            let n = self.skipped_files.len();
            lines.push(format!(
                "{n} {} skipped (not lead files by extension, hidden, office lock files, or not \
                 regular files): {}{}",
                plural(n, "file", "files"),
                first.join(", "),
                more(n, first.len()),
            ));
        }
        if !self.unreadable_paths.is_empty() {
            let n = self.unreadable_paths.len() as u64;
            let first = &self.unreadable_paths[..self.unreadable_paths.len().min(NOTICE_NAMES)];
            lines.push(format!(
                "{n} {} could not be read: {}{}",
                plural(n, "path", "paths"),
                first.join("; "),
                more(n, first.len()),
            ));
        }
        lines
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
        let unchanged = match self.unchanged {
            0 => String::new(),
            n => format!(", {n} unchanged"),
        };
        // Files and paths that could not be read have no records to count: said here, so that
        // "0 rejected" never hides a file that was not read.
        let unreadable = match self.file_errors() {
            0 => String::new(),
            n => format!(", {n} unreadable"),
        };
        format!(
            "{} records: {} accepted, {} rejected{unchanged}, {} warnings in {} files{unreadable}",
            self.records, self.accepted, self.rejected, self.warnings, self.files
        )
    }
}

/// How many paths a notice names before it says how many more there are.
const NOTICE_NAMES: usize = 5;

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn more(total: u64, shown: usize) -> String {
    match total.saturating_sub(shown as u64) {
        0 => String::new(),
        rest => format!(" and {rest} more (see summary.json)"),
    }
}

/// The per-file rows of a run, in file order (`Row`: see `list`).
pub type FileList = List<FileSummary>;

/// Source paths, in order.
pub type PathList = List<String>;

/// `outputs` of the summary: the digests of the run's files by name, and of the per-record
/// payload files (`accepted/<name>.json`) in the order they were written, the run's record
/// order. Those can be millions: they stay in a `List` on disk, not in memory. Written as one
/// JSON object: names before `accepted/` (`accepted.ndjson`), the payload files, the rest.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    files: BTreeMap<String, String>,
    pub payloads: List<PayloadDigest>,
}

impl Outputs {
    /// Records the digest of an output file.
    pub fn insert(&mut self, name: String, digest: String) {
        self.files.insert(name, digest);
    }
}

impl Serialize for Outputs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        const PAYLOADS: &str = "accepted/";
        let len = self.files.len() + self.payloads.len() as usize;
        let mut map = s.serialize_map(Some(len))?;
        let (before, after): (Vec<_>, Vec<_>) =
            self.files.iter().partition(|(k, _)| k.as_str() < PAYLOADS);
        for (k, v) in before {
            map.serialize_entry(k, v)?;
        }
        for p in self.payloads.iter() {
            let p = p.map_err(S::Error::custom)?;
            map.serialize_entry(&format!("{PAYLOADS}{}", p.name), &p.blake3)?;
        }
        for (k, v) in after {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The digest of one per-record payload file, named as in `accepted/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadDigest {
    pub name: String,
    pub blake3: crate::source::digest::Digest,
}

/// A row as bytes: the name, then the 32 bytes of the digest.
impl Row for PayloadDigest {
    fn encode(&self, out: &mut Vec<u8>) {
        put_text(out, &self.name);
        out.extend_from_slice(&self.blake3.0);
    }

    fn decode(r: &mut impl Read) -> io::Result<PayloadDigest> {
        let name = get_text(r)?;
        let mut d = [0u8; 32];
        r.read_exact(&mut d)?;
        Ok(PayloadDigest {
            name,
            blake3: crate::source::digest::Digest(d),
        })
    }
}

/// A row as bytes: the source, the format, the four counts, the digest (a flag, then 32
/// bytes), the error, the warning, the encoding and its source (each a flag, then the
/// text), the size (a flag, then the u64).
impl Row for FileSummary {
    fn encode(&self, out: &mut Vec<u8>) {
        put_text(out, &self.source);
        out.push(match self.format {
            Format::Json => 0,
            Format::Ndjson => 1,
            Format::Xml => 2,
            Format::Csv => 3,
        });
        for n in [self.records, self.accepted, self.rejected, self.unchanged] {
            put_u64(out, n);
        }
        match &self.blake3 {
            Some(d) => {
                out.push(1);
                out.extend_from_slice(&d.0);
            }
            None => out.push(0),
        }
        for text in [
            &self.error,
            &self.warning,
            &self.encoding,
            &self.encoding_source,
        ] {
            match text {
                Some(t) => {
                    out.push(1);
                    put_text(out, t);
                }
                None => out.push(0),
            }
        }
        match self.bytes {
            Some(n) => {
                out.push(1);
                put_u64(out, n);
            }
            None => out.push(0),
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
        let (records, accepted, rejected, unchanged) =
            (get_u64(r)?, get_u64(r)?, get_u64(r)?, get_u64(r)?);
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
        let (error, warning, encoding, encoding_source) = (text()?, text()?, text()?, text()?);
        let bytes = match get_u8(r)? {
            0 => None,
            _ => Some(get_u64(r)?),
        };
        Ok(FileSummary {
            source,
            format,
            records,
            accepted,
            rejected,
            unchanged,
            error,
            warning,
            blake3,
            encoding,
            encoding_source,
            bytes,
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
            unchanged: u64::from(i) / 2,
            error: (i == 1).then(|| "cannot read: gone".to_string()),
            warning: (i == 3).then(|| "empty-file".to_string()),
            blake3: (i != 2).then_some(Digest([i; 32])),
            encoding: (i == 3).then(|| "windows-1257".to_string()),
            encoding_source: (i == 3).then(|| "detected".to_string()),
            bytes: (i != 2).then_some(u64::from(i) * 1000),
        }
    }

    #[test]
    fn notices_name_overlaps_then_the_first_skipped_and_unreadable_paths() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = super::super::list::ListWriter::create(dir.path(), "skipped").unwrap();
        for i in 0..7 {
            w.push(&format!("s{i}.txt")).unwrap();
        }
        let summary = Summary {
            skipped_files: w.finish().unwrap(),
            unreadable_paths: vec!["in/locked: Permission denied (os error 13)".into()],
            overlapping_inputs: vec![Overlap {
                input: "in/x.json".into(),
                read_through: "in".into(),
                files: 1,
            }],
            ..Default::default()
        };
        assert_eq!(
            summary.notices(),
            [
                "INPUT in/x.json overlaps INPUT in: 1 file read once, through in",
                "7 files skipped (not lead files by extension, hidden, office lock files, or not \
                 regular files): s0.txt, s1.txt, s2.txt, s3.txt, s4.txt and 2 more (see \
                 summary.json)",
                "1 path could not be read: in/locked: Permission denied (os error 13)",
            ]
        );
        assert!(Summary::default().notices().is_empty());
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
