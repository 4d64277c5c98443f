//! The options that decide a run's verdicts, in one place: summary.json records them
//! (`options`), the ledger keeps them with the run, and report.html lists them. Options that
//! only say where and how the outputs are written (`--out`, `--jobs`, `--file-mode`,
//! `--keep-runs`, `--wait-lock`, `--quiet`) are left out: they change no verdict.

use serde::Serialize;

use super::{Mode, PayloadLayout, Settings};
use crate::diagnostic::Code;

/// The effective options of a run, defaults filled in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RunOptions {
    /// `process` or `validate`.
    pub mode: &'static str,
    pub as_of: String,
    pub strict: bool,
    /// `--deny`: the warning codes that reject (empty: none beyond `strict`).
    pub deny: Vec<Code>,
    pub redact: bool,
    /// `--encoding`'s label (`utf-8`, `auto`, `windows-1257`, ...).
    pub encoding: String,
    pub decimal_comma: bool,
    /// `--date-format` of dates written as text (CSV, XML), or null: ISO only.
    pub date_format: Option<&'static str>,
    /// `--delimiter` of CSV files, or null: by extension and header.
    pub delimiter: Option<String>,
    /// `--format`, or null: by extension.
    pub format: Option<&'static str>,
    pub hidden: bool,
    pub max_findings: usize,
    pub max_record_bytes: usize,
    pub max_depth: usize,
    pub max_list_items: usize,
    pub max_expansion: u64,
    pub reprocess: bool,
    /// `ndjson` or `files` (`process` only; null for `validate`, which writes no payloads).
    pub payload_layout: Option<&'static str>,
    /// `--classifiers`: each supplied list's file and the BLAKE3 of its codes (sorted, one per
    /// line); empty without `--classifiers`. So a run's verdicts can be traced to the lists
    /// they were checked against.
    pub classifiers: Vec<ClassifierList>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClassifierList {
    pub file: String,
    pub blake3: String,
}

impl RunOptions {
    pub fn of(s: &Settings) -> RunOptions {
        let r = &s.rules;
        RunOptions {
            mode: match s.mode {
                Mode::Process => "process",
                Mode::Validate => "validate",
            },
            as_of: r.as_of.to_string(),
            strict: s.strict,
            deny: s.deny.clone(),
            redact: r.redact,
            encoding: s.read.encoding.label(),
            decimal_comma: r.decimal_comma,
            date_format: r.date_format.map(|f| f.name()),
            delimiter: s.read.delimiter.map(|d| char::from(d).to_string()),
            format: s.walk.format.map(|f| f.as_str()),
            hidden: s.walk.hidden,
            max_findings: r.max_findings,
            max_record_bytes: s.read.max_record_bytes,
            max_depth: s.read.max_depth,
            max_list_items: s.read.max_list_items,
            max_expansion: s.read.max_expansion,
            reprocess: s.reprocess,
            payload_layout: (s.mode == Mode::Process).then_some(match s.payload_layout {
                PayloadLayout::Ndjson => "ndjson",
                PayloadLayout::Files => "files",
            }),
            classifiers: r
                .classifiers
                .as_ref()
                .map(|c| {
                    c.digests()
                        .into_iter()
                        .map(|(file, blake3)| ClassifierList { file, blake3 })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// As report.html lists them: flag and value, in words.
    pub fn for_report(&self) -> Vec<(&'static str, String)> {
        let on_off = |b: bool, on: &str| if b { on.to_string() } else { "off".to_string() };
        let mut o = vec![
            (
                "command",
                match self.mode {
                    "validate" => "validate (no accepted payloads written)",
                    other => other,
                }
                .to_string(),
            ),
            ("--as-of", self.as_of.clone()),
            (
                "--strict",
                on_off(self.strict, "on: warnings reject the record"),
            ),
            (
                "--redact",
                on_off(self.redact, "on: personal values masked"),
            ),
            (
                "--classifiers",
                if self.classifiers.is_empty() {
                    "none: built-in ISO lists, any non-empty classifier code".to_string()
                } else {
                    let files: Vec<&str> =
                        self.classifiers.iter().map(|c| c.file.as_str()).collect();
                    format!("supplied lists: {}", files.join(", "))
                },
            ),
            ("--max-findings", self.max_findings.to_string()),
            ("--max-record-bytes", self.max_record_bytes.to_string()),
            ("--max-depth", self.max_depth.to_string()),
            ("--encoding", self.encoding.clone()),
            (
                "--deny",
                if self.deny.is_empty() {
                    "none".to_string()
                } else {
                    let codes: Vec<&str> = self.deny.iter().map(|c| c.as_str()).collect();
                    codes.join(", ")
                },
            ),
            ("--decimal-comma", on_off(self.decimal_comma, "on")),
            (
                "--date-format",
                self.date_format.unwrap_or("ISO (YYYY-MM-DD)").to_string(),
            ),
            (
                "--delimiter",
                self.delimiter
                    .clone()
                    .unwrap_or_else(|| "by extension".into()),
            ),
            ("--hidden", on_off(self.hidden, "on")),
            (
                "--format",
                self.format.unwrap_or("by extension").to_string(),
            ),
        ];
        if let Some(layout) = self.payload_layout {
            o.push(("--payload-layout", layout.to_string()));
        }
        o
    }
}
