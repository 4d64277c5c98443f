//! The parser: canonical names, lists, text and entities, security limits (no entity
//! expansion, no external resource, bounded depth) and located record faults.

use super::*;
use crate::catalog;

#[test]
fn full_individual_sample_parses_with_canonical_names() {
    let bytes = one_record(FULL);
    let n = parse(&bytes);
    let k = keys(&n);
    assert_eq!(
        &k[..4],
        [
            "communicationNumber",
            "requester",
            "riskManagementCategory",
            "sourceOfRiskLevel"
        ]
    );
    assert_eq!(text(&n, "communicationNumber"), "ComNr_4541");
    assert_eq!(text(&n, "isPEP"), "true");
    assert_eq!(text(&n, "amlOfficer"), "false");
    // InitializeScreeningProcesses: <Process> children.
    assert_eq!(
        at(&n, "initializeScreeningProcesses"),
        &Node::List(vec![
            Node::Text("SANCTIONS".into()),
            Node::Text("PEP".into()),
            Node::Text("ADVERSE_MEDIA".into())
        ])
    );
    // FieldOfActivity and its objects.
    assert_eq!(
        keys(at(&n, "fieldOfActivity")),
        ["student", "pension", "employment", "other"]
    );
    assert_eq!(
        text(&n, "fieldOfActivity.student.higherSchoolTitle"),
        "Vilnius Tech"
    );
    assert_eq!(text(&n, "fieldOfActivity.pension.pensionCountry"), "LT");
    assert_eq!(
        text(
            &n,
            "fieldOfActivity.employment.employmentPositionDescription"
        ),
        "Accountant"
    );
    assert_eq!(text(&n, "fieldOfActivity.other.otherStatusDescription"), "");
    // Lists, whatever the item element's name.
    assert_eq!(
        text(&n, "listContact.0.contactDetails"),
        "labalabalab@gmail.com"
    );
    assert_eq!(text(&n, "listAddress.0.zipCode"), "04127");
    assert_eq!(
        text(&n, "listBusinessEntityDocument.0.documentIssueDate"),
        "2020-09-20Z"
    );
    assert_eq!(
        text(&n, "listIntroductionSource.0.introductionSource"),
        "Internet"
    );
    assert_eq!(
        text(&n, "listAppealReason.0.appealReasonType"),
        "PURPOSE_GET_LOAN"
    );
    assert_eq!(len(&n, "listPaymentCountry"), 4);
    assert_eq!(text(&n, "listPaymentCountry.3.turnoverDirection"), "IN");
    assert_eq!(text(&n, "listDeclaredTurnover.0.from"), "1500");
    // SourceOfWealth: SourceOfWealthCode -> code, Value -> amount.
    assert_eq!(
        keys(at(&n, "listSourceOfWealth.0")),
        ["code", "amount", "comment"]
    );
    assert_eq!(text(&n, "listSourceOfWealth.0.code"), "6");
    assert_eq!(text(&n, "listSourceOfWealth.0.amount"), "1250");
    // AdditionalValues, `<Datatype >` included.
    assert_eq!(len(&n, "listAdditionalValues"), 6);
    assert_eq!(
        keys(at(&n, "listAdditionalValues.0")),
        ["code", "description", "datatype", "value"]
    );
    assert_eq!(text(&n, "listAdditionalValues.0.datatype"), "BOOLEAN");
    assert_eq!(
        text(&n, "listAdditionalValues.2.value"),
        "2022-12-11T12:10:11Z"
    );
    assert_eq!(text(&n, "listAdditionalValues.5.datatype"), "DECIMAL");
    // Nothing unknown, nothing twice.
    let mut sorted = k.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), k.len());
    assert!(k.iter().all(|k| catalog::LEAD.lookup(k).is_some()), "{k:?}");
    // Text without escapes is borrowed from the record.
    assert!(matches!(
        at(&n, "firstName"),
        Node::Text(Cow::Borrowed("Lafora"))
    ));
}

#[test]
fn mandatory_samples_parse() {
    let ind = one_record(IND);
    let n = parse(&ind);
    assert_eq!(text(&n, "communicationNumber"), "ComNr_45{{seq}}");
    assert_eq!(text(&n, "riskManagementCategory"), "LEAD_AMLYZE");
    assert_eq!(text(&n, "citizenshipCountry"), "JP");
    assert_eq!(keys(&n).len(), 11);
    let org = one_record(ORG);
    let n = parse(&org);
    assert_eq!(text(&n, "title"), "Lead_Uab'Roxy'");
    assert_eq!(text(&n, "entityType"), "ORGANIZATION");
    assert_eq!(text(&n, "legalForm"), "LTD");
}

