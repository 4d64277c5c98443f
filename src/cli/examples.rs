//! The EXAMPLES that end each command's `--help` (and its man page): the ways an operator
//! first meets leadbatch — the nightly run, a spreadsheet's CSV, a dry run, a pipe — so
//! that `--help` answers "how do I start" without the README.

/// `leadbatch --help`, `process`, `validate` and `config`.
pub const RUN: &str = "\
Examples:
  The nightly run (inputs, out, ledger... from the file; flags win):
    leadbatch process --config /srv/leads/leadbatch.toml
  A CSV exported from a spreadsheet (Windows encoding, decimal commas):
    leadbatch process export.csv --encoding windows-1257 --decimal-comma -o checked
  A dry run: every check and report, no accepted payloads written:
    leadbatch validate drop/ -o /tmp/dry-run
  Standard input (needs --format):
    gzip -dc leads.ndjson.gz | leadbatch process - --format ndjson -o out";

pub const CONFIG: &str = "\
Examples:
  What the nightly job will run with:
    leadbatch config --config /srv/leads/leadbatch.toml
  A starting leadbatch.toml from flags:
    leadbatch config --strict --ledger ledger.db drop/ > leadbatch.toml";

pub const SCHEMA: &str = "\
Examples:
  Validate a payload with another tool:
    leadbatch schema > lead.schema.json";

pub const CODES: &str = "\
Examples:
  Every code, its severity and meaning:
    leadbatch codes
  With the usual fix of each, for scripts:
    leadbatch codes --format json";

pub const COMPLETIONS: &str = "\
Examples:
    leadbatch completions bash > /etc/bash_completion.d/leadbatch
    leadbatch completions zsh > \"${fpath[1]}/_leadbatch\"";

pub const MAN: &str = "\
Examples:
  The main page on stdout:
    leadbatch man | man -l -
  A page per command (leadbatch.1, leadbatch-process.1, ...):
    leadbatch man --dir /usr/local/share/man/man1";

pub const AUDIT: &str = "\
Examples:
    leadbatch audit verify --ledger /srv/leads/ledger.db
    leadbatch audit head --out /srv/leads/out";

pub const RUNS: &str = "\
Examples:
    leadbatch runs --ledger /srv/leads/ledger.db
    leadbatch runs --ledger /srv/leads/ledger.db --json | jq '.[-1]'";
