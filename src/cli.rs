//! The command line (clap derive) and `leadbatch.toml`: flags as typed values, merged with
//! the configuration file (flags win), resolved into pipeline `Settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::pipeline::{DEFAULT_KEEP_RUNS, Mode, PayloadLayout, Settings};
use crate::rules::RuleSettings;
use crate::rules::scalar::{Date, DateFormat};
use crate::source::limits::DEFAULT_MAX_ITEMS;
use crate::source::transcode::encoding_for_label;
use crate::source::{ReadOptions, TextEncoding, WalkOptions};

mod config;
mod examples;
mod options;
mod submit;
mod values;

pub use config::{CONFIG_ENV, ConfigArgs};
pub use options::Options;
use options::default_jobs;
pub use submit::SubmitArgs;
use values::{parse_delimiter, parse_deny};

/// The configuration file looked for in the working directory.
pub const CONFIG_FILE: &str = "leadbatch.toml";

#[derive(Debug, Parser)]
#[command(
    name = "leadbatch",
    version,
    about = "Validate AMLYZE Create-Lead records in bulk and convert them to canonical REST payloads",
    long_about = "Validate AMLYZE Create-Lead records in bulk (JSON, NDJSON, XML, CSV) and convert every \
accepted record to the canonical REST request for POST /amlyze-ws-rest/customer.\n\n\
Exit status: 0 all records accepted and all files read; 1 some records rejected or some files \
unreadable; 2 usage error or the run could not complete (no output replaced).",
    after_help = examples::RUN
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every record; write accepted payloads, rejected records, errors and a summary.
    #[command(after_help = examples::RUN)]
    Process(RunArgs),
    /// The same checks; writes everything but the accepted payloads.
    #[command(after_help = examples::RUN)]
    Validate(RunArgs),
    /// Send the accepted payloads of a committed run to AMLYZE, exactly once (resumable).
    Submit(SubmitArgs),
    /// Print the JSON Schema (draft 2020-12) of the canonical lead payload.
    #[command(after_help = examples::SCHEMA)]
    Schema,
    /// Print every finding code with its severity and meaning.
    #[command(after_help = examples::CODES)]
    Codes {
        #[arg(long, value_enum, default_value_t = CodesFormat::Text)]
        format: CodesFormat,
    },
    /// Print the effective configuration (leadbatch.toml merged with the flags) as TOML.
    #[command(after_help = examples::CONFIG)]
    Config(RunArgs),
    /// Print a shell completion script.
    #[command(after_help = examples::COMPLETIONS)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a directory.
    #[command(after_help = examples::MAN)]
    Man {
        /// Write `leadbatch.1`, `leadbatch-process.1`, ... into DIR instead of printing
        /// the main page.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Verify the audit trail, or print its head.
    #[command(subcommand, after_help = examples::AUDIT)]
    Audit(AuditCommand),
    /// List the runs the ledger knows.
    #[command(after_help = examples::RUNS)]
    Runs {
        #[command(flatten)]
        history: HistoryArgs,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `leadbatch audit ...`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the chain of manifests from the first run: each manifest's SHA-256 against the
    /// ledger and its successor's link, each retained run's files against their digests.
    /// Exit 0 when the chain holds, 1 at the first break.
    #[command(after_help = examples::AUDIT)]
    Verify(HistoryArgs),
    /// Print the newest manifest's SHA-256, to anchor outside the machine.
    #[command(after_help = examples::AUDIT)]
    Head(HistoryArgs),
}

/// Where the history is: the ledger and/or OUT (flags, else leadbatch.toml).
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The ledger [default: `ledger` of leadbatch.toml].
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// The output directory [default: `out` of leadbatch.toml, else output].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub cfg: ConfigArgs,
}

