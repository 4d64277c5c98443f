//! XML (vendor SOAP) reader — placeholder until the streaming reader lands.
use std::io::Read;

use super::{BatchSink, ReadOptions};
use crate::record::Node;

pub fn read(_file: u32, _input: Box<dyn Read>, _opts: &ReadOptions, _sink: &mut BatchSink) {}

/// A fault inside one record: offset line (0-based, relative to the record's first line),
/// column and message.
#[derive(Debug, Clone)]
pub struct RecordFault {
    pub line_offset: u64,
    pub column: u64,
    pub message: String,
}

pub fn parse_record<'a>(_bytes: &'a [u8], _opts: &ReadOptions) -> Result<Node<'a>, RecordFault> {
    Err(RecordFault {
        line_offset: 0,
        column: 1,
        message: "XML not supported yet".into(),
    })
}
