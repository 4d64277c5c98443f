//! The header: column paths through the catalog (indices, brackets, case, aliases, unknown
//! and duplicate columns) and the record trees they lay rows out as.

use super::*;

#[test]
fn gen_corpus_style_header_builds_the_nested_record() {
    let header = Header::from_names([
        "communicationNumber",
        "initializeScreeningProcesses",
        "listAddress.0.country",
        "listAddress.0.city",
        "listAddress.1.country",
        "fieldOfActivity.employment.isEmployee",
        "fieldOfActivity.employment.employerTitle",
        "fieldOfActivity.student.isStudent",
        "listRelatedEntity.0.entityType",
        "listRelatedEntity.0.listContact.0.contactType",
        "listRelatedEntity.0.listContact.0.contactDetails",
        "listRelatedEntity.0.listAddress.0.country",
        "listRelatedEntity.1.firstName",
        "isPEP",
    ]);
    assert_eq!(header.len(), 14);
    assert_eq!(header.unknown_columns().count(), 0);
    assert_eq!(
        header.column_path(9),
        Some("listRelatedEntity[0].listContact[0].contactType")
    );
    let row = record(&[
        "C1",
        " SANCTIONS; pep;;",
        "LT",
        "Vilnius",
        "",
        "true",
        "",
        "",
        "INDIVIDUAL",
        "EMAIL",
        "a@b.lt",
        "",
        "Jonas",
        "  ",
    ]);
    let expected = m(vec![
        ("communicationNumber", t("C1")),
        (
            "initializeScreeningProcesses",
            l(vec![t("SANCTIONS"), t("pep")]),
        ),
        (
            "listAddress",
            l(vec![m(vec![("country", t("LT")), ("city", t("Vilnius"))])]),
        ),
        (
            "fieldOfActivity",
            m(vec![("employment", m(vec![("isEmployee", t("true"))]))]),
        ),
        (
            "listRelatedEntity",
            l(vec![
                m(vec![
                    ("entityType", t("INDIVIDUAL")),
                    (
                        "listContact",
                        l(vec![m(vec![
                            ("contactType", t("EMAIL")),
                            ("contactDetails", t("a@b.lt")),
                        ])]),
                    ),
                ]),
                m(vec![("firstName", t("Jonas"))]),
            ]),
        ),
        ("isPEP", t("  ")),
    ]);
    assert_eq!(parse(&row, &header), expected);
    // Leaves borrow from the row.
    let node = parse(&row, &header);
    assert!(matches!(
        node.get("communicationNumber"),
        Some(Node::Text(Cow::Borrowed(_)))
    ));
}

#[test]
fn lists_are_compact_and_ordered_by_index() {
    let header = Header::from_names([
        "listAddress.2.country",
        "firstName",
        "listAddress.0.country",
        "listAddress.1.city",
        "listAddress.10.country",
    ]);
    let row = record(&["LV", "Eglė", "LT", "", "EE"]);
    assert_eq!(
        parse(&row, &header),
        m(vec![
            (
                "listAddress",
                l(vec![
                    m(vec![("country", t("LT"))]),
                    m(vec![("country", t("LV"))]),
                    m(vec![("country", t("EE"))]),
                ])
            ),
            ("firstName", t("Eglė")),
        ])
    );
    let row = record(&["", "", "", "Kaunas", ""]);
    assert_eq!(
        parse(&row, &header),
        m(vec![(
            "listAddress",
            l(vec![m(vec![("city", t("Kaunas"))])])
        )])
    );
    let row = record(&["", "", "", "", ""]);
    assert_eq!(parse(&row, &header), Node::Map(Vec::new()));
}

#[test]
fn bracket_indices_are_accepted() {
    let header = Header::from_names([
        "listAddress[0].country",
        "listRelatedEntity[1].listContact[0].contactType",
        "listAddress.0.city",
    ]);
    assert_eq!(header.unknown_columns().count(), 0);
    assert_eq!(header.column_path(0), Some("listAddress[0].country"));
    let row = record(&["LT", "EMAIL", "Vilnius"]);
    assert_eq!(
        parse(&row, &header),
        m(vec![
            (
                "listAddress",
                l(vec![m(vec![("country", t("LT")), ("city", t("Vilnius"))])])
            ),
            (
                "listRelatedEntity",
                l(vec![m(vec![(
                    "listContact",
                    l(vec![m(vec![("contactType", t("EMAIL"))])])
                )])])
            ),
        ])
    );
}

