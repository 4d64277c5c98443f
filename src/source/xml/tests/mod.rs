//! Tests of the XML reader and parser, and the helpers they share: `cut` runs the reader
//! (with the real window and with a tiny one fed a few bytes at a time, which must agree),
//! `parse` runs `parse_record` and walks the resulting tree by dotted paths.

mod cut;
mod fast;
mod parse;

use std::borrow::Cow;
use std::io::{self, Cursor, Read};

use super::cut::{BUF_SIZE, read_with_buffer};
use super::{RecordFault, parse_record};
use crate::diagnostic::Code;
use crate::record::{Location, Node};
use crate::source::{Batch, BatchSink, Item, RawBody, RawRecord, ReadOptions};

// The vendor's samples, copied into the crate's fixtures (see their README).
const FULL: &str =
    include_str!("../../../../tests/fixtures/vendor/xml/customer-individual-evaluate-full.xml");
const IND: &str =
    include_str!("../../../../tests/fixtures/vendor/xml/lead-individual-mandatory.xml");
const ORG: &str =
    include_str!("../../../../tests/fixtures/vendor/xml/lead-organization-mandatory.xml");

/// What the reader emitted, flattened.
#[derive(Debug, PartialEq)]
enum Got {
    /// Location, record bytes.
    Rec(Location, Vec<u8>),
    /// Location, message of an unreadable record.
    Unreadable(Location, String),
    /// Location, message of a file-level fault.
    FileError(Location, String),
}

impl Got {
    fn bytes(&self) -> &[u8] {
        match self {
            Got::Rec(_, b) => b,
            other => panic!("not a record: {other:?}"),
        }
    }
    fn loc(&self) -> &Location {
        match self {
            Got::Rec(l, _) | Got::Unreadable(l, _) | Got::FileError(l, _) => l,
        }
    }
}

fn flatten(batches: Vec<Batch>) -> Vec<Got> {
    let mut out = Vec::new();
    for b in batches {
        for item in b.items {
            out.push(match item {
                Item::Record(RawRecord { loc, body }) => match body {
                    RawBody::Xml { start, end, .. } => Got::Rec(loc, b.data[start..end].to_vec()),
                    RawBody::Unreadable(d) => Got::Unreadable(loc, d.message),
                    other => panic!("unexpected body {other:?}"),
                },
                Item::FileError { loc, diag } => {
                    assert_eq!(diag.code, Code::ParseError);
                    Got::FileError(loc, diag.message)
                }
            });
        }
    }
    out
}

fn cut_with(
    input: Box<dyn Read>,
    opts: &ReadOptions,
    buf_size: usize,
    max_items: usize,
) -> Vec<Got> {
    let mut batches = Vec::new();
    let mut emit = |b: Batch| {
        batches.push(b);
        true
    };
    {
        let mut sink = BatchSink::new(max_items, 1 << 20, &mut emit);
        read_with_buffer(7, input, opts, &mut sink, buf_size);
        sink.flush();
    }
    flatten(batches)
}

/// Cuts `input` with the real window, and checks that a tiny window fed by a reader
/// returning a few bytes at a time cuts exactly the same.
fn cut_opts(input: &[u8], opts: &ReadOptions) -> Vec<Got> {
    let got = cut_with(Box::new(Cursor::new(input.to_vec())), opts, BUF_SIZE, 3);
    let trickle = Trickle {
        data: input.to_vec(),
        at: 0,
        step: 0,
    };
    let small = cut_with(Box::new(trickle), opts, 16, 1000);
    assert_eq!(got, small, "a tiny window cuts differently");
    got
}

fn cut(input: &[u8]) -> Vec<Got> {
    cut_opts(input, &ReadOptions::default())
}

/// A reader returning 1, 2, 3, ... 7 bytes per call.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 7 + 1;
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn parse(bytes: &[u8]) -> Node<'_> {
    match parse_record(bytes, &ReadOptions::default()) {
        Ok(p) if p.cuts.is_empty() => p.node,
        Ok(p) => panic!("cut: {:?}", p.cuts),
        Err(f) => panic!("record fault: {f:?}\n{}", String::from_utf8_lossy(bytes)),
    }
}

fn fault(bytes: &[u8]) -> RecordFault {
    match parse_record(bytes, &ReadOptions::default()) {
        Ok(n) => panic!("expected a fault, got {n:?}"),
        Err(f) => f,
    }
}

/// The node at a dotted path: `listAddress.0.country`.
fn at<'n, 'a>(node: &'n Node<'a>, path: &str) -> &'n Node<'a> {
    let mut cur = node;
    for part in path.split('.') {
        cur = match (cur, part.parse::<usize>()) {
            (Node::List(items), Ok(i)) => items.get(i).unwrap_or_else(|| panic!("no item {path}")),
            _ => cur
                .get(part)
                .unwrap_or_else(|| panic!("no field {part} in {path}: {cur:?}")),
        };
    }
    cur
}

fn text<'n>(node: &'n Node, path: &str) -> &'n str {
    match at(node, path) {
        Node::Text(s) => s,
        other => panic!("{path} is not text: {other:?}"),
    }
}

fn len(node: &Node, path: &str) -> usize {
    match at(node, path) {
        Node::List(items) => items.len(),
        other => panic!("{path} is not a list: {other:?}"),
    }
}

fn keys<'n>(node: &'n Node) -> Vec<&'n str> {
    match node {
        Node::Map(fields) => fields.iter().map(|(k, _)| k.as_ref()).collect(),
        other => panic!("not a map: {other:?}"),
    }
}

fn one_record(input: &str) -> Vec<u8> {
    let got = cut(input.as_bytes());
    assert_eq!(got.len(), 1, "{got:?}");
    got[0].bytes().to_vec()
}

fn leads(n: usize) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Leads>\n");
    for i in 0..n {
        s.push_str(&format!(
            "  <AMLYZE_CUSTOMER xmlns=\"urn:x\">\n    <CommunicationNumber>C{i}</CommunicationNumber>\n  </AMLYZE_CUSTOMER>\n"
        ));
    }
    s.push_str("</Leads>\n");
    s
}
