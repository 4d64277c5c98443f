//! With a ledger: the last runs (accepted, rejected and unchanged records each) as an inline
//! SVG chart, and the head of the audit chain the run links to.

use std::io::{self, Write};

use super::html::esc;

/// How many runs the chart shows, this one included.
pub const RUNS: usize = 30;

/// One run of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRun {
    pub run_id: String,
    pub accepted: u64,
    pub rejected: u64,
    pub unchanged: u64,
}

/// The runs before this one (oldest first) and this run, and the manifest it links to.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub runs: Vec<HistoryRun>,
    /// `previousManifest`: the chain's head before this run.
    pub head: Option<String>,
}

const BAR: u32 = 18;
const GAP: u32 = 6;
const HEIGHT: u32 = 120;

/// The section; nothing without a ledger.
pub(super) fn section(w: &mut impl Write, history: Option<&History>) -> io::Result<()> {
    let Some(h) = history else {
        return Ok(());
    };
    writeln!(
        w,
        "<section id=\"history\" aria-labelledby=\"h-history\"><h2 id=\"h-history\">Recent runs \
         (ledger)</h2>"
    )?;
    let most = h
        .runs
        .iter()
        .map(|r| r.accepted + r.rejected + r.unchanged)
        .max()
        .unwrap_or(0)
        .max(1);
    let width = (BAR + GAP) * h.runs.len().max(1) as u32;
    writeln!(
        w,
        "<svg role=\"img\" aria-labelledby=\"history-title\" width=\"{width}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {width} {HEIGHT}\"><title id=\"history-title\">Accepted (green), rejected \
         (red) and unchanged (grey) records of the last {} runs, oldest first</title>",
        h.runs.len()
    )?;
    for (i, r) in h.runs.iter().enumerate() {
        let x = i as u32 * (BAR + GAP);
        let mut y = HEIGHT;
        for (n, colour, what) in [
            (r.accepted, "#2e7d32", "accepted"),
            (r.rejected, "#c62828", "rejected"),
            (r.unchanged, "#9e9e9e", "unchanged"),
        ] {
            let hgt = (n as f64 / most as f64 * f64::from(HEIGHT)).round() as u32;
            if hgt == 0 {
                continue;
            }
            y = y.saturating_sub(hgt);
            writeln!(
                w,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{BAR}\" height=\"{hgt}\" fill=\"{colour}\">\
                 <title>{}: {n} {what}</title></rect>",
                esc(&r.run_id)
            )?;
        }
    }
    writeln!(w, "</svg>")?;
    writeln!(
        w,
        "<table class=\"meta\"><thead><tr><th scope=\"col\">run</th><th scope=\"col\">accepted</th>\
         <th scope=\"col\">rejected</th><th scope=\"col\">unchanged</th></tr></thead><tbody>"
    )?;
    for r in h.runs.iter().rev() {
        writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.run_id),
            r.accepted,
            r.rejected,
            r.unchanged
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    writeln!(
        w,
        "<p>Audit chain head before this run (SHA-256 of the previous run's summary.json, \
         <code>leadbatch audit verify</code> checks the chain): <code>{}</code></p></section>",
        esc(h
            .head
            .as_deref()
            .unwrap_or("none: the first run of the ledger"))
    )
}
