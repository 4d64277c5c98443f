//! The audit trail: every committed run's summary.json is its manifest (every input and
//! output with its digest) and names the SHA-256 of the previous committed run's manifest
//! (`previousManifest`); the ledger stores each manifest's SHA-256. `leadbatch audit verify`
//! walks that chain from the first run and reports the first break; `leadbatch audit head`
//! prints the newest manifest hash, for an operator to anchor outside the machine.
//!
//! A run's directory may be gone (`--keep-runs` removes old ones): its place in the chain is
//! then vouched for by the ledger alone, and said so. Without a ledger the chain is the one
//! the retained run directories of OUT form.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::ledger::{Ledger, RunRow};
use crate::output::SUMMARY;
use crate::output::rundir::{self, LATEST, RUNS};
use crate::source::digest::sha256_hex;

/// One run's line of `audit verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The manifest, its link and (when retained) every file check out.
    Ok { files: usize },
    /// The run's directory is no longer there; the ledger vouches for its manifest hash.
    NotRetained,
    /// The first break: what is wrong.
    Break(String),
}

/// A run of the chain and what was found.
#[derive(Debug, Clone)]
pub struct Checked {
    pub run_id: String,
    pub manifest: String,
    pub verdict: Verdict,
}

/// Walks the ledger's chain, oldest first, up to and including the first break. `out`
/// overrides where the run directories are looked for (the OUT the ledger recorded, by
/// default).
pub fn verify_ledger(ledger: &Ledger, out: Option<&Path>) -> Result<Vec<Checked>, String> {
    let runs = ledger.runs().map_err(|e| e.0)?;
    let mut checked = Vec::with_capacity(runs.len());
    let mut previous: Option<String> = None;
    for run in &runs {
        let manifest = run.manifest_sha256.clone().unwrap_or_default();
        let verdict = if run.previous_manifest != previous {
            Verdict::Break(format!(
                "links to manifest {} but the run before it in the ledger has {} (a run missing, \
                 reordered or edited in the ledger)",
                shown(run.previous_manifest.as_deref()),
                shown(previous.as_deref())
            ))
        } else {
            let dir = out
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(&run.out_dir))
                .join(RUNS)
                .join(&run.run_id);
            check_run_dir(&dir, &manifest, run)
        };
        if !push_until_break(&mut checked, run.run_id.clone(), &manifest, verdict) {
            break;
        }
        previous = Some(manifest);
    }
    Ok(checked)
}

/// Walks the retained run directories of OUT, oldest first (no ledger).
pub fn verify_out(out: &Path) -> Result<Vec<Checked>, String> {
    let mut ids: Vec<String> = std::fs::read_dir(out.join(RUNS))
        .map_err(|e| format!("{}: {e}", out.join(RUNS).display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| rundir::is_run_id(n) && rundir::is_committed(out, n))
        .collect();
    ids.sort();
    let mut checked = Vec::new();
    let mut previous: Option<String> = None;
    for id in ids {
        let dir = out.join(RUNS).join(&id);
        let bytes = std::fs::read(dir.join(SUMMARY)).unwrap_or_default();
        let manifest = sha256_hex(&bytes);
        let summary: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let link = summary["previousManifest"].as_str().map(str::to_string);
        let verdict = match (&previous, &link) {
            (Some(p), l) if l.as_ref() != Some(p) => Verdict::Break(format!(
                "links to manifest {} but the run before it has {p}",
                shown(l.as_deref())
            )),
            _ => match check_files(&dir, &summary) {
                Ok(files) => Verdict::Ok { files },
                Err(e) => Verdict::Break(e),
            },
        };
        if !push_until_break(&mut checked, id, &manifest, verdict) {
            break;
        }
        previous = Some(manifest);
    }
    Ok(checked)
}

/// Adds a run's line; false when it is the first break (the walk stops there).
fn push_until_break(
    checked: &mut Vec<Checked>,
    run_id: String,
    manifest: &str,
    verdict: Verdict,
) -> bool {
    let holds = !matches!(verdict, Verdict::Break(_));
    checked.push(Checked {
        run_id,
        manifest: manifest.to_string(),
        verdict,
    });
    holds
}

/// A run of the ledger against its directory: the manifest's hash, its link, its files.
fn check_run_dir(dir: &Path, manifest: &str, run: &RunRow) -> Verdict {
    let Ok(bytes) = std::fs::read(dir.join(SUMMARY)) else {
        return Verdict::NotRetained;
    };
    let actual = sha256_hex(&bytes);
    if actual != manifest {
        return Verdict::Break(format!(
            "summary.json has SHA-256 {actual}, the ledger recorded {manifest} (the manifest \
             was edited)"
        ));
    }
    let summary: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if summary["previousManifest"].as_str() != run.previous_manifest.as_deref() {
        return Verdict::Break("summary.json's previousManifest differs from the ledger's".into());
    }
    match check_files(dir, &summary) {
        Ok(files) => Verdict::Ok { files },
        Err(e) => Verdict::Break(e),
    }
}

/// Every output the manifest lists against its BLAKE3 digest.
fn check_files(dir: &Path, summary: &Value) -> Result<usize, String> {
    let outputs = summary["outputs"]
        .as_object()
        .ok_or("summary.json lists no outputs")?;
    for (name, digest) in outputs {
        let bytes = std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        let actual = blake3::hash(&bytes).to_hex();
        if Some(actual.as_str()) != digest.as_str() {
            return Err(format!(
                "{name} has BLAKE3 {actual}, the manifest says {} (the file was changed)",
                digest.as_str().unwrap_or("?")
            ));
        }
    }
    Ok(outputs.len())
}

fn shown(hash: Option<&str>) -> &str {
    hash.unwrap_or("none")
}

/// The lines `audit verify` prints, and whether the chain holds.
pub fn render(checked: &[Checked]) -> (String, bool) {
    let mut text = String::new();
    let mut holds = true;
    for c in checked {
        let line = match &c.verdict {
            Verdict::Ok { files } => {
                format!("ok     {}  {}  {files} files\n", c.run_id, c.manifest)
            }
            Verdict::NotRetained => format!(
                "ok     {}  {}  not retained: the ledger vouches for it\n",
                c.run_id, c.manifest
            ),
            Verdict::Break(why) => {
                holds = false;
                format!("BREAK  {}: {why}\n", c.run_id)
            }
        };
        text.push_str(&line);
    }
    let n = checked.len();
    if holds {
        text.push_str(&format!("the chain holds: {n} runs\n"));
    }
    (text, holds)
}

/// The newest manifest: (run id, SHA-256) of the ledger's newest committed run, or of the
/// run `OUT/latest` names.
pub fn head(ledger: Option<&Ledger>, out: &Path) -> Result<Option<(String, String)>, String> {
    if let Some(l) = ledger {
        return l.head().map_err(|e| e.0);
    }
    let Ok(target) = std::fs::read_link(out.join(LATEST)) else {
        return Ok(None);
    };
    let id = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(out.join(LATEST).join(SUMMARY)).map_err(|e| e.to_string())?;
    Ok(Some((id, sha256_hex(&bytes))))
}
