//! `report.html`: one self-contained page for the compliance officer (no network, no
//! external assets, no JavaScript): run metadata, totals, findings by code as an inline SVG
//! bar chart, results per file and per entity type, rejected records grouped by code.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Summary;

/// One finding of a rejected record, as the report lists it.
#[derive(Debug, Clone)]
pub struct ReportFinding {
    pub source: String,
    pub record: u64,
    pub line: u64,
    pub path: String,
    pub message: String,
}

/// Findings of rejected records per code: the first `LIMIT` and the total.
#[derive(Debug, Default)]
pub struct ReportFindings {
    pub by_code: BTreeMap<String, (Vec<ReportFinding>, u64)>,
}

impl ReportFindings {
    pub const LIMIT: usize = 1000;

    pub fn add(&mut self, code: &str, f: impl FnOnce() -> ReportFinding) {
        let e = self.by_code.entry(code.to_string()).or_default();
        e.1 += 1;
        if e.0.len() < Self::LIMIT {
            e.0.push(f());
        }
    }
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
    for f in &s.by_file {
        writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&f.source),
            f.format,
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
    for (code, (list, total)) in &findings.by_code {
        writeln!(w, "<h3><code>{}</code> ({total})</h3>", esc(code))?;
        writeln!(
            w,
            "<table><tr><th>file</th><th>record</th><th>line</th><th>path</th><th>message</th></tr>"
        )?;
        // Up to `LIMIT` rows per code, tens of thousands in all: built in one buffer
        // without a string per cell (this loop was most of the run's last 20 ms).
        let mut rows = String::with_capacity(list.len() * 200);
        for f in list {
            use std::fmt::Write as _;
            rows.push_str("<tr><td>");
            esc_into(&mut rows, &f.source);
            let _ = write!(
                rows,
                "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>",
                f.record, f.line
            );
            esc_into(&mut rows, &f.path);
            rows.push_str("</code></td><td>");
            esc_into(&mut rows, &f.message);
            rows.push_str("</td></tr>\n");
        }
        w.write_all(rows.as_bytes())?;
        writeln!(w, "</table>")?;
        if *total > list.len() as u64 {
            writeln!(w, "<p>… and {} more.</p>", *total - list.len() as u64)?;
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
}
