//! The report's Files section: the files with problems first (those that could not be read,
//! then by rejections), then the others in the run's order; the files skipped, the paths
//! that could not be read and the INPUTs that overlapped.
//!
//! A run may read hundreds of thousands of files, whose rows stay on disk (`list::List`):
//! the section lists at most `ROWS` of them, choosing the problem files in one pass with a
//! bounded heap, and says how many more `summary.json` has.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::io::{self, Write};

use super::html::{count, esc, num};
use crate::diagnostic::code_info;
use crate::output::{FileSummary, Summary};

/// Files listed in the table; skipped and unreadable paths listed.
pub(super) const ROWS: usize = 1000;
const PATHS: usize = 100;

/// A problem file and its place: could not be read, rejections, a file-level warning, then
/// the run's order.
struct Ranked {
    key: (bool, u64, bool, Reverse<u64>),
    file: FileSummary,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

fn has_problem(f: &FileSummary) -> bool {
    f.error.is_some() || f.rejected > 0 || f.warning.is_some()
}

/// The `ROWS` problem files that come first, in their order, and how many there are.
fn problem_files(s: &Summary) -> io::Result<(Vec<FileSummary>, u64)> {
    // A min-heap of the best `ROWS`: the least of them is dropped when one more comes.
    let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::new();
    let mut problems = 0;
    for (i, f) in s.by_file.iter().enumerate() {
        let f = f?;
        if !has_problem(&f) {
            continue;
        }
        problems += 1;
        let key = (
            f.error.is_some(),
            f.rejected,
            f.warning.is_some(),
            Reverse(i as u64),
        );
        heap.push(Reverse(Ranked { key, file: f }));
        if heap.len() > ROWS {
            heap.pop();
        }
    }
    let mut ranked: Vec<Ranked> = heap.into_iter().map(|Reverse(r)| r).collect();
    ranked.sort_by(|a, b| b.cmp(a));
    Ok((ranked.into_iter().map(|r| r.file).collect(), problems))
}

pub(super) fn section(w: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"files\" class=\"filterable\" aria-labelledby=\"h-files\"><h2 id=\"h-files\">Files</h2>\n\
         <p>Files with problems first: those that could not be read, then by rejections; then \
         the others in the run's order.</p>"
    )?;
    let (problems, n_problems) = problem_files(s)?;
    writeln!(
        w,
        "<table class=\"files sortable\"><thead><tr><th scope=\"col\">file</th>\
         <th scope=\"col\">format</th><th scope=\"col\">records</th><th scope=\"col\">accepted</th>\
         <th scope=\"col\">rejected</th><th scope=\"col\">problem</th><th scope=\"col\">BLAKE3</th></tr></thead><tbody>"
    )?;
    let mut listed = 0;
    for f in &problems {
        file_row(w, f)?;
        listed += 1;
    }
    for f in s.by_file.iter() {
        if listed >= ROWS {
            break;
        }
        let f = f?;
        if !has_problem(&f) {
            file_row(w, &f)?;
            listed += 1;
        }
    }
    writeln!(w, "</tbody></table>")?;
    let total = s.by_file.len();
    if total > listed as u64 {
        writeln!(
            w,
            "<p>{} more not listed here ({} with problems in all); summary.json lists every file.</p>",
            count(total - listed as u64, "file", "files"),
            num(n_problems)
        )?;
    }
    others(w, s)?;
    writeln!(w, "</section>")
}

fn file_row(w: &mut impl Write, f: &FileSummary) -> io::Result<()> {
    let problem = match (&f.error, &f.warning) {
        (Some(e), _) => format!("<strong>could not be read:</strong> {}", esc(e)),
        (None, Some(code)) => format!(
            "<code>{}</code>: {}",
            esc(code),
            esc(code_info(code).map_or("", |c| c.meaning))
        ),
        (None, None) => String::new(),
    };
    writeln!(
        w,
        "<tr{}><td>{}</td><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td><td class=\"num\" data-v=\"{}\">{}</td>\
         <td class=\"num{}\" data-v=\"{}\">{}</td><td>{problem}</td><td><code class=\"digest\">{}</code></td></tr>",
        if has_problem(f) {
            " class=\"problem\""
        } else {
            ""
        },
        esc(&f.source),
        f.format.as_str(),
        f.records,
        num(f.records),
        f.accepted,
        num(f.accepted),
        if f.rejected > 0 { " rej" } else { "" },
        f.rejected,
        num(f.rejected),
        f.blake3.map(|d| d.to_string()).unwrap_or_default()
    )
}

/// Skipped files, paths that could not be read, overlapping INPUTs.
fn others(w: &mut impl Write, s: &Summary) -> io::Result<()> {
    let skipped = s.skipped_files.len();
    writeln!(
        w,
        "<h3>Skipped files ({})</h3>\n<p>Not lead files by their extension, hidden, office lock \
         files, or not regular files.</p>",
        num(skipped)
    )?;
    let mut names = Vec::new();
    for name in s.skipped_files.iter().take(PATHS) {
        names.push(name?);
    }
    list(
        w,
        names.iter().map(String::as_str),
        skipped,
        "summary.json skippedFiles",
    )?;
    let unreadable = &s.unreadable_paths;
    writeln!(
        w,
        "<h3>Paths that could not be read ({})</h3>",
        num(unreadable.len() as u64)
    )?;
    list(
        w,
        unreadable.iter().take(PATHS).map(String::as_str),
        unreadable.len() as u64,
        "summary.json unreadablePaths",
    )?;
    if !s.overlapping_inputs.is_empty() {
        writeln!(w, "<h3>Overlapping inputs</h3>")?;
        let lines: Vec<String> = s
            .overlapping_inputs
            .iter()
            .map(|o| {
                format!(
                    "INPUT {} overlaps INPUT {}: {} read once, through {}",
                    o.input,
                    o.read_through,
                    count(o.files, "file", "files"),
                    o.read_through
                )
            })
            .collect();
        let n = lines.len() as u64;
        list(w, lines.iter().map(String::as_str), n, "summary.json")?;
    }
    Ok(())
}

/// A bulleted list of the first items, and how many more `whole` has.
fn list<'a>(
    w: &mut impl Write,
    items: impl Iterator<Item = &'a str>,
    total: u64,
    whole: &str,
) -> io::Result<()> {
    let mut shown = 0;
    for item in items {
        if shown == 0 {
            writeln!(w, "<ul class=\"paths\">")?;
        }
        writeln!(w, "<li>{}</li>", esc(item))?;
        shown += 1;
    }
    if shown > 0 {
        writeln!(w, "</ul>")?;
    } else {
        writeln!(w, "<p>None.</p>")?;
    }
    if total > shown {
        writeln!(w, "<p>… and {} more ({whole}).</p>", num(total - shown))?;
    }
    Ok(())
}
