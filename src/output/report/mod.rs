//! `report.html`: one self-contained page for the compliance officer (no network, no
//! external assets; it works without JavaScript, and a small inline script adds sorting and
//! filtering).
//!
//! The page opens with a verdict (what was read, how many leads are ready, how many need a
//! fix, whether any file could not be read) and the totals, then the findings by code,
//! errors and warnings apart, each code with its meaning and its usual fix from
//! `diagnostic::CODES`; then each code's findings grouped by message (a count and the first
//! rows, with customerExtId and communicationNumber); the files, those with problems first;
//! the entity types; with a ledger, the recent runs and the audit chain's head; the run and
//! its options.
//!
//! Files: `groups` collects the findings while the run goes (bounded memory), `html` writes
//! the page, `files` its Files section, `history` its Recent runs section; `report.css` and
//! `report.js` are inlined.
//!
//! `--redact` is respected because the page shows nothing the other outputs do not: the
//! messages are masked by the rules, and customerExtId and communicationNumber, which
//! identify a record and are not personal fields, are shown as in errors.csv.

mod files;
mod groups;
mod history;
mod html;

pub use groups::{ReportFinding, ReportFindings};
pub use history::{History, HistoryRun, RUNS as HISTORY_RUNS};
pub use html::write;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Severity};
    use crate::output::Summary;

    fn page(s: &Summary, f: &ReportFindings) -> String {
        let mut out = Vec::new();
        write(&mut out, s, f).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn an_empty_run_says_so_and_the_page_holds_no_external_reference() {
        let html = page(&Summary::default(), &ReportFindings::default());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains(
            "<p class=\"verdict warn\" id=\"verdict\"><strong>No lead was found.</strong> 0 leads \
             read from 0 files (as of ): <strong>0 ready</strong>, <strong>0 need a fix</strong>. \
             Every file was read.</p>"
        ));
        assert!(
            html.contains("<p>No findings.</p>") && html.contains("<p>No rejected records.</p>")
        );
        for external in [
            "src=",
            "href=\"http",
            "url(",
            "@import",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!html.contains(external), "{external}");
        }
    }

    #[test]
    fn codes_are_apart_by_severity_with_meaning_fix_and_groups() {
        let mut s = Summary::default();
        s.by_code.insert("bad-date".into(), 3);
        s.by_code.insert("document-expired".into(), 1);
        let mut f = ReportFindings::default();
        let finding = |serial, accepted| ReportFinding {
            source: "a.ndjson",
            record: serial,
            line: serial,
            serial,
            customer_ext_id: Some("Lead_1"),
            communication_number: Some("ComNr_1"),
            path: "birthDate",
            message: "birthDate \"x\" is not a date",
            accepted: Some(accepted),
        };
        // Two of the three bad-date findings are listed: one was past --max-findings.
        f.add(Code::BadDate, Severity::Error, finding(1, false));
        f.add(Code::BadDate, Severity::Error, finding(2, false));
        f.add(Code::DocumentExpired, Severity::Warning, finding(3, true));
        let html = page(&s, &f);
        let errors = html.find("id=\"errors\"").unwrap();
        let warnings = html.find("id=\"warnings\"").unwrap();
        let bad_date = html.find("id=\"code-bad-date\"").unwrap();
        let expired = html.find("id=\"code-document-expired\"").unwrap();
        assert!(errors < bad_date && bad_date < warnings && warnings < expired);
        assert!(html.contains("<span class=\"bar e\" style=\"width:70.0%\"></span>3</td>"));
        assert!(html.contains("<span class=\"bar w\" style=\"width:23.3%\"></span>1</td>"));
        assert!(
            html.contains("<p class=\"fix\"><strong>Usual fix:</strong> write dates as YYYY-MM-DD")
        );
        assert!(html.contains("<p>3 findings in 2 records; 1 past --max-findings of their record is counted, not listed.</p>"));
        assert!(html.contains(
            "<tbody class=\"same\" data-count=\"2\"><tr class=\"g\"><th colspan=\"7\" scope=\"rowgroup\">2 × “birthDate &quot;x&quot; is not a date”</th></tr>"
        ));
        assert!(
            html.contains("<td>birthDate &quot;x&quot; is not a date</td><td>accepted</td></tr>")
        );
    }
}
