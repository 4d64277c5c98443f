//! report.html as the compliance officer reads it, on real runs: the verdict first, codes
//! with meaning and fix (errors and warnings apart), findings grouped by message with
//! customerExtId and communicationNumber, warnings of accepted records, files with problems
//! first, `--redact`. The browser checks (`chromium`) are `#[ignore]`d: see `browser`.

use serde_json::{Value, json};

use super::{lead, stdout_of};
use crate::util::{Run, Workdir};

mod browser;

/// A night's drop: a clean file, a file with one rejection, one with 51 (50 with the same
/// message), two accepted leads with an expired document, a file that cannot be read, an
/// empty file and a file that is not a lead file.
fn night(wd: &Workdir) -> Run {
    wd.create_ndjson("a-clean.ndjson", &[lead(1), lead(2), lead(3)]);
    let mut bad = lead(4);
    bad["birthDate"] = json!("22023-01-20");
    wd.create_ndjson("b-one.ndjson", &[bad, lead(5)]);
    let mut many: Vec<Value> = (100..150)
        .map(|i| {
            let mut r = lead(i);
            r.as_object_mut().unwrap().remove("firstName");
            r
        })
        .collect();
    let mut other = lead(150);
    other.as_object_mut().unwrap().remove("lastName");
    many.push(other);
    for i in [151, 152] {
        let mut r = lead(i);
        r["listBusinessEntityDocument"] = json!([{
            "entityType": "INDIVIDUAL", "identityDocumentType": "PASSPORT",
            "documentNumber": "LT-77-1", "documentIssueDate": "2015-01-01",
            "documentIssueCountry": "LT", "documentIssueAuthority": "Police",
            "documentExpiryDate": "2025-01-03"
        }]);
        many.push(r);
    }
    wd.create_ndjson("c-many.ndjson", &many);
    wd.create("d-broken.ndjson.gz", b"\x1f\x8b\x08\x00garbage");
    wd.create("e-empty.ndjson", "");
    wd.create("notes.txt", "not leads");
    let run = wd.process();
    run.assert_exit_code(1);
    run
}

/// The element with `id="<id>"` up to its closing tag (`section`, `tbody`, ...), nested
/// elements of the same tag included.
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no id {id}"));
    let start = html[..at].rfind(&format!("<{tag}")).unwrap();
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0;
    let mut i = start;
    loop {
        let next_open = html[i + 1..].find(&open).map(|p| p + i + 1);
        let next_close = html[i..].find(&close).map(|p| p + i).unwrap();
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                i = o;
            }
            _ if depth == 0 => return &html[start..next_close + close.len()],
            _ => {
                depth -= 1;
                i = next_close + 1;
            }
        }
    }
}

#[test]
fn report_opens_with_a_verdict_of_what_was_read_is_ready_and_needs_a_fix() {
    let wd = Workdir::new();
    let html = night(&wd).read("report.html");
    let body = html.find("<body>").unwrap();
    let verdict = html.find("id=\"verdict\"").unwrap();
    assert!(
        !html[body..verdict].contains("<table") && !html[body..verdict].contains("<h2"),
        "the verdict comes first"
    );
    assert!(html.contains(
        "<p class=\"verdict bad\" id=\"verdict\"><strong>Not every file was read.</strong> 58 \
         leads read from 5 files (as of 2026-11-23): <strong>6 ready</strong>, <strong>52 need \
         a fix</strong>, 3 warnings. <strong>1 file could not be read</strong> (see <a \
         href=\"#files\">Files</a>).</p>"
    ));
    // A clean night says so.
    let clean = Workdir::new();
    clean.create_ndjson("a.ndjson", &[lead(1)]);
    let run = clean.process();
    run.assert_exit_code(0);
    assert!(run.read("report.html").contains(
        "<p class=\"verdict ok\" id=\"verdict\"><strong>All clear.</strong> 1 lead read from 1 \
         file (as of 2026-11-23): <strong>1 ready</strong>, <strong>0 need a fix</strong>. \
         Every file was read.</p>"
    ));
}

