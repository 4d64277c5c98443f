//! The page: the verdict, totals, findings by code (errors and warnings apart, each code
//! with its meaning and usual fix), the grouped findings, files, entity types, the run.
//! Plain HTML and CSS that read completely without JavaScript; the inline script
//! (`report.js`) only adds sorting and filtering.

use std::io::{self, Write};

use super::groups::{CodeGroups, Group, ReportFindings, clip};
use crate::diagnostic::{Severity, code_info};
use crate::output::Summary;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Writes the page.
pub fn write(w: &mut impl Write, s: &Summary, findings: &ReportFindings) -> io::Result<()> {
    let codes = codes(s, findings);
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>leadbatch report: {} ready, {} need a fix</title>\n<style>{STYLE}</style></head>\n<body>\n",
        num(s.accepted),
        num(s.rejected)
    )?;
    let (class, text) = verdict(s);
    writeln!(
        w,
        "<header><h1>leadbatch report</h1>\n<p class=\"verdict {class}\" id=\"verdict\">{text}</p>\n\
         <nav aria-label=\"Sections\"><ul><li><a href=\"#codes\">Findings by code</a></li>\
         <li><a href=\"#errors\">Rejected records</a></li><li><a href=\"#warnings\">Warnings</a></li>\
         <li><a href=\"#files\">Files</a></li><li><a href=\"#entities\">Entity types</a></li>\
         <li><a href=\"#run\">Run and options</a></li></ul></nav></header>\n<main>"
    )?;
    totals(w, s)?;
    overview(w, &codes, findings.strict)?;
    details(w, &codes, Severity::Error)?;
    details(w, &codes, Severity::Warning)?;
    super::files::section(w, s)?;
    entity_types(w, s)?;
    super::history::section(w, findings.history.as_ref())?;
    run(w, s, findings)?;
    writeln!(w, "</main>\n<script>{SCRIPT}</script>\n</body></html>")
}

/// One code of the run: its count from the summary (every finding, those past
/// `--max-findings` too), its meaning and fix, and its listed findings.
struct Code<'a> {
    code: &'a str,
    severity: Severity,
    count: u64,
    meaning: &'static str,
    fix: &'static str,
    listed: Option<&'a CodeGroups>,
}

