//! The command line (clap derive): flags as typed values, resolved into pipeline `Settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::pipeline::{Mode, Settings};
use crate::rules::RuleSettings;
use crate::rules::scalar::Date;
use crate::source::ReadOptions;
use crate::source::transcode::encoding_for_label;

#[derive(Debug, Parser)]
#[command(
    name = "leadbatch",
    version,
    about = "Validate AMLYZE Create-Lead records in bulk and convert them to canonical REST payloads",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every record and write accepted payloads, rejected records, errors and a summary.
    Process(RunArgs),
    /// The same checks; writes everything but accepted.ndjson.
    Validate(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input files and/or directories (walked recursively; symlinks not followed).
    #[arg(default_value = "input")]
    pub inputs: Vec<PathBuf>,
    /// Output directory.
    #[arg(short, long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: number of cores).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// The run's "today" for date checks, YYYY-MM-DD (default: the current UTC date).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// Largest record accepted, in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    pub max_record_bytes: usize,
    /// Deepest nesting accepted in a record.
    #[arg(long, default_value_t = 64)]
    pub max_depth: usize,
    /// Findings kept per record (the summary still counts them all).
    #[arg(long, default_value_t = 100)]
    pub max_findings: usize,
    /// Text encoding of CSV files and of XML files without a declaration:
    /// utf-8, windows-1252, iso-8859-1, utf-16 (a UTF-16 byte-order mark is detected anyway).
    #[arg(long, value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV decimals use a comma (`10000,50`).
    #[arg(long)]
    pub decimal_comma: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_plain(s).ok_or_else(|| format!("{s:?} is not a date of the form YYYY-MM-DD"))
}

fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    let label = if s.eq_ignore_ascii_case("utf-16") {
        "utf-16le"
    } else {
        s
    };
    encoding_for_label(label).ok_or_else(|| {
        format!("unknown encoding {s:?} (try utf-8, windows-1252, iso-8859-1, utf-16)")
    })
}

impl RunArgs {
    pub fn settings(&self, mode: Mode) -> Settings {
        let jobs = self
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        Settings {
            mode,
            inputs: self.inputs.clone(),
            out: self.out.clone(),
            jobs,
            read: ReadOptions {
                max_record_bytes: self.max_record_bytes,
                max_depth: self.max_depth,
                encoding: self.encoding.filter(|e| *e != encoding_rs::UTF_8),
            },
            rules: RuleSettings {
                as_of: self.as_of.unwrap_or_else(Date::today_utc),
                decimal_comma: self.decimal_comma,
                max_findings: self.max_findings,
            },
            progress: !self.quiet,
        }
    }
}
