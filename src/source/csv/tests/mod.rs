//! Tests of the CSV reader and parser, and the helpers they share: `run` reads a file's
//! bytes into items, `cut_rows` takes their rows, and `m`, `l`, `t` write expected trees.

mod header;
mod read;
mod record;

use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;

use ::csv::ByteRecord;

use super::read::read;
use super::{Header, parse_record};
use crate::record::Node;
use crate::source::{Batch, BatchSink, Item, RawBody, RawRecord, ReadOptions};

fn t(s: &str) -> Node<'_> {
    Node::Text(Cow::Borrowed(s))
}

fn m<'a>(fields: Vec<(&'a str, Node<'a>)>) -> Node<'a> {
    Node::Map(
        fields
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect(),
    )
}

fn l(items: Vec<Node<'_>>) -> Node<'_> {
    Node::List(items)
}

fn run_opts(name: &str, bytes: &[u8], opts: &ReadOptions, max_items: usize) -> Vec<Item> {
    let mut items = Vec::new();
    let mut emit = |b: Batch| {
        items.extend(b.items);
        true
    };
    let mut sink = BatchSink::new(max_items, 1 << 20, &mut emit);
    read(
        7,
        Path::new(name),
        Box::new(Cursor::new(bytes.to_vec())),
        opts,
        &mut sink,
    );
    sink.flush();
    drop(sink);
    items
}

fn run(name: &str, bytes: &[u8]) -> Vec<Item> {
    run_opts(name, bytes, &ReadOptions::default(), 3)
}

/// (record, line, row, header) of every pushed row.
fn cut_rows(items: &[Item]) -> Vec<(u64, u64, &ByteRecord, &Header)> {
    items
        .iter()
        .map(|it| match it {
            Item::Record(RawRecord {
                loc,
                body: RawBody::Csv { row, header },
            }) => {
                assert_eq!(loc.file, 7);
                (loc.record, loc.line, row, &**header)
            }
            other => panic!("unexpected item {other:?}"),
        })
        .collect()
}

fn parse<'a>(row: &'a ByteRecord, header: &Header) -> Node<'a> {
    let parsed = parse_record(row, header, &ReadOptions::default()).expect("row parses");
    assert_eq!(parsed.cuts, [], "nothing cut");
    parsed.node
}

fn record(cells: &[&str]) -> ByteRecord {
    ByteRecord::from(cells.to_vec())
}