/// The run's codes, the most frequent first (ties by code).
fn codes<'a>(s: &'a Summary, findings: &'a ReportFindings) -> Vec<Code<'a>> {
    let mut out: Vec<Code> = s
        .by_code
        .iter()
        .map(|(code, &count)| {
            let listed = findings.by_code.get(code.as_str());
            let info = code_info(code);
            Code {
                code,
                severity: listed
                    .map(|c| c.severity)
                    .or(info.map(|i| i.severity))
                    .unwrap_or(Severity::Error),
                count,
                meaning: info.map_or("(not a documented code)", |i| i.meaning),
                fix: info.map_or("see the message", |i| i.fix),
                listed,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    out
}

/// The first line of the page: what was read, how many leads are ready, how many need a
/// fix, and whether any file could not be read; with the class that colours it.
fn verdict(s: &Summary) -> (&'static str, String) {
    let unread = s.by_file.flagged();
    let paths = s.unreadable_paths.len() as u64;
    let (class, head) = if unread + paths > 0 {
        ("bad", "Not every file was read.")
    } else if s.records == 0 {
        ("warn", "No lead was found.")
    } else if s.rejected > 0 {
        ("warn", "Action needed.")
    } else {
        ("ok", "All clear.")
    };
    let mut text = format!(
        "<strong>{head}</strong> {} read from {} (as of {}): <strong>{} ready</strong>, \
         <strong>{} {}</strong>",
        count(s.records, "lead", "leads"),
        count(s.files, "file", "files"),
        esc(&s.as_of),
        num(s.accepted),
        num(s.rejected),
        if s.rejected == 1 {
            "needs a fix"
        } else {
            "need a fix"
        },
    );
    if s.warnings > 0 {
        text += &format!(", {}", count(s.warnings, "warning", "warnings"));
    }
    text.push_str(". ");
    let mut unreadable = Vec::new();
    if unread > 0 {
        unreadable.push(format!(
            "{} could not be read",
            count(unread, "file", "files")
        ));
    }
    if paths > 0 {
        unreadable.push(format!(
            "{} could not be listed",
            count(paths, "path", "paths")
        ));
    }
    if unreadable.is_empty() {
        text.push_str("Every file was read.");
    } else {
        text += &format!(
            "<strong>{}</strong> (see <a href=\"#files\">Files</a>).",
            unreadable.join("; ")
        );
    }
    (class, text)
}

fn totals(w: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"totals\" aria-labelledby=\"h-totals\"><h2 id=\"h-totals\">Totals</h2>\
         <table class=\"totals\"><tbody>"
    )?;
    for (k, label, v) in [
        ("files", "files", s.files),
        ("records", "records", s.records),
        ("accepted", "accepted (ready)", s.accepted),
        ("rejected", "rejected (need a fix)", s.rejected),
        ("warnings", "warnings", s.warnings),
        ("unread", "files or paths not read", s.file_errors() as u64),
    ] {
        writeln!(
            w,
            "<tr><th scope=\"row\">{label}</th><td class=\"num\" id=\"total-{k}\">{}</td></tr>",
            num(v)
        )?;
    }
    writeln!(w, "</tbody></table></section>")
}

/// Findings by code: a table each for errors and warnings, each code with a bar in its
/// severity's colour, its count, the records it was found in, its meaning and usual fix.
fn overview(w: &mut impl Write, codes: &[Code], strict: bool) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"codes\" aria-labelledby=\"h-codes\"><h2 id=\"h-codes\">Findings by code</h2>"
    )?;
    if codes.is_empty() {
        return writeln!(w, "<p>No findings.</p></section>");
    }
    let max = codes.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    for (sev, title, link) in [
        (Severity::Error, "Errors: the record is rejected", "errors"),
        (
            Severity::Warning,
            if strict {
                "Warnings: with --strict, they reject the record too"
            } else {
                "Warnings: the record is still accepted"
            },
            "warnings",
        ),
    ] {
        let of: Vec<&Code> = codes.iter().filter(|c| c.severity == sev).collect();
        writeln!(w, "<h3>{title}</h3>")?;
        if of.is_empty() {
            writeln!(w, "<p>None.</p>")?;
            continue;
        }
        writeln!(
            w,
            "<table class=\"codes sortable\"><thead><tr><th scope=\"col\">code</th>\
             <th scope=\"col\">findings</th><th scope=\"col\">records</th><th scope=\"col\">meaning</th>\
             <th scope=\"col\">usual fix</th></tr></thead><tbody>"
        )?;
        let bar = if sev == Severity::Error { "e" } else { "w" };
        for c in of {
            let records = c.listed.map_or(0, |l| l.records);
            let rc = affected(c.listed);
            writeln!(
                w,
                "<tr><td><a href=\"#code-{id}\"><code>{code}</code></a></td>\
                 <td class=\"chart\" data-v=\"{n}\"><span class=\"bar {bar}\" style=\"width:{width:.1}%\"></span>{count}</td>\
                 <td class=\"num\" data-v=\"{records}\">{rc}</td><td>{meaning}</td><td>{fix}</td></tr>",
                id = esc(c.code),
                code = esc(c.code),
                n = c.count,
                width = (c.count as f64 / max as f64 * 70.0).max(0.5),
                count = num(c.count),
                meaning = esc(c.meaning),
                fix = esc(c.fix),
            )?;
        }
        writeln!(
            w,
            "</tbody></table>\n<p><a href=\"#{link}\">Their findings, grouped by message</a></p>"
        )?;
    }
    writeln!(w, "</section>")
}

/// The findings of every code of one severity, grouped by message.
fn details(w: &mut impl Write, codes: &[Code], sev: Severity) -> io::Result<()> {
    let (id, title, none) = match sev {
        Severity::Error => ("errors", "Rejected records by code", "No rejected records."),
        Severity::Warning => (
            "warnings",
            "Warnings by code (accepted and rejected records)",
            "No warnings.",
        ),
    };
    writeln!(
        w,
        "<section id=\"{id}\" class=\"filterable\" aria-labelledby=\"h-{id}\"><h2 id=\"h-{id}\">{title}</h2>"
    )?;
    let of: Vec<&Code> = codes.iter().filter(|c| c.severity == sev).collect();
    if of.is_empty() {
        writeln!(w, "<p>{none}</p>")?;
    } else {
        writeln!(
            w,
            "<p>Findings with the same message are grouped: the count, then the first {} \
             (errors.csv lists every finding).</p>",
            ReportFindings::ROWS
        )?;
    }
    for c in of {
        code_section(w, c)?;
    }
    writeln!(w, "</section>")
}

