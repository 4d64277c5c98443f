//! leadbatch: parse flags, run, print the one-line summary, choose the exit status.
//!
//! Exit status: 0 every record accepted and every file read; 1 the run completed but some
//! records were rejected or some files could not be read; 2 usage error or the run could
//! not complete (then no output file was replaced).

use std::process::ExitCode;

use clap::Parser;
use leadbatch::cli::{Cli, Command};
use leadbatch::pipeline::{self, Mode, RunError};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let (args, mode) = match &cli.command {
        Command::Process(a) => (a, Mode::Process),
        Command::Validate(a) => (a, Mode::Validate),
    };
    match pipeline::run(&args.settings(mode)) {
        Ok(summary) => {
            println!("{}", summary.line());
            if summary.rejected > 0 || summary.file_errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("leadbatch: {e}");
            match e {
                RunError::Usage(_) | RunError::Fatal(_) => ExitCode::from(2),
            }
        }
    }
}
