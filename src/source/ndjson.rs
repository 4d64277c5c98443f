//! NDJSON (`.ndjson`, `.jsonl`): one record per line, blank lines skipped.
//!
//! The file is read in chunks straight into the batch buffer, and lines are cut there: a
//! record is a range of the buffer, no byte is copied per line. When a batch is full, the
//! bytes after the last complete line move to the next batch (at most one chunk). A line
//! longer than `--max-record-bytes` is skipped to its end, never held, and reported on its
//! own record.

use std::io::Read;

use super::{BatchSink, Item, RawBody, RawRecord, ReadOptions, UTF8_BOM, io_fault};
use crate::diagnostic::{Code, Diagnostic};
use crate::record::Location;

/// Bytes read at a time: small enough that a batch boundary moves little, large enough that
/// the system calls do not show.
const CHUNK: usize = 128 << 10;

pub fn read(file: u32, mut input: Box<dyn Read>, opts: &ReadOptions, sink: &mut BatchSink) {
    let chunk = opts.buffer_size.clamp(1, CHUNK);
    let mut cut = Cutter {
        file,
        line_no: 0,
        record: 0,
        line_start: sink.data().len(),
        skipping: None,
        max: opts.max_record_bytes,
    };
    loop {
        if sink.stopped {
            return;
        }
        let data = sink.data();
        let filled = data.len();
        data.resize(filled + chunk, 0);
        let got = loop {
            match input.read(&mut data[filled..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let n = match got {
            Ok(n) => n,
            Err(e) => {
                data.truncate(cut.line_start);
                let (loc, diag) = io_fault(file, cut.line_no + 1, &e);
                sink.file_error(loc, diag);
                return;
            }
        };
        data.truncate(filled + n);
        if n == 0 {
            // The last line may lack its newline.
            let end = data.len();
            if end > cut.line_start || cut.skipping.is_some() {
                cut.line(sink, end);
            }
            return;
        }
        let mut from = filled;
        while let Some(i) = memchr::memchr(b'\n', &sink.data()[from..]) {
            let nl = from + i;
            cut.line(sink, nl);
            cut.line_start = nl + 1;
            from = nl + 1;
            if sink.is_full() {
                // The rest of the chunk (from the next line on) starts the next batch.
                cut.line_start = sink.flush_carry(from);
                from = cut.line_start;
            }
        }
        // A line longer than the limit is dropped as it is read; only its length counts.
        let partial = sink.data().len() - cut.line_start;
        if partial > cut.max || cut.skipping.is_some() {
            *cut.skipping.get_or_insert(0) += partial as u64;
            let start = cut.line_start;
            sink.data().truncate(start);
        }
    }
}

/// The line-cutting state of one file.
struct Cutter {
    file: u32,
    /// Lines completed so far.
    line_no: u64,
    record: u64,
    /// Where the current line starts in the batch buffer.
    line_start: usize,
    /// Bytes of an over-long line skipped so far (none of them kept).
    skipping: Option<u64>,
    max: usize,
}

impl Cutter {
    /// The line from `line_start` to `end` (its newline, or the end of the file) is complete.
    fn line(&mut self, sink: &mut BatchSink, end: usize) {
        self.line_no += 1;
        let loc = Location {
            file: self.file,
            record: self.record + 1,
            line: self.line_no,
        };
        let here = (end - self.line_start) as u64;
        let too_long = match self.skipping.take() {
            Some(skipped) => Some(skipped + here),
            None if here > self.max as u64 => Some(here),
            None => None,
        };
        if let Some(len) = too_long {
            self.record += 1;
            let diag = Diagnostic::error(
                Code::ParseError,
                "",
                format!(
                    "record of {len} bytes exceeds --max-record-bytes ({})",
                    self.max
                ),
            );
            sink.push_held(Item::Record(RawRecord {
                loc,
                body: RawBody::Unreadable(diag),
            }));
            return;
        }
        let mut start = self.line_start;
        if self.line_no == 1 && sink.data()[start..end].starts_with(UTF8_BOM) {
            start += UTF8_BOM.len();
        }
        if sink.data()[start..end].iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.record += 1;
        sink.push_held(Item::Record(RawRecord {
            loc,
            body: RawBody::Json { start, end, col: 1 },
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Batch;
    use proptest::prelude::*;

    /// What a reader produced, flattened: (record, line, Ok(bytes) or Err(too-long length)).
    type Cut = (u64, u64, Result<Vec<u8>, u64>);

    fn run(input: &[u8], chunk: usize, items: usize, bytes: usize, max: usize) -> Vec<Cut> {
        let mut out = Vec::new();
        let mut emit = |b: Batch| {
            for it in &b.items {
                let Item::Record(r) = it else {
                    panic!("unexpected {it:?}")
                };
                let v = match &r.body {
                    RawBody::Json { start, end, .. } => Ok(b.data[*start..*end].to_vec()),
                    RawBody::Unreadable(d) => {
                        let len = d.message.split(' ').nth(2).unwrap().parse().unwrap();
                        Err(len)
                    }
                    other => panic!("unexpected {other:?}"),
                };
                out.push((r.loc.record, r.loc.line, v));
            }
            true
        };
        let mut sink = BatchSink::new(items, bytes, &mut emit);
        let opts = ReadOptions {
            buffer_size: chunk,
            max_record_bytes: max,
            ..ReadOptions::default()
        };
        read(
            3,
            Box::new(std::io::Cursor::new(input.to_vec())),
            &opts,
            &mut sink,
        );
        sink.flush();
        drop(sink);
        out
    }

    /// The same cut, the simple way: the whole input split on newlines.
    fn reference(input: &[u8], max: usize) -> Vec<Cut> {
        let mut out = Vec::new();
        let mut record = 0;
        let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        if input.ends_with(b"\n") || input.is_empty() {
            lines.pop();
        }
        for (i, line) in lines.into_iter().enumerate() {
            let body = if i == 0 {
                line.strip_prefix(UTF8_BOM).unwrap_or(line)
            } else {
                line
            };
            if line.len() > max {
                record += 1;
                out.push((record, i as u64 + 1, Err(line.len() as u64)));
            } else if !body.iter().all(u8::is_ascii_whitespace) {
                record += 1;
                out.push((record, i as u64 + 1, Ok(body.to_vec())));
            }
        }
        out
    }

    #[test]
    fn lines_blank_lines_bom_crlf_and_a_last_line_without_newline() {
        let input = b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}";
        let got = run(input, 4, 2, 8, 1 << 20);
        assert_eq!(
            got,
            vec![
                (1, 1, Ok(b"{\"a\":1}\r".to_vec())),
                (2, 4, Ok(b"{\"b\":2}".to_vec())),
                (3, 5, Ok(b"{\"c\":3}".to_vec())),
            ]
        );
    }

    #[test]
    fn an_over_long_line_is_skipped_and_reported_with_its_length() {
        let long = "x".repeat(1000);
        let input = format!("{{}}\n{long}\n{{\"k\":1}}\n{long}");
        let got = run(input.as_bytes(), 64, 1024, 1 << 20, 100);
        assert_eq!(
            got,
            vec![
                (1, 1, Ok(b"{}".to_vec())),
                (2, 2, Err(1000)),
                (3, 3, Ok(b"{\"k\":1}".to_vec())),
                (4, 4, Err(1000)),
            ]
        );
    }

    #[test]
    fn a_read_error_is_a_file_fault_on_the_line_being_read() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk on fire"));
                }
                self.0 -= 1;
                let line = b"{}\n";
                buf[..line.len()].copy_from_slice(line);
                Ok(line.len())
            }
        }
        let mut items = Vec::new();
        let mut emit = |b: Batch| {
            items.extend(b.items);
            true
        };
        let mut sink = BatchSink::new(10, 1 << 20, &mut emit);
        read(0, Box::new(Failing(2)), &ReadOptions::default(), &mut sink);
        sink.flush();
        drop(sink);
        assert_eq!(items.len(), 3);
        let Item::FileError { loc, diag } = &items[2] else {
            panic!("{:?}", items[2])
        };
        assert_eq!(loc.line, 3);
        assert!(diag.message.contains("disk on fire"), "{}", diag.message);
    }

    proptest! {
        /// Whatever the chunk size and batch limits, the records are the lines of the file.
        #[test]
        fn cutting_does_not_depend_on_chunks_or_batches(
            bom in any::<bool>(),
            body in proptest::collection::vec(prop_oneof![
                Just(b'\n'), Just(b' '), Just(b'\r'), Just(b'{'), Just(b'}'), Just(b'x'),
            ], 0..200),
            chunk in 1usize..40,
            items in 1usize..6,
            bytes in 1usize..80,
            max in 1usize..30,
        ) {
            let mut input = if bom { UTF8_BOM.to_vec() } else { Vec::new() };
            input.extend(body);
            prop_assert_eq!(run(&input, chunk, items, bytes, max), reference(&input, max));
        }
    }
}
