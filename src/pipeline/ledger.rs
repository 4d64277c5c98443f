//! The files of a run between the reader and the ordered end, so that memory does not grow
//! with the number of files.
//!
//! The reader tells the ledger when it opens a file and when it is done with it (`FileEvent`,
//! in file order). The ordered end counts each record against its file while the file is
//! open here, and once the last batch holding the file's records has been consumed, the
//! file is settled: its row goes to the summary's temporary file (`output::list`) and its
//! source path to another, where the duplicate check finds it when a later record names an
//! earlier file. Only the files whose batches are in flight (a few thousand at most) are
//! in memory. Skipped files pass through here too, on their way to their own list.

use std::collections::VecDeque;
use std::io;
use std::path::Path;
use std::sync::mpsc;

use crate::output::FileSummary;
use crate::output::list::ListWriter;
use crate::output::summary::AlreadyProcessed;
use crate::output::summary::{FileList, PathList};
use crate::source::Format;
use crate::source::detect::{self, Used};
use crate::source::digest::Digest;
use crate::spill::Spill;

/// What the reader says about a file, in file order.
pub(super) enum FileEvent {
    /// The reader opens the next file.
    Opened { source: String, format: Format },
    /// The reader is done with the file it opened last: its digest, and the sequence number
    /// of the batch holding its last item (None when it gave no item).
    Read {
        digest: Option<Digest>,
        /// Its size when read (with the digest).
        bytes: Option<u64>,
        last_batch: Option<u64>,
        /// The encoding it was decoded from, when not UTF-8.
        encoding: Option<Used>,
    },
    /// The walk passed over a file it does not read (source path).
    Skipped(String),
    /// A file not read: the ledger's committed runs read the same bytes.
    AlreadyProcessed(AlreadyProcessed),
}

/// A file the ordered end may still see records of.
struct Open {
    row: FileSummary,
    /// Set by `FileEvent::Read`: the last batch holding one of its items.
    read: Option<Option<u64>>,
}

pub(super) struct Ledger {
    events: mpsc::Receiver<FileEvent>,
    open: VecDeque<Open>,
    /// Index of `open[0]`: every file before it is settled.
    base: u32,
    rows: ListWriter<FileSummary>,
    skipped: ListWriter<String>,
    /// Files the ledger says were read before (a few per night: held in memory).
    already: Vec<AlreadyProcessed>,
    /// Source paths of the settled files, one after another...
    sources: Spill,
    /// ...and where each one ends in `sources` (u64, little-endian).
    ends: Spill,
}

impl Ledger {
    /// A ledger with its temporary files in `dir`, and the sender for the reader.
    pub(super) fn create(dir: &Path) -> io::Result<(Ledger, mpsc::Sender<FileEvent>)> {
        let (tx, rx) = mpsc::channel();
        let ledger = Ledger {
            events: rx,
            open: VecDeque::new(),
            base: 0,
            rows: ListWriter::create(dir, "files")?,
            skipped: ListWriter::create(dir, "skipped")?,
            already: Vec::new(),
            sources: Spill::create(dir, "sources")?,
            ends: Spill::create(dir, "source-ends")?,
        };
        Ok((ledger, tx))
    }

    /// Takes in what the reader said since the last call.
    fn receive(&mut self) -> io::Result<()> {
        while let Ok(event) = self.events.try_recv() {
            match event {
                FileEvent::Opened { source, format } => self.open.push_back(Open {
                    row: FileSummary {
                        source,
                        format,
                        records: 0,
                        accepted: 0,
                        rejected: 0,
                        unchanged: 0,
                        error: None,
                        warning: None,
                        blake3: None,
                        encoding: None,
                        encoding_source: None,
                        bytes: None,
                    },
                    read: None,
                }),
                FileEvent::Read {
                    digest,
                    bytes,
                    last_batch,
                    encoding,
                } => {
                    if let Some(open) = self.open.back_mut() {
                        open.row.blake3 = digest;
                        open.row.bytes = bytes;
                        open.row.encoding = encoding.map(|u| detect::label(u.encoding));
                        open.row.encoding_source = encoding.map(|u| u.why.as_str().to_string());
                        open.read = Some(last_batch);
                    }
                }
                FileEvent::Skipped(source) => self.skipped.push(&source)?,
                FileEvent::AlreadyProcessed(a) => self.already.push(a),
            }
        }
        Ok(())
    }

    /// The row of open file `file`, to count a record or an error against.
    pub(super) fn row(&mut self, file: u32) -> io::Result<&mut FileSummary> {
        if u64::from(file) >= u64::from(self.base) + self.open.len() as u64 {
            self.receive()?;
        }
        let (open, base) = (self.open.len(), self.base);
        let at = file.checked_sub(base).map(|i| i as usize);
        match at.and_then(|i| self.open.get_mut(i)) {
            Some(o) => Ok(&mut o.row),
            None => Err(io::Error::other(format!(
                "internal error: file {file} is not open ({open} open from {base})"
            ))),
        }
    }

