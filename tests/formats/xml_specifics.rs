//! The XML rules of spec §6: prefixed elements, CDATA and references, merged lists, repeated
//! and unknown elements, empty elements, encodings, parse errors located in the file. Also
//! the rules that must come out alike in every format: a field twice is `duplicate-field`,
//! and `--decimal-comma` applies to CSV only.

use super::csv_specifics::{CSV_HEADER, csv_row};
use super::{Finding, assert_counts, findings, minimal_line, run_files, show_findings, with_tail};
use crate::eqnice;
use crate::util::Workdir;

// ------------------------------------------------------------------------------------------
// 3b. XML specifics.
// ------------------------------------------------------------------------------------------

/// A minimal individual lead record (the same as `minimal_line`), with `extra` elements
/// appended inside the record.
pub(super) fn xml_record(comm: &str, ext: &str, first: &str, extra: &str) -> String {
    format!(
        r#"<AMLYZE_CUSTOMER xmlns="urn:amlyze-services:EvaluateCustomerService_v2r0">
  <CommunicationNumber>{comm}</CommunicationNumber>
  <Requester>core-banking</Requester>
  <RiskManagementCategory>LEAD_IND</RiskManagementCategory>
  <SourceOfRiskLevel>EVALUATE</SourceOfRiskLevel>
  <CustomerExtId>{ext}</CustomerExtId>
  <EntityType>INDIVIDUAL</EntityType>
  <ApplicationDate>2024-03-01</ApplicationDate>
  <FirstName>{first}</FirstName>
  <LastName>Šimkus</LastName>
  <BirthDate>1990-07-15</BirthDate>
  <CitizenshipCountry>LT</CitizenshipCountry>
  {extra}
</AMLYZE_CUSTOMER>"#
    )
}

fn xml_leads(records: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Leads>\n{}\n</Leads>\n",
        records.join("\n")
    )
}

#[test]
fn xml_prefixed_elements_are_read_namespaces_ignored() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:am="urn:amlyze-services:EvaluateCustomerService_v2r0">
  <soapenv:Header/>
  <soapenv:Body>
    <am:AMLYZE_CUSTOMER>
      <am:CommunicationNumber>C1</am:CommunicationNumber>
      <am:Requester>core-banking</am:Requester>
      <am:RiskManagementCategory>LEAD_IND</am:RiskManagementCategory>
      <am:SourceOfRiskLevel>EVALUATE</am:SourceOfRiskLevel>
      <am:InitializeScreeningProcesses><am:Process>PEP</am:Process></am:InitializeScreeningProcesses>
      <am:CustomerExtId>E1</am:CustomerExtId>
      <am:EntityType>INDIVIDUAL</am:EntityType>
      <am:ApplicationDate>2024-03-01</am:ApplicationDate>
      <am:FirstName>Eglė</am:FirstName>
      <am:LastName>Šimkus</am:LastName>
      <am:BirthDate>1990-07-15</am:BirthDate>
      <am:CitizenshipCountry>LT</am:CitizenshipCountry>
      <am:ListAddress><am:Address><am:Country>LT</am:Country><am:AddressDetails>Gedimino pr. 9</am:AddressDetails><am:City>Vilnius</am:City></am:Address></am:ListAddress>
    </am:AMLYZE_CUSTOMER>
  </soapenv:Body>
</soapenv:Envelope>
"#;
    let (_wd, run) = run_files(&[("prefixed.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        concat!(
            r#"{"communicationNumber":"C1","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","#,
            r#""initializeScreeningProcesses":["PEP"],"#,
            r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","#,
            r#""firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","#,
            r#""listAddress":[{"country":"LT","addressDetails":"Gedimino pr. 9","city":"Vilnius"}]}"#,
            "\n"
        ),
        run.read("accepted.ndjson")
    );
}

