//! The per-record outputs: accepted payloads, rejected records with their findings, and
//! the findings as CSV rows for a compliance officer. The shapes of the rejected lines and
//! the CSV rows, and why they are written as they are, are in `lines`.

use std::io::{self, Write};
use std::path::Path;

use super::list::{List, ListWriter};
use super::summary::PayloadDigest;
use super::{ACCEPTED, ERRORS, PendingFile, REJECTED};
use crate::diagnostic::Diagnostic;
use crate::record::Location;
use lines::{ERRORS_HEADER, ErrorRow, RejectedLine};

mod lines;

/// A rejected or warned-about record, as the writers need it.
pub struct RecordReport<'a> {
    pub source: &'a str,
    pub loc: &'a Location,
    pub communication_number: Option<&'a str>,
    pub customer_ext_id: Option<&'a str>,
    pub diagnostics: &'a [Diagnostic],
}

/// `--payload-layout files`: one pretty JSON per accepted record under `accepted/`, named
/// from its customerExtId (sanitised, made unique). The digest of every file goes to
/// `summary.json` `outputs` like any other output's; they are listed on disk as they are
/// written (a run may write millions). The names already used are held in memory, to make
/// each one unique (a few dozen bytes per accepted record).
pub struct AcceptedDir {
    pub tmp: std::path::PathBuf,
    used: std::collections::HashSet<String>,
    /// None once handed over (`RecordWriters::payload_digests`).
    digests: Option<ListWriter<PayloadDigest>>,
    mode: u32,
}

impl AcceptedDir {
    fn create(dir: &Path, mode: u32) -> io::Result<AcceptedDir> {
        let tmp = dir.join(super::ACCEPTED_DIR);
        super::rundir::create_dir(&tmp, super::rundir::dir_mode(mode))?;
        Ok(AcceptedDir {
            tmp,
            used: Default::default(),
            digests: Some(ListWriter::create(dir, "payload-digests")?),
            mode,
        })
    }

    fn write(&mut self, payload: &[u8], ext_id: Option<&str>, loc: &Location) -> io::Result<()> {
        let base = ext_id
            .map(sanitize_file_name)
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| format!("record-{}-{}", loc.file, loc.record));
        let mut name = format!("{base}.json");
        let mut n = 2;
        // Compared without case (Unicode's, as APFS and NTFS fold it): on a case-insensitive
        // file system `Ė.json` would overwrite `ė.json`.
        while !self.used.insert(name.to_lowercase()) {
            name = format!("{base}-{n}.json");
            n += 1;
        }
        let mut text = crate::canonical::pretty(payload);
        text.push(b'\n');
        let mut f = super::create_file(&self.tmp.join(&name), self.mode)?;
        f.write_all(&text)?;
        f.sync_data()?;
        let digest = PayloadDigest {
            name,
            blake3: crate::source::digest::Digest(*blake3::hash(&text).as_bytes()),
        };
        match &mut self.digests {
            Some(list) => list.push(&digest),
            None => Err(io::Error::other(
                "internal error: a payload file written after its digests were handed over",
            )),
        }
    }
}

/// The longest name [`sanitize_file_name`] returns, in bytes. File systems allow 255 bytes
/// (ext4, XFS, tmpfs; some stacked ones less); 200 leaves room for `.json`, the `-N` that
/// makes a name unique, and a safety margin, so that no record can end the run with
/// "File name too long".
pub const MAX_NAME_BYTES: usize = 200;

/// A file name from record data: no separators, no `..`, no control characters; anything
/// else becomes `_`. A name longer than [`MAX_NAME_BYTES`] is cut at a character boundary
/// and ends in `-` and 8 hex digits of the BLAKE3 digest of the whole sanitised name, so
/// that long ids that share their first 200 bytes still get names of their own (the
/// writer's `-N` suffix settles the rare digest clash and ids that sanitise alike).
pub fn sanitize_file_name(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    let out = out.replace("..", "_");
    if out.len() <= MAX_NAME_BYTES {
        return out;
    }
    let digest = blake3::hash(out.as_bytes()).to_hex();
    let mut cut = MAX_NAME_BYTES - 9;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{}", &out[..cut], &digest[..8])
}

/// Where the csv writer of `errors.csv` puts a record's rows until `write_rows` moves them
/// to the file. The writer lives as long as the run: one made per record allocates and
/// zeroes its 8 KiB buffer each time, and the rows then took 4 times the instructions of
/// the hand-written writer (counted with callgrind) where one writer takes 1.04 times.
/// `csv::Writer` lends its output only through `get_ref`, hence the `RefCell`.
#[derive(Default)]
struct Rows(std::cell::RefCell<Vec<u8>>);

