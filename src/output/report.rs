//! `report.html`: one self-contained page for the compliance officer (no network, no
//! external assets, no JavaScript): run metadata, totals, findings by code as an inline SVG
//! bar chart, results per file and per entity type, rejected records grouped by code.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Summary;

/// One finding of a rejected record, as the report lists it.
#[derive(Debug, Clone, Copy)]
pub struct ReportFinding<'a> {
    pub source: &'a str,
    pub record: u64,
    pub line: u64,
    pub path: &'a str,
    pub message: &'a str,
}

/// Findings of rejected records per code: the first `LIMIT`, as the report's table rows,
/// and the total.
///
/// Rows are rendered as findings come in, on the ordered thread while the other threads
/// still check records, rather than all at the end of the run, when nothing else is left
/// to do (tens of thousands of rows took about 12 ms there, with one core idle).
#[derive(Debug, Default)]
pub struct ReportFindings {
    by_code: BTreeMap<String, CodeRows>,
}

/// The rows of one code.
#[derive(Debug, Default)]
struct CodeRows {
    /// `<tr>` elements, one per line, in pieces of about `PIECE` bytes: one string grown by
    /// doubling would hold up to twice what it needs for each of the codes, which at 200,000
    /// files raised the run's peak memory by 5 to 8 MiB.
    html: Vec<String>,
    /// Rows in `html`: at most `ReportFindings::LIMIT`.
    rows: usize,
    /// Findings with this code, listed or not.
    total: u64,
}

impl ReportFindings {
    pub const LIMIT: usize = 1000;

    pub fn add(&mut self, code: &str, f: ReportFinding<'_>) {
        let e = match self.by_code.get_mut(code) {
            Some(e) => e,
            None => self.by_code.entry(code.to_string()).or_default(),
        };
        e.total += 1;
        if e.rows < Self::LIMIT {
            e.rows += 1;
            if e.html
                .last()
                .is_none_or(|p| p.len() + ROW_GUESS > p.capacity())
            {
                e.html.push(String::with_capacity(PIECE));
            }
            if let Some(piece) = e.html.last_mut() {
                row_into(piece, &f);
            }
        }
    }
}

/// Bytes of one piece of a code's rows.
const PIECE: usize = 16 << 10;
/// Room left in a piece below which the next row starts a new one (most rows are shorter;
/// a longer one grows its piece).
const ROW_GUESS: usize = 512;

/// Appends the table row of one finding.
fn row_into(rows: &mut String, f: &ReportFinding<'_>) {
    use std::fmt::Write as _;
    rows.push_str("<tr><td>");
    esc_into(rows, f.source);
    let _ = write!(
        rows,
        "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>",
        f.record, f.line
    );
    esc_into(rows, f.path);
    rows.push_str("</code></td><td>");
    esc_into(rows, f.message);
    rows.push_str("</td></tr>\n");
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    esc_into(&mut o, s);
    o
}

/// Appends `s` escaped for HTML text and attribute values, copying the runs between the
/// five special characters in one piece each.
fn esc_into(o: &mut String, s: &str) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        o.push_str(&s[from..i]);
        o.push_str(rep);
        from = i + 1;
    }
    o.push_str(&s[from..]);
}

