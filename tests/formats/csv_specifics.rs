//! The CSV rules of spec §6: headers matched case-insensitively, the delimiter (comma,
//! semicolon, tab), the byte-order mark, `--decimal-comma`, boolean words, `--encoding`,
//! Excel-mangled identifiers, day/month dates, CRLF line ends.

use serde_json::Value;

use super::{Finding, assert_counts, findings, minimal_line, run_files, with_tail};
use crate::eqnice;

// ------------------------------------------------------------------------------------------
// 3a. CSV specifics.
// ------------------------------------------------------------------------------------------

pub(super) const CSV_HEADER: &str = "communicationNumber,requester,riskManagementCategory,sourceOfRiskLevel,customerExtId,entityType,applicationDate,firstName,lastName,birthDate,citizenshipCountry";

pub(super) fn csv_row(comm: &str, ext: &str, first: &str) -> String {
    format!(
        "{comm},core-banking,LEAD_IND,EVALUATE,{ext},INDIVIDUAL,2024-03-01,{first},Šimkus,1990-07-15,LT"
    )
}

#[test]
fn csv_headers_are_matched_case_insensitively() {
    let header = concat!(
        "COMMUNICATIONNUMBER,Requester,riskmanagementcategory,SourceOfRiskLevel,CustomerExtId,",
        "ENTITYTYPE,ApplicationDate,FirstName,LASTNAME,BirthDate,CitizenshipCountry,",
        "ListAddress.0.Country,LISTADDRESS[0].CITY,listaddress.0.ADDRESSDETAILS,",
        "FieldOfActivity.Employment.IsEmployee\n",
    );
    let csv = format!(
        "{header}C1,core-banking,LEAD_IND,EVALUATE,E1,INDIVIDUAL,2024-03-01,Eglė,Šimkus,1990-07-15,lt,lt,Vilnius,Gedimino pr. 9,TRUE\n"
    );
    let (_wd, run) = run_files(&[("case.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        concat!(
            r#"{"communicationNumber":"C1","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","#,
            r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","#,
            r#""firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","#,
            r#""fieldOfActivity":{"employment":{"isEmployee":true}},"#,
            r#""listAddress":[{"country":"LT","addressDetails":"Gedimino pr. 9","city":"Vilnius"}]}"#,
            "\n"
        ),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
}

#[test]
fn csv_semicolon_delimiter_is_detected_when_the_header_has_no_comma() {
    // A comma inside a data cell is data; the screening list is a quoted cell.
    let csv = format!(
        "{};initializeScreeningProcesses;listAddress.0.country;listAddress.0.addressDetails\n{};\"SANCTIONS;pep\";LT;Gedimino pr. 9, Vilnius\n",
        CSV_HEADER.replace(',', ";"),
        csv_row("C1", "E1", "Eglė").replace(',', ";"),
    );
    let (_wd, run) = run_files(&[("semi.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        concat!(
            r#"{"communicationNumber":"C1","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","#,
            r#""initializeScreeningProcesses":["SANCTIONS","PEP"],"#,
            r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","#,
            r#""firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","#,
            r#""listAddress":[{"country":"LT","addressDetails":"Gedimino pr. 9, Vilnius"}]}"#,
            "\n"
        ),
        run.read("accepted.ndjson")
    );
}

#[test]
fn tsv_files_are_tab_separated() {
    let tsv = format!(
        "{}\tactivityDescription\n{}\tcommas, and; semicolons\n",
        CSV_HEADER.replace(',', "\t"),
        csv_row("C1", "E1", "Eglė").replace(',', "\t"),
    );
    let (_wd, run) = run_files(&[("leads.tsv", tsv.as_bytes())], &[]);
    run.assert_exit_code(0);
    let lines = run.accepted_lines();
    assert_eq!(lines.len(), 1);
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["activityDescription"], "commas, and; semicolons");
    assert_eq!(v["firstName"], "Eglė");
    assert_eq!(run.summary()["byFile"][0]["format"], "csv");
}

#[test]
fn csv_byte_order_mark_is_ignored() {
    let csv = format!("\u{FEFF}{CSV_HEADER}\n{}\n", csv_row("C1", "E1", "Eglė"));
    let (_wd, run) = run_files(&[("bom.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        format!("{}\n", minimal_line("C1", "E1", "Eglė")),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
}

#[test]
fn csv_decimal_comma_is_read_with_the_option_only() {
    let csv = format!(
        "{};initialDepositAmount;initialDepositCurrency\n{};10000,50;EUR\n",
        CSV_HEADER.replace(',', ";"),
        csv_row("C1", "E1", "Eglė").replace(',', ";"),
    );
    let (_wd, run) = run_files(&[("comma.csv", csv.as_bytes())], &["--decimal-comma"]);
    run.assert_exit_code(0);
    let expected = with_tail(
        &minimal_line("C1", "E1", "Eglė"),
        r#","initialDepositAmount":10000.5,"initialDepositCurrency":"EUR""#,
    );
    eqnice!(expected, run.read("accepted.ndjson"));

    // Without --decimal-comma, `10000,50` is not a numeric string (spec §2): bad-type.
    let (_wd, run) = run_files(&[("comma.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![(
            "1".into(),
            "bad-type".into(),
            "initialDepositAmount".into(),
            "error".into()
        )]
    );
}

#[test]
fn csv_boolean_words_are_case_insensitive_and_yes_is_bad_type() {
    let csv = format!(
        "{CSV_HEADER},isPEP,isSanctioned,listContact.0.contactType,listContact.0.contactDetails,listContact.0.useForCommunication\n\
         {},TRUE,false,EMAIL,a@example.com,True\n\
         {},yes,FALSE,EMAIL,b@example.com,false\n",
        csv_row("C1", "E1", "Eglė"),
        csv_row("C2", "E2", "Rūta"),
    );
    let (_wd, run) = run_files(&[("bool.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    eqnice!(
        with_tail(
            &minimal_line("C1", "E1", "Eglė"),
            r#","isPEP":true,"isSanctioned":false,"listContact":[{"contactType":"EMAIL","contactDetails":"a@example.com","useForCommunication":true}]"#,
        ),
        run.read("accepted.ndjson")
    );
    assert_eq!(
        findings(&run),
        vec![(
            "2".into(),
            "bad-type".into(),
            "isPEP".into(),
            "error".into()
        )]
    );
}

#[test]
fn csv_windows_1252_is_decoded_with_the_encoding_option() {
    let mut csv = format!("{CSV_HEADER},activityDescription\n").into_bytes();
    // "José" and "Caf€" in windows-1252: é = 0xE9, € = 0x80.
    csv.extend_from_slice(
        b"C1,core-banking,LEAD_IND,EVALUATE,E1,INDIVIDUAL,2024-03-01,Jos\xE9,Lef\xE8vre,1990-07-15,LT,Caf\x80 cr\xE8me\n",
    );
    let (_wd, run) = run_files(&[("latin.csv", &csv)], &["--encoding", "windows-1252"]);
    run.assert_exit_code(0);
    let v: Value = serde_json::from_str(&run.accepted_lines()[0]).unwrap();
    assert_eq!(v["firstName"], "José");
    assert_eq!(v["lastName"], "Lefèvre");
    assert_eq!(v["activityDescription"], "Caf€ crème");

    // The same bytes without --encoding: invalid UTF-8, a parse-error that says what to do.
    let (_wd, run) = run_files(&[("latin.csv", &csv)], &[]);
    run.assert_exit_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "parse-error");
    assert_eq!(errors[0].severity, "error");
    assert!(
        errors[0].message.contains("--encoding windows-1252"),
        "{}",
        errors[0].message
    );
    // The record is not lost: it is rejected.
    assert_counts(&run, 1, 0, 1, "latin.csv without --encoding");
}

#[test]
fn csv_excel_mangled_identifier_is_a_warning() {
    let csv = format!("{CSV_HEADER}\n{}\n", csv_row("C1", "1.23457E+15", "Eglė"));
    let (_wd, run) = run_files(&[("excel.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        format!("{}\n", minimal_line("C1", "1.23457E+15", "Eglė")),
        run.read("accepted.ndjson")
    );
    assert_eq!(
        findings(&run),
        vec![(
            "1".into(),
            "excel-mangled".into(),
            "customerExtId".into(),
            "warning".into()
        )]
    );
    assert_eq!(run.summary()["warnings"], 1);
}

#[test]
fn csv_day_month_date_is_bad_date_naming_the_format() {
    let row = csv_row("C1", "E1", "Eglė").replace("1990-07-15", "05/10/2000");
    let csv = format!("{CSV_HEADER}\n{row}\n");
    let (_wd, run) = run_files(&[("date.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].code.as_str(), errors[0].path.as_str()),
        ("bad-date", "birthDate")
    );
    assert!(
        errors[0].message.contains("YYYY-MM-DD"),
        "{}",
        errors[0].message
    );
}

#[test]
fn csv_crlf_line_ends_give_the_same_payload() {
    let csv = format!(
        "{CSV_HEADER},activityDescription\r\n{},\"two\r\nlines\"\r\n{},x\r\n",
        csv_row("C1", "E1", "Eglė"),
        csv_row("C2", "E2", "Rūta"),
    );
    let (_wd, run) = run_files(&[("crlf.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    let lines = run.accepted_lines();
    assert_eq!(lines.len(), 2);
    let want = with_tail(
        &minimal_line("C2", "E2", "Rūta"),
        r#","activityDescription":"x""#,
    );
    eqnice!(want.trim_end(), lines[1]);
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["activityDescription"], "two\r\nlines");
    assert_eq!(v["lastName"], "Šimkus");
}