impl Write for Rows {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.get_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub struct RecordWriters {
    accepted: Option<PendingFile>,
    accepted_dir: Option<AcceptedDir>,
    rejected: PendingFile,
    errors: PendingFile,
    /// With a ledger: `unchanged.ndjson`.
    unchanged: Option<PendingFile>,
    /// A `rejected.ndjson` line, reused from record to record.
    line: Vec<u8>,
    /// The `errors.csv` rows of a record, made by one csv writer for the whole run.
    rows: csv::Writer<Rows>,
}

impl RecordWriters {
    /// `with_accepted` is false for `validate`; `files_layout` writes `accepted/` instead
    /// of `accepted.ndjson`.
    pub fn create(
        dir: &Path,
        with_accepted: bool,
        files_layout: bool,
        with_unchanged: bool,
        mode: u32,
    ) -> io::Result<RecordWriters> {
        let (accepted, accepted_dir) = match (with_accepted, files_layout) {
            (false, _) => (None, None),
            (true, false) => (
                Some(PendingFile::create_streamed(dir, ACCEPTED, mode)?),
                None,
            ),
            (true, true) => (None, Some(AcceptedDir::create(dir, mode)?)),
        };
        let rejected = PendingFile::create_streamed(dir, REJECTED, mode)?;
        let errors = PendingFile::create_streamed(dir, ERRORS, mode)?;
        let rows = lines::csv_builder().from_writer(Rows::default());
        let unchanged = if with_unchanged {
            Some(PendingFile::create(dir, super::UNCHANGED, mode)?)
        } else {
            None
        };
        let mut w = RecordWriters {
            accepted,
            accepted_dir,
            rejected,
            errors,
            unchanged,
            line: Vec::with_capacity(4096),
            rows,
        };
        w.rows.write_record(ERRORS_HEADER)?;
        w.write_rows()?;
        Ok(w)
    }

    pub fn accepted(
        &mut self,
        payload: &[u8],
        ext_id: Option<&str>,
        loc: &Location,
    ) -> io::Result<()> {
        if let Some(a) = &mut self.accepted {
            let w = a.writer();
            w.write_all(payload)?;
            w.write_all(b"\n")?;
        }
        if let Some(d) = &mut self.accepted_dir {
            d.write(payload, ext_id, loc)?;
        }
        Ok(())
    }

    /// One line of `rejected.ndjson`; `input` is the record as read (JSON), or None.
    pub fn rejected(&mut self, r: &RecordReport, input: Option<&[u8]>) -> io::Result<()> {
        self.line.clear();
        RejectedLine::new(r, input).write(&mut self.line)?;
        self.rejected.writer().write_all(&self.line)
    }

    /// One `errors.csv` row per finding.
    pub fn findings(&mut self, r: &RecordReport) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        for d in r.diagnostics {
            self.rows.serialize(ErrorRow::new(r, d))?;
        }
        self.write_rows()
    }

    /// Moves the rows made so far to `errors.csv`.
    fn write_rows(&mut self) -> io::Result<()> {
        self.rows.flush()?;
        let mut rows = self.rows.get_ref().0.borrow_mut();
        self.errors.writer().write_all(&rows)?;
        rows.clear();
        Ok(())
    }

    /// The digests of the per-record payload files written so far (`--payload-layout
    /// files`; empty otherwise), by name in `accepted/`, in the order they were written.
    /// Call once, when every record is written.
    pub fn payload_digests(&mut self) -> io::Result<List<PayloadDigest>> {
        match self.accepted_dir.as_mut().and_then(|d| d.digests.take()) {
            Some(list) => list.finish(),
            None => Ok(List::default()),
        }
    }

    /// A record accepted before with the same payload, in `unchanged.ndjson`: where it is,
    /// its keys, and the run that accepted it.
    pub fn unchanged(&mut self, r: &RecordReport, earlier_run: &str) -> io::Result<()> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Line<'a> {
            source: &'a str,
            record: u64,
            line: u64,
            communication_number: Option<&'a str>,
            customer_ext_id: Option<&'a str>,
            earlier_run_id: &'a str,
        }
        let Some(f) = &mut self.unchanged else {
            return Ok(());
        };
        let w = f.writer();
        serde_json::to_writer(
            &mut *w,
            &Line {
                source: r.source,
                record: r.loc.record,
                line: r.loc.line,
                communication_number: r.communication_number,
                customer_ext_id: r.customer_ext_id,
                earlier_run_id: earlier_run,
            },
        )?;
        w.write_all(b"\n")
    }

    /// The files to finish, and the temporary `accepted/` directory if any.
    pub fn into_parts(self) -> (Vec<PendingFile>, Option<std::path::PathBuf>) {
        let mut v = Vec::new();
        if let Some(a) = self.accepted {
            v.push(a);
        }
        v.push(self.rejected);
        v.push(self.errors);
        if let Some(u) = self.unchanged {
            v.push(u);
        }
        (v, self.accepted_dir.map(|d| d.tmp))
    }

    pub fn abandon(self) {
        let (files, dir) = self.into_parts();
        for f in files {
            f.abandon();
        }
        if let Some(d) = dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

#[cfg(test)]
mod tests;
