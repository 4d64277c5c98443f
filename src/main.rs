//! leadbatch: parse flags, run, print the one-line summary, choose the exit status.
//!
//! Exit status: 0 every record accepted and every file read; 1 the run completed but some
//! records were rejected or some files could not be read; 2 usage error or the run could
//! not complete (then no output file was replaced).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use leadbatch::cli::{AuditCommand, Cli, CodesFormat, Command, RunArgs, SubmitArgs};
use leadbatch::commands;
use leadbatch::diagnostic::CODES;
use leadbatch::output;
use leadbatch::pipeline::{self, Mode};
use leadbatch::source::TextEncoding;

/// mimalloc instead of the system allocator: the workers allocate each record's tree and
/// findings, and the ordered thread frees the findings; glibc's per-thread arenas made those
/// frees wait on the workers' arena locks (a thousand waits per 200,000 records), and its
/// allocation paths were a tenth of the run. With mimalloc a run is about 10% faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// `MI_OPTION_PURGE_DELAY`, read by `build.rs` from the `mimalloc.h` that is compiled.
include!(concat!(env!("OUT_DIR"), "/mimalloc_options.rs"));

fn main() -> ExitCode {
    // Give freed memory back at once rather than after 10 ms: peak memory is a promise
    // (128 MiB for any input size), and the delay held more at a time (300k NDJSON with
    // `--jobs 2`: 78 against 65 MiB, 2026-12-04).
    // SAFETY: an FFI call that takes no pointer, setting a process-wide option before any
    // thread is started; the option's number is the compiled header's own (`build.rs`).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    // No transparent huge pages: mimalloc asks for them for its whole arena, and a huge
    // page is resident as a whole once one byte of it is used, so the peak was a third
    // larger (1M NDJSON, `--jobs 2`: 71-76 against 48 MiB; with a ledger of ten million
    // keys: 147-151 against 119-121 MiB). Not fatal where the kernel has no such switch.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // `process --json > last-run.json` never leaves an empty file, even for a typo.
            if e.use_stderr() && std::env::args_os().any(|a| a == "--json") {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                print_json_error(first.trim_start_matches("error: "));
            }
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Process(a) => run(&a, Mode::Process),
        Command::Validate(a) => run(&a, Mode::Validate),
        Command::Submit(a) => submit(&a),
        Command::Schema => print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&leadbatch::schema::schema()).unwrap_or_default()
        )),
        Command::Codes { format } => print(&match format {
            CodesFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(CODES).unwrap_or_default()
            ),
            CodesFormat::Text => CODES
                .iter()
                .map(|c| format!("{:<32} {:<8} {}\n", c.code, c.severity.as_str(), c.meaning))
                .collect(),
        }),
        Command::Config(a) => match a.config_toml() {
            Ok(text) => print(&text),
            Err(e) => usage_error(&e),
        },
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "leadbatch",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Audit(AuditCommand::Verify(h)) => finish(
            h.resolve()
                .and_then(|(ledger, out)| commands::audit_verify(ledger, out, h.out.is_some())),
        ),
        Command::Audit(AuditCommand::Head(h)) => finish(
            h.resolve()
                .and_then(|(ledger, out)| commands::audit_head(ledger, out)),
        ),
        Command::Runs { history, json } => finish(
            history
                .resolve()
                .and_then(|(ledger, _)| commands::runs(ledger, json)),
        ),
        Command::Man { dir: Some(dir) } => match clap_mangen::generate_to(Cli::command(), &dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => usage_error(&format!(
                "cannot write the man pages to {}: {e}",
                dir.display()
            )),
        },
        Command::Man { dir: None } => {
            let mut out = Vec::new();
            // As `--dir` writes it: no `leadbatch-help(1)`, which has no page.
            match clap_mangen::Man::new(Cli::command().disable_help_subcommand(true))
                .render(&mut out)
            {
                Ok(()) => {
                    let _ = std::io::stdout().write_all(&out);
                    ExitCode::SUCCESS
                }
                Err(e) => usage_error(&e.to_string()),
            }
        }
    }
}

/// Prints a command's outcome, or its error (exit 2).
fn finish(outcome: Result<commands::Outcome, String>) -> ExitCode {
    match outcome {
        Ok(o) => {
            let _ = std::io::stdout().write_all(o.stdout.as_bytes());
            ExitCode::from(o.code)
        }
        Err(e) => usage_error(&e),
    }
}

fn print(text: &str) -> ExitCode {
    let _ = std::io::stdout().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("leadbatch: {msg}");
    ExitCode::from(2)
}

/// A run that ends with status 2 under `--json`: the error as JSON on stdout too, so that
/// the file a cron line redirects stdout to says what went wrong.
fn print_json_error(msg: &str) {
    let v = serde_json::json!({ "error": msg, "exitCode": 2 });
    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
}

fn run(args: &RunArgs, mode: Mode) -> ExitCode {
    let settings = match args.settings(mode) {
        Ok(s) => s,
        Err(e) => {
            if args.wants_json() {
                print_json_error(&e);
            }
            return usage_error(&e);
        }
    };
    pipeline::install_signal_handler();
    match pipeline::run(&settings) {
        Ok(summary) => {
            // A detected encoding is a guess: say which, so that a wrong one is seen.
            if settings.read.encoding == TextEncoding::Auto {
                for note in summary.encoding_notes() {
                    eprintln!("leadbatch: {note}");
                }
            }
            for notice in summary.notices() {
                eprintln!("leadbatch: {notice}");
            }
            if std::io::stderr().is_terminal() {
                let errors_csv = settings
                    .out
                    .join(output::rundir::LATEST)
                    .join(output::ERRORS);
                let _ = output::terminal::write_findings(
                    &mut std::io::stderr().lock(),
                    &summary.first_findings,
                    &summary.by_code,
                    &errors_csv.display().to_string(),
                );
            }
            // `--quiet` (cron) keeps stderr for what needs attention; summary.json has runId.
            if settings.progress {
                eprintln!(
                    "leadbatch: committed {} ({} names it)",
                    settings
                        .out
                        .join(output::rundir::RUNS)
                        .join(&summary.run_id)
                        .display(),
                    settings.out.join(output::rundir::LATEST).display()
                );
            }
            if settings.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&summary).unwrap_or_default()
                );
            } else {
                println!("{}", summary.line());
            }
            if summary.rejected > 0 || summary.file_errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("leadbatch: {e}");
            if settings.json {
                print_json_error(&e.to_string());
            }
            ExitCode::from(2)
        }
    }
}

fn submit(args: &SubmitArgs) -> ExitCode {
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    leadbatch::deliver::stop::install_signal_handler();
    let delivery = match leadbatch::deliver::run(&settings) {
        Ok(d) => d,
        Err(e) => return usage_error(&e.to_string()),
    };
    if let Some(reason) = &delivery.stopped {
        eprintln!("leadbatch: stopped: {reason}; run submit again to resume");
    }
    match &delivery.report {
        Ok(dir) => eprintln!(
            "leadbatch: committed {} ({} names it)",
            dir.display(),
            settings.out.join(output::rundir::LATEST_DELIVERY).display()
        ),
        Err(e) => eprintln!("leadbatch: {e} (the journal has every answer: submit again)"),
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&delivery.summary).unwrap_or_default()
        );
    } else {
        println!("{}", delivery.summary.line());
    }
    ExitCode::from(delivery.exit_code())
}
