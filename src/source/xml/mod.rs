//! XML files (`.xml`): the vendor's SOAP payloads, one record per `AMLYZE_CUSTOMER` element
//! wherever it sits (spec §6): inside `soap:Envelope/soap:Body`, or thousands of them under
//! any wrapper element. Namespaces are ignored.
//!
//! The work is split like the JSON reader's:
//! - `read` runs on the single reader thread and only cuts. A light byte scanner (memchr
//!   for `<`, no tree, no unescaping) follows the markup — comments, CDATA sections,
//!   processing instructions, the DOCTYPE, quoted attribute values — and the element name
//!   stack outside records, and copies each `AMLYZE_CUSTOMER` element's bytes into the
//!   batch. Inside a record it only looks for the record's own end tag (`cut/record`): the
//!   record's element structure is checked by the worker that parses it, so a fault there
//!   (a mismatched end tag, an unclosed element) rejects that record alone and the file
//!   goes on. Memory is bounded whatever the file size: a fixed window buffer, the
//!   open-element stack, and the record being cut (itself bounded by `--max-record-bytes`).
//!   A fault in the document's structure outside records (a mismatched end tag, an element
//!   left open at end of file, text after the root), a record whose end never comes, and a
//!   comment, CDATA section or PI left open end the file with one file-level `parse-error`
//!   (`cut/record` lists the rest); the records cut before it stand.
//! - `parse_record` runs on the workers and parses one cut element into a `Node` tree whose
//!   keys are the catalog's canonical names, walking the catalog while descending, so that
//!   the rules see the same tree as for JSON. A hand-written tokenizer (`fast`) reads the
//!   plain records that make up real files (tags, attributes, text); anything else —
//!   comments, CDATA, processing instructions, faults — goes through quick-xml's events,
//!   which also word every error. Both drive the same `tree`, and a differential test and
//!   fuzz target hold them to the same trees and faults.
//!
//! Encodings: a UTF-8 byte-order mark is skipped; a UTF-16 one, an XML declaration naming
//! another encoding, or `--encoding` (for files without a declaration) makes the stream go
//! through `transcode::DecodingReader`, so that both halves only ever see UTF-8;
//! `--encoding auto` detects the encoding of a file without a declaration (`detect`).
//!
//! Security: a DOCTYPE is skipped, never interpreted. No entity it declares is expanded (a
//! reference to one is a record fault, "undefined entity") and no external resource it
//! names is ever opened, so neither "billion laughs" nor `SYSTEM "file:///etc/passwd"` can
//! do anything. Nesting is bounded by `--max-depth` in the parser, which keeps its own
//! stack on the heap.
//!
//! Layout: `encoding` opens the stream (byte-order mark, XML declaration, `--encoding`);
//! `cut` is the reader thread's scanner, `cut/tags` its start and end tags and where records
//! begin, `cut/record` where they end; `parse` is the
//! workers' `parse_record`, which tries `fast` and falls back on quick-xml, both building
//! their tree with `tree`, which looks element names up in the catalog's name table
//! (`Shape::lookup_folded`); `bytes` holds the byte-level helpers they share.

mod bytes;
mod cut;
mod encoding;
mod fast;
mod parse;
#[cfg(test)]
mod tests;
mod tree;

use std::io::Read;

use super::{BatchSink, ReadOptions};
use cut::{BUF_SIZE, read_with_buffer};

/// A fault inside one record: offset line (0-based, relative to the record's first line),
/// column and message.
#[derive(Debug, Clone)]
pub struct RecordFault {
    pub line_offset: u64,
    pub column: u64,
    pub message: String,
    /// The fault is bytes that are not UTF-8: the worker adds the hint of `detect::hint`
    /// (which knows the file's likely encoding).
    pub not_utf8: bool,
    /// The path of the value at fault, when the record parsed and only a value is wrong
    /// (a NUL, see `source::nul`); empty for a syntax fault.
    pub path: String,
}

// ------------------------------------------------------------------------------------------
// Reader thread: cutting the file into records.
// ------------------------------------------------------------------------------------------

pub fn read(file: u32, input: Box<dyn Read>, opts: &ReadOptions, sink: &mut BatchSink) {
    read_with_buffer(file, input, opts, sink, BUF_SIZE);
}

// ------------------------------------------------------------------------------------------
// Workers: parsing one element into a Node tree with canonical names.
// ------------------------------------------------------------------------------------------

pub use parse::{parse_record, parse_record_full};
