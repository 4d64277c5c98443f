//! The payloads to send: `accepted.ndjson` of a committed run, checked against its
//! summary.json, indexed line by line.
//!
//! The run is `OUT/latest` or `--run`, and must be committed. Its accepted.ndjson is read
//! once, through the descriptor that later requests read their payloads from, and its
//! BLAKE3 compared with `outputs["accepted.ndjson"]` of the run's summary.json: a file
//! changed after its run is refused, since nobody checked what it holds. Only each line's
//! place, keys and digest stay in memory (about 100 bytes a payload); the bytes are read
//! again when sent.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::output::rundir::{self, RUN_AREA};
use crate::output::{ACCEPTED, SUMMARY};

/// One line of accepted.ndjson.
#[derive(Debug, Clone)]
pub struct Payload {
    pub offset: u64,
    pub len: u32,
    /// 1-based line number in accepted.ndjson.
    pub line: u64,
    pub communication_number: Option<Box<str>>,
    pub customer_ext_id: Option<Box<str>>,
    pub action: Option<Box<str>>,
    /// BLAKE3 of the line's bytes (the request body), as the ledger files payloads.
    pub digest: [u8; 32],
}

/// A committed run's payloads.
pub struct RunPayloads {
    pub run_id: String,
    pub file: File,
    pub payloads: Vec<Payload>,
}

impl RunPayloads {
    /// The bytes of payload `p`.
    pub fn read(&self, p: &Payload) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; p.len as usize];
        read_exact_at(&self.file, &mut buf, p.offset)?;
        Ok(buf)
    }
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// Opens run `run` of OUT `out` (`OUT/latest` when `None`) and indexes its payloads.
pub fn open_run(out: &Path, run: Option<&str>) -> Result<RunPayloads, String> {
    let id = match run {
        Some(id) => {
            if !rundir::is_committed(out, id) {
                return Err(format!(
                    "--run {id}: no committed run of that id in {}",
                    out.display()
                ));
            }
            id.to_string()
        }
        None => rundir::latest_of(out, RUN_AREA).ok_or_else(|| {
            format!(
                "{} holds no committed run ({} is missing): run `leadbatch process` first",
                out.display(),
                out.join(rundir::LATEST).display()
            )
        })?,
    };
    let dir = out.join(rundir::RUNS).join(&id);
    let expected = accepted_digest(&dir, &id)?;
    let path = dir.join(ACCEPTED);
    let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (payloads, digest) = index(&file).map_err(|e| format!("{}: {e}", path.display()))?;
    if digest != expected {
        return Err(format!(
            "{} does not match the BLAKE3 digest its run's summary.json gives ({expected}): it \
             changed after run {id}; refusing to send it",
            path.display()
        ));
    }
    Ok(RunPayloads {
        run_id: id,
        file,
        payloads,
    })
}

/// `outputs["accepted.ndjson"]` of the run's summary.json.
fn accepted_digest(dir: &Path, id: &str) -> Result<String, String> {
    let path = dir.join(SUMMARY);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let summary: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    if summary["runId"].as_str() != Some(id) {
        return Err(format!("{} does not name run {id}", path.display()));
    }
    summary["outputs"][ACCEPTED]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "run {id} has no {ACCEPTED} (a `validate` run, or --payload-layout files): \
                 nothing to send"
            )
        })
}

/// The keys of a payload the delivery needs.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Keys {
    communication_number: Option<String>,
    customer_ext_id: Option<String>,
    action: Option<String>,
}

/// Every line's place, keys and digest, and the whole file's BLAKE3 (hex).
fn index(file: &File) -> std::io::Result<(Vec<Payload>, String)> {
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut whole = blake3::Hasher::new();
    let mut payloads = Vec::new();
    let mut buf = Vec::new();
    let (mut offset, mut line) = (0u64, 0u64);
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        whole.update(&buf);
        line += 1;
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        if !body.iter().all(u8::is_ascii_whitespace) {
            let keys: Option<Keys> = serde_json::from_slice(body).ok();
            let keys = keys.unwrap_or(Keys {
                communication_number: None,
                customer_ext_id: None,
                action: None,
            });
            payloads.push(Payload {
                offset,
                len: u32::try_from(body.len()).unwrap_or(u32::MAX),
                line,
                communication_number: keys.communication_number.map(Into::into),
                customer_ext_id: keys.customer_ext_id.map(Into::into),
                action: keys.action.map(Into::into),
                digest: *blake3::hash(body).as_bytes(),
            });
        }
        offset += n as u64;
    }
    Ok((payloads, whole.finalize().to_hex().to_string()))
}
