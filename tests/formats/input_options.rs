//! The input options a spreadsheet export needs (issue 20): `--delimiter`, `--date-format`,
//! thousands separators under `--decimal-comma`, and `--deny`.

use super::csv_specifics::{CSV_HEADER, csv_row};
use super::{Finding, findings, minimal_line, run_files};
use crate::eqnice;

/// The minimal CSV lead with `sep` between its fields.
fn csv_with(sep: &str, rows: &[(&str, &str, &str)]) -> String {
    let mut s = CSV_HEADER.replace(',', sep);
    s.push('\n');
    for (comm, ext, first) in rows {
        s.push_str(&csv_row(comm, ext, first).replace(',', sep));
        s.push('\n');
    }
    s
}

#[test]
fn delimiter_option_reads_a_pipe_separated_export() {
    let csv = csv_with("|", &[("C1", "E1", "Eglė"), ("C2", "E2", "Rūta")]);
    let (_wd, run) = run_files(&[("pipes.csv", csv.as_bytes())], &["--delimiter", "|"]);
    run.assert_exit_code(0);
    eqnice!(
        format!(
            "{}\n{}\n",
            minimal_line("C1", "E1", "Eglė"),
            minimal_line("C2", "E2", "Rūta")
        ),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
}

#[test]
fn delimiter_tab_overrides_the_csv_extension_and_the_comma_sniffing() {
    // A tab-separated export saved as .csv: without the option its header line (no comma)
    // would be cut on `;`, and the commas in the data would not matter.
    let csv = format!(
        "{}\tactivityDescription\n{}\tcommas, and; semicolons\n",
        CSV_HEADER.replace(',', "\t"),
        csv_row("C1", "E1", "Eglė").replace(',', "\t"),
    );
    for spelling in ["tab", "\\t"] {
        let (_wd, run) = run_files(&[("tabs.csv", csv.as_bytes())], &["--delimiter", spelling]);
        run.assert_exit_code(0);
        let v = &run.accepted()[0];
        assert_eq!(v["activityDescription"], "commas, and; semicolons", "{spelling}");
        assert_eq!(v["birthDate"], "1990-07-15", "{spelling}");
    }
}

#[test]
fn delimiter_that_is_not_one_ascii_character_is_a_usage_error() {
    let csv = csv_with(",", &[("C1", "E1", "Eglė")]);
    for bad in [";;", "§", "\""] {
        let (_wd, run) = run_files(&[("a.csv", csv.as_bytes())], &["--delimiter", bad]);
        run.assert_exit_code(2);
        assert!(
            run.stderr.contains(&format!("--delimiter {bad:?}")),
            "{bad}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("or tab"), "{}", run.stderr);
    }
}
