//! Personal data: `--redact` leaves no personal value in the reports, and the output files
//! are readable by the owner only unless `--file-mode` says otherwise.

use crate::util::Workdir;

#[test]
fn redacted_reports_hold_no_personal_value() {
    let wd = Workdir::new();
    let personal = [
        "Gintautas",
        "Vaitkevičiūtė",
        "1899-05-17",
        "38905171234",
        "LT-77-123456",
        "g.vaitk@example.lt",
        "Gedimino pr. 9",
        "Secretname",
    ];
    let rec = serde_json::json!({
        "communicationNumber": "ComNr_R_1", "requester": "bank", "riskManagementCategory": "LEAD_IND",
        "sourceOfRiskLevel": "EVALUATE", "customerExtId": "Lead_R_1", "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": "Gintautas", "lastName": "Vaitkevičiūtė",
        "birthDate": "1899-05-17", "nationalCode": "38905171234", "citizenshipCountry": "LT",
        "middleName": "Secretname",
        "listContact": [{"contactType": "EMAIL", "contactDetails": "g.vaitk@example.lt"}],
        "listAddress": [{"country": "XX", "streetAddress": "Gedimino pr. 9"}],
        "listBusinessEntityDocument": [{"entityType": "INDIVIDUAL", "identityDocumentType": "PASSPORT",
            "documentNumber": "LT-77-123456", "documentIssueDate": "2020-01-01",
            "documentIssueCountry": "LT", "documentIssueAuthority": "Police", "documentExpiryDate": "2019-01-01"}]
    });
    wd.create_ndjson("people.ndjson", &[rec]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .arg("--redact")
        .run();
    run.assert_exit_code(1);
    for name in [
        "rejected.ndjson",
        "errors.csv",
        "report.html",
        "summary.json",
    ] {
        let text = run.read(name);
        for v in personal {
            assert!(!text.contains(v), "{v:?} appears in redacted {name}");
        }
    }
    // Field names, codes, lengths and first characters are kept.
    let rejected = run.rejected();
    assert_eq!(rejected[0]["input"]["firstName"], "G********");
    assert!(
        run.errors()
            .iter()
            .any(|e| e.code == "out-of-range" && e.path == "birthDate")
    );
    // Without --redact the values are there (the test above can fail).
    let plain = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("plain"))
        .run();
    assert!(
        std::fs::read_to_string(plain.dir().join("rejected.ndjson"))
            .unwrap()
            .contains("Gintautas")
    );
}

#[cfg(unix)]
#[test]
fn output_files_are_owner_only_unless_file_mode_says_otherwise() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    wd.create("a.ndjson", "{}\n");
    let run = wd.process();
    for name in [
        "accepted.ndjson",
        "rejected.ndjson",
        "errors.csv",
        "summary.json",
        "report.html",
    ] {
        let mode = std::fs::metadata(run.dir().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("shared"))
        .args(["--file-mode", "640"])
        .run();
    let mode = std::fs::metadata(run.dir().join("errors.csv"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
}
