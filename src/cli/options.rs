//! The option set of `process`, `validate` and `config`: declared once, in `options!`, which
//! makes of the declaration the struct (clap's flags and `leadbatch.toml`'s keys, same names,
//! kebab-case), the merge of the flags over the file, and the filling of defaults. Adding an
//! option is one entry; it cannot be left out of the merge.

use std::path::PathBuf;

use clap::Args;
use serde::{Deserialize, Serialize};

use crate::pipeline::{DEFAULT_KEEP_RUNS, PayloadLayout};
use crate::rules::scalar::Date;
use crate::source::Format;
use crate::source::limits::DEFAULT_MAX_ITEMS;

/// What "set" means for each kind of option value, the one rule of the merge (the flags'
/// value if set, else the file's) and of `leadbatch config` (which lists the options set):
/// an `Option` when `Some`, a switch when on, a list when not empty. A switch cannot be
/// turned off by a flag: there is no `--no-strict`.
pub(super) trait Layer {
    /// What a default gives.
    type Value;
    fn is_set(&self) -> bool;
    /// Puts the default in when not set.
    fn fill(&mut self, default: impl FnOnce() -> Self::Value);
}

impl<T> Layer for Option<T> {
    type Value = T;
    fn is_set(&self) -> bool {
        self.is_some()
    }
    fn fill(&mut self, default: impl FnOnce() -> T) {
        self.get_or_insert_with(default);
    }
}

impl Layer for bool {
    type Value = bool;
    fn is_set(&self) -> bool {
        *self
    }
    fn fill(&mut self, default: impl FnOnce() -> bool) {
        *self = *self || default();
    }
}

impl<T> Layer for Vec<T> {
    type Value = Vec<T>;
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
    fn fill(&mut self, default: impl FnOnce() -> Vec<T>) {
        if self.is_empty() {
            *self = default();
        }
    }
}

/// `flag` if it is set, else `base`.
fn over<T: Layer>(flag: T, base: T) -> T {
    if flag.is_set() { flag } else { base }
}

/// Declares the option struct; `= DEFAULT` after a field is the value `with_defaults` fills
/// in (evaluated then: `jobs` and `as-of` depend on the machine and the day).
macro_rules! options {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                pub $field:ident: $ty:ty $(= $default:expr)?,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl $name {
            /// Every field's name, as declared (the key is the name in kebab-case).
            pub const FIELDS: &[&str] = &[$(stringify!($field)),*];

            /// `self` (the flags) over `base` (the configuration file), field by field.
            pub(super) fn over(self, base: $name) -> $name {
                $name {
                    $($field: over(self.$field, base.$field),)*
                }
            }

            /// With every default filled in, as `leadbatch config` shows it.
            pub(crate) fn with_defaults(mut self) -> $name {
                $($(Layer::fill(&mut self.$field, || $default);)?)*
                self
            }

            /// The keys (kebab-case) of the options that are set.
            pub(super) fn set_keys(&self) -> Vec<String> {
                let mut keys = Vec::new();
                $(
                    if Layer::is_set(&self.$field) {
                        keys.push(stringify!($field).replace('_', "-"));
                    }
                )*
                keys
            }
        }
    };
}