fn code_section(w: &mut impl Write, c: &Code) -> io::Result<()> {
    let code = esc(c.code);
    writeln!(
        w,
        "<section class=\"code\" id=\"code-{code}\" aria-labelledby=\"h-code-{code}\">\
         <h3 id=\"h-code-{code}\"><code>{code}</code>: {}</h3>\n\
         <p class=\"fix\"><strong>Usual fix:</strong> {}.</p>",
        esc(c.meaning),
        esc(c.fix)
    )?;
    let listed_n = c.listed.map_or(0, |l| l.findings);
    let mut counts = format!(
        "{} in {}",
        count(c.count, "finding", "findings"),
        affected(c.listed)
    );
    if c.count > listed_n {
        counts += &format!(
            "; {} past --max-findings of their record {} counted, not listed",
            num(c.count - listed_n),
            if c.count - listed_n == 1 { "is" } else { "are" }
        );
    }
    writeln!(w, "<p>{counts}.</p>")?;
    if let Some(listed) = c.listed {
        code_tables(w, listed, c.severity == Severity::Warning)?;
    }
    writeln!(w, "</section>")
}

/// Groups shown open in a code's section; the others are in a `<details>` below them,
/// which a browser opens without any script.
const OPEN_GROUPS: usize = 5;

/// The groups of one code: those with a message met more than once, the largest first;
/// the findings whose message was met once, together; the findings past `GROUPS` messages.
fn code_tables(w: &mut impl Write, listed: &CodeGroups, warning: bool) -> io::Result<()> {
    let cols = if warning { 8 } else { 7 };
    let sorted = listed.sorted();
    // (heading, group, what its "more" row says, class)
    let mut blocks: Vec<(String, &Group, &str, &str)> = Vec::new();
    for (message, g) in sorted.iter().filter(|(_, g)| g.count > 1) {
        let (m, cut) = clip(message);
        let head = format!(
            "{} × “{}{}”",
            num(g.count),
            esc(m),
            if cut { "…" } else { "" }
        );
        blocks.push((head, g, "with this message", "same"));
    }
    // Messages met once (each quoting its own value, say) are listed together, under one
    // heading rather than one each.
    let mut once = Group::default();
    for (_, g) in sorted.iter().filter(|(_, g)| g.count == 1) {
        once.count += 1;
        once.rows += 1;
        once.html.push_str(&g.html);
    }
    if once.count > 0 {
        let head = format!(
            "{} with a message of {}",
            count(once.count, "finding", "findings"),
            if once.count == 1 {
                "its own"
            } else {
                "their own"
            }
        );
        blocks.push((head, &once, "", "once"));
    }
    if listed.rest.count > 0 {
        let head = format!(
            "{} with other messages (past the first {} distinct messages of this code)",
            count(listed.rest.count, "finding", "findings"),
            ReportFindings::GROUPS
        );
        blocks.push((head, &listed.rest, "with other messages", "rest"));
    }
    let (open, closed) = blocks.split_at(blocks.len().min(OPEN_GROUPS));
    rows_table(w, open, cols)?;
    if !closed.is_empty() {
        let n: u64 = closed.iter().map(|b| b.1.count).sum();
        writeln!(
            w,
            "<details><summary>{} more {}: {}</summary>",
            num(closed.len() as u64),
            if closed.len() == 1 { "group" } else { "groups" },
            count(n, "finding", "findings")
        )?;
        rows_table(w, closed, cols)?;
        writeln!(w, "</details>")?;
    }
    Ok(())
}

/// A table of finding rows, one `<tbody>` per group.
fn rows_table(
    w: &mut impl Write,
    blocks: &[(String, &Group, &str, &str)],
    cols: usize,
) -> io::Result<()> {
    writeln!(
        w,
        "<table class=\"rows sortable\"><thead><tr><th scope=\"col\">file</th>\
         <th scope=\"col\">record</th><th scope=\"col\">line</th><th scope=\"col\">customerExtId</th>\
         <th scope=\"col\">communicationNumber</th><th scope=\"col\">path</th><th scope=\"col\">message</th>{}</tr></thead>",
        if cols == 8 {
            "<th scope=\"col\">record was</th>"
        } else {
            ""
        }
    )?;
    for (head, g, what, class) in blocks {
        group(w, g, head, what, class, cols)?;
    }
    writeln!(w, "</table>")
}

