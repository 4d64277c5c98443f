//! Well-formedness in every format: a NUL character (U+0000) in a value is a `parse-error`
//! located by line, column and the value's path, whether the format let it through (JSON's
//! `\u0000`, a CSV cell) or not (a raw NUL in JSON or XML text); a repeated XML attribute is
//! a `parse-error` like the other well-formedness faults, on the record element or inside it.
//! The records around each are accepted.

use serde_json::{Value, json};

use super::{assert_invariant, file};
use crate::util::Workdir;

fn lead(id: &str) -> Value {
    json!({
        "communicationNumber": format!("ComNr_{id}"), "requester": "bank",
        "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": format!("Lead_{id}"), "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": "Jonas", "lastName": "Jonaitis",
        "birthDate": "1980-01-01", "citizenshipCountry": "LT"
    })
}

fn xml_lead(id: &str, first: &str, attrs: &str) -> String {
    format!(
        "<AMLYZE_CUSTOMER{attrs}><CommunicationNumber>ComNr_{id}</CommunicationNumber>\
         <Requester>bank</Requester><RiskManagementCategory>LEAD_IND</RiskManagementCategory>\
         <SourceOfRiskLevel>EVALUATE</SourceOfRiskLevel><CustomerExtId>Lead_{id}</CustomerExtId>\
         <EntityType>INDIVIDUAL</EntityType><ApplicationDate>2024-03-01</ApplicationDate>\
         {first}<LastName>Jonaitis</LastName><BirthDate>1980-01-01</BirthDate>\
         <CitizenshipCountry>LT</CitizenshipCountry></AMLYZE_CUSTOMER>\n"
    )
}

const NUL: &str = "a NUL character (U+0000) in a value; no format allows one";

/// "line L, column C" of the first `needle` on line `line` of `text` (columns in characters).
fn at(text: &str, line: usize, needle: &str) -> String {
    let l = text.lines().nth(line - 1).unwrap();
    let i = l
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on line {line}: {l}"));
    format!("line {line}, column {}", l[..i].chars().count() + 1)
}

#[test]
fn nul_in_a_value_and_repeated_xml_attributes_are_parse_errors_in_every_format() {
    let wd = Workdir::new();
    let mut escaped = lead("N2");
    escaped["listContact"] = json!([{"contactType": "EMAIL", "contactDetails": "a\u{0}b"}]);
    let raw = lead("N3").to_string().replace("Jonaitis", "Jona\0itis");
    let ndjson = format!("{}\n{escaped}\n{raw}\n", lead("N1"));
    wd.create("leads.ndjson", &ndjson);
    let json = format!(
        "[{},\n{}]",
        lead("J1"),
        lead("J2")
            .to_string()
            .replace("\"Jonas\"", "\"Jo\\u0000nas\"")
    );
    wd.create("leads.json", &json);
    let xml = [
        "<Leads>\n".to_string(),
        xml_lead("X1", "<FirstName>Jonas</FirstName>", ""),
        xml_lead("X2", "<FirstName>Jo\0nas</FirstName>", ""),
        xml_lead("X3", "<FirstName>Jo&#0;nas</FirstName>", ""),
        xml_lead("X4", "<FirstName a=\"1\" a=\"2\">Jonas</FirstName>", ""),
        xml_lead(
            "X5",
            "<FirstName>Jonas</FirstName>",
            " xmlns=\"urn:x\" b='1' b='1'",
        ),
        xml_lead(
            "X6",
            "<FirstName x='1'>Jonas</FirstName>",
            " xmlns=\"urn:x\"",
        ),
        "</Leads>\n".to_string(),
    ]
    .concat();
    wd.create("leads.xml", &xml);
    wd.create(
        "leads.csv",
        "communicationNumber,requester,riskManagementCategory,sourceOfRiskLevel,customerExtId,\
         entityType,applicationDate,firstName,lastName,birthDate,citizenshipCountry\n\
         ComNr_C1,bank,LEAD_IND,EVALUATE,Lead_C1,INDIVIDUAL,2024-03-01,Jonas,Jonaitis,1980-01-01,LT\n\
         ComNr_C2,bank,LEAD_IND,EVALUATE,Lead_C2,INDIVIDUAL,2024-03-01,Jo\0nas,Jonaitis,1980-01-01,LT\n\
         ComNr_C3,bank,LEAD_IND,EVALUATE,Lead_C3,INDIVIDUAL,2024-03-01,Jonas,\"Jona\nit\0is\",1980-01-01,LT\n",
    );
    let run = wd.process();
    run.assert_exit_code(1);
    let s = assert_invariant(&run);
    let rows: Vec<[String; 5]> = run
        .errors()
        .into_iter()
        .map(|e| [e.source, e.record, e.code, e.path, e.message])
        .collect();
    let row = |src: &str, rec: &str, path: &str, msg: String| {
        [src, rec, "parse-error", path, &msg].map(String::from)
    };
    let expected = vec![
        // CSV: the line the cell starts on, and the cell's number.
        row(
            "leads.csv",
            "2",
            "firstName",
            format!("line 3, column 8: {NUL}"),
        ),
        row(
            "leads.csv",
            "3",
            "lastName",
            format!("line 4, column 9: {NUL}"),
        ),
        row(
            "leads.json",
            "2",
            "firstName",
            format!("{}: {NUL}", at(&json, 2, "\\u0000")),
        ),
        row(
            "leads.ndjson",
            "2",
            "listContact[0].contactDetails",
            format!("{}: {NUL}", at(&ndjson, 2, "\\u0000")),
        ),
        row(
            "leads.ndjson",
            "3",
            "lastName",
            format!("{}: {NUL}", at(&ndjson, 3, "\0")),
        ),
        row(
            "leads.xml",
            "2",
            "firstName",
            format!("{}: {NUL}", at(&xml, 3, "\0")),
        ),
        row(
            "leads.xml",
            "3",
            "",
            format!(
                "{}: invalid character reference: 0x0 character is not permitted in XML",
                at(&xml, 4, "&#0;")
            ),
        ),
        row(
            "leads.xml",
            "4",
            "",
            format!(
                "{}: attribute a appears twice in one element",
                at(&xml, 5, "a=\"2\"")
            ),
        ),
        row(
            "leads.xml",
            "5",
            "",
            format!(
                "{}: attribute b appears twice in one element",
                at(&xml, 6, "b='1'>")
            ),
        ),
    ];
    assert_eq!(rows, expected);
    for (source, accepted) in [
        ("leads.ndjson", 1),
        ("leads.json", 1),
        ("leads.xml", 2),
        ("leads.csv", 1),
    ] {
        assert_eq!(file(&s, source)["accepted"], accepted, "{source}");
    }
}