/// Writes the page.
pub fn write(w: &mut impl Write, s: &Summary, findings: &ReportFindings) -> io::Result<()> {
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leadbatch report</title>\n<style>\
body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}\
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left;font-size:.9em}}th{{background:#f3f3f3}}\
.num{{text-align:right}}h2{{margin-top:1.5em}}code{{font-size:.95em}}</style></head><body>"
    )?;
    writeln!(w, "<h1>leadbatch report</h1>")?;
    writeln!(w, "<h2>Run</h2><table>")?;
    for (k, v) in [
        ("version", s.version.clone()),
        ("specification", s.spec.clone()),
        ("as of", s.as_of.clone()),
        ("inputs", s.inputs.join(", ")),
        ("elapsed", format!("{} ms", s.elapsed_ms)),
    ] {
        writeln!(w, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v))?;
    }
    writeln!(w, "</table>")?;
    writeln!(w, "<h2>Totals</h2><table>")?;
    for (k, v) in [
        ("files", s.files),
        ("records", s.records),
        ("accepted", s.accepted),
        ("rejected", s.rejected),
        ("warnings", s.warnings),
    ] {
        writeln!(
            w,
            "<tr><th>{k}</th><td class=\"num\" id=\"total-{k}\">{v}</td></tr>"
        )?;
    }
    writeln!(w, "</table>")?;

    writeln!(w, "<h2>Findings by code</h2>")?;
    if s.by_code.is_empty() {
        writeln!(w, "<p>No findings.</p>")?;
    } else {
        let max = s.by_code.values().copied().max().unwrap_or(1).max(1);
        let row_h = 22;
        let height = row_h * s.by_code.len() + 10;
        writeln!(
            w,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"{height}\" role=\"img\" aria-label=\"findings by code\">"
        )?;
        for (i, (code, n)) in s.by_code.iter().enumerate() {
            let y = 5 + i * row_h;
            let wbar = (*n as f64 / max as f64 * 480.0).max(1.0);
            writeln!(
                w,
                "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"220\" y=\"{y}\" width=\"{wbar:.1}\" height=\"16\" fill=\"#4a78b5\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{n}</text>",
                y + 13,
                esc(code),
                226.0 + wbar,
                y + 13
            )?;
        }
        writeln!(w, "</svg>")?;
    }

    writeln!(
        w,
        "<h2>Per file</h2><table><tr><th>file</th><th>format</th><th>records</th><th>accepted</th><th>rejected</th><th>BLAKE3</th><th>error</th></tr>"
    )?;
    for f in s.by_file.iter() {
        let f = f?;
        writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&f.source),
            f.format.as_str(),
            f.records,
            f.accepted,
            f.rejected,
            f.blake3.map(|d| d.to_string()).unwrap_or_default(),
            esc(f.error.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(w, "</table>")?;
    writeln!(
        w,
        "<h2>Per entity type</h2><table><tr><th>entity type</th><th>records</th><th>accepted</th><th>rejected</th></tr>"
    )?;
    for (t, c) in &s.by_entity_type {
        writeln!(
            w,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(t),
            c.records,
            c.accepted,
            c.rejected
        )?;
    }
    writeln!(w, "</table>")?;

    writeln!(w, "<h2>Rejected records by code</h2>")?;
    if findings.by_code.is_empty() {
        writeln!(w, "<p>No rejected records.</p>")?;
    }
    for (code, c) in &findings.by_code {
        writeln!(w, "<h3><code>{}</code> ({})</h3>", esc(code), c.total)?;
        writeln!(
            w,
            "<table><tr><th>file</th><th>record</th><th>line</th><th>path</th><th>message</th></tr>"
        )?;
        for piece in &c.html {
            w.write_all(piece.as_bytes())?;
        }
        writeln!(w, "</table>")?;
        if c.total > c.rows as u64 {
            writeln!(w, "<p>… and {} more.</p>", c.total - c.rows as u64)?;
        }
    }
    writeln!(w, "</body></html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_exactly_the_five_special_characters() {
        assert_eq!(esc(""), "");
        assert_eq!(esc("plain ąčę text"), "plain ąčę text");
        assert_eq!(
            esc(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("&&"), "&amp;&amp;");
        assert_eq!(esc("ends with <"), "ends with &lt;");
    }

    #[test]
    fn findings_are_listed_up_to_the_limit_and_counted_past_it() {
        let mut findings = ReportFindings::default();
        let extra = 5;
        for i in 0..ReportFindings::LIMIT as u64 + extra {
            findings.add(
                "bad-date",
                ReportFinding {
                    source: "in/<a>.ndjson",
                    record: i + 1,
                    line: i + 10_001,
                    path: "birthDate",
                    message: "\"22023-01-20\" is not a date",
                },
            );
        }
        findings.add(
            "missing-field",
            ReportFinding {
                source: "b.csv",
                record: 3,
                line: 0,
                path: "",
                message: "x & y",
            },
        );
        let mut page = Vec::new();
        write(&mut page, &Summary::default(), &findings).unwrap();
        let page = String::from_utf8(page).unwrap();
        let first = "<tr><td>in/&lt;a&gt;.ndjson</td><td class=\"num\">1</td><td class=\"num\">10001</td>\
                     <td><code>birthDate</code></td><td>&quot;22023-01-20&quot; is not a date</td></tr>\n";
        assert!(page.contains(&format!("<h3><code>bad-date</code> (1005)</h3>\n<table><tr><th>file</th><th>record</th><th>line</th><th>path</th><th>message</th></tr>\n{first}")), "{page}");
        assert_eq!(
            page.matches("<td><code>birthDate</code>").count(),
            ReportFindings::LIMIT
        );
        assert!(page.contains("<td class=\"num\">1000</td>"));
        assert!(!page.contains("<td class=\"num\">1001</td>"));
        assert!(page.contains("</table>\n<p>… and 5 more.</p>\n"));
        assert!(page.contains(
            "<h3><code>missing-field</code> (1)</h3>\n<table><tr><th>file</th><th>record</th><th>line</th><th>path</th><th>message</th></tr>\n\
             <tr><td>b.csv</td><td class=\"num\">3</td><td class=\"num\">0</td><td><code></code></td><td>x &amp; y</td></tr>\n</table>\n"
        ));
    }
}
