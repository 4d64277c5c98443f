//! CSV and TSV (spec §6): a header row of field paths, then one record per row.
//!
//! The reader thread only cuts: it resolves the header once into a [`Header`] (the column
//! paths walked through the catalog, folded into a tree of the record's shape) shared by
//! every row of the file, and pushes each row as its own `csv::ByteRecord`. Workers turn a
//! row into a `Node` tree with [`parse_record`], borrowing every cell (no copies).
//!
//! Line numbers: rows are split on `\n` only (a `\r` before it stays at the end of the last
//! cell and is dropped by `parse_record`), so that the line where a row starts is exact for
//! LF and CRLF files alike, even with blank lines and quoted cells spanning lines. Files
//! with bare-CR line ends (detected on the header line) are split on CR instead.
//!
//! Layout: `header` resolves the header row into the plan of the record's tree; `read` is
//! the reader thread (byte-order mark and `--encoding`, delimiter and line ends, rows and
//! their lines); `record` is the workers' `parse_record`.

mod header;
mod read;
mod record;
#[cfg(test)]
mod tests;

pub use header::Header;
pub use read::read;
pub use record::parse_record;
