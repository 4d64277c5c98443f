//! The reader: records cut from whole files (their locations, any wrapper, any depth),
//! markup skipped, structural faults, encodings, size limits, I/O errors and stopping.

use super::*;
use crate::source::xml::read;

#[test]
fn vendor_samples_are_one_record_each_at_line_4() {
    for sample in [FULL, IND, ORG] {
        let got = cut(sample.as_bytes());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].loc(),
            &Location {
                file: 7,
                record: 1,
                line: 4
            }
        );
        let bytes = got[0].bytes();
        assert!(bytes.starts_with(b"<AMLYZE_CUSTOMER xmlns="));
        assert!(bytes.ends_with(b"</AMLYZE_CUSTOMER>"));
    }
}

#[test]
fn many_records_under_a_wrapper() {
    let got = cut(leads(500).as_bytes());
    assert_eq!(got.len(), 500);
    for (i, g) in got.iter().enumerate() {
        assert_eq!(
            g.loc(),
            &Location {
                file: 7,
                record: i as u64 + 1,
                line: 3 + 3 * i as u64
            }
        );
        assert_eq!(
            text(&parse(g.bytes()), "communicationNumber"),
            format!("C{i}")
        );
    }
}

#[test]
fn prefixed_records_at_any_depth() {
    let doc = "<soap:Envelope xmlns:soap=\"s\"><soap:Body>\n<ns2:AMLYZE_CUSTOMER xmlns:ns2=\"u\">\
               <ns2:FirstName>Ann</ns2:FirstName><ns2:ListContact><ns2:Contact><ns2:ContactType>EMAIL\
               </ns2:ContactType></ns2:Contact></ns2:ListContact></ns2:AMLYZE_CUSTOMER>\n\
               <a><b><c><AMLYZE_CUSTOMER/></c></b></a>\n</soap:Body></soap:Envelope>";
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].loc().line, 2);
    let n = parse(got[0].bytes());
    assert_eq!(text(&n, "firstName"), "Ann");
    assert_eq!(text(&n, "listContact.0.contactType"), "EMAIL");
    assert_eq!(
        got[1].loc(),
        &Location {
            file: 7,
            record: 2,
            line: 3
        }
    );
    assert_eq!(got[1].bytes(), b"<AMLYZE_CUSTOMER/>");
    assert_eq!(parse(got[1].bytes()), Node::Map(vec![]));
    // A record element nested in a record is part of it, not a record.
    let got = cut(b"<AMLYZE_CUSTOMER><AMLYZE_CUSTOMER/></AMLYZE_CUSTOMER>");
    assert_eq!(got.len(), 1);
}

#[test]
fn cdata_comments_pis_and_quoted_attributes_are_skipped() {
    let doc = "<?xml version=\"1.0\"?>\n<!-- <AMLYZE_CUSTOMER> in a comment -- -->\n\
               <?pi <AMLYZE_CUSTOMER> ?>\n<Leads note=\"a > b\" other='<AMLYZE_CUSTOMER>'>\n\
               <AMLYZE_CUSTOMER><Title><![CDATA[x <AMLYZE_CUSTOMER> ]]> y]]></Title>\
               <!-- </AMLYZE_CUSTOMER> --></AMLYZE_CUSTOMER>\n\
               <![CDATA[<AMLYZE_CUSTOMER></AMLYZE_CUSTOMER>]]>\n\
               <AMLYZE_CUSTOMER a=\"/\" b='>'><Title>second</Title></AMLYZE_CUSTOMER>\n</Leads>\n<!-- end -->\n";
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].loc().line, 5);
    assert_eq!(got[1].loc().line, 7);
    // CDATA is text, joined with the text around it, then trimmed as a whole.
    assert_eq!(
        text(&parse(got[0].bytes()), "title"),
        "x <AMLYZE_CUSTOMER>  y]]>"
    );
    assert_eq!(text(&parse(got[1].bytes()), "title"), "second");
}