#[test]
fn text_is_joined_across_cdata_and_comments_then_trimmed() {
    let cases = [
        ("<Title>  a  </Title>", "a"),
        ("<Title>a<!-- c --> b</Title>", "a b"),
        ("<Title>a <![CDATA[b]]></Title>", "a b"),
        ("<Title><![CDATA[a]]>  <![CDATA[b]]></Title>", "a  b"),
        ("<Title> <![CDATA[ a ]]> </Title>", "a"),
        ("<Title>x &amp; <![CDATA[&amp;]]> y</Title>", "x & &amp; y"),
        ("<Title>\n  line1\n  line2\n</Title>", "line1\n  line2"),
        ("<Title><?pi x?>v</Title>", "v"),
    ];
    for (element, want) in cases {
        let rec = format!("<AMLYZE_CUSTOMER>{element}</AMLYZE_CUSTOMER>");
        assert_eq!(text(&parse(rec.as_bytes()), "title"), want, "{element}");
    }
}

/// Elements find their field in any letter case and under an alias, and the tree's keys are
/// the canonical names; an unknown element keeps its own name.
#[test]
fn elements_in_any_letter_case_and_aliases_take_canonical_names() {
    let rec = b"<AMLYZE_CUSTOMER><FIRSTNAME>A</FIRSTNAME><lastname>B</lastname>\
        <GIIN>G</GIIN><ListSourceOfWealth><SourceOfWealth><SourceOfWealthCode>1</SourceOfWealthCode>\
        <Value>2</Value></SourceOfWealth></ListSourceOfWealth><FirstNames>C</FirstNames></AMLYZE_CUSTOMER>";
    let n = parse(rec);
    assert_eq!(
        keys(&n),
        [
            "firstName",
            "lastName",
            "giin",
            "listSourceOfWealth",
            "FirstNames"
        ]
    );
    assert_eq!(text(&n, "listSourceOfWealth.0.code"), "1");
    assert_eq!(text(&n, "listSourceOfWealth.0.amount"), "2");
}

#[test]
fn repeated_lists_merge_and_repeated_scalars_stay_twice() {
    let rec = b"<AMLYZE_CUSTOMER>\
        <ListSourceOfWealth><SourceOfWealth><SourceOfWealthCode>1</SourceOfWealthCode></SourceOfWealth></ListSourceOfWealth>\
        <FirstName>A</FirstName><FirstName>B</FirstName>\
        <ListSourceOfWealth><SourceOfWealth><Code>2</Code><Amount>5</Amount></SourceOfWealth></ListSourceOfWealth>\
        <InitializeScreeningProcesses><Process>PEP</Process></InitializeScreeningProcesses>\
        <InitializeScreeningProcesses><Process>SANCTIONS</Process></InitializeScreeningProcesses>\
        <ListAddress/><ListAddress><Address><Country>LT</Country></Address></ListAddress>\
        <FieldOfActivity><Student><IsStudent>true</IsStudent></Student></FieldOfActivity>\
        <FieldOfActivity/>\
        </AMLYZE_CUSTOMER>";
    let n = parse(rec);
    assert_eq!(
        keys(&n),
        [
            "listSourceOfWealth",
            "firstName",
            "firstName",
            "initializeScreeningProcesses",
            "listAddress",
            "fieldOfActivity",
            "fieldOfActivity"
        ]
    );
    assert_eq!(len(&n, "listSourceOfWealth"), 2);
    assert_eq!(text(&n, "listSourceOfWealth.0.code"), "1");
    assert_eq!(text(&n, "listSourceOfWealth.1.code"), "2");
    assert_eq!(text(&n, "listSourceOfWealth.1.amount"), "5");
    assert_eq!(len(&n, "initializeScreeningProcesses"), 2);
    assert_eq!(text(&n, "listAddress.0.country"), "LT");
    let Node::Map(fields) = &n else {
        unreachable!()
    };
    assert_eq!(fields[1].1, Node::Text("A".into()));
    assert_eq!(fields[2].1, Node::Text("B".into()));
    // An empty object element is absent.
    assert!(fields[6].1.is_absent());
}

