//! Temporary files that hold what a run of any size must not keep in memory: the
//! duplicate tables' keys (`rules::cross`) and the per-file rows of the summary
//! (`pipeline::ledger`). They are written at their end and read anywhere. `tempfile` makes
//! them in the run's own directory, private to the process: on Linux with `O_TMPFILE`, so
//! they never have a name; elsewhere created exclusively (`O_EXCL`, mode 0600) and unlinked
//! at once on Unix, deleted on close on Windows. Nothing outlives the process, even a
//! killed one. (Where a file could be left, the next run removes the directory of a run
//! that never committed.)

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

/// A temporary file written at its end and read anywhere.
pub(crate) struct Spill {
    writer: BufWriter<File>,
    /// Bytes written (buffered or not).
    len: u64,
}

impl Spill {
    /// Creates a temporary file in `dir` (the run's own directory); `name` says what it
    /// holds when it cannot be made.
    pub(crate) fn create(dir: &Path, name: &str) -> io::Result<Spill> {
        let file = tempfile::tempfile_in(dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("temporary file for {name} in {}: {e}", dir.display()),
            )
        })?;
        Ok(Spill {
            writer: BufWriter::with_capacity(64 << 10, file),
            len: 0,
        })
    }

    /// Appends `bytes`; returns where they start.
    pub(crate) fn append(&mut self, bytes: &[u8]) -> io::Result<u64> {
        let at = self.len;
        self.writer.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Fills `buf` from offset `at` (which must have been written).
    pub(crate) fn read(&mut self, at: u64, buf: &mut [u8]) -> io::Result<()> {
        self.writer.flush()?;
        let read = read_exact_at(self.writer.get_ref(), buf, at);
        #[cfg(windows)]
        {
            // `seek_read` moves the cursor the writer writes at: put it back at the end
            // (the buffer was flushed above, so nothing is pending), whether or not the
            // read succeeded.
            use std::io::{Seek, SeekFrom};
            (&mut &*self.writer.get_ref()).seek(SeekFrom::Start(self.len))?;
        }
        read
    }

    /// Ends the writing: what was written, to be read from the start as often as needed.
    pub(crate) fn into_stored(self) -> io::Result<Stored> {
        let len = self.len;
        let file = self.writer.into_inner().map_err(|e| e.into_error())?;
        Ok(Stored {
            file: Arc::new(file),
            len,
        })
    }
}

/// A finished spill, shared and read by position (so readers never disturb each other).
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    file: Arc<File>,
    len: u64,
}

impl Stored {
    /// Fills `buf` from offset `at` (threads may read at once).
    pub(crate) fn read(&self, at: u64, buf: &mut [u8]) -> io::Result<()> {
        read_exact_at(&self.file, buf, at)
    }

    /// A reader over the whole content.
    pub(crate) fn reader(&self) -> StoredReader<'_> {
        StoredReader {
            file: &self.file,
            pos: 0,
            end: self.len,
        }
    }
}

/// Reads a `Stored` from its start.
pub(crate) struct StoredReader<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl io::Read for StoredReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf.len().min((self.end - self.pos) as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.pos += n as u64;
        Ok(n)
    }
}

fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_at(buf, at)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        file.seek_read(buf, at)
    }
}

fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match read_at(file, buf, at) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn reads_back_anywhere_while_writing_and_whole_when_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Spill::create(dir.path(), "t").unwrap();
        assert_eq!(s.append(b"hello ").unwrap(), 0);
        assert_eq!(s.append(b"world").unwrap(), 6);
        let mut buf = [0u8; 5];
        s.read(6, &mut buf).unwrap();
        assert_eq!(&buf, b"world");
        assert_eq!(s.append(b"!").unwrap(), 11);
        assert_eq!(s.len(), 12);
        let stored = s.into_stored().unwrap();
        for _ in 0..2 {
            let mut all = String::new();
            stored.reader().read_to_string(&mut all).unwrap();
            assert_eq!(all, "hello world!");
        }
        #[cfg(unix)]
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "unlinked"
        );
    }

    #[test]
    fn a_spill_that_cannot_be_made_says_what_it_was_for_and_where() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone");
        let Err(e) = Spill::create(&missing, "sources") else {
            panic!("created in a missing directory");
        };
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let said = e.to_string();
        let expected = format!("temporary file for sources in {}: ", missing.display());
        assert!(said.starts_with(&expected), "{said}");
    }
}