impl HistoryArgs {
    /// The ledger (if any) and OUT, flags over the configuration file.
    pub fn resolve(&self) -> Result<(Option<PathBuf>, PathBuf), String> {
        let loaded = self.cfg.load()?;
        if self.cfg.verbose {
            eprintln!("leadbatch: {}", loaded.said);
        }
        let base = loaded.options;
        Ok((
            self.ledger.clone().or(base.ledger),
            self.out
                .clone()
                .or(base.out)
                .unwrap_or_else(|| PathBuf::from("output")),
        ))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CodesFormat {
    Text,
    Json,
}

/// The flags of `process`, `validate` and `config`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input files and/or directories (walked recursively; symlinks not followed); `-` reads
    /// standard input (needs --format). Default: `input`.
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub cfg: ConfigArgs,
    #[command(flatten)]
    pub options: Options,
}

impl RunArgs {
    /// Flags merged over the configuration file, defaults filled in.
    pub fn effective(&self) -> Result<Options, String> {
        Ok(self.set(true)?.with_defaults())
    }

    /// Flags merged over the configuration file: the options set, no defaults. `announce`:
    /// say which file was read when `--verbose`.
    fn set(&self, announce: bool) -> Result<Options, String> {
        let loaded = self.cfg.load()?;
        if announce && self.cfg.verbose {
            eprintln!("leadbatch: {}", loaded.said);
        }
        let mut flags = self.options.clone();
        flags.inputs = self.inputs.clone();
        Ok(flags.over(loaded.options))
    }

    /// `leadbatch config`: the options set, then the defaults commented out.
    pub fn config_toml(&self) -> Result<String, String> {
        Ok(config::render(&self.set(true)?))
    }

    /// Whether the run's result goes to stdout as JSON (`--json`, or `json = true` in the
    /// configuration file when it can be read): then so does a usage error.
    pub fn wants_json(&self) -> bool {
        self.options.json || self.set(false).is_ok_and(|o| o.json)
    }