#[test]
fn header_names_match_case_insensitively_and_aliases_become_canonical() {
    let header = Header::from_names([
        " FirstName ",
        "LISTADDRESS.0.COUNTRY",
        "GIIN",
        "listSourceOfWealth.0.SourceOfWealthCode",
        "FieldOfActivity.Employment.IsEmployee",
    ]);
    assert_eq!(header.unknown_columns().count(), 0);
    assert_eq!(
        header.column_names().collect::<Vec<_>>(),
        [
            "FirstName",
            "LISTADDRESS.0.COUNTRY",
            "GIIN",
            "listSourceOfWealth.0.SourceOfWealthCode",
            "FieldOfActivity.Employment.IsEmployee"
        ]
    );
    let row = record(&["Jonas", "lt", "G1", "SALARY", "TRUE"]);
    assert_eq!(
        parse(&row, &header),
        m(vec![
            ("firstName", t("Jonas")),
            ("listAddress", l(vec![m(vec![("country", t("lt"))])])),
            ("giin", t("G1")),
            (
                "listSourceOfWealth",
                l(vec![m(vec![("code", t("SALARY"))])])
            ),
            (
                "fieldOfActivity",
                m(vec![("employment", m(vec![("isEmployee", t("TRUE"))]))])
            ),
        ])
    );
}

#[test]
fn unknown_columns_keep_their_raw_names_at_the_right_place() {
    let header = Header::from_names([
        "middleName",
        "listAddress.0.foo",
        "listAddress",
        "listAddress.x.country",
        "listAddress.0",
        "firstName.0",
        "fieldOfActivity",
        "fieldOfActivity.employment.bar",
        "listAddress.0.country.extra",
        "initializeScreeningProcesses.0",
        "a[b].c",
        "",
    ]);
    assert_eq!(header.unknown_columns().count(), 12);
    assert_eq!(header.column_path(1), Some("listAddress[0].foo"));
    assert_eq!(
        header.column_path(7),
        Some("fieldOfActivity.employment.bar")
    );
    assert_eq!(header.column_path(8), Some("listAddress[0].country.extra"));
    let row = record(&["M", "f", "L", "X", "I", "F", "O", "B", "E", "S", "Z", "N"]);
    assert_eq!(
        parse(&row, &header),
        m(vec![
            ("middleName", t("M")),
            (
                "listAddress",
                l(vec![m(vec![("foo", t("f")), ("country.extra", t("E"))])])
            ),
            ("listAddress", t("L")),
            ("listAddress.x.country", t("X")),
            ("listAddress.0", t("I")),
            ("firstName.0", t("F")),
            ("fieldOfActivity", t("O")),
            (
                "fieldOfActivity",
                m(vec![("employment", m(vec![("bar", t("B"))]))])
            ),
            ("initializeScreeningProcesses.0", t("S")),
            ("a[b].c", t("Z")),
            ("", t("N")),
        ])
    );
    // Without values, unknown columns add nothing.
    let row = record(&[""; 12]);
    assert_eq!(parse(&row, &header), Node::Map(Vec::new()));
}

#[test]
fn duplicate_columns_give_repeated_keys() {
    let header = Header::from_names([
        "firstName",
        "listAddress.0.country",
        "FirstName",
        "listAddress[0].COUNTRY",
        "lei",
        "LEI",
    ]);
    let row = record(&["A", "LT", "B", "LV", "", "L1"]);
    assert_eq!(
        parse(&row, &header),
        m(vec![
            ("firstName", t("A")),
            (
                "listAddress",
                l(vec![m(vec![("country", t("LT")), ("country", t("LV"))])])
            ),
            ("firstName", t("B")),
            ("lei", t("L1")),
        ])
    );
}
