//! The workers' half: one row to a `Node` tree laid out by the file's `Header`, borrowing
//! every cell; a wrong cell count or invalid UTF-8 is a record fault. A value in a column
//! past `--max-list-items` (which the header left out of its plan) is a `too-long` cut.

use ::csv::ByteRecord;

use super::header::{Cap, Header, NO_LEAF};
use crate::diagnostic::Diagnostic;
use crate::record::Node;
use crate::source::ReadOptions;
use crate::source::limits::Parsed;
use crate::source::xml::RecordFault;

/// Parses one row into a record tree (on a worker thread).
pub fn parse_record<'a>(
    row: &'a ByteRecord,
    header: &Header,
    opts: &ReadOptions,
) -> Result<Parsed<'a>, RecordFault> {
    let n = header.columns.len();
    if row.len() != n {
        return Err(RecordFault {
            line_offset: 0,
            column: 1,
            message: format!("row has {} cells but the header has {n}", row.len()),
            not_utf8: false,
            path: String::new(),
        });
    }
    // Usually the whole row is valid UTF-8 and every cell is a slice of it.
    let text = simdutf8::basic::from_utf8(row.as_slice()).ok();
    let mut cells: Vec<&'a str> = Vec::with_capacity(n);
    let mut live = vec![false; header.nodes.len()];
    let mut cap = header.cap();
    let mut start = 0;
    for (i, raw) in row.iter().enumerate() {
        let next = start + raw.len();
        // Rows are split on `\n`: the `\r` of a CRLF line end stays on the last cell.
        let bytes = match raw {
            [rest @ .., b'\r'] if i + 1 == n => rest,
            _ => raw,
        };
        let end = start + bytes.len();
        let cell = if bytes.is_empty() {
            ""
        } else if let Some(s) = text.and_then(|t| t.get(start..end)) {
            s
        } else {
            match std::str::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => return Err(utf8_fault(row, header, i, bytes, &e, opts.redact)),
            }
        };
        start = next;
        cells.push(cell);
        if !cell.is_empty() {
            let leaf = header.leaves[i];
            if leaf == NO_LEAF {
                cut(header, i, &mut cap);
                continue;
            }
            // Mark the cell's ancestors as holding a value.
            let mut p = header.nodes[leaf as usize].parent as usize;
            while !live[p] {
                live[p] = true;
                p = header.nodes[p].parent as usize;
            }
        }
    }
    let node = header.build(0, &cells, &live, &mut cap);
    // A NUL is no more a value in CSV than in JSON or XML (`source::nul`).
    match memchr::memchr(0, row.as_slice()) {
        None => Ok(Parsed {
            node,
            cuts: cap.cuts,
        }),
        Some(_) => Err(nul_fault(row, &cells, &node)),
    }
}

/// The fault of a row holding U+0000: at the first cell that does, with its value's path.
fn nul_fault(row: &ByteRecord, cells: &[&str], node: &Node) -> RecordFault {
    let i = cells.iter().position(|c| c.contains('\0')).unwrap_or(0);
    RecordFault {
        line_offset: lines_before(row, i),
        column: i as u64 + 1,
        message: crate::source::nul::MESSAGE.to_string(),
        not_utf8: false,
        path: crate::source::nul::path_of_nul(node).unwrap_or_default(),
    }
}

/// Line breaks inside the quoted cells before cell `i`.
fn lines_before(row: &ByteRecord, i: usize) -> u64 {
    row.iter()
        .take(i)
        .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
        .sum()
}

/// A value in column `i`, which is past `--max-list-items`.
#[cold]
fn cut(header: &Header, i: usize, cap: &mut Cap) {
    if let Some(cut) = &header.columns[i].cut {
        cap.add(Diagnostic::clone(cut));
    }
}

fn utf8_fault(
    row: &ByteRecord,
    header: &Header,
    i: usize,
    bytes: &[u8],
    e: &std::str::Utf8Error,
    redact: bool,
) -> RecordFault {
    RecordFault {
        line_offset: lines_before(row, i),
        column: i as u64 + 1,
        // Under --redact no byte of the record is quoted, not even an invalid one.
        message: format!(
            "invalid UTF-8 in column '{}'{}",
            header.columns[i].name,
            if redact {
                String::new()
            } else {
                format!(" (byte 0x{:02X})", bytes[e.valid_up_to()])
            }
        ),
        not_utf8: true,
        path: String::new(),
    }
}
