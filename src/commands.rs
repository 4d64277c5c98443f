//! The commands that look at earlier runs rather than make one: `audit verify`, `audit head`
//! and `runs`. Each returns what to print and the exit status; `main` prints.

use std::path::PathBuf;

use crate::audit;
use crate::ledger::Ledger;

/// What a command prints on stdout, and its exit status.
pub struct Outcome {
    pub stdout: String,
    pub code: u8,
}

fn open(ledger: &Option<PathBuf>) -> Result<Option<Ledger>, String> {
    ledger
        .as_deref()
        .map(|p| {
            if !p.exists() {
                return Err(format!("ledger {} does not exist", p.display()));
            }
            Ledger::open(p).map_err(|e| e.0)
        })
        .transpose()
}

/// `leadbatch audit verify`: one line per run, the first break, exit 0 or 1.
pub fn audit_verify(
    ledger: Option<PathBuf>,
    out: PathBuf,
    out_given: bool,
) -> Result<Outcome, String> {
    let checked = match open(&ledger)? {
        Some(l) => audit::verify_ledger(&l, out_given.then_some(out.as_path()))?,
        None => audit::verify_out(&out)?,
    };
    let (stdout, holds) = audit::render(&checked);
    Ok(Outcome {
        stdout,
        code: if holds { 0 } else { 1 },
    })
}

/// `leadbatch audit head`: the newest manifest's SHA-256 and its run.
pub fn audit_head(ledger: Option<PathBuf>, out: PathBuf) -> Result<Outcome, String> {
    let l = open(&ledger)?;
    match audit::head(l.as_ref(), &out)? {
        Some((run, hash)) => Ok(Outcome {
            stdout: format!("{hash}  {run}\n"),
            code: 0,
        }),
        None => Err("no committed run yet".into()),
    }
}

/// `leadbatch runs`: the ledger's committed runs, oldest first.
pub fn runs(ledger: Option<PathBuf>, json: bool) -> Result<Outcome, String> {
    let l = open(&ledger)?.ok_or("`leadbatch runs` needs a ledger: --ledger FILE")?;
    let runs = l.runs().map_err(|e| e.0)?;
    let stdout = if json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&runs).map_err(|e| e.to_string())?
        )
    } else {
        let mut s = format!(
            "{:<24} {:<20} {:>9} {:>9} {:>9} {:>9} {:>7}  inputs\n",
            "run", "finished", "records", "accepted", "rejected", "unchanged", "skipped"
        );
        for r in &runs {
            let inputs: Vec<&str> = r
                .inputs
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            s.push_str(&format!(
                "{:<24} {:<20} {:>9} {:>9} {:>9} {:>9} {:>7}  {}\n",
                r.run_id,
                r.finished,
                r.records,
                r.accepted,
                r.rejected,
                r.unchanged,
                r.already_processed,
                inputs.join(" ")
            ));
        }
        s
    };
    Ok(Outcome { stdout, code: 0 })
}