    /// The source path of file `file`, open or settled.
    pub(super) fn source_of(&mut self, file: u32) -> io::Result<String> {
        if file >= self.base {
            return Ok(self.row(file)?.source.clone());
        }
        let mut ends = [0u8; 16];
        let (start, end) = if file == 0 {
            self.ends.read(0, &mut ends[8..])?;
            (
                0,
                u64::from_le_bytes(ends[8..].try_into().unwrap_or_default()),
            )
        } else {
            self.ends.read(u64::from(file - 1) * 8, &mut ends)?;
            (
                u64::from_le_bytes(ends[..8].try_into().unwrap_or_default()),
                u64::from_le_bytes(ends[8..].try_into().unwrap_or_default()),
            )
        };
        let mut bytes = vec![0u8; end.saturating_sub(start) as usize];
        self.sources.read(start, &mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Settles, in order, every file whose batches have all been consumed (`consumed` is
    /// the number of batches consumed so far).
    pub(super) fn settle(&mut self, consumed: u64) -> io::Result<()> {
        self.receive()?;
        while let Some(open) = self.open.front() {
            match open.read {
                Some(None) => {}
                Some(Some(last)) if last < consumed => {}
                _ => break,
            }
            let Some(open) = self.open.pop_front() else {
                break;
            };
            self.rows.push(&open.row)?;
            self.sources.append(open.row.source.as_bytes())?;
            let end = self.sources.len();
            self.ends.append(&end.to_le_bytes())?;
            self.base += 1;
        }
        Ok(())
    }

    /// Settles what is left once every batch is consumed (`consumed` of them), and hands
    /// over the file rows, the skipped files and the files already processed.
    pub(super) fn finish(
        mut self,
        consumed: u64,
    ) -> io::Result<(FileList, PathList, Vec<AlreadyProcessed>)> {
        self.settle(consumed)?;
        if !self.open.is_empty() {
            return Err(io::Error::other(format!(
                "internal error: {} files still open at the end of the run",
                self.open.len()
            )));
        }
        Ok((self.rows.finish()?, self.skipped.finish()?, self.already))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened(tx: &mpsc::Sender<FileEvent>, source: &str) {
        tx.send(FileEvent::Opened {
            source: source.into(),
            format: Format::Json,
        })
        .unwrap();
    }

    fn read(tx: &mpsc::Sender<FileEvent>, last_batch: Option<u64>) {
        tx.send(FileEvent::Read {
            digest: None,
            bytes: None,
            last_batch,
            encoding: None,
        })
        .unwrap();
    }

    #[test]
    fn files_settle_in_order_once_their_last_batch_is_consumed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut ledger, tx) = Ledger::create(dir.path()).unwrap();
        // File 0 ends in batch 0, file 1 (empty) gives nothing, file 2 ends in batch 2.
        opened(&tx, "a.json");
        read(&tx, Some(0));
        opened(&tx, "b.json");
        read(&tx, None);
        opened(&tx, "c.json");
        ledger.row(2).unwrap().records += 5;
        ledger.settle(0).unwrap();
        assert_eq!(ledger.base, 0, "batch 0 is not consumed yet");
        ledger.settle(1).unwrap();
        assert_eq!(
            ledger.base, 2,
            "a and the empty b settle; c is still being read"
        );
        read(&tx, Some(2));
        ledger.settle(2).unwrap();
        assert_eq!(ledger.base, 2);
        assert!(ledger.row(1).is_err(), "a settled file is not open");
        for (i, s) in ["a.json", "b.json", "c.json"].iter().enumerate() {
            assert_eq!(ledger.source_of(i as u32).unwrap(), *s);
        }
        tx.send(FileEvent::Skipped("z.txt".into())).unwrap();
        let (list, skipped, _) = ledger.finish(3).unwrap();
        assert_eq!(skipped.to_vec().unwrap(), ["z.txt"]);
        let rows = list.to_vec().unwrap();
        let got: Vec<(&str, u64)> = rows
            .iter()
            .map(|r| (r.source.as_str(), r.records))
            .collect();
        assert_eq!(got, [("a.json", 0), ("b.json", 0), ("c.json", 5)]);
    }

    #[test]
    fn a_file_left_open_is_an_error_not_a_lost_row() {
        let dir = tempfile::tempdir().unwrap();
        let (ledger, tx) = Ledger::create(dir.path()).unwrap();
        opened(&tx, "a.json");
        read(&tx, Some(4));
        assert!(ledger.finish(4).is_err());
    }
}