options! {
    /// Every option a nightly job may set, on the command line or in `leadbatch.toml`
    /// (same names, kebab-case).
    #[derive(Debug, Args, Default, Clone, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
    pub struct Options {
        /// Input paths (configuration file only; positional arguments on the command line).
        #[arg(skip)]
        pub inputs: Vec<PathBuf> = vec![PathBuf::from("input")],
        /// Output directory [default: output].
        #[arg(short, long)]
        pub out: Option<PathBuf> = PathBuf::from("output"),
        /// Threads, reading and writing included (1: everything on one thread) [default: number of cores].
        #[arg(short, long)]
        pub jobs: Option<usize> = default_jobs(),
        /// The run's "today" for date checks, YYYY-MM-DD [default: the current UTC date].
        #[arg(long)]
        pub as_of: Option<String> = Date::today_utc().to_string(),
        /// No progress bar.
        #[arg(short, long)]
        pub quiet: bool,
        /// Print summary.json on stdout instead of the one-line summary.
        #[arg(long)]
        pub json: bool,
        /// Turn warnings into rejections.
        #[arg(long)]
        pub strict: bool,
        /// Turn these warning codes into rejections (comma-separated or repeated): the record
        /// warnings ignored-for-evaluate, date-order, document-expired, excel-mangled,
        /// encoding-suspect.
        #[arg(long, value_name = "CODE", value_delimiter = ',')]
        pub deny: Vec<String>,
        /// Input format for `-` and for files given explicitly (overrides the extension).
        #[arg(long, value_enum)]
        pub format: Option<Format>,
        /// Largest record accepted, in bytes [default: 16777216].
        #[arg(long)]
        pub max_record_bytes: Option<usize> = crate::source::DEFAULT_MAX_RECORD_BYTES,
        /// A `.gz` or `.zst` file, or compressed standard input (by its magic bytes), may expand
        /// to N times its compressed size (and always to 64 MiB); past that it is a file error
        /// [default: 1000].
        #[arg(long, value_name = "N")]
        pub max_expansion: Option<u64> = crate::source::expansion::DEFAULT_FACTOR,
        /// Deepest nesting accepted in a record [default: 64].
        #[arg(long)]
        pub max_depth: Option<usize> = crate::source::DEFAULT_MAX_DEPTH,
        /// Most items in one list of a record, and fields in one object; a record holds at most
        /// 10 times as many values in all [default: 10000].
        #[arg(long)]
        pub max_list_items: Option<usize> = DEFAULT_MAX_ITEMS,
        /// Findings kept per record; the summary still counts them all [default: 100].
        #[arg(long)]
        pub max_findings: Option<usize> = crate::rules::DEFAULT_MAX_FINDINGS,
        /// At the end of a run on a terminal, show the first N findings of rejected records and a
        /// count per code (0: none) [default: 10].
        #[arg(long, value_name = "N")]
        pub show: Option<usize> = crate::output::terminal::DEFAULT_SHOW,
        /// Encoding of CSV files and of XML files without a declaration: auto (detected per
        /// file), or a WHATWG label: utf-8, utf-16, windows-1257, iso-8859-13, windows-1252, ...
        /// [default: utf-8].
        #[arg(long)]
        pub encoding: Option<String> = String::from("utf-8"),
        /// CSV field delimiter for every CSV and TSV file: one ASCII character, or `tab`
        /// [default: `,` for .csv, or `;` when the header line holds no comma; tab for .tsv].
        #[arg(long, value_name = "CHAR")]
        pub delimiter: Option<String>,
        /// Read hidden files and directories (names starting with `.`) too.
        #[arg(long)]
        pub hidden: bool,
        /// Dates written as text in CSV and XML files are in this order (ISO YYYY-MM-DD is
        /// still accepted): DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY [default: ISO only].
        #[arg(long, value_name = "FORMAT")]
        pub date_format: Option<String>,
        /// CSV decimals use a comma (`10000,50`).
        #[arg(long)]
        pub decimal_comma: bool,
        /// Mask personal values in rejected.ndjson, errors.csv, messages and report.html.
        #[arg(long)]
        pub redact: bool,
        /// Permission bits of output files, octal [default: 600].
        #[arg(long)]
        pub file_mode: Option<String> = format!("{:o}", crate::output::DEFAULT_FILE_MODE),
        /// Directory of AMLYZE classifier lists (riskManagementCategory.json, legalForm.txt, ...).
        #[arg(long)]
        pub classifiers: Option<PathBuf>,
        /// Seconds to wait for another run that holds the output directory [default: 0, exit 2 at once].
        #[arg(long, value_name = "SECONDS")]
        pub wait_lock: Option<u64> = 0,
        /// Committed runs kept in OUT/runs after a commit (the oldest go first) [default: 30].
        #[arg(long, value_name = "N")]
        pub keep_runs: Option<usize> = DEFAULT_KEEP_RUNS,
        /// SQLite ledger of earlier runs: files read before are skipped, keys accepted before are checked.
        #[arg(long, value_name = "FILE")]
        pub ledger: Option<PathBuf>,
        /// Read files the ledger says an earlier run read.
        #[arg(long)]
        pub reprocess: bool,
        /// How accepted payloads are written [default: ndjson].
        #[arg(long, value_enum)]
        pub payload_layout: Option<PayloadLayout> = PayloadLayout::Ndjson,
    }
}

/// Threads when `--jobs` is not given: one per core.
pub(super) fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_configuration_file() {
        let base: Options =
            toml::from_str("out = \"nightly\"\njobs = 3\nstrict = true\ninputs = [\"drop\"]\n")
                .unwrap();
        let flags = Options {
            jobs: Some(1),
            ..Default::default()
        };
        let o = flags.over(base).with_defaults();
        assert_eq!(o.out, Some(PathBuf::from("nightly")));
        assert_eq!(o.jobs, Some(1));
        assert!(o.strict);
        assert_eq!(o.inputs, vec![PathBuf::from("drop")]);
        assert_eq!(o.max_depth, Some(64));
    }

    #[test]
    fn defaults_fill_the_options_that_have_one() {
        let mut o = Options::default().with_defaults();
        assert!(o.jobs.is_some_and(|j| j >= 1));
        assert_eq!(o.as_of, Some(Date::today_utc().to_string()));
        (o.jobs, o.as_of) = (None, None);
        assert_eq!(
            toml::to_string(&o).unwrap(),
            "inputs = [\"input\"]\nout = \"output\"\nquiet = false\njson = false\n\
             strict = false\ndeny = []\nmax-record-bytes = 16777216\nmax-expansion = 1000\n\
             max-depth = 64\nmax-list-items = 10000\nmax-findings = 100\nshow = 10\n\
             encoding = \"utf-8\"\nhidden = false\ndecimal-comma = false\nredact = false\n\
             file-mode = \"600\"\nwait-lock = 0\nkeep-runs = 30\nreprocess = false\n\
             payload-layout = \"ndjson\"\n"
        );
        // A default never replaces what is set.
        let set = Options {
            out: Some(PathBuf::from("nightly")),
            inputs: vec![PathBuf::from("drop")],
            ..Default::default()
        };
        let o = set.with_defaults();
        assert_eq!(
            (o.out, o.inputs),
            (Some("nightly".into()), vec!["drop".into()])
        );
    }

    #[test]
    fn unknown_configuration_keys_are_errors() {
        assert!(toml::from_str::<Options>("outt = \"x\"").is_err());
    }

    #[test]
    fn every_default_configuration_renders_and_reads_back() {
        let o = Options::default().with_defaults();
        let text = toml::to_string_pretty(&o).unwrap();
        let back: Options = toml::from_str(&text).unwrap();
        assert_eq!(toml::to_string_pretty(&back).unwrap(), text);
    }
}