#[test]
fn unknown_elements_keep_their_raw_names() {
    let rec = b"<AMLYZE_CUSTOMER><Nickname>Bob</Nickname><firstname>x</firstname>\
        <Extra><Inner>1</Inner><Inner><Deep>2</Deep></Inner></Extra>\
        <LastName><Given>no</Given></LastName>\
        <ListContact>junk<Contact><Colour>red</Colour></Contact></ListContact>\
        <ListAddress>not a list</ListAddress><EntityType>  </EntityType><Requester/></AMLYZE_CUSTOMER>";
    let n = parse(rec);
    assert_eq!(
        keys(&n),
        [
            "Nickname",
            "firstName",
            "Extra",
            "lastName",
            "listContact",
            "listAddress",
            "entityType",
            "requester"
        ]
    );
    assert_eq!(text(&n, "Nickname"), "Bob");
    assert_eq!(keys(at(&n, "Extra")), ["Inner", "Inner"]);
    assert_eq!(text(&n, "Extra.Inner"), "1");
    // A scalar field holding elements: a map, which the rules report as bad-type.
    assert_eq!(text(&n, "lastName.Given"), "no");
    assert_eq!(text(&n, "listContact.0.Colour"), "red");
    assert_eq!(at(&n, "listContact.1"), &Node::Text("junk".into()));
    assert_eq!(at(&n, "listAddress"), &Node::Text("not a list".into()));
    assert_eq!(at(&n, "entityType"), &Node::Text("".into()));
    assert_eq!(at(&n, "requester"), &Node::Text("".into()));
}

#[test]
fn entities_and_character_references() {
    let rec = b"<AMLYZE_CUSTOMER><Title>A &amp; B &lt;&gt;&quot;&apos; caf&#233; &#xE9;</Title>\
        <Requester> x <![CDATA[ &amp; ]]> </Requester></AMLYZE_CUSTOMER>";
    let n = parse(rec);
    assert_eq!(text(&n, "title"), "A & B <>\"' café é");
    assert_eq!(text(&n, "requester"), "x  &amp;");
    let f = fault(b"<AMLYZE_CUSTOMER>\n  <Title>ok</Title>\n  <FirstName>a &lol; b</FirstName>\n</AMLYZE_CUSTOMER>");
    assert!(f.message.contains("undefined entity &lol;"), "{f:?}");
    assert_eq!((f.line_offset, f.column), (2, 16));
    let f = fault(b"<AMLYZE_CUSTOMER><Title>a & b</Title></AMLYZE_CUSTOMER>");
    assert!(f.message.contains("&amp;"), "{f:?}");
    let f = fault(b"<AMLYZE_CUSTOMER><Title>&#0;</Title></AMLYZE_CUSTOMER>");
    assert!(f.message.contains("character reference"), "{f:?}");
}

#[test]
fn billion_laughs_is_never_expanded() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str(" <!-- a ] and a \" in a comment --> <?pi ] ?>\n]>\n<Leads>\n");
    doc.push_str("<AMLYZE_CUSTOMER><Title>&lol9;</Title></AMLYZE_CUSTOMER>\n");
    doc.push_str("<AMLYZE_CUSTOMER><Title>plain</Title></AMLYZE_CUSTOMER>\n</Leads>\n");
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), 2, "{got:?}");
    let f = fault(got[0].bytes());
    assert!(f.message.contains("undefined entity &lol9;"), "{f:?}");
    assert_eq!(text(&parse(got[1].bytes()), "title"), "plain");
}

#[test]
fn external_entities_are_never_read() {
    let doc = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
               <r><AMLYZE_CUSTOMER><Title>&xxe;</Title></AMLYZE_CUSTOMER></r>";
    let got = cut(doc.as_bytes());
    assert_eq!(got.len(), 1, "{got:?}");
    let f = fault(got[0].bytes());
    assert!(f.message.contains("undefined entity &xxe;"), "{f:?}");
    // A DOCTYPE with an external subset only is skipped just the same.
    let doc = "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><AMLYZE_CUSTOMER/>";
    assert!(matches!(&cut(doc.as_bytes())[..], [Got::Rec(..)]));
}

