//! The reader: rows and their lines (LF, CRLF, bare CR, quoted line breaks), delimiters,
//! encodings, empty files, size limits, batching, stopping, and a generated corpus.

use super::*;
use crate::diagnostic::Code;
use crate::source::csv::read::BATCH_BYTES;

#[test]
fn reads_rows_with_locations() {
    let items = run(
        "a.csv",
        b"firstName,lastName\nJonas,Jonaitis\n\n\"Multi\nline\",\"x, \"\"y\"\"\"\nlast,row",
    );
    let rows = cut_rows(&items);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(1, 2), (2, 4), (3, 6)]
    );
    assert_eq!(
        parse(rows[1].2, rows[1].3),
        m(vec![
            ("firstName", t("Multi\nline")),
            ("lastName", t("x, \"y\""))
        ])
    );
    assert_eq!(
        parse(rows[2].2, rows[2].3),
        m(vec![("firstName", t("last")), ("lastName", t("row"))])
    );
}

#[test]
fn crlf_files_keep_exact_lines_and_clean_cells() {
    let items = run(
        "a.csv",
        b"firstName,lastName\r\nA,B\r\n\r\n,,\r\n\"x\r\ny\",\"q\"\r\nC,D\r\n",
    );
    let rows = cut_rows(&items);
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(1, 2), (2, 5), (3, 7)]
    );
    assert_eq!(
        rows[0].3.column_names().collect::<Vec<_>>(),
        ["firstName", "lastName"]
    );
    assert_eq!(
        parse(rows[0].2, rows[0].3),
        m(vec![("firstName", t("A")), ("lastName", t("B"))])
    );
    assert_eq!(
        parse(rows[1].2, rows[1].3),
        m(vec![("firstName", t("x\r\ny")), ("lastName", t("q"))])
    );
}

#[test]
fn bare_cr_line_ends_are_understood() {
    let items = run("a.csv", b"firstName,lastName\rA,B\rC,D\r");
    let rows = cut_rows(&items);
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(1, 2), (2, 3)]
    );
    assert_eq!(
        parse(rows[1].2, rows[1].3),
        m(vec![("firstName", t("C")), ("lastName", t("D"))])
    );
}

#[test]
fn semicolon_delimiter_when_the_header_has_no_comma() {
    let items = run(
        "a.csv",
        b"\n\nfirstName;lastName;initializeScreeningProcesses\nJo, Jr;B;\"PEP;SANCTIONS\"\n",
    );
    let rows = cut_rows(&items);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, 4);
    assert_eq!(
        parse(rows[0].2, rows[0].3),
        m(vec![
            ("firstName", t("Jo, Jr")),
            ("lastName", t("B")),
            (
                "initializeScreeningProcesses",
                l(vec![t("PEP"), t("SANCTIONS")])
            ),
        ])
    );
    // A comma anywhere in the header line keeps `,`.
    let items = run("a.csv", b"firstName,\"last;Name\"\nA;B,C\n");
    let rows = cut_rows(&items);
    assert_eq!(
        rows[0].3.column_names().collect::<Vec<_>>(),
        ["firstName", "last;Name"]
    );
    assert_eq!(rows[0].2.len(), 2);
}

#[test]
fn tsv_uses_tabs() {
    let items = run("dir/leads.TSV", b"firstName\tlastName\nA, B\tC;D\n");
    let rows = cut_rows(&items);
    assert_eq!(
        parse(rows[0].2, rows[0].3),
        m(vec![("firstName", t("A, B")), ("lastName", t("C;D"))])
    );
}

#[test]
fn utf8_bom_is_skipped() {
    let items = run("a.csv", b"\xEF\xBB\xBFfirstName,lastName\nA,B\n");
    let rows = cut_rows(&items);
    assert_eq!(rows[0].3.unknown_columns().count(), 0);
    assert_eq!(
        parse(rows[0].2, rows[0].3),
        m(vec![("firstName", t("A")), ("lastName", t("B"))])
    );
}

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn utf16_bom_selects_decoding() {
    for little in [true, false] {
        let bytes = utf16("firstName,lastName\nŽygimantas,山田\n", little);
        let items = run("a.csv", &bytes);
        let rows = cut_rows(&items);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            parse(rows[0].2, rows[0].3),
            m(vec![
                ("firstName", t("Žygimantas")),
                ("lastName", t("山田"))
            ])
        );
    }
}