#[test]
fn unclosed_element_at_end_of_file() {
    let doc = "<Leads>\n<AMLYZE_CUSTOMER><Title>a</Title></AMLYZE_CUSTOMER>\n<AMLYZE_CUSTOMER>\n<Title>b</Title>\n";
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0].loc(),
        &Location {
            file: 7,
            record: 1,
            line: 2
        }
    );
    assert_eq!(
        got[1],
        Got::FileError(
            Location { file: 7, record: 0, line: 5 },
            "line 5, column 1: unexpected end of file: element <AMLYZE_CUSTOMER> opened at line 3 is not closed"
                .into()
        )
    );
    // Inside a comment, a start tag, an attribute.
    for (doc, what) in [
        ("<r><!-- x", "comment opened at line 1"),
        ("<r>\n<![CDATA[ x", "CDATA section opened at line 2"),
        ("<r><AMLYZE_CUSTOMER a='x", "start tag <AMLYZE_CUSTOMER>"),
        ("<r><Ti", "start tag <Ti>"),
    ] {
        let got = cut(doc.as_bytes());
        assert!(
            matches!(&got[..], [Got::FileError(_, m)] if m.contains(what)),
            "{doc}: {got:?}"
        );
    }
}

#[test]
fn structural_faults_end_the_file() {
    let cases: [(&str, &str); 9] = [
        (
            "<r><AMLYZE_CUSTOMER/>\n<a></b></r>",
            "line 2, column 4: mismatched end tag </b>: expected </a> (opened at line 2)",
        ),
        (
            "<r><AMLYZE_CUSTOMER/></r>\ntrailing",
            "line 2, column 1: unexpected text after the root element",
        ),
        ("<r><AMLYZE_CUSTOMER/></r><r/>", "a second root element"),
        (
            "garbage<r/>",
            "line 1, column 1: unexpected text before the root element",
        ),
        (
            "<?xml version=\"1.0\"?>\n<!-- nothing -->\n",
            "no root element",
        ),
        ("<r><AMLYZE_CUSTOMER/></r></r>", "has no matching start tag"),
        (
            "<r><AMLYZE_CUSTOMER/>< x/></r>",
            "not followed by an element name",
        ),
        ("<r><AMLYZE_CUSTOMER/><a <b/></r>", "'<' inside a start tag"),
        (
            "<r><AMLYZE_CUSTOMER/><!DOCTYPE r></r>",
            "DOCTYPE is only allowed before",
        ),
    ];
    for (doc, msg) in cases {
        let got = cut(doc.as_bytes());
        match &got[..] {
            [Got::Rec(..), Got::FileError(_, m)] | [Got::FileError(_, m)] => {
                assert!(m.contains(msg), "{doc}: {m}")
            }
            other => panic!("{doc}: {other:?}"),
        }
    }
}

#[test]
fn empty_files_hold_nothing() {
    for doc in [
        &b""[..],
        b"  \n\t ",
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF\n",
        b"<r/>",
        b"<r><x>1</x></r>",
    ] {
        assert_eq!(cut(doc), vec![], "{doc:?}");
    }
}

#[test]
fn declared_and_optional_encodings() {
    let mut doc = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<AMLYZE_CUSTOMER><Title>Caf\xe9 \x80</Title></AMLYZE_CUSTOMER>".to_vec();
    let got = cut(&doc);
    assert_eq!(text(&parse(got[0].bytes()), "title"), "Café €");
    // ISO-8859-1, single quotes, the declaration honoured over --encoding.
    doc = b"<?xml version='1.0' encoding = 'ISO-8859-1' ?><AMLYZE_CUSTOMER><Title>\xe9</Title></AMLYZE_CUSTOMER>".to_vec();
    let utf16 = ReadOptions {
        encoding: crate::source::TextEncoding::Named(encoding_rs::UTF_16LE),
        ..ReadOptions::default()
    };
    assert_eq!(
        text(&parse(cut_opts(&doc, &utf16)[0].bytes()), "title"),
        "é"
    );
    let doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?><AMLYZE_CUSTOMER><Title>é</Title></AMLYZE_CUSTOMER>";
    let cp1252 = ReadOptions {
        encoding: crate::source::TextEncoding::Named(encoding_rs::WINDOWS_1252),
        ..ReadOptions::default()
    };
    assert_eq!(
        text(
            &parse(cut_opts(doc.as_bytes(), &cp1252)[0].bytes()),
            "title"
        ),
        "é"
    );
    // Without a declaration, --encoding applies.
    let doc = b"<AMLYZE_CUSTOMER><Title>\xe9</Title></AMLYZE_CUSTOMER>";
    assert_eq!(
        text(&parse(cut_opts(doc, &cp1252)[0].bytes()), "title"),
        "é"
    );
    // UTF-16 with a byte-order mark.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<r>\n<AMLYZE_CUSTOMER><Title>Žé</Title></AMLYZE_CUSTOMER></r>"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let got = cut(&utf16);
    assert_eq!(got[0].loc().line, 3);
    assert_eq!(text(&parse(got[0].bytes()), "title"), "Žé");
    // An unknown label.
    let got = cut(b"<?xml version=\"1.0\" encoding=\"klingon\"?><r/>");
    assert!(
        matches!(&got[..], [Got::FileError(_, m)] if m.contains("unknown encoding \"klingon\"")),
        "{got:?}"
    );
}