#[test]
fn fifty_equal_messages_make_one_group_with_its_count_and_first_rows_with_the_ids() {
    let wd = Workdir::new();
    let html = night(&wd).read("report.html");
    let section = element(&html, "section", "code-missing-field");
    assert!(
        section.contains("<p>51 findings in 51 records.</p>"),
        "{section}"
    );
    let group = section
        .split("<tbody")
        .find(|g| g.contains("data-count=\"50\""))
        .expect("one group of 50");
    assert!(group.contains("50 × “FirstName is mandatory”"), "{group}");
    // The first five rows, in file order, with customerExtId and communicationNumber.
    let rows: Vec<&str> = group
        .lines()
        .filter(|l| l.starts_with("<tr><td>"))
        .collect();
    assert_eq!(rows.len(), 5, "{group}");
    assert_eq!(
        rows[0],
        "<tr><td>c-many.ndjson</td><td class=\"num\" data-v=\"1\">1</td><td class=\"num\" \
         data-v=\"1\">1</td><td>Lead_O_100</td><td>ComNr_O_100</td><td><code>firstName</code></td>\
         <td>FirstName is mandatory</td></tr>"
    );
    assert!(rows[4].contains("<td>Lead_O_104</td><td>ComNr_O_104</td>"));
    assert!(!section.contains("Lead_O_105"));
    assert!(group.contains("… and 45 more with this message (errors.csv lists them)"));
    // The other message of the code is a group of its own.
    assert!(section.contains("data-count=\"1\"><tr class=\"g\"><th colspan=\"7\" scope=\"rowgroup\">1 finding with a message of its own</th></tr>\n<tr><td>c-many.ndjson</td><td class=\"num\" data-v=\"51\">51</td>"));
    assert!(section.contains("<td>Lead_O_150</td><td>ComNr_O_150</td><td><code>lastName</code></td><td>LastName is mandatory</td>"));
}

/// Every code of the run shows the meaning and the fix `leadbatch codes` gives for it, in
/// the section of its severity, with a bar of its severity's colour.
#[test]
fn every_code_shows_its_meaning_and_fix_with_errors_and_warnings_apart() {
    let wd = Workdir::new();
    let run = night(&wd);
    let html = run.read("report.html");
    let codes: Value = serde_json::from_str(&stdout_of(&["codes", "--format", "json"])).unwrap();
    let by_code = run.summary()["byCode"].as_object().unwrap().clone();
    let found: Vec<&String> = by_code.keys().collect();
    assert_eq!(
        found,
        [
            "bad-date",
            "document-expired",
            "empty-file",
            "missing-field",
            "parse-error"
        ]
    );
    let (errors, warnings) = (
        element(&html, "section", "errors"),
        element(&html, "section", "warnings"),
    );
    for code in found {
        let info = codes
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code.as_str())
            .unwrap();
        let (meaning, fix) = (
            info["meaning"].as_str().unwrap(),
            info["fix"].as_str().unwrap(),
        );
        assert!(!fix.is_empty());
        let esc = |s: &str| s.replace('&', "&amp;").replace('\'', "&#39;");
        let section = element(&html, "section", &format!("code-{code}"));
        assert!(
            section.contains(&format!(
                "<code>{code}</code>: {}</h3>\n<p class=\"fix\"><strong>Usual fix:</strong> {}.</p>",
                esc(meaning),
                esc(fix)
            )),
            "{section}"
        );
        let (home, bar) = if info["severity"] == "error" {
            (errors, "e")
        } else {
            (warnings, "w")
        };
        assert!(home.contains(section), "{code} in the wrong section");
        let overview = element(&html, "section", "codes");
        let row = overview
            .lines()
            .find(|l| l.contains(&format!("href=\"#code-{code}\"")))
            .unwrap();
        assert!(row.contains(&format!("<span class=\"bar {bar}\"")), "{row}");
        assert!(row.contains(&format!("<td>{}</td><td>{}</td>", esc(meaning), esc(fix))));
    }
}