#[test]
fn windows_1252_with_encoding_option() {
    let bytes = b"firstName,lastName\nJos\xe9,M\xfcller \x80\n";
    let opts = ReadOptions {
        encoding: crate::source::TextEncoding::Named(encoding_rs::WINDOWS_1252),
        ..ReadOptions::default()
    };
    let items = run_opts("a.csv", bytes, &opts, 10);
    let rows = cut_rows(&items);
    assert_eq!(
        parse(rows[0].2, rows[0].3),
        m(vec![("firstName", t("José")), ("lastName", t("Müller €"))])
    );
    // Without the option the row is rejected (with a hint the worker adds: `detect::hint`).
    let items = run("a.csv", bytes);
    let rows = cut_rows(&items);
    let fault = parse_record(rows[0].2, rows[0].3, &ReadOptions::default()).unwrap_err();
    assert!(
        fault.message.contains("column 'firstName' (byte 0xE9)"),
        "{}",
        fault.message
    );
    assert!(fault.not_utf8);
}

#[test]
fn malformed_encoded_input_is_a_file_error() {
    let opts = ReadOptions {
        encoding: crate::source::TextEncoding::Named(encoding_rs::UTF_16LE),
        ..ReadOptions::default()
    };
    // A lone high surrogate is not valid UTF-16.
    let mut bytes = Vec::new();
    for u in "firstName\nA".encode_utf16().chain([0xD800, 0x0041]) {
        bytes.extend(u.to_le_bytes());
    }
    let items = run_opts("a.csv", &bytes, &opts, 10);
    assert!(
        items.iter().any(|it| matches!(it, Item::FileError { loc, diag }
            if loc.record == 0 && diag.code == Code::ParseError && diag.message.contains("read error"))),
        "{items:?}"
    );
}

#[test]
fn header_only_and_empty_files_give_nothing() {
    assert!(run("a.csv", b"").is_empty());
    assert!(run("a.csv", b"\n\r\n").is_empty());
    assert!(run("a.csv", b"firstName,lastName").is_empty());
    assert!(run("a.csv", b"firstName,lastName\r\n\r\n,\r\n").is_empty());
    assert!(run("a.tsv", b"\xEF\xBB\xBF").is_empty());
}

#[test]
fn unterminated_quote_takes_the_rest_of_the_file() {
    let items = run("a.csv", b"firstName,lastName\n\"A,B\nC,D\n");
    let rows = cut_rows(&items);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, 2);
    assert!(parse_record(rows[0].2, rows[0].3, &ReadOptions::default()).is_err());
}