#[test]
fn xml_cdata_and_references_are_text() {
    let extra = concat!(
        "<ActivityDescription>a &amp; <![CDATA[<b> & \"c\"]]> &#233;&#x20AC; &lt;d&gt;</ActivityDescription>\n",
        "  <IncomeSourceDescription><![CDATA[Smith & <Sons>]]></IncomeSourceDescription>"
    );
    let xml = xml_leads(&[xml_record("C1", "E1", "Jos&#xE9;", extra)]);
    let (_wd, run) = run_files(&[("cdata.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        with_tail(
            &minimal_line("C1", "E1", "José"),
            r#","activityDescription":"a & <b> & \"c\" é€ <d>","incomeSourceDescription":"Smith & <Sons>""#,
        ),
        run.read("accepted.ndjson")
    );
}

#[test]
fn xml_repeated_source_of_wealth_lists_are_merged() {
    let extra = r#"<ListSourceOfWealth>
    <SourceOfWealth><SourceOfWealthCode>6</SourceOfWealthCode><Value>1250</Value></SourceOfWealth>
  </ListSourceOfWealth>
  <ListAddress><Address><Country>LT</Country><AddressDetails>Gedimino pr. 9</AddressDetails></Address></ListAddress>
  <ListSourceOfWealth>
    <SourceOfWealth><Code>9</Code><Amount>10.50</Amount><Comment>Savings</Comment></SourceOfWealth>
    <SourceOfWealth><SourceOfWealthCode>7</SourceOfWealthCode></SourceOfWealth>
  </ListSourceOfWealth>"#;
    let xml = xml_leads(&[xml_record("C1", "E1", "Eglė", extra)]);
    let (_wd, run) = run_files(&[("sow.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        with_tail(
            &minimal_line("C1", "E1", "Eglė"),
            concat!(
                r#","listAddress":[{"country":"LT","addressDetails":"Gedimino pr. 9"}],"#,
                r#""listSourceOfWealth":[{"code":"6","amount":1250},"#,
                r#"{"code":"9","amount":10.5,"comment":"Savings"},{"code":"7"}]"#
            ),
        ),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
}

#[test]
fn xml_repeated_element_is_duplicate_field() {
    let records = [
        // A scalar field twice.
        xml_record("C1", "E1", "Eglė", "<FirstName>Rūta</FirstName>"),
        // A field twice inside a list item.
        xml_record(
            "C2",
            "E2",
            "Eglė",
            "<ListAddress><Address><Country>LT</Country><AddressDetails>Gedimino pr. 9</AddressDetails><City>Vilnius</City><City>Kaunas</City></Address></ListAddress>",
        ),
        // An object field twice.
        xml_record(
            "C3",
            "E3",
            "Eglė",
            "<FieldOfActivity><Student><IsStudent>true</IsStudent></Student></FieldOfActivity>\n  <FieldOfActivity><Other><IsOtherStatus>true</IsOtherStatus></Other></FieldOfActivity>",
        ),
    ];
    let xml = xml_leads(&records);
    let (_wd, run) = run_files(&[("dup.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(1);
    assert_counts(&run, 3, 0, 3, "dup.xml");
    let f = |r: &str, p: &str| -> Finding {
        (r.into(), "duplicate-field".into(), p.into(), "error".into())
    };
    eqnice!(
        show_findings(&[
            f("1", "firstName"),
            f("2", "listAddress[0].city"),
            f("3", "fieldOfActivity"),
        ]),
        show_findings(&findings(&run))
    );
}

#[test]
fn xml_unknown_element_is_unknown_field_at_its_path() {
    let records = [
        xml_record("C1", "E1", "Eglė", "<MiddleName>Antanas</MiddleName>"),
        xml_record(
            "C2",
            "E2",
            "Eglė",
            "<ListAddress><Address><Country>LT</Country><AddressDetails>Gedimino pr. 9</AddressDetails></Address><Address><Country>LV</Country><AddressDetails>Brīvības iela 5</AddressDetails><Floor>3</Floor></Address></ListAddress>",
        ),
        xml_record(
            "C3",
            "E3",
            "Eglė",
            "<ListRelatedEntity><RelatedEntity><EntityType>INDIVIDUAL</EntityType><RelationType>SPOUSE</RelationType><FirstName>Jonas</FirstName><LastName>Jonaitis</LastName><ListContact><Contact><ContactType>EMAIL</ContactType><ContactDetails>j@example.com</ContactDetails><Priority>1</Priority></Contact></ListContact></RelatedEntity></ListRelatedEntity>",
        ),
    ];
    let xml = xml_leads(&records);
    let (_wd, run) = run_files(&[("unknown.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(1);
    assert_counts(&run, 3, 0, 3, "unknown.xml");
    let f = |r: &str, p: &str| -> Finding {
        (r.into(), "unknown-field".into(), p.into(), "error".into())
    };
    // The unknown element's name as written (see the module docs).
    eqnice!(
        show_findings(&[
            f("1", "MiddleName"),
            f("2", "listAddress[1].Floor"),
            f("3", "listRelatedEntity[0].listContact[0].Priority"),
        ]),
        show_findings(&findings(&run))
    );
}

/// An empty element counts as absent (spec §6); an empty mandatory element is missing.
#[test]
fn xml_empty_elements_are_absent() {
    let records = [
        xml_record(
            "C1",
            "E1",
            "Eglė",
            "<NationalCode></NationalCode><IsPEP/><ListContact></ListContact>",
        ),
        xml_record("C2", "E2", "", ""),
    ];
    let xml = xml_leads(&records);
    let (_wd, run) = run_files(&[("empty.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(1);
    eqnice!(
        format!("{}\n", minimal_line("C1", "E1", "Eglė")),
        run.read("accepted.ndjson")
    );
    // firstName is mandatory for an individual and the vendor documents no code for it.
    eqnice!(
        show_findings(&[(
            "2".into(),
            "missing-field".into(),
            "firstName".into(),
            "error".into()
        )]),
        show_findings(&findings(&run))
    );
}

/// Spec §6: any list element that appears twice adds its items to the same list, not only
/// ListSourceOfWealth.
#[test]
fn xml_any_repeated_list_element_is_merged() {
    let extra = concat!(
        "<ListAddress><Address><Country>LT</Country><AddressDetails>Vilnius</AddressDetails></Address></ListAddress>\n",
        "  <InitializeScreeningProcesses><Process>PEP</Process></InitializeScreeningProcesses>\n",
        "  <ListAddress><Address><Country>LV</Country><AddressDetails>Rīga</AddressDetails></Address></ListAddress>\n",
        "  <InitializeScreeningProcesses><Process>sanctions</Process></InitializeScreeningProcesses>",
    );
    let xml = xml_leads(&[xml_record("C1", "E1", "Eglė", extra)]);
    let (_wd, run) = run_files(&[("lists.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        concat!(
            r#"{"communicationNumber":"C1","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","#,
            r#""initializeScreeningProcesses":["PEP","SANCTIONS"],"#,
            r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","#,
            r#""firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","#,
            r#""listAddress":[{"country":"LT","addressDetails":"Vilnius"},{"country":"LV","addressDetails":"Rīga"}]}"#,
            "\n"
        ),
        run.read("accepted.ndjson")
    );
}

/// `--encoding` applies to XML files without a declaration; a declaration decides otherwise
/// (README, `--encoding`); without either, non-UTF-8 bytes are a parse-error that names
/// the option.
#[test]
fn xml_encodings() {
    // The record in ISO-8859-1 (every character below U+0100: é = 0xE9, è = 0xE8).
    let latin1 = |s: &str| -> Vec<u8> {
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
            .collect()
    };
    let record = xml_record("C1", "E1", "José", "").replace("Šimkus", "Lefèvre");
    let undeclared = latin1(&format!("<Leads>\n{record}\n</Leads>\n"));
    let mut declared = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n".to_vec();
    declared.extend_from_slice(&undeclared);
    let want = format!(
        "{}\n",
        minimal_line("C1", "E1", "José").replace("Šimkus", "Lefèvre")
    );

    let (_wd, run) = run_files(&[("l.xml", &undeclared)], &["--encoding", "windows-1252"]);
    run.assert_exit_code(0);
    eqnice!(want, run.read("accepted.ndjson"), "--encoding windows-1252");

    let (_wd, run) = run_files(&[("l.xml", &declared)], &[]);
    run.assert_exit_code(0);
    eqnice!(want, run.read("accepted.ndjson"), "declared ISO-8859-1");

    let (_wd, run) = run_files(&[("l.xml", &undeclared)], &[]);
    run.assert_exit_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "parse-error");
    assert!(
        errors[0].message.contains("--encoding windows-1252"),
        "{}",
        errors[0].message
    );
    assert_counts(&run, 1, 0, 1, "undeclared latin-1 xml");
}

/// Spec §5–§6: the same field twice in one record is `duplicate-field` whatever the format:
/// a repeated JSON key, a repeated XML element, two CSV columns naming the same field
/// (headers are case-insensitive).
#[test]
fn duplicate_field_is_reported_alike_in_every_format() {
    let json_lead = r#"{"communicationNumber":"C1","requester":"core-banking","riskManagementCategory":"LEAD_IND","sourceOfRiskLevel":"EVALUATE","customerExtId":"E1","entityType":"INDIVIDUAL","applicationDate":"2024-03-01","firstName":"Eglė","lastName":"Šimkus","birthDate":"1990-07-15","citizenshipCountry":"LT","firstName":"Rūta"}"#;
    let files: [(&str, Vec<u8>); 4] = [
        ("d.json", format!("[{json_lead}]").into_bytes()),
        ("d.ndjson", format!("{json_lead}\n").into_bytes()),
        (
            "d.xml",
            xml_leads(&[xml_record(
                "C1",
                "E1",
                "Eglė",
                "<FirstName>Rūta</FirstName>",
            )])
            .into_bytes(),
        ),
        (
            "d.csv",
            format!(
                "{CSV_HEADER},FirstName\n{},Rūta\n",
                csv_row("C1", "E1", "Eglė")
            )
            .into_bytes(),
        ),
    ];
    for (name, bytes) in &files {
        let (_wd, run) = run_files(&[(name, bytes)], &[]);
        run.assert_exit_code(1);
        assert_counts(&run, 1, 0, 1, name);
        eqnice!(
            show_findings(&[(
                "1".into(),
                "duplicate-field".into(),
                "firstName".into(),
                "error".into()
            )]),
            show_findings(&findings(&run)),
            "{name}"
        );
    }
}

/// `--decimal-comma` is documented for CSV only (README options table: "CSV decimals
/// written with a comma"; `--help`: "CSV decimals use a comma"). Everywhere else spec §2
/// holds: a Decimal is a JSON number or a numeric string (`10000`, `10000.50`), so an XML
/// `10000,50` is `bad-type` with or without the option, as it already is for JSON text.
/// Applying the option to XML silently reads a vendor SOAP value such as `1,000` as 1.0
/// in a run that needs the option for its CSV files.
#[test]
fn decimal_comma_applies_to_csv_only() {
    let xml = xml_leads(&[xml_record(
        "C1",
        "E1",
        "Eglė",
        "<InitialDepositAmount>10000,50</InitialDepositAmount>",
    )]);
    let json = r#"{"communicationNumber":"C1","requester":"core-banking","riskManagementCategory":"LEAD_IND","sourceOfRiskLevel":"EVALUATE","customerExtId":"E1","entityType":"INDIVIDUAL","applicationDate":"2024-03-01","firstName":"Eglė","lastName":"Šimkus","birthDate":"1990-07-15","citizenshipCountry":"LT","initialDepositAmount":"10000,50"}"#;
    for (name, bytes) in [
        ("d.xml", xml.into_bytes()),
        ("d.json", json.as_bytes().to_vec()),
    ] {
        let (_wd, run) = run_files(&[(name, &bytes)], &["--decimal-comma"]);
        assert_eq!(
            findings(&run),
            vec![(
                "1".into(),
                "bad-type".into(),
                "initialDepositAmount".into(),
                "error".into()
            )],
            "{name} with --decimal-comma: accepted.ndjson = {}",
            run.read("accepted.ndjson")
        );
        run.assert_exit_code(1);
    }
}

#[test]
fn xml_parse_errors_give_the_files_line_and_column() {
    let wd = Workdir::new();
    wd.create(
        "indented.xml",
        "<Leads>\n  <AMLYZE_CUSTOMER><CommunicationNumber>a&bogus;</CommunicationNumber></AMLYZE_CUSTOMER>\n</Leads>\n",
    );
    let run = wd.process();
    run.assert_exit_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1);
    // `&` of `&bogus;` is on line 2, column 42 of the file (the element is indented by 2).
    assert!(
        errors[0]
            .message
            .starts_with("line 2, column 42: undefined entity &bogus;"),
        "{}",
        errors[0].message
    );
}

/// A broken element structure inside one record (a misspelt end tag, an unclosed element)
/// rejects that record with a located `parse-error`; the records after it are read.
#[test]
fn xml_a_broken_record_rejects_only_itself() {
    let wd = Workdir::new();
    let good = |n: &str| xml_record(&format!("ComNr_{n}"), &format!("Lead_{n}"), "Jonas", "");
    let misspelt = xml_record("ComNr_2", "Lead_2", "Ona</Firstname><X>", "");
    let unclosed = xml_record("ComNr_4", "Lead_4", "Rūta", "<ListAddress><Address>");
    wd.create(
        "leads.xml",
        xml_leads(&[good("1"), misspelt, good("3"), unclosed, good("5")]),
    );
    let run = wd.process();
    run.assert_exit_code(1);
    assert_counts(&run, 5, 3, 2, "two broken records among five");
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "{errors:?}");
    // Each record takes 14 lines after the two of the prologue.
    let at = |e: &crate::util::ErrorRow| (e.record.clone(), e.line.clone(), e.code.clone());
    assert_eq!(
        at(&errors[0]),
        ("2".into(), "17".into(), "parse-error".into())
    );
    assert!(
        errors[0].message.starts_with("line 25, column 17: ")
            && errors[0].message.contains("</Firstname>"),
        "{}",
        errors[0].message
    );
    assert_eq!(
        at(&errors[1]),
        ("4".into(), "45".into(), "parse-error".into())
    );
    assert!(
        errors[1].message.contains("</AMLYZE_CUSTOMER>"),
        "{}",
        errors[1].message
    );
    let ids: Vec<String> = run
        .accepted()
        .iter()
        .map(|l| l["customerExtId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["Lead_1", "Lead_3", "Lead_5"]);
}