#[test]
fn records_over_the_limit_are_unreadable_and_skipped() {
    let big = format!(
        "<AMLYZE_CUSTOMER><Title>{}</Title></AMLYZE_CUSTOMER>",
        "x".repeat(300)
    );
    let doc = format!("<r>\n{big}\n<AMLYZE_CUSTOMER><Title>small</Title></AMLYZE_CUSTOMER></r>");
    let opts = ReadOptions {
        max_record_bytes: 100,
        ..ReadOptions::default()
    };
    let got = cut_opts(doc.as_bytes(), &opts);
    assert_eq!(
        got[0],
        Got::Unreadable(
            Location {
                file: 7,
                record: 1,
                line: 2
            },
            format!(
                "record of {} bytes exceeds --max-record-bytes (100)",
                big.len()
            )
        )
    );
    assert_eq!(
        got[1].loc(),
        &Location {
            file: 7,
            record: 2,
            line: 3
        }
    );
    assert_eq!(text(&parse(got[1].bytes()), "title"), "small");
    assert_eq!(got.len(), 2);
}

#[test]
fn stops_when_the_consumer_goes_away() {
    let mut seen = 0;
    let mut emit = |b: Batch| {
        seen += b.items.len();
        false
    };
    let mut sink = BatchSink::new(2, 1 << 20, &mut emit);
    read(
        0,
        Box::new(Cursor::new(leads(100).into_bytes())),
        &ReadOptions::default(),
        &mut sink,
    );
    assert!(sink.stopped);
    sink.flush();
    assert_eq!(seen, 2);
}

#[test]
fn read_errors_are_file_errors() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            // Longer than the head examined for an encoding, so the error comes later.
            let doc = format!(
                "<r>\n<AMLYZE_CUSTOMER/><!-- {} -->\n<AMLYZE_CUSTOMER>",
                "x".repeat(2000)
            );
            let doc = doc.as_bytes();
            if self.0 >= doc.len() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = buf.len().min(doc.len() - self.0);
            buf[..n].copy_from_slice(&doc[self.0..self.0 + n]);
            self.0 += n;
            Ok(n)
        }
    }
    let got = cut_with(Box::new(Failing(0)), &ReadOptions::default(), 64, 100);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        matches!(&got[1], Got::FileError(l, m) if l.line == 3 && m.contains("disk on fire")),
        "{got:?}"
    );
    // A byte the declared encoding cannot decode. (DecodingReader reports the error
    // before handing over the text decoded ahead of it, so no record precedes it here.)
    let doc =
        b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<r>\n<AMLYZE_CUSTOMER/>\n\xff\xff</r>";
    let got = cut_with(
        Box::new(Cursor::new(doc.to_vec())),
        &ReadOptions::default(),
        BUF_SIZE,
        10,
    );
    assert!(
        matches!(got.last(), Some(Got::FileError(_, m)) if m.contains("byte offset 66 is not valid Shift_JIS")),
        "{got:?}"
    );
}