#[test]
fn oversize_rows_are_unreadable_and_reading_goes_on() {
    let opts = ReadOptions {
        max_record_bytes: 10,
        ..ReadOptions::default()
    };
    let items = run_opts(
        "a.csv",
        b"firstName,lastName\nshort,row\naaaaaaaaaa,bbbbbbbbbb\nx,y\n",
        &opts,
        10,
    );
    assert_eq!(items.len(), 3);
    match &items[1] {
        Item::Record(RawRecord {
            loc,
            body: RawBody::Unreadable(diag),
        }) => {
            assert_eq!((loc.record, loc.line), (2, 3));
            assert_eq!(diag.code, Code::ParseError);
            assert_eq!(
                diag.message,
                "record of 20 bytes exceeds --max-record-bytes (10)"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&items[2], Item::Record(r) if r.loc.record == 3 && r.loc.line == 4));
}

#[test]
fn batches_of_big_rows_are_flushed_by_size() {
    let mut data = b"firstName,lastName\n".to_vec();
    let cell = "x".repeat(100 << 10);
    for _ in 0..100 {
        data.extend(format!("{cell},{cell}\n").bytes());
    }
    let mut sizes = Vec::new();
    let mut emit = |b: Batch| {
        let bytes: usize = b
            .items
            .iter()
            .map(|it| match it {
                Item::Record(RawRecord {
                    body: RawBody::Csv { row, .. },
                    ..
                }) => row.as_slice().len(),
                _ => 0,
            })
            .sum();
        sizes.push((b.items.len(), bytes));
        true
    };
    let mut sink = BatchSink::new(10_000, 1 << 20, &mut emit);
    let input = Box::new(Cursor::new(data));
    read(
        0,
        Path::new("a.csv"),
        input,
        &ReadOptions::default(),
        &mut sink,
    );
    sink.flush();
    drop(sink);
    assert_eq!(sizes.iter().map(|s| s.0).sum::<usize>(), 100);
    assert!(sizes.len() >= 4, "{sizes:?}");
    assert!(
        sizes.iter().all(|s| s.1 <= BATCH_BYTES + (200 << 10)),
        "{sizes:?}"
    );
}

#[test]
fn a_stopped_sink_stops_the_reader() {
    let mut data = b"firstName\n".to_vec();
    for i in 0..100 {
        data.extend(format!("n{i}\n").bytes());
    }
    let mut seen = 0;
    let mut emit = |b: Batch| {
        seen += b.items.len();
        false
    };
    let mut sink = BatchSink::new(5, 1 << 20, &mut emit);
    read(
        0,
        Path::new("a.csv"),
        Box::new(Cursor::new(data)),
        &ReadOptions::default(),
        &mut sink,
    );
    assert!(sink.stopped);
    drop(sink);
    assert_eq!(seen, 5);
}

#[test]
fn wide_headers_and_long_lines_stay_linear() {
    let n = 100_000;
    let mut data = Vec::new();
    for i in 0..n {
        if i > 0 {
            data.push(b',');
        }
        if i % 2 == 0 {
            data.extend(format!("listAddress.{i}.country").bytes());
        } else {
            data.extend(format!("unknown{i}").bytes());
        }
    }
    data.push(b'\n');
    data.extend(std::iter::repeat_n(&b"LT,"[..], n - 1).flatten());
    data.extend(b"x\n");
    let start = std::time::Instant::now();
    // `--max-list-items` raised to the header's width: this test is about time.
    let wide = ReadOptions {
        max_list_items: n,
        ..ReadOptions::default()
    };
    let items = run_opts("wide.csv", &data, &wide, 3);
    let rows = cut_rows(&items);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].3.len(), n);
    assert_eq!(rows[0].3.unknown_columns().count(), n / 2);
    let node = parse(rows[0].2, rows[0].3);
    let Node::Map(fields) = &node else { panic!() };
    assert_eq!(fields.len(), 1 + n / 2);
    assert!(matches!(&fields[0].1, Node::List(items) if items.len() == n / 2));
    // One 20 MB line.
    let mut long = b"firstName,lastName\n".to_vec();
    long.extend(std::iter::repeat_n(b'a', 20 << 20));
    long.extend(b",b\n");
    let items = run("long.csv", &long);
    assert!(matches!(
        &items[..],
        [Item::Record(RawRecord {
            body: RawBody::Unreadable(_),
            ..
        })]
    ));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn gen_corpus_fixture_reads_completely() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv/gen_corpus_seed12.csv");
    let bytes = std::fs::read(&path).unwrap();
    let items = run("gen_corpus_seed12.csv", &bytes);
    let rows = cut_rows(&items);
    assert_eq!(rows.len(), 60);
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=60).collect::<Vec<_>>()
    );
    // Record 49 holds a quoted two-line cell: record 50 starts a line later.
    assert_eq!((rows[48].1, rows[49].1, rows[59].1), (50, 52, 62));
    let header = rows[0].3;
    let mut unknown: Vec<_> = header.unknown_columns().collect();
    unknown.sort();
    assert_eq!(unknown, ["leadSource", "riskScore"]);
    for (record, _, row, header) in &rows {
        let node = parse(row, header);
        let Node::Map(fields) = &node else { panic!() };
        let odd = fields
            .iter()
            .any(|(k, _)| k == "riskScore" || k == "leadSource");
        assert_eq!(odd, [29, 34, 44, 59].contains(record), "record {record}");
        let comm = node.get("communicationNumber").and_then(Node::as_text);
        assert_eq!(comm, Some(format!("ComNr_12_{record:08}").as_str()));
    }
    let note = parse(rows[48].2, rows[48].3);
    assert_eq!(
        note.get("activityDescription"),
        Some(&t("multi-line \"quoted\" note\nsecond line, with comma"))
    );
}