#[test]
fn deep_nesting_is_a_fault_not_a_stack_overflow() {
    let depth = 10_000;
    let rec = format!(
        "<AMLYZE_CUSTOMER>{}{}</AMLYZE_CUSTOMER>",
        "<X>".repeat(depth),
        "</X>".repeat(depth)
    );
    let f = fault(rec.as_bytes());
    assert!(f.message.contains("nesting deeper than 64 levels"), "{f:?}");
    // Through the reader, wrappers included: cut, then rejected by the parser.
    let doc = format!("{}{rec}{}", "<W>".repeat(depth), "</W>".repeat(depth));
    let got = cut(doc.as_bytes());
    assert_eq!(
        got.len(),
        1,
        "{:?}",
        got.iter().map(Got::loc).collect::<Vec<_>>()
    );
    assert!(fault(got[0].bytes()).message.contains("deeper"));
    // Within the limit is fine.
    let ok = format!(
        "<AMLYZE_CUSTOMER>{}{}</AMLYZE_CUSTOMER>",
        "<X>".repeat(63),
        "</X>".repeat(63)
    );
    parse(ok.as_bytes());
}

#[test]
fn invalid_utf8_is_a_record_fault_marked_for_a_hint() {
    let doc = b"<r>\n<AMLYZE_CUSTOMER>\n<Title>ok</Title>\n<FirstName>Ren\xe9</FirstName>\n</AMLYZE_CUSTOMER>\n<AMLYZE_CUSTOMER/></r>";
    let got = cut(doc);
    assert_eq!(got.len(), 2, "{got:?}");
    let f = fault(got[0].bytes());
    assert!(
        f.message
            .contains("invalid UTF-8 at byte offset 50 of the record (0xE9)"),
        "{f:?}"
    );
    assert!(f.not_utf8, "the worker adds the encoding hint: {f:?}");
    assert_eq!((f.line_offset, f.column), (2, 15));
}

#[test]
fn record_faults_locate_quick_xml_errors() {
    let f = fault(b"<AMLYZE_CUSTOMER>\n<Title>a</Tilte>\n</AMLYZE_CUSTOMER>");
    assert_eq!(f.line_offset, 1, "{f:?}");
    assert!(f.message.contains("Tilte"), "{f:?}");
    let f = fault(b"<AMLYZE_CUSTOMER><Title>a</Title>");
    assert!(f.message.contains("not closed"), "{f:?}");
}

#[test]
fn attribute_faults_and_nul_characters_are_located_record_faults() {
    // A repeated attribute, on the record element or inside it: at the second one.
    for (rec, line, column, name) in [
        ("<AMLYZE_CUSTOMER a='1' a='2'/>", 0, 24, "a"),
        (
            "<AMLYZE_CUSTOMER>\n<FirstName x=\"1\"  x='1'>J</FirstName></AMLYZE_CUSTOMER>",
            1,
            19,
            "x",
        ),
    ] {
        let f = fault(rec.as_bytes());
        assert_eq!(
            (f.line_offset, f.column, f.message.as_str()),
            (
                line,
                column,
                &*format!("attribute {name} appears twice in one element")
            ),
            "{rec}"
        );
        let full = crate::source::xml::parse_record_full(rec.as_bytes(), &ReadOptions::default());
        assert_eq!(full.unwrap_err().message, f.message);
    }
    for (rec, message) in [
        (
            "<AMLYZE_CUSTOMER a/>",
            "an attribute name must be followed by '='",
        ),
        (
            "<AMLYZE_CUSTOMER a=1/>",
            "an attribute value must be in quotes",
        ),
    ] {
        assert_eq!(fault(rec.as_bytes()).message, message, "{rec}");
    }
    // Different names, and the same local name under two prefixes, are fine.
    parse(
        b"<AMLYZE_CUSTOMER a='1' b='1' x:a='1'><FirstName c='\"'>J</FirstName></AMLYZE_CUSTOMER>",
    );
    // U+0000 anywhere: at the character, with the path of the value that holds it.
    let f = fault("<AMLYZE_CUSTOMER>\n<ListContact><Contact><ContactDetails>a\0b</ContactDetails></Contact></ListContact></AMLYZE_CUSTOMER>".as_bytes());
    assert_eq!((f.line_offset, f.column), (1, 40), "{f:?}");
    assert_eq!(f.path, "listContact[0].contactDetails");
    assert_eq!(f.message, crate::source::nul::MESSAGE);
    let f = fault(b"<AMLYZE_CUSTOMER a='\0'/>");
    assert_eq!((f.path.as_str(), f.column), ("", 21));
}