/// Inside a record the reader only looks for the record's end: a fault in the record's
/// element structure is that record's `parse-error`, located by the parser within the
/// record, and the records after it are read (`cut` checks every case with a 16-byte window
/// fed a few bytes at a time too).
#[test]
fn faults_inside_records_reject_only_that_record() {
    let cases: [(&str, u64, &str); 5] = [
        (
            "<AMLYZE_CUSTOMER>\n  <A>\n    <B>x</C>\n</AMLYZE_CUSTOMER>",
            2,
            "expected `</B>`, but `</C>` was found",
        ),
        (
            "<AMLYZE_CUSTOMER>\n<A><B><C x='1'>v</C></A></B></AMLYZE_CUSTOMER>",
            1,
            "expected `</B>`, but `</A>` was found",
        ),
        (
            "<AMLYZE_CUSTOMER>\n<A>\n  < B>x</B></A></AMLYZE_CUSTOMER>",
            1,
            "an element without a name",
        ),
        (
            "<AMLYZE_CUSTOMER>\n<!DOCTYPE a>\n<A/></AMLYZE_CUSTOMER>",
            0,
            "a DOCTYPE inside a record",
        ),
        ("<AMLYZE_CUSTOMER>\n<A/>\n<!x></AMLYZE_CUSTOMER>", 2, ""),
    ];
    let next = "<AMLYZE_CUSTOMER><Title>next</Title></AMLYZE_CUSTOMER>";
    for (rec, line_offset, msg) in cases {
        let doc = format!("<r>\n{rec}\n{next}</r>");
        let got = cut(doc.as_bytes());
        assert_eq!(got.len(), 2, "{doc}: {got:?}");
        assert_eq!(got[0].bytes(), rec.as_bytes(), "{doc}");
        assert_eq!(got[1].bytes(), next.as_bytes(), "{doc}");
        assert_eq!(got[1].loc().line, 2 + rec.matches('\n').count() as u64 + 1);
        let fault = parse_record(got[0].bytes(), &ReadOptions::default())
            .expect_err("the record's structure is broken");
        assert_eq!(fault.line_offset, line_offset, "{doc}: {fault:?}");
        assert!(fault.message.contains(msg), "{doc}: {fault:?}");
        assert!(parse_record(got[1].bytes(), &ReadOptions::default()).is_ok());
    }
    // A record whose end never comes ends the file; the record is named.
    match &cut(b"<r><AMLYZE_CUSTOMER>\n<A>\n<B/>\n")[..] {
        [Got::FileError(_, m)] => assert_eq!(
            m,
            "line 4, column 1: unexpected end of file: element <AMLYZE_CUSTOMER> opened at line 1 is not closed"
        ),
        other => panic!("{other:?}"),
    }
}

