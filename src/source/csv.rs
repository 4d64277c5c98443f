//! CSV reader — placeholder until the streaming reader lands.
use std::io::Read;
use std::path::Path;

use super::{BatchSink, ReadOptions};
use crate::record::Node;

#[derive(Debug)]
pub struct Header {}

pub fn read(
    _file: u32,
    _path: &Path,
    _input: Box<dyn Read>,
    _opts: &ReadOptions,
    _sink: &mut BatchSink,
) {
}

pub fn parse_record<'a>(
    _row: &'a ::csv::ByteRecord,
    _header: &Header,
    _opts: &ReadOptions,
) -> Result<Node<'a>, super::xml::RecordFault> {
    Err(super::xml::RecordFault {
        line_offset: 0,
        column: 1,
        message: "CSV not supported yet".into(),
    })
}
