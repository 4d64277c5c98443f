//! `summary.json`: the run's counts, which prove that every record ended accepted or
//! rejected (`records == accepted + rejected`, in total and per file).

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    pub source: String,
    pub format: &'static str,
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
    pub by_file: Vec<FileSummary>,
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
        self.by_file.iter().filter(|f| f.error.is_some()).count() + self.unreadable_paths.len()
    }

    /// The one-line summary printed on stdout.
    pub fn line(&self) -> String {
        format!(
            "{} records: {} accepted, {} rejected, {} warnings in {} files",
            self.records, self.accepted, self.rejected, self.warnings, self.files
        )
    }
}
