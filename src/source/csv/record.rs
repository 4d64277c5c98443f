//! The workers' half: one row to a `Node` tree laid out by the file's `Header`, borrowing
//! every cell; a wrong cell count or invalid UTF-8 is a record fault. A value in a column
//! past `--max-list-items` (which the header left out of its plan) is a `too-long` cut.

use ::csv::ByteRecord;

use super::header::{Cap, Header, NO_LEAF};
use crate::diagnostic::Diagnostic;
use crate::source::ReadOptions;
use crate::source::limits::Parsed;
use crate::source::xml::RecordFault;

/// Parses one row into a record tree (on a worker thread).
pub fn parse_record<'a>(
    row: &'a ByteRecord,
    header: &Header,
    _opts: &ReadOptions,
) -> Result<Parsed<'a>, RecordFault> {
    let n = header.columns.len();
    if row.len() != n {
        return Err(RecordFault {
            line_offset: 0,
            column: 1,
            message: format!("row has {} cells but the header has {n}", row.len()),
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
                Err(e) => return Err(utf8_fault(row, header, i, bytes, &e)),
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
    Ok(Parsed {
        node,
        cuts: cap.cuts,
    })
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
) -> RecordFault {
    let line_offset = row
        .iter()
        .take(i)
        .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
        .sum();
    RecordFault {
        line_offset,
        column: i as u64 + 1,
        message: format!(
            "invalid UTF-8 in column '{}' (byte 0x{:02X}); if the file is not UTF-8, pass \
             --encoding windows-1252",
            header.columns[i].name,
            bytes[e.valid_up_to()]
        ),
    }
}