/// `3 records`, `1 file`, `4,593 records and 1 file`: where a code was found.
fn affected(listed: Option<&CodeGroups>) -> String {
    let (records, files) = listed.map_or((0, 0), |l| (l.records, l.files));
    match (records, files) {
        (r, 0) => count(r, "record", "records"),
        (0, f) => count(f, "file", "files"),
        (r, f) => format!(
            "{} and {}",
            count(r, "record", "records"),
            count(f, "file", "files")
        ),
    }
}

/// One group: its heading row, its first rows, and how many more it holds.
fn group(
    w: &mut impl Write,
    g: &Group,
    head: &str,
    what: &str,
    class: &str,
    cols: usize,
) -> io::Result<()> {
    writeln!(
        w,
        "<tbody class=\"{class}\" data-count=\"{}\"><tr class=\"g\"><th colspan=\"{cols}\" scope=\"rowgroup\">{head}</th></tr>",
        g.count
    )?;
    w.write_all(g.html.as_bytes())?;
    let more = g.count - g.rows as u64;
    if more > 0 {
        writeln!(
            w,
            "<tr class=\"more\"><td colspan=\"{cols}\">… and {} more {what} (errors.csv lists them)</td></tr>",
            num(more)
        )?;
    }
    writeln!(w, "</tbody>")
}

fn entity_types(w: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"entities\" aria-labelledby=\"h-entities\"><h2 id=\"h-entities\">Per entity type</h2>\
         <table class=\"sortable\"><thead><tr><th scope=\"col\">entity type</th><th scope=\"col\">records</th>\
         <th scope=\"col\">accepted</th><th scope=\"col\">rejected</th></tr></thead><tbody>"
    )?;
    for (t, c) in &s.by_entity_type {
        writeln!(
            w,
            "<tr><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td><td class=\"num\" data-v=\"{}\">{}</td>\
             <td class=\"num\" data-v=\"{}\">{}</td></tr>",
            esc(t),
            c.records,
            num(c.records),
            c.accepted,
            num(c.accepted),
            c.rejected,
            num(c.rejected)
        )?;
    }
    writeln!(w, "</tbody></table></section>")
}

/// The run's metadata and the options that shaped its verdicts.
fn run(w: &mut impl Write, s: &Summary, findings: &ReportFindings) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"run\" aria-labelledby=\"h-run\"><h2 id=\"h-run\">Run and options</h2>\
         <table class=\"meta\"><tbody>"
    )?;
    let meta = [
        ("version", s.version.clone()),
        ("specification", s.spec.clone()),
        ("run", s.run_id.clone()),
        (
            "previous run",
            s.previous_run_id
                .clone()
                .unwrap_or_else(|| "none: the first run of this output directory".into()),
        ),
        ("as of", s.as_of.clone()),
        ("inputs", s.inputs.join(", ")),
        ("elapsed", format!("{} ms", num(s.elapsed_ms))),
    ];
    for (k, v) in meta
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(findings.options.iter().map(|(k, v)| (*k, v.as_str())))
    {
        writeln!(
            w,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(k),
            esc(v)
        )?;
    }
    writeln!(w, "</tbody></table></section>")
}

/// `n` and the word for it: `1 file`, `1,204 files`.
pub(super) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", num(n), if n == 1 { one } else { many })
}

/// A number with thousands separators: `35,000`.
pub(super) fn num(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

pub(super) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    esc_into(&mut o, s);
    o
}

/// Appends `s` escaped for HTML text and attribute values, copying the runs between the
/// five special characters in one piece each.
pub(super) fn esc_into(o: &mut String, s: &str) {
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

/// Appends `s` cut to `groups::MAX_TEXT` bytes (with `…` when cut), escaped.
pub(super) fn clipped_into(o: &mut String, s: &str) {
    let (s, cut) = clip(s);
    esc_into(o, s);
    if cut {
        o.push('…');
    }
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
    fn numbers_get_thousands_separators_and_long_texts_are_cut_on_a_character() {
        let got: Vec<String> = [0, 7, 999, 1000, 35_000, 1_234_567].map(num).into();
        assert_eq!(got, ["0", "7", "999", "1,000", "35,000", "1,234,567"]);
        let mut o = String::new();
        clipped_into(&mut o, &"ą".repeat(200));
        assert_eq!(
            o,
            format!("{}…", "ą".repeat(super::super::groups::MAX_TEXT / 2))
        );
        let mut o = String::new();
        clipped_into(&mut o, "<b>");
        assert_eq!(o, "&lt;b&gt;");
    }
}