    pub fn settings(&self, mode: Mode) -> Result<Settings, String> {
        resolve(self.effective()?, mode)
    }
}

fn resolve(o: Options, mode: Mode) -> Result<Settings, String> {
    let as_of = match o.as_of.as_deref() {
        Some(s) => Date::parse_plain(s).ok_or_else(|| as_of_error(s))?,
        None => Date::today_utc(),
    };
    if let Some(out) = o.out.as_deref().filter(|p| p.is_file()) {
        return Err(format!(
            "--out {}: is a file; --out names the directory the runs are written into \
             (created when missing)",
            out.display()
        ));
    }
    if o.max_findings == Some(0) {
        return Err(
            "--max-findings must be at least 1: a rejected record always shows at least one \
             finding"
                .into(),
        );
    }
    let encoding = match o.encoding.as_deref() {
        None => TextEncoding::Utf8,
        Some(s) => parse_encoding(s)?,
    };
    let file_mode = match o.file_mode.as_deref() {
        None => crate::output::DEFAULT_FILE_MODE,
        Some(s) => u32::from_str_radix(s.trim_start_matches("0o"), 8)
            .ok()
            .filter(|m| *m <= 0o777)
            .ok_or_else(|| format!("--file-mode {s:?} is not an octal permission like 600"))?,
    };
    if o.inputs.iter().any(|p| p.as_os_str() == "-") && o.format.is_none() {
        return Err("reading standard input (`-`) needs --format json|ndjson|xml|csv".into());
    }
    let max_list_items = o.max_list_items.unwrap_or(DEFAULT_MAX_ITEMS);
    if max_list_items == 0 {
        return Err("--max-list-items must be at least 1 (a record is an object of fields)".into());
    }
    let classifiers = match &o.classifiers {
        Some(dir) => Some(std::sync::Arc::new(
            crate::rules::classifiers::Classifiers::load(dir)?,
        )),
        None => None,
    };
    Ok(Settings {
        mode,
        inputs: o.inputs,
        out: o.out.unwrap_or_else(|| PathBuf::from("output")),
        jobs: o.jobs.unwrap_or_else(default_jobs).max(1),
        read: ReadOptions {
            max_record_bytes: o
                .max_record_bytes
                .unwrap_or(crate::source::DEFAULT_MAX_RECORD_BYTES),
            max_depth: o.max_depth.unwrap_or(crate::source::DEFAULT_MAX_DEPTH),
            max_expansion: o
                .max_expansion
                .unwrap_or(crate::source::expansion::DEFAULT_FACTOR),
            max_list_items,
            encoding,
            delimiter: o.delimiter.as_deref().map(parse_delimiter).transpose()?,
            redact: o.redact,
            ..ReadOptions::default()
        },
        rules: RuleSettings {
            as_of,
            decimal_comma: o.decimal_comma,
            date_format: match o.date_format.as_deref() {
                None => None,
                Some(s) => Some(DateFormat::parse(s).ok_or_else(|| {
                    format!(
                        "--date-format {s:?} is not a known date order: use {} (orders are \
                         named, never guessed)",
                        DateFormat::NAMES.join(", ")
                    )
                })?),
            },
            max_findings: o.max_findings.unwrap_or(crate::rules::DEFAULT_MAX_FINDINGS),
            redact: o.redact,
            classifiers,
        },
        walk: WalkOptions {
            format: o.format,
            hidden: o.hidden,
        },
        strict: o.strict,
        deny: parse_deny(&o.deny)?,
        file_mode,
        payload_layout: o.payload_layout.unwrap_or(PayloadLayout::Ndjson),
        progress: !o.quiet,
        json: o.json,
        wait_lock: o
            .wait_lock
            .filter(|s| *s > 0)
            .map(std::time::Duration::from_secs),
        ledger: o.ledger,
        reprocess: o.reprocess,
        show: o.show.unwrap_or(crate::output::terminal::DEFAULT_SHOW),
        keep_runs: match o.keep_runs {
            Some(0) => {
                return Err(
                    "--keep-runs 0 would remove the run just committed; use 1 or more".into(),
                );
            }
            Some(n) => n,
            None => DEFAULT_KEEP_RUNS,
        },
    })
}

/// `--as-of` that is not a date: a calendar slip (`2026-02-30`) is told apart from another
/// form (`30.02.2026`), which needs a different fix.
fn as_of_error(s: &str) -> String {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shaped {
        format!("--as-of {s:?} is not a calendar date (no such day in that month or year)")
    } else {
        format!("--as-of {s:?} is not a date of the form YYYY-MM-DD")
    }
}

/// `--encoding`: `auto`, or any WHATWG label encoding_rs knows (case-insensitive);
/// `utf-16` means little-endian, as Windows writes it. The labels WHATWG maps to its
/// "replacement" decoder (ISO-2022-KR, HZ-GB-2312, ...) would turn every byte into U+FFFD,
/// so they are refused.
fn parse_encoding(s: &str) -> Result<TextEncoding, String> {
    if s.trim().eq_ignore_ascii_case("auto") {
        return Ok(TextEncoding::Auto);
    }
    let label = if s.trim().eq_ignore_ascii_case("utf-16") {
        "utf-16le"
    } else {
        s
    };
    match encoding_for_label(label) {
        Some(e) if e == encoding_rs::UTF_8 => Ok(TextEncoding::Utf8),
        Some(e) if e != encoding_rs::REPLACEMENT => Ok(TextEncoding::Named(e)),
        _ => Err(format!(
            "unknown encoding {s:?}: use auto or a WHATWG label (utf-8, utf-16, windows-1257, \
             iso-8859-13, iso-8859-4, windows-1252, windows-1250, windows-1251, ...)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_whatwg_label_names_an_encoding() {
        let named = |s| match parse_encoding(s) {
            Ok(TextEncoding::Named(e)) => e.name(),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(parse_encoding(" Auto ").unwrap(), TextEncoding::Auto);
        assert_eq!(parse_encoding("UTF8").unwrap(), TextEncoding::Utf8);
        assert_eq!(named("windows-1257"), "windows-1257");
        assert_eq!(named("cp1257"), "windows-1257");
        assert_eq!(named("ISO-8859-13"), "ISO-8859-13");
        assert_eq!(named("latin4"), "ISO-8859-4");
        assert_eq!(named("windows-1250"), "windows-1250");
        assert_eq!(named("windows-1251"), "windows-1251");
        assert_eq!(named("utf-16"), "UTF-16LE");
        assert_eq!(named("utf-16be"), "UTF-16BE");
        // WHATWG: ISO-8859-1 and ASCII are windows-1252 (README, Encodings).
        assert_eq!(named("iso-8859-1"), "windows-1252");
        assert_eq!(named("us-ascii"), "windows-1252");
        for bad in ["klingon", "iso-2022-kr", "replacement", ""] {
            let e = parse_encoding(bad).unwrap_err();
            assert!(e.starts_with(&format!("unknown encoding {bad:?}")), "{e}");
        }
    }
}
