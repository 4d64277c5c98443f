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
        assert_eq!(
            v["activityDescription"], "commas, and; semicolons",
            "{spelling}"
        );
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

/// Three CSV leads: the first with approvalDate before applicationDate (`date-order`), the
/// second with a document expired before the run's date (`document-expired`), the third
/// without a finding.
fn warned_leads() -> String {
    let doc = "listBusinessEntityDocument.0";
    let mut s = format!(
        "{CSV_HEADER},approvalDate,{doc}.entityType,{doc}.identityDocumentType,{doc}.documentNumber,\
         {doc}.documentIssueDate,{doc}.documentIssueCountry,{doc}.documentIssueAuthority,\
         {doc}.documentExpiryDate\n"
    );
    s.push_str(&format!(
        "{},2024-02-01,,,,,,,\n",
        csv_row("C1", "E1", "Eglė")
    ));
    s.push_str(&format!(
        "{},,INDIVIDUAL,PASSPORT,LT-77-1,2015-01-01,LT,Police,2025-01-03\n",
        csv_row("C2", "E2", "Rūta")
    ));
    s.push_str(&format!("{},,,,,,,,\n", csv_row("C3", "E3", "Jonas")));
    s
}

fn finding(rec: &str, code: &str, path: &str, sev: &str) -> Finding {
    (rec.into(), code.into(), path.into(), sev.into())
}

const EXPIRY: &str = "listBusinessEntityDocument[0].documentExpiryDate";

#[test]
fn deny_rejects_for_the_warning_codes_named_only() {
    let csv = warned_leads();
    // Without --deny both are warnings on accepted records.
    let (_wd, run) = run_files(&[("w.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    assert_eq!(
        findings(&run),
        vec![
            finding("1", "date-order", "approvalDate", "warning"),
            finding("2", "document-expired", EXPIRY, "warning"),
        ]
    );

    let (_wd, run) = run_files(
        &[("w.csv", csv.as_bytes())],
        &["--deny", "document-expired"],
    );
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![
            finding("1", "date-order", "approvalDate", "warning"),
            finding("2", "document-expired", EXPIRY, "error"),
        ]
    );
    let accepted: Vec<_> = run
        .accepted()
        .iter()
        .map(|v| v["communicationNumber"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(accepted, ["C1", "C3"]);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["communicationNumber"], "C2");
    let s = run.summary();
    assert_eq!(
        (s["accepted"].as_u64(), s["rejected"].as_u64()),
        (Some(2), Some(1))
    );

    // A list, and an error code (which rejects already) beside the warnings.
    let (_wd, run) = run_files(
        &[("w.csv", csv.as_bytes())],
        &[
            "--deny",
            "date-order,bad-date",
            "--deny",
            "document-expired",
        ],
    );
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![
            finding("1", "date-order", "approvalDate", "error"),
            finding("2", "document-expired", EXPIRY, "error"),
        ]
    );
}

#[test]
fn deny_in_the_configuration_file() {
    let csv = warned_leads();
    let wd = crate::util::Workdir::new();
    wd.create("w.csv", &csv);
    std::fs::write(
        wd.path().join("leadbatch.toml"),
        "deny = [\"date-order\"]\n",
    )
    .unwrap();
    let run = wd.command("process").arg(wd.input()).out(wd.out()).run();
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![
            finding("1", "date-order", "approvalDate", "error"),
            finding("2", "document-expired", EXPIRY, "warning"),
        ]
    );
}

#[test]
fn deny_of_an_unknown_code_names_the_warning_codes() {
    let csv = warned_leads();
    for (bad, start) in [
        (
            "document-expird",
            "--deny: unknown code \"document-expird\"",
        ),
        ("empty-file", "--deny empty-file: a file without records"),
    ] {
        let (_wd, run) = run_files(&[("w.csv", csv.as_bytes())], &["--deny", bad]);
        run.assert_exit_code(2);
        assert!(run.stderr.contains(start), "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "ignored-for-evaluate, date-order, document-expired, excel-mangled, \
                 encoding-suspect"
            ),
            "{}",
            run.stderr
        );
    }
}

/// The minimal lead with an `initialDepositAmount` cell per row, `;`-separated.
fn amounts(cells: &[&str]) -> String {
    let mut s = format!(
        "{};initialDepositAmount;initialDepositCurrency\n",
        CSV_HEADER.replace(',', ";")
    );
    for (i, cell) in cells.iter().enumerate() {
        let row = csv_row(&format!("C{i}"), &format!("E{i}"), "Eglė").replace(',', ";");
        s.push_str(&format!("{row};{cell};EUR\n"));
    }
    s
}

#[test]
fn decimal_comma_reads_thousands_separators() {
    let csv = amounts(&[
        "1.234,56",
        "1 234,56",
        "1\u{a0}234\u{a0}567,5",
        "12.345",
        "1.23,4",
    ]);
    let (_wd, run) = run_files(&[("amounts.csv", csv.as_bytes())], &["--decimal-comma"]);
    run.assert_exit_code(1);
    let got: Vec<String> = run
        .accepted()
        .iter()
        .map(|v| v["initialDepositAmount"].to_string())
        .collect();
    assert_eq!(got, ["1234.56", "1234.56", "1234567.5", "12345"]);
    // A group that is not three digits is not a number: the record says so at the field.
    assert_eq!(
        findings(&run),
        vec![finding("5", "bad-type", "initialDepositAmount", "error")]
    );
}

