//! `parse_record`'s faults: a wrong cell count, invalid UTF-8 located by column and line.

use super::*;

#[test]
fn wrong_cell_counts_are_faults() {
    let header = Header::from_names(["firstName", "lastName", "birthDate"]);
    for (cells, n) in [(&["a", "b"][..], 2), (&["a", "b", "c", "d"][..], 4)] {
        let row = record(cells);
        let fault = parse_record(&row, &header, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            fault.message,
            format!("row has {n} cells but the header has 3")
        );
        assert_eq!((fault.line_offset, fault.column), (0, 1));
    }
}

#[test]
fn invalid_utf8_names_the_column_and_the_byte() {
    let header = Header::from_names(["note", "firstName"]);
    let row = ByteRecord::from(vec![&b"two\nlines"[..], &b"Jos\xe9"[..]]);
    let fault = parse_record(&row, &header, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        fault.message,
        "invalid UTF-8 in column 'firstName' (byte 0xE9)"
    );
    assert!(fault.not_utf8, "the worker adds the encoding hint");
    assert_eq!((fault.line_offset, fault.column), (1, 2));
}