#[test]
fn warnings_of_accepted_records_are_listed_with_their_record() {
    let wd = Workdir::new();
    let run = night(&wd);
    let html = run.read("report.html");
    let accepted: Vec<Value> = run.accepted();
    assert!(accepted.iter().any(|p| p["customerExtId"] == "Lead_O_151"));
    let section = element(&html, "section", "code-document-expired");
    assert!(
        section.contains("<p>2 findings in 2 records.</p>"),
        "{section}"
    );
    assert!(section.contains(
        "data-count=\"2\"><tr class=\"g\"><th colspan=\"8\" scope=\"rowgroup\">2 × “the document \
         expired on 2025-01-03 (run date 2026-11-23)”</th></tr>"
    ));
    for (n, id) in [(52, 151), (53, 152)] {
        assert!(
            section.contains(&format!(
                "<tr><td>c-many.ndjson</td><td class=\"num\" data-v=\"{n}\">{n}</td><td \
                 class=\"num\" data-v=\"{n}\">{n}</td><td>Lead_O_{id}</td><td>ComNr_O_{id}</td>\
                 <td><code>listBusinessEntityDocument[0].documentExpiryDate</code></td><td>the \
                 document expired on 2025-01-03 (run date 2026-11-23)</td><td>accepted</td></tr>"
            )),
            "{section}"
        );
    }
    // The file-level warning is there too, naming its file.
    let empty = element(&html, "section", "code-empty-file");
    assert!(empty.contains("<p>1 finding in 1 file.</p>"));
    assert!(empty.contains("<tr><td>e-empty.ndjson</td><td data-v=\"0\">file</td>"));
}

#[test]
fn files_with_problems_come_first_then_skipped_files_and_the_options() {
    let wd = Workdir::new();
    let html = night(&wd).read("report.html");
    let files = element(&html, "section", "files");
    let order: Vec<&str> = files
        .lines()
        .filter_map(|l| l.split("<td>").nth(1)?.split("</td>").next())
        .collect();
    assert_eq!(
        order,
        [
            "d-broken.ndjson.gz",
            "c-many.ndjson",
            "b-one.ndjson",
            "e-empty.ndjson",
            "a-clean.ndjson"
        ],
        "{files}"
    );
    assert!(files.contains("<td><strong>could not be read:</strong> "));
    assert!(files.contains("<h3>Skipped files (1)</h3>") && files.contains("<li>notes.txt</li>"));
    let run = element(&html, "section", "run");
    for option in [
        "<th scope=\"row\">command</th><td>process</td>",
        "<th scope=\"row\">--as-of</th><td>2026-11-23</td>",
        "<th scope=\"row\">--redact</th><td>off</td>",
        "<th scope=\"row\">--max-findings</th><td>100</td>",
    ] {
        assert!(run.contains(option), "{option}\n{run}");
    }
}

/// With `--redact`, the report lists the records by customerExtId and communicationNumber
/// (not personal fields, as in errors.csv) and masks personal values in every message.
#[test]
fn redacted_report_keeps_the_ids_and_masks_personal_values() {
    let wd = Workdir::new();
    let mut rec = lead(7);
    rec["birthDate"] = json!("1899-05-17");
    rec["lastName"] = json!("Vaitkevičiūtė".repeat(20));
    wd.create_ndjson("people.ndjson", &[rec]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .arg("--redact")
        .run();
    run.assert_exit_code(1);
    let html = run.read("report.html");
    assert!(!html.contains("1899-05-17") && !html.contains("Vaitkevičiūtė"));
    assert!(html.contains("<td>Lead_O_7</td><td>ComNr_O_7</td><td><code>birthDate</code></td><td>birthDate &quot;1*********&quot;"), "{html}");
    assert!(html.contains("<th scope=\"row\">--redact</th><td>on: personal values masked</td>"));
    // The same run without --redact shows the values: the assertions above can fail.
    let plain = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("plain"))
        .run();
    assert!(plain.read("report.html").contains("1899-05-17"));
}

#[test]
fn report_is_one_self_contained_file_that_reads_without_its_script() {
    let wd = Workdir::new();
    let html = night(&wd).read("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // One inline script, which only enhances: every row is in the HTML itself.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>") && !html.contains("<script src"));
    for external in ["src=", "http://", "https://", "url(", "@import", "<link"] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("id=\"total-rejected\">52<"));
}