#[test]
fn without_decimal_comma_grouped_numbers_stay_refused() {
    // The vendor wants plain numbers: `1,234.56` is refused, not guessed.
    let csv = amounts(&["1,234.56", "1.234,56", "1234.56"]);
    let (_wd, run) = run_files(&[("amounts.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![
            finding("1", "bad-type", "initialDepositAmount", "error"),
            finding("2", "bad-type", "initialDepositAmount", "error"),
        ]
    );
    assert_eq!(
        run.accepted()[0]["initialDepositAmount"].to_string(),
        "1234.56"
    );
}

/// The minimal lead with its two dates written `application` and `birth`.
fn dated_row(comm: &str, application: &str, birth: &str) -> String {
    csv_row(comm, comm, "Eglė")
        .replace("2024-03-01", application)
        .replace("1990-07-15", birth)
}

#[test]
fn date_format_reads_local_dates_in_csv_and_writes_them_iso() {
    let doc = "listBusinessEntityDocument.0";
    let csv = format!(
        "{CSV_HEADER},{doc}.entityType,{doc}.identityDocumentType,{doc}.documentNumber,\
         {doc}.documentIssueDate,{doc}.documentIssueCountry,{doc}.documentIssueAuthority,\
         {doc}.documentExpiryDate\n\
         {},,,,,,,\n{},,,,,,,\n{},,,,,,,\n{},,,,,,,\n\
         {},INDIVIDUAL,PASSPORT,LT-77-1,01.01.2015,LT,Police,3.1.2025\n",
        dated_row("C1", "01.03.2024", "15.07.1990"),
        dated_row("C2", "2024-03-01", "1990-07-15"),
        dated_row("C3", "01.03.2024", "31.02.1990"),
        dated_row("C4", "01.03.2024", "1990/07/15"),
        dated_row("C5", "01.03.2024", "15.07.1990"),
    );
    let (_wd, run) = run_files(
        &[("dates.csv", csv.as_bytes())],
        &["--date-format", "DD.MM.YYYY"],
    );
    run.assert_exit_code(1);
    let lines = run.accepted_lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], minimal_line("C1", "C1", "Eglė"));
    assert_eq!(lines[1], minimal_line("C2", "C2", "Eglė"));
    // The document's dates are read in the format too: its expiry is checked (a warning).
    let doc = &run.accepted()[2]["listBusinessEntityDocument"][0];
    assert_eq!(doc["documentIssueDate"], "2015-01-01");
    assert_eq!(doc["documentExpiryDate"], "2025-01-03");
    assert_eq!(
        findings(&run),
        vec![
            finding("3", "bad-date", "birthDate", "error"),
            finding("4", "bad-date", "birthDate", "error"),
            finding("5", "document-expired", EXPIRY, "warning"),
        ]
    );
    let errors = run.errors();
    assert!(
        errors[0].message.contains("31.02.1990"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[1]
            .message
            .contains("dates must be written DD.MM.YYYY (--date-format) or YYYY-MM-DD"),
        "{}",
        errors[1].message
    );
}

#[test]
fn date_format_applies_to_xml_text_but_not_to_json_strings() {
    use super::xml_specifics::xml_record;
    let xml = format!(
        "<Leads>{}</Leads>\n",
        xml_record("C1", "E1", "Eglė", "")
            .replace("1990-07-15", "07/15/1990")
            .replace("2024-03-01", "03/01/2024")
    );
    let (_wd, run) = run_files(
        &[("l.xml", xml.as_bytes())],
        &["--date-format", "MM/DD/YYYY"],
    );
    run.assert_exit_code(0);
    eqnice!(
        format!("{}\n", minimal_line("C1", "E1", "Eglė")),
        run.read("accepted.ndjson")
    );

    let json = format!(
        "{}\n",
        minimal_line("C1", "E1", "Eglė").replace("1990-07-15", "07/15/1990")
    );
    let (_wd, run) = run_files(
        &[("l.ndjson", json.as_bytes())],
        &["--date-format", "MM/DD/YYYY"],
    );
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![finding("1", "bad-date", "birthDate", "error")]
    );
}

#[test]
fn date_format_that_is_not_a_known_order_is_a_usage_error() {
    let csv = csv_with(",", &[("C1", "E1", "Eglė")]);
    let (_wd, run) = run_files(
        &[("a.csv", csv.as_bytes())],
        &["--date-format", "YYYY/MM/DD"],
    );
    run.assert_exit_code(2);
    assert!(
        run.stderr.contains(
            "--date-format \"YYYY/MM/DD\" is not a known date order: use DD.MM.YYYY, \
             DD/MM/YYYY, MM/DD/YYYY"
        ),
        "{}",
        run.stderr
    );
}