/// Where a record ends: its own end tag, white space allowed before `>`, prefix and all;
/// not an end tag inside a comment or CDATA section, not one of an element named like the
/// record inside it, not a longer name or another prefix, not the name as text.
#[test]
fn a_record_ends_at_its_own_end_tag() {
    let recs = [
        "<AMLYZE_CUSTOMER><A><!-- </AMLYZE_CUSTOMER> --></A><![CDATA[</AMLYZE_CUSTOMER>]]></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><?pi </AMLYZE_CUSTOMER>?><B>1</B></AMLYZE_CUSTOMER\n  >",
        "<AMLYZE_CUSTOMER><AMLYZE_CUSTOMER a='>'><AMLYZE_CUSTOMER/></AMLYZE_CUSTOMER ></AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><Note>AMLYZE_CUSTOMER</Note><AMLYZE_CUSTOMERS></AMLYZE_CUSTOMERS></AMLYZE_CUSTOMER>",
        "<x:AMLYZE_CUSTOMER xmlns:x='u'><y:AMLYZE_CUSTOMER>1</y:AMLYZE_CUSTOMER></x:AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><AMLYZE_CUSTOMER><AMLYZE_CUSTOMER></AMLYZE_CUSTOMER></AMLYZE_CUSTOMER><T/></AMLYZE_CUSTOMER>",
        "<x:AMLYZE_CUSTOMER xmlns:x='u'><A>1</A></y:AMLYZE_CUSTOMER></x:AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><A/></AMLYZE_CUSTOMER \n\t>",
    ];
    let doc = format!("<r>\n{}\n</r>", recs.join("\n"));
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), recs.len(), "{got:?}");
    for (i, (g, want)) in got.iter().zip(recs).enumerate() {
        assert_eq!(g.bytes(), want.as_bytes(), "record {i}");
        assert_eq!(g.loc().record, 1 + i as u64);
    }
    assert_eq!(got[4].loc().line, 7);
    // A misspelt end tag is no end: the next record's start then opens an element named
    // like the record inside it, and the file ends with the first record still open.
    let doc =
        "<r><AMLYZE_CUSTOMER><A></AMLYZE_CUSTOMERx><AMLYZE_CUSTOMER><B/></AMLYZE_CUSTOMER></r>";
    match &cut(doc.as_bytes())[..] {
        [Got::FileError(_, m)] => assert!(
            m.ends_with("element <AMLYZE_CUSTOMER> opened at line 1 is not closed"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn records_cut_whole_whatever_their_inner_tags() {
    let recs = [
        "<AMLYZE_CUSTOMER><A><B><C x='1'>v</C></B></A></AMLYZE_CUSTOMER>",
        "<x:AMLYZE_CUSTOMER xmlns:x='u'><A/><B>1</B ><C><D>2</D><!-- </C> --></C></x:AMLYZE_CUSTOMER>",
        "<AMLYZE_CUSTOMER><L><I><V>1</V></I><I><V>2</V></I></L><AMLYZE_CUSTOMER/></AMLYZE_CUSTOMER>",
    ];
    let doc = format!("<r>\n{}\n</r>", recs.join("\n"));
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), recs.len(), "{got:?}");
    for (i, (g, want)) in got.iter().zip(recs).enumerate() {
        assert_eq!(g.bytes(), want.as_bytes());
        assert_eq!(g.loc().line, 2 + i as u64);
        assert_eq!(g.loc().record, 1 + i as u64);
    }
}

/// Pieces that decide where records begin and end, and some that only look as if they do.
const PIECES: &[&str] = &[
    "<AMLYZE_CUSTOMER>",
    "</AMLYZE_CUSTOMER>",
    "</AMLYZE_CUSTOMER \n>",
    "<AMLYZE_CUSTOMER/>",
    "<AMLYZE_CUSTOMER a='>'>",
    "<x:AMLYZE_CUSTOMER>",
    "</x:AMLYZE_CUSTOMER>",
    "</y:AMLYZE_CUSTOMER>",
    "</AMLYZE_CUSTOMERS>",
    "AMLYZE_CUSTOMER",
    "<A>",
    "</A>",
    "<B/>",
    "<C x=\"</AMLYZE_CUSTOMER>\">",
    "text",
    " ",
    "\n",
    "<!-- c -->",
    "<!-- </AMLYZE_CUSTOMER> -->",
    "<![CDATA[</AMLYZE_CUSTOMER>]]>",
    "<?p </AMLYZE_CUSTOMER>?>",
    "<!x>",
    "<",
    ">",
    "/",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any document made of those pieces is cut alike with the real window and with a
    /// 16-byte one fed a few bytes at a time (`cut` checks that), whatever the cut is: the
    /// one search for a record's end (`cut/record`) never decides differently from reading
    /// it `<` by `<`. Every record is a piece of the document starting at a record element.
    #[test]
    fn where_records_end_never_depends_on_the_window(
        pieces in proptest::collection::vec(0..PIECES.len(), 0..40)
    ) {
        let body: String = pieces.iter().map(|&i| PIECES[i]).collect();
        let doc = format!("<r>\n{body}</r>");
        for g in cut(doc.as_bytes()) {
            if let Got::Rec(_, bytes) = g {
                proptest::prop_assert!(
                    bytes.starts_with(b"<AMLYZE_CUSTOMER") || bytes.starts_with(b"<x:AMLYZE_CUSTOMER")
                );
                proptest::prop_assert!(doc.as_bytes().windows(bytes.len()).any(|w| w == &bytes[..]));
            }
        }
    }
}
