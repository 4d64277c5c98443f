//! Each reader's caps: a list over the limit keeps its first items and is cut at its path,
//! an object over it keeps its first fields, the rest of the record is still read, and the
//! record's limit cuts the rest of the record once. The XML fast path and full parser agree.

use std::borrow::Cow;

use super::*;
use crate::source::{ReadOptions, csv, json_value, xml};

fn opts(max_list_items: usize) -> ReadOptions {
    ReadOptions {
        max_list_items,
        ..ReadOptions::default()
    }
}

fn json(text: &str, max: usize) -> Parsed<'_> {
    json_value::parse_record(text, &opts(max)).expect("parses")
}

/// (path, message) of each cut.
fn cuts(p: &Parsed) -> Vec<(String, String)> {
    p.cuts
        .iter()
        .map(|d| {
            assert_eq!(
                (d.code, d.severity),
                (Code::TooLong, crate::diagnostic::Severity::Error)
            );
            (d.path.clone(), d.message.clone())
        })
        .collect()
}

fn n(s: &str) -> Node<'_> {
    Node::Number(s)
}

fn key(k: &str) -> Cow<'_, str> {
    Cow::Borrowed(k)
}

#[test]
fn json_list_over_the_limit_keeps_its_first_items_and_the_rest_of_the_record() {
    let p = json(r#"{"a": [{"b": [1, 2, 3, 4, {"c": [5]}]}], "d": 6}"#, 3);
    assert_eq!(
        cuts(&p),
        [(
            "a[0].b".to_string(),
            "a[0].b has more than 3 items (--max-list-items 3): the rest of the list was not read"
                .to_string()
        )]
    );
    let b = Node::Map(vec![(key("b"), Node::List(vec![n("1"), n("2"), n("3")]))]);
    assert_eq!(
        p.node,
        Node::Map(vec![(key("a"), Node::List(vec![b])), (key("d"), n("6"))])
    );
    // At the limit: nothing cut.
    assert_eq!(cuts(&json("[1, 2, 3]", 3)), []);
    assert_eq!(
        cuts(&json("[1, 2, 3, 4]", 3))[0].1,
        "the record has more than 3 items (--max-list-items 3): the rest of the list was not read"
    );
}

#[test]
fn json_object_over_the_limit_keeps_its_first_fields() {
    let p = json(
        r#"{"a": 1, "b": {"x": 1, "y\u0041": 2, "z": 3, "w": 4}, "c": 3, "d": 4}"#,
        3,
    );
    assert_eq!(
        cuts(&p),
        [
            (
                "b".to_string(),
                "b has more than 3 fields (--max-list-items 3): the rest of the object was not read"
                    .to_string()
            ),
            (
                String::new(),
                "the record has more than 3 fields (--max-list-items 3): the rest of the object \
                 was not read"
                    .to_string()
            )
        ]
    );
    let Node::Map(fields) = &p.node else { panic!() };
    let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    // An escaped name on the way is shown unescaped.
    let p = json(r#"{"l\u0069st": [{"x": [1, 2]}]}"#, 1);
    assert_eq!(cuts(&p)[0].0, "list[0].x");
    // Deeper than the trail kept inline (16 levels).
    let deep = format!("{}[1, 2, 3, 4]{}", r#"{"k": "#.repeat(20), "}".repeat(20));
    assert_eq!(cuts(&json(&deep, 3))[0].0, vec!["k"; 20].join("."));
}

#[test]
fn json_record_limit_cuts_the_rest_of_the_record_once() {
    // 3 items per list, 30 values in all: x and y take 13 each, z's first list reaches 30.
    let list = "[[1, 1, 1], [1, 1, 1], [1, 1, 1]]";
    let text = format!(r#"{{"x": {list}, "y": {list}, "z": {list}}}"#);
    let p = json(&text, 3);
    assert_eq!(
        cuts(&p),
        [(
            "z[0]".to_string(),
            "the record has more than 30 values in its lists and objects (10 × --max-list-items \
             3): the rest of the record was not read"
                .to_string()
        )]
    );
    let Node::Map(fields) = &p.node else { panic!() };
    assert_eq!(
        fields[2].1,
        Node::List(vec![Node::List(vec![n("1"), n("1")])])
    );
}

#[test]
fn json_skipped_values_are_still_checked_for_syntax_and_depth() {
    let e = json_value::parse_record(r#"{"a": [1, 2, 3, {"b": 01}]}"#, &opts(2)).unwrap_err();
    assert_eq!(e.offset, 23, "{e:?}");
    let deep = format!("[1, 2, {}{}]", "[".repeat(80), "]".repeat(80));
    let e = json_value::parse_record(&deep, &opts(1)).unwrap_err();
    assert!(e.message.contains("nesting deeper than 64"), "{e:?}");
    // Without a limit (`parse`), nothing is cut.
    let big = format!("[{}1]", "1, ".repeat(200_000));
    let Node::List(items) = json_value::parse(&big, 64).unwrap() else {
        panic!()
    };
    assert_eq!(items.len(), 200_001);
}

fn xml(text: &str, max: usize) -> Parsed<'_> {
    let fast = xml::parse_record(text.as_bytes(), &opts(max)).expect("parses");
    let full = xml::parse_record_full(text.as_bytes(), &opts(max)).expect("parses");
    assert_eq!(fast, full, "the fast path and the full parser differ");
    fast
}

#[test]
fn xml_list_and_object_over_the_limit_are_cut_at_their_paths() {
    let contact = "<Contact><contactType>EMAIL</contactType></Contact>";
    let text = format!(
        "<AMLYZE_CUSTOMER><listContact>{}<Contact/><Contact><x>&bad;</x></Contact>\
         </listContact><firstName>Jonas</firstName><lastName>J</lastName></AMLYZE_CUSTOMER>",
        contact.repeat(3)
    );
    let p = xml(&text, 3);
    assert_eq!(
        cuts(&p),
        [(
            "listContact".to_string(),
            "listContact has more than 3 items (--max-list-items 3): the rest of the list was \
             not read"
                .to_string()
        )]
    );
    let Node::Map(fields) = &p.node else { panic!() };
    let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
    assert_eq!(names, ["listContact", "firstName", "lastName"]);
    assert!(matches!(&fields[0].1, Node::List(items) if items.len() == 3));
    // Fields of an item, and of the record.
    let text = "<AMLYZE_CUSTOMER><listContact><Contact><a>1</a><b>2</b><c/></Contact>\
                </listContact><firstName>J</firstName><lastName>K</lastName></AMLYZE_CUSTOMER>";
    assert_eq!(
        cuts(&xml(text, 2)),
        [
            (
                "listContact[0]".to_string(),
                "listContact[0] has more than 2 fields (--max-list-items 2): the rest of the \
                 object was not read"
                    .to_string()
            ),
            (
                String::new(),
                "the record has more than 2 fields (--max-list-items 2): the rest of the object \
                 was not read"
                    .to_string()
            )
        ]
    );
}

#[test]
fn xml_list_given_twice_counts_its_items_together() {
    let c = "<Contact><contactType>EMAIL</contactType></Contact>";
    let text = format!(
        "<AMLYZE_CUSTOMER><listContact>{c}{c}</listContact><listContact>{c}{c}</listContact>\
         </AMLYZE_CUSTOMER>"
    );
    let p = xml(&text, 3);
    assert_eq!(cuts(&p)[0].0, "listContact");
    let Node::Map(fields) = &p.node else { panic!() };
    assert!(matches!(&fields[..], [(_, Node::List(items))] if items.len() == 3));
}

#[test]
fn xml_record_limit_cuts_the_rest_of_the_record_once() {
    // 2 per element, 20 elements in all: each item takes 3 (itself and two fields).
    let item = "<A><contactType>E</contactType><contactDetails>d</contactDetails></A>";
    let list = format!("<listContact>{}</listContact>", item.repeat(2));
    let related = format!("<R>{list}</R>");
    let text = format!(
        "<AMLYZE_CUSTOMER><listRelatedEntity>{}</listRelatedEntity></AMLYZE_CUSTOMER>",
        related.repeat(2)
    );
    // 1 (listRelatedEntity) + 2 × (1 + 1 + 6) = 17, under 20: nothing cut.
    assert_eq!(cuts(&xml(&text, 2)), []);
    let text = format!(
        "<AMLYZE_CUSTOMER><listRelatedEntity>{}</listRelatedEntity>{list}</AMLYZE_CUSTOMER>",
        related.repeat(2)
    );
    // 17, then listContact (18), its first item (19) and field (20): the next is cut.
    let p = xml(&text, 2);
    assert_eq!(
        cuts(&p),
        [(
            "listContact[0]".to_string(),
            "the record has more than 20 values in its lists and objects (10 × --max-list-items \
             2): the rest of the record was not read"
                .to_string()
        )]
    );
}

#[test]
fn csv_columns_past_the_limit_are_cut_when_they_hold_a_value() {
    let header = csv::Header::with_limit(
        [
            "listContact.0.contactType",
            "listContact.2.contactType",
            "listContact.3.contactType",
            "listContact.99999.contactType",
            "firstName",
            "lastName",
            "middleName",
        ],
        3,
    );
    let row = |cells: &[&str]| ::csv::ByteRecord::from(cells.to_vec());
    let parse = |r: &::csv::ByteRecord| {
        let p = csv::parse_record(r, &header, &opts(3)).expect("parses");
        let cuts = cuts(&p);
        (cuts, format!("{:?}", p.node))
    };
    // Empty cells past the limit: nothing cut, nothing built.
    let (c, node) = parse(&row(&["E", "P", "", "", "Jonas", "", ""]));
    assert_eq!(c, []);
    assert!(
        node.contains("\"P\"") && !node.contains("lastName"),
        "{node}"
    );
    let (c, _) = parse(&row(&["E", "", "X", "Y", "", "", ""]));
    assert_eq!(
        c,
        [(
            "listContact".to_string(),
            "listContact has more than 3 items (--max-list-items 3): the rest of the list was \
             not read"
                .to_string()
        )]
    );
    // The record's fourth field (listContact, firstName, lastName, middleName) is cut.
    let (c, node) = parse(&row(&["", "", "", "", "J", "K", "M"]));
    assert_eq!(
        c,
        [(
            String::new(),
            "the record has more than 3 fields (--max-list-items 3): the rest of the object \
             was not read"
                .to_string()
        )]
    );
    assert!(node.contains("\"K\"") && !node.contains("\"M\""), "{node}");
    // A `;`-list over the limit keeps its first items.
    let header = csv::Header::with_limit(["initializeScreeningProcesses"], 3);
    let cells = row(&[" a; b;;c ;d;e"]);
    let p = csv::parse_record(&cells, &header, &opts(3)).unwrap();
    assert_eq!(cuts(&p)[0].0, "initializeScreeningProcesses");
    let Node::Map(fields) = &p.node else { panic!() };
    assert!(matches!(&fields[0].1, Node::List(items) if items.len() == 3));
}

#[test]
fn csv_header_wider_than_a_record_makes_the_file_unreadable() {
    use crate::source::{Batch, BatchSink, Item};
    let read = |columns: usize| {
        let mut data = (0..columns)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(",");
        data.push('\n');
        data.push_str(&",".repeat(columns - 1));
        data.push_str("x\n");
        let mut items = Vec::new();
        let mut emit = |b: Batch| {
            items.extend(b.items);
            true
        };
        let mut sink = BatchSink::new(8, 1 << 20, &mut emit);
        let input = Box::new(std::io::Cursor::new(data.into_bytes()));
        csv::read(0, std::path::Path::new("w.csv"), input, &opts(2), &mut sink);
        sink.flush();
        drop(sink);
        items
    };
    // 2 per list: 20 values per record, so 20 columns.
    assert!(matches!(&read(20)[..], [Item::Record(_)]));
    match &read(21)[..] {
        [Item::FileError { diag, .. }] => assert_eq!(
            diag.message,
            "line 1, column 1: the header has 21 columns, more than a record may hold (20: 10 × \
             --max-list-items 2)"
        ),
        other => panic!("{other:?}"),
    }
}
