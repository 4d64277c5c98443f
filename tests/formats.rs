//! One result across formats (spec §6): the same leads written as a JSON array, NDJSON, XML
//! and CSV give byte-identical canonical payloads and the same findings; the vendor's XML
//! samples are accepted with the payloads spec §2–§4 say; and the format-specific rules of
//! spec §6 (CSV headers, delimiters, byte-order mark, encodings, decimal comma, boolean
//! words; XML prefixes, CDATA, list merging, repeated and unknown elements) hold.
//!
//! Expectations are written from the spec, never read back from the binary.
//!
//! One difference between formats is expected and asserted explicitly: the path of an
//! `unknown-field` finding names the unknown field *as written in the input*. An unknown
//! element has no catalog name that the PascalCase rule of spec §6 could map it to, so an
//! XML `<MiddleName>` is reported as `MiddleName` where the JSON key `middleName` is
//! reported as `middleName` (the same way a CSV header is echoed as written).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::eqnice;
use crate::util::{Run, Workdir};

/// The four formats of spec §6, by file extension.
const FORMATS: [&str; 4] = ["json", "ndjson", "xml", "csv"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn xml_sample(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples/xml")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs `leadbatch process` on the given files (each written under `in/`), with `args`
/// before the input directory. The Workdir is returned so that the outputs outlive the call.
fn run_files(files: &[(&str, &[u8])], args: &[&str]) -> (Workdir, Run) {
    let wd = Workdir::new();
    for (name, bytes) in files {
        wd.create(name, bytes);
    }
    let run = wd
        .command("process")
        .args(args)
        .arg(wd.input())
        .out(wd.out())
        .run();
    (wd, run)
}

/// One finding of errors.csv: (record ordinal, code, path, severity), in file order.
type Finding = (String, String, String, String);

fn findings(run: &Run) -> Vec<Finding> {
    run.errors()
        .into_iter()
        .map(|r| (r.record, r.code, r.path, r.severity))
        .collect()
}

fn show_findings(f: &[Finding]) -> String {
    let mut s = String::new();
    for (rec, code, path, sev) in f {
        s.push_str(&format!("{rec} | {code} | {path} | {sev}\n"));
    }
    s
}

/// The path of an unknown field as an XML file spells it: the last segment is the element
/// name, the JSON name in PascalCase (see the module docs).
fn as_xml_unknown_path(json_path: &str) -> String {
    let (head, last) = match json_path.rfind('.') {
        Some(i) => (&json_path[..=i], &json_path[i + 1..]),
        None => ("", json_path),
    };
    let mut chars = last.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{head}{}{}",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

/// What the findings of a JSON run become for the same records read from XML.
fn expected_for_xml(json_findings: &[Finding]) -> Vec<Finding> {
    json_findings
        .iter()
        .map(|(rec, code, path, sev)| {
            let path = if code == "unknown-field" {
                as_xml_unknown_path(path)
            } else {
                path.clone()
            };
            (rec.clone(), code.clone(), path, sev.clone())
        })
        .collect()
}

fn assert_counts(run: &Run, records: u64, accepted: u64, rejected: u64, what: &str) {
    let s = run.summary();
    assert_eq!(s["records"], records, "{what}: records\n{s:#}");
    assert_eq!(s["accepted"], accepted, "{what}: accepted\n{s:#}");
    assert_eq!(s["rejected"], rejected, "{what}: rejected\n{s:#}");
    assert_eq!(run.accepted_lines().len() as u64, accepted, "{what}");
    assert_eq!(run.rejected().len() as u64, rejected, "{what}");
}

// ------------------------------------------------------------------------------------------
// 1a. The generator's corpus in all four formats.
// ------------------------------------------------------------------------------------------

/// Writes gen_corpus.py's 400 leads (seed 13) in `format` into a fresh Workdir's input.
fn gen_corpus(format: &str) -> Workdir {
    let wd = Workdir::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/gen_corpus.py");
    // Written outside in/ (its .expected.tsv must not be read as input), then moved in.
    let tmp = wd.path().join(format!("corpus.{format}"));
    let status = Command::new("python3")
        .arg(script)
        .args(["--count", "400", "--seed", "13", "--format", format])
        .arg("--out")
        .arg(&tmp)
        .status()
        .expect("python3 must be available to run gen_corpus.py");
    assert!(
        status.success(),
        "gen_corpus.py --format {format}: {status}"
    );
    std::fs::rename(&tmp, wd.input().join(format!("corpus.{format}"))).unwrap();
    wd
}

/// The ordinals the generator made invalid (its `.expected.tsv`), less those whose only
/// fault is a lower-case country (`lt`): spec §2 makes country codes case-insensitive, so
/// that "fault" is a valid lead.
fn invalid_ordinals(wd: &Workdir, format: &str) -> Vec<u64> {
    let tsv = std::fs::read_to_string(wd.path().join(format!("corpus.{format}.expected.tsv")))
        .expect("the generator's expectations");
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "{l:?}");
            (cols[1] == "invalid" && !cols[3].ends_with("=lt")).then(|| cols[0].parse().unwrap())
        })
        .collect()
}

#[test]
fn generated_corpus_gives_one_result_in_all_four_formats() {
    let mut results = BTreeMap::new();
    let mut dirs = Vec::new();
    for format in FORMATS {
        let wd = gen_corpus(format);
        let run = wd.process();
        run.assert_exit_code(1);
        // Exactly the generator's invalid records are rejected.
        let invalid = invalid_ordinals(&wd, format);
        let rejected: Vec<u64> = run
            .rejected()
            .iter()
            .map(|r| r["record"].as_u64().unwrap())
            .collect();
        assert_eq!(rejected, invalid, "{format}: rejected ordinals");
        let n = invalid.len() as u64;
        assert_counts(&run, 400, 400 - n, n, format);
        assert_eq!(run.summary()["byFile"][0]["format"], format, "{format}");
        results.insert(format, (run.read("accepted.ndjson"), findings(&run)));
        dirs.push(wd);
    }
    let (json_accepted, json_findings) = results["json"].clone();
    // The corpus holds both verdicts and the fault kinds whose typing differs by format.
    assert!(json_accepted.lines().count() > 300, "{json_accepted}");
    let codes: Vec<&str> = json_findings.iter().map(|f| f.1.as_str()).collect();
    for code in ["bad-type", "unknown-field", "bad-date", "bad-enum"] {
        assert!(codes.contains(&code), "corpus has no {code}: {codes:?}");
    }
    for format in ["ndjson", "csv", "xml"] {
        let (accepted, got) = &results[format];
        // Byte for byte, same order.
        eqnice!(
            json_accepted,
            *accepted,
            "accepted.ndjson of {format} vs json"
        );
        let want = if format == "xml" {
            expected_for_xml(&json_findings)
        } else {
            json_findings.clone()
        };
        eqnice!(
            show_findings(&want),
            show_findings(got),
            "findings of {format} vs json"
        );
    }
}

// ------------------------------------------------------------------------------------------
// 1b. Hand-written fixtures: the same five leads in four formats.
// ------------------------------------------------------------------------------------------

/// Spec §3: `GIIN` and `LEI` are input aliases of `giin` and `lei` (the test's own
/// canonicaliser in `samples` knows only the canonical names).
fn unalias(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    for (alias, name) in [("GIIN", "giin"), ("LEI", "lei")] {
        if let Some(x) = o.remove(alias) {
            o.insert(name.to_string(), x);
        }
    }
    v
}

#[test]
fn fixture_leads_give_one_result_in_all_four_formats() {
    let leads: Vec<Value> = serde_json::from_slice(&read_fixture("leads.json")).unwrap();
    assert_eq!(leads.len(), 5);
    // What spec §2–§4 make of each lead, computed from the JSON independently of the binary.
    let expected: String = leads
        .iter()
        .map(|l| crate::samples::spec_canonical(&unalias(l.clone())) + "\n")
        .collect();
    for format in FORMATS {
        let name = format!("leads.{format}");
        let bytes = read_fixture(&name);
        let (_wd, run) = run_files(&[(&name, &bytes)], &[]);
        run.assert_exit_code(0);
        eqnice!(
            expected,
            run.read("accepted.ndjson"),
            "accepted.ndjson of {name}"
        );
        assert_eq!(run.read("rejected.ndjson"), "", "{name}");
        assert_eq!(findings(&run), Vec::<Finding>::new(), "{name}");
        assert_counts(&run, 5, 5, 0, &name);
    }
}

/// A few values of the fixtures, spelled out, so that a slip in the shared canonicaliser
/// cannot hide one in the binary.
#[test]
fn fixture_payloads_hold_the_spec_forms() {
    let (_wd, run) = run_files(&[("leads.xml", &read_fixture("leads.xml"))], &[]);
    run.assert_exit_code(0);
    let a = run.accepted();
    assert_eq!(a.len(), 5);
    // Enums and countries upper-cased, the category kept as given.
    assert_eq!(a[0]["action"], "CREATE");
    assert_eq!(
        a[0]["initializeScreeningProcesses"],
        serde_json::json!(["SANCTIONS", "PEP"])
    );
    assert_eq!(a[0]["citizenshipCountry"], "LT");
    assert_eq!(a[4]["riskManagementCategory"], "lead_ind");
    assert_eq!(a[4]["entityType"], "INDIVIDUAL");
    assert_eq!(a[4]["listCountryOfActivity"][1]["country"], "XK");
    // FieldOfActivity: booleans, countries.
    assert_eq!(a[0]["fieldOfActivity"]["employment"]["isEmployee"], true);
    assert_eq!(
        a[0]["fieldOfActivity"]["student"]["higherSchoolCountry"],
        "LT"
    );
    // SourceOfWealthCode / Value are code / amount; amounts are numbers.
    assert_eq!(
        a[1]["listSourceOfWealth"],
        serde_json::json!([
            {"code": "6", "amount": 100000, "comment": "Retained earnings"},
            {"code": "9", "amount": 2500.75}
        ])
    );
    // GIIN / LEI aliases.
    assert_eq!(a[1]["giin"], "98Q96B.00000.LE.250");
    assert_eq!(a[1]["lei"], "529900T8BM49AURSDO55");
    // A timestamp is kept as given (already RFC 3339).
    assert_eq!(a[1]["applicationDate"], "2024-04-08T10:45:00.000+02:00");
    // AdditionalValues as strings.
    assert_eq!(a[1]["listAdditionalValues"][0]["value"], "true");
    assert_eq!(a[0]["listAdditionalValues"][1]["value"], "26");
    // Escaped markup and white space.
    assert_eq!(a[1]["title"], "Smith & Sons <Ltd>");
    assert_eq!(a[2]["firstName"], "José");
    assert_eq!(
        a[2]["activityDescription"],
        "multi-line \"quoted\" note\nsecond line, with comma; & <tag>"
    );
}

/// The faults of `faulty.*` (the same leads with faults injected), by the spec.
fn faulty_expected() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        // 1: a bad boolean, bad countries in a nested address of the lead and of a related
        //    entity (spec §4 / §5: the composed vendor code there).
        ("1", "bad-type", "isPEP"),
        ("1", "Q004.ADR02", "listAddress[1].country"),
        (
            "1",
            "C017.C016.RE06.ADR02",
            "listRelatedEntity[0].listAddress[0].country",
        ),
        // 2: bad dates (no real calendar day, month 13, day/month order).
        ("2", "bad-date", "establishmentDate"),
        (
            "2",
            "bad-date",
            "listBusinessEntityDocument[0].documentIssueDate",
        ),
        ("2", "bad-date", "listRelatedEntity[0].birthDate"),
        // 3: unknown fields, top level and nested.
        ("3", "unknown-field", "middleName"),
        ("3", "unknown-field", "fieldOfActivity.employment.salary"),
        // 4: missing mandatory fields: vendor codes where documented, else missing-field.
        ("4", "C002", "customerExtId"),
        ("4", "C017.O01", "title"),
        ("4", "missing-field", "legalForm"),
        // 5: bad enums.
        ("5", "SCR01", "initializeScreeningProcesses[1]"),
        ("5", "bad-enum", "listPurpose"),
        ("5", "bad-enum", "listContact[0].contactType"),
    ]
}

#[test]
fn faulty_fixtures_give_the_same_findings_in_all_four_formats() {
    let mut want: Vec<Finding> = faulty_expected()
        .into_iter()
        .map(|(r, c, p)| (r.into(), c.into(), p.into(), "error".into()))
        .collect();
    want.sort();
    let mut by_format = BTreeMap::new();
    for format in FORMATS {
        let name = format!("faulty.{format}");
        let bytes = read_fixture(&name);
        let (_wd, run) = run_files(&[(&name, &bytes)], &[]);
        run.assert_exit_code(1);
        assert_counts(&run, 5, 0, 5, &name);
        let got = findings(&run);
        let mut sorted = got.clone();
        sorted.sort();
        let want = if format == "xml" {
            let mut w = expected_for_xml(&want);
            w.sort();
            w
        } else {
            want.clone()
        };
        eqnice!(
            show_findings(&want),
            show_findings(&sorted),
            "findings of {name}"
        );
        by_format.insert(format, got);
    }
    // Also in the same order in every format.
    for format in ["ndjson", "csv"] {
        assert_eq!(
            by_format["json"], by_format[format],
            "order: {format} vs json"
        );
    }
    assert_eq!(
        expected_for_xml(&by_format["json"]),
        by_format["xml"],
        "order: xml vs json"
    );
}

// ------------------------------------------------------------------------------------------
// 2. The vendor's XML samples.
// ------------------------------------------------------------------------------------------

const XML_LEAD_INDIVIDUAL: &str = r#"{"communicationNumber":"ComNr_45{{seq}}","requester":"Bank_system","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"INDIVIDUAL","customerExtId":"Lead_ExtaId_TESTaa","applicationDate":"2023-01-20","firstName":"Larosa","lastName":"Rosa","citizenshipCountry":"JP","birthDate":"1975-09-20"}"#;

const XML_LEAD_ORGANIZATION: &str = r#"{"communicationNumber":"ComNr_00221","requester":"financial_institution","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_AMLYZE","entityType":"ORGANIZATION","customerExtId":"Lead_extid01","applicationDate":"2023-05-12","title":"Lead_Uab'Roxy'","registrationCountry":"LT","legalForm":"LTD"}"#;

/// customer-individual-evaluate-full.xml with the category LEAD_IND, in catalog order.
const XML_FULL: &str = concat!(
    r#"{"communicationNumber":"ComNr_4541","requester":"Bank_system","action":"CREATE","#,
    r#""sourceOfRiskLevel":"EVALUATE","initializeScreeningProcesses":["SANCTIONS","PEP","ADVERSE_MEDIA"],"#,
    r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"ExtId_65657aa","#,
    r#""applicationDate":"2023-01-20","approvalDate":"2023-01-20","nationalCode":"50007145428","#,
    r#""firstName":"Lafora","lastName":"Fora","citizenshipCountry":"JP","birthDate":"1975-09-20","#,
    r#""birthCountry":"LT","secondCitizenshipCountry":"RU","permanentResidenceCountry":"AT","#,
    r#""isLegalResident":true,"isFamilyPEP":true,"isLitigated":true,"amlOfficer":false,"#,
    r#""fieldOfActivity":{"#,
    r#""employment":{"employerTitle":"JpnBank","employmentPositionDescription":"Accountant","#,
    r#""isEmployee":true,"isSelfEmployed":true,"isUnemployed":false},"#,
    r#""other":{"isOtherStatus":false},"#,
    r#""pension":{"isPensioner":true,"pensionCountry":"LT"},"#,
    r#""student":{"isStudent":true,"higherSchoolTitle":"Vilnius Tech","higherSchoolCountry":"LT"}},"#,
    r#""isPEP":true,"isSanctioned":true,"isInAdverseMedia":true,"isInInternalList":true,"#,
    r#""listPurpose":"BLACK","isActualAddressDeclared":true,"isCorrespondenceAddressDeclared":true,"#,
    r#""doesCashDominate":true,"activityDescription":"financial activity","#,
    r#""incomeSourceDescription":"Current Job","incomingPaymentDescription":"Replenishment of funds","#,
    r#""outgoingPaymentDescription":"Replenishment of funds","initialDepositSource":"Current Job","#,
    r#""initialDepositBank":"JPBank","initialDepositAccount":"LT046443885928794486","#,
    r#""initialDepositAmount":50,"initialDepositCurrency":"EUR","#,
    r#""listContact":[{"contactType":"EMAIL","contactDetails":"labalabalab@gmail.com","useForCommunication":true}],"#,
    r#""listAddress":[{"country":"JP","addressType":"RESIDENCE","addressDetails":"Narimaka st 2","#,
    r#""city":"Tokyo","region":"EU","streetAddress":"Narimaka st. 2","zipCode":"04127","useForCorrespondence":true}],"#,
    r#""listBusinessEntityDocument":[{"entityType":"INDIVIDUAL","identityDocumentType":"PASSPORT","#,
    r#""documentNumber":"555123148","documentIssueDate":"2020-09-20","documentIssueCountry":"JP","#,
    r#""documentIssueAuthority":"JP","documentExpiryDate":"2022-09-20","description":"Main identification document"}],"#,
    r#""listAppealReason":[{"appealReasonType":"PURPOSE_GET_LOAN"}],"#,
    r#""listIntroductionSource":[{"introductionSource":"Internet"}],"#,
    r#""listOrderedService":[{"serviceType":"LOANS"}],"#,
    r#""listDeclaredTurnover":[{"turnoverType":"EXPECTED_TOTAL_INCOME","turnoverRange":"MONTHLY","from":1500,"to":3000}],"#,
    r#""listIncomeSource":[{"incomeSourceType":"SALARY","incomePercentage":68,"from":6,"to":26}],"#,
    r#""listPaymentPurpose":[{"paymentPurposeType":"TAXES","turnoverDirection":"IN"}],"#,
    r#""listSourceOfWealth":[{"code":"6","amount":1250,"comment":"Wealth received from Inheritance"}],"#,
    r#""listPaymentCountry":[{"country":"IE","turnoverDirection":"OUT"},{"country":"US","turnoverDirection":"OUT"},"#,
    r#"{"country":"US","turnoverDirection":"IN"},{"country":"IE","turnoverDirection":"IN"}],"#,
    r#""listActivity":[{"activityType":"7","incomePercentage":48}],"#,
    r#""listRegionOfActivity":[{"region":"EU"}],"#,
    r#""listAdditionalValues":["#,
    r#"{"code":"isvip","datatype":"BOOLEAN","description":"Very important customer","value":"true"},"#,
    r#"{"code":"number_users","datatype":"INTEGER","description":"THe number ofusers","value":"500"},"#,
    r#"{"code":"lastonlinesupport","datatype":"TIMESTAMP","description":"Date and time last online support","value":"2022-12-11T12:10:11Z"},"#,
    r#"{"code":"cotractenddate","datatype":"DATE","description":"Date of contract ending","value":"2024-10-11"},"#,
    r#"{"code":"numberrestrictions","datatype":"INTEGER","description":"Number of restrictions has applyed","value":"12"},"#,
    r#"{"code":"predictableincome","datatype":"DECIMAL","description":"Predictable customer incoms","value":"1954.12"}]}"#,
);

#[test]
fn xml_lead_samples_are_accepted_with_their_canonical_payloads() {
    let ind = xml_sample("lead-individual-mandatory.xml");
    let org = xml_sample("lead-organization-mandatory.xml");
    let (_wd, run) = run_files(
        &[
            ("lead-individual-mandatory.xml", ind.as_bytes()),
            ("lead-organization-mandatory.xml", org.as_bytes()),
        ],
        &[],
    );
    run.assert_exit_code(0);
    // `{{seq}}` is template text of the vendor's page: a plain string, kept as is.
    eqnice!(
        format!("{XML_LEAD_INDIVIDUAL}\n{XML_LEAD_ORGANIZATION}\n"),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
    assert_counts(&run, 2, 2, 0, "xml lead samples");
    let s = run.summary();
    for f in s["byFile"].as_array().unwrap() {
        assert_eq!(f["format"], "xml", "{f}");
        assert_eq!(f["records"], 1, "{f}");
    }
}

/// The full XML customer sample as a lead: only the category changes (it is EVALUATE).
fn full_xml_as_lead() -> String {
    let raw = xml_sample("customer-individual-evaluate-full.xml");
    let from = "<RiskManagementCategory>IND_AMLYZE</RiskManagementCategory>";
    assert!(raw.contains(from));
    assert!(raw.contains("<SourceOfRiskLevel>EVALUATE</SourceOfRiskLevel>"));
    raw.replace(
        from,
        "<RiskManagementCategory>LEAD_IND</RiskManagementCategory>",
    )
}

#[test]
fn xml_full_customer_sample_as_lead_is_exactly_the_literal() {
    let xml = full_xml_as_lead();
    let (_wd, run) = run_files(&[("full.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    let got = run.read("accepted.ndjson");
    eqnice!(format!("{XML_FULL}\n"), got);
    // Findings: the passport expired on 2022-09-20, before the run's --as-of 2026-11-23; a
    // warning, so the lead is accepted.
    assert_eq!(
        findings(&run),
        vec![(
            "1".to_string(),
            "document-expired".to_string(),
            "listBusinessEntityDocument[0].documentExpiryDate".to_string(),
            "warning".to_string()
        )]
    );
    assert_counts(&run, 1, 1, 0, "full xml");
    assert_eq!(run.summary()["warnings"], 1);
}

/// The same sample, section by section (clearer failures than the literal alone).
#[test]
fn xml_full_customer_sample_sections() {
    let xml = full_xml_as_lead();
    let (_wd, run) = run_files(&[("full.xml", xml.as_bytes())], &[]);
    run.assert_exit_code(0);
    let line = run.accepted_lines().remove(0);
    let v: Value = serde_json::from_str(&line).unwrap();
    // FieldOfActivity: written employment, other, pension, student (catalog order) though
    // the XML has them student, pension, employment, other; the empty
    // OtherStatusDescription is absent.
    let foa = &line[line.find("\"fieldOfActivity\":{").expect("fieldOfActivity")..];
    let at = |k: &str| {
        foa.find(&format!("\"{k}\":{{"))
            .unwrap_or_else(|| panic!("{k} in {foa}"))
    };
    let order = [at("employment"), at("other"), at("pension"), at("student")];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{foa}");
    let mut sections: Vec<&String> = v["fieldOfActivity"].as_object().unwrap().keys().collect();
    sections.sort();
    assert_eq!(sections, ["employment", "other", "pension", "student"]);
    assert_eq!(
        v["fieldOfActivity"]["other"],
        serde_json::json!({"isOtherStatus": false})
    );
    assert!(line.contains(
        r#""employment":{"employerTitle":"JpnBank","employmentPositionDescription":"Accountant","isEmployee":true,"isSelfEmployed":true,"isUnemployed":false}"#
    ));
    // Dates with a zone are plain dates.
    let doc = &v["listBusinessEntityDocument"][0];
    assert_eq!(doc["documentIssueDate"], "2020-09-20");
    assert_eq!(doc["documentExpiryDate"], "2022-09-20");
    // AdditionalValues: every value a string, as written.
    let values: Vec<&str> = v["listAdditionalValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["value"].as_str().expect("a string value"))
        .collect();
    assert_eq!(
        values,
        [
            "true",
            "500",
            "2022-12-11T12:10:11Z",
            "2024-10-11",
            "12",
            "1954.12"
        ]
    );
    let datatypes: Vec<&str> = v["listAdditionalValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["datatype"].as_str().unwrap())
        .collect();
    assert_eq!(
        datatypes,
        [
            "BOOLEAN",
            "INTEGER",
            "TIMESTAMP",
            "DATE",
            "INTEGER",
            "DECIMAL"
        ]
    );
    // SourceOfWealthCode is code, Value is amount (a number).
    assert_eq!(
        v["listSourceOfWealth"],
        serde_json::json!([{"code": "6", "amount": 1250, "comment": "Wealth received from Inheritance"}])
    );
    assert!(line.contains(r#""listSourceOfWealth":[{"code":"6","amount":1250,"#));
    // Four payment countries, in document order.
    assert_eq!(
        v["listPaymentCountry"],
        serde_json::json!([
            {"country": "IE", "turnoverDirection": "OUT"},
            {"country": "US", "turnoverDirection": "OUT"},
            {"country": "US", "turnoverDirection": "IN"},
            {"country": "IE", "turnoverDirection": "IN"}
        ])
    );
    // Screening processes from <Process> children.
    assert_eq!(
        v["initializeScreeningProcesses"],
        serde_json::json!(["SANCTIONS", "PEP", "ADVERSE_MEDIA"])
    );
    // Numbers.
    assert!(line.contains(r#""initialDepositAmount":50,"#));
    assert!(line.contains(r#""from":1500,"to":3000"#));
    assert!(line.contains(r#""listActivity":[{"activityType":"7","incomePercentage":48}]"#));
    // The category as given, the default action stated.
    assert_eq!(v["riskManagementCategory"], "LEAD_IND");
    assert_eq!(v["action"], "CREATE");
}

/// The sample as it is (category IND_AMLYZE, action absent = CREATE) is not a lead.
#[test]
fn xml_full_customer_sample_unconverted_is_not_a_lead() {
    let raw = xml_sample("customer-individual-evaluate-full.xml");
    let (_wd, run) = run_files(&[("full.xml", raw.as_bytes())], &[]);
    run.assert_exit_code(1);
    let f = findings(&run);
    assert!(
        f.iter()
            .any(|(r, c, _, s)| r == "1" && c == "not-a-lead" && s == "error"),
        "{}",
        show_findings(&f)
    );
    assert_counts(&run, 1, 0, 1, "unconverted full xml");
}

// ------------------------------------------------------------------------------------------
// 3a. CSV specifics.
// ------------------------------------------------------------------------------------------

/// The canonical payload of the minimal individual lead used by the CSV/XML tests below
/// (`csv_row`, `xml_record`). Tests that add fields after `birthDate` in catalog order
/// append them with `with_tail`.
fn minimal_line(comm: &str, ext: &str, first: &str) -> String {
    format!(
        r#"{{"communicationNumber":"{comm}","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"{ext}","applicationDate":"2024-03-01","firstName":"{first}","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15"}}"#
    )
}

/// `minimal_line` with canonical members appended (`tail` starts with a comma).
fn with_tail(line: &str, tail: &str) -> String {
    let body = line.strip_suffix('}').expect("an object");
    format!("{body}{tail}}}\n")
}

const CSV_HEADER: &str = "communicationNumber,requester,riskManagementCategory,sourceOfRiskLevel,customerExtId,entityType,applicationDate,firstName,lastName,birthDate,citizenshipCountry";

fn csv_row(comm: &str, ext: &str, first: &str) -> String {
    format!(
        "{comm},core-banking,LEAD_IND,EVALUATE,{ext},INDIVIDUAL,2024-03-01,{first},Šimkus,1990-07-15,LT"
    )
}

#[test]
fn csv_headers_are_matched_case_insensitively() {
    let header = concat!(
        "COMMUNICATIONNUMBER,Requester,riskmanagementcategory,SourceOfRiskLevel,CustomerExtId,",
        "ENTITYTYPE,ApplicationDate,FirstName,LASTNAME,BirthDate,CitizenshipCountry,",
        "ListAddress.0.Country,LISTADDRESS[0].CITY,FieldOfActivity.Employment.IsEmployee\n",
    );
    let csv = format!(
        "{header}C1,core-banking,LEAD_IND,EVALUATE,E1,INDIVIDUAL,2024-03-01,Eglė,Šimkus,1990-07-15,lt,lt,Vilnius,TRUE\n"
    );
    let (_wd, run) = run_files(&[("case.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        concat!(
            r#"{"communicationNumber":"C1","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","#,
            r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","#,
            r#""firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","#,
            r#""fieldOfActivity":{"employment":{"isEmployee":true}},"#,
            r#""listAddress":[{"country":"LT","city":"Vilnius"}]}"#,
            "\n"
        ),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
}

#[test]
fn csv_semicolon_delimiter_is_detected_when_the_header_has_no_comma() {
    // A comma inside a data cell is data; the screening list is a quoted cell.
    let csv = format!(
        "{};initializeScreeningProcesses;listAddress.0.country;listAddress.0.addressDetails\n{};\"SANCTIONS;pep\";LT;Gedimino pr. 9, Vilnius\n",
        CSV_HEADER.replace(',', ";"),
        csv_row("C1", "E1", "Eglė").replace(',', ";"),
    );
    let (_wd, run) = run_files(&[("semi.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        concat!(
            r#"{"communicationNumber":"C1","requester":"core-banking","action":"CREATE","sourceOfRiskLevel":"EVALUATE","#,
            r#""initializeScreeningProcesses":["SANCTIONS","PEP"],"#,
            r#""riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","customerExtId":"E1","applicationDate":"2024-03-01","#,
            r#""firstName":"Eglė","lastName":"Šimkus","citizenshipCountry":"LT","birthDate":"1990-07-15","#,
            r#""listAddress":[{"country":"LT","addressDetails":"Gedimino pr. 9, Vilnius"}]}"#,
            "\n"
        ),
        run.read("accepted.ndjson")
    );
}

#[test]
fn tsv_files_are_tab_separated() {
    let tsv = format!(
        "{}\tactivityDescription\n{}\tcommas, and; semicolons\n",
        CSV_HEADER.replace(',', "\t"),
        csv_row("C1", "E1", "Eglė").replace(',', "\t"),
    );
    let (_wd, run) = run_files(&[("leads.tsv", tsv.as_bytes())], &[]);
    run.assert_exit_code(0);
    let lines = run.accepted_lines();
    assert_eq!(lines.len(), 1);
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["activityDescription"], "commas, and; semicolons");
    assert_eq!(v["firstName"], "Eglė");
    assert_eq!(run.summary()["byFile"][0]["format"], "csv");
}

#[test]
fn csv_byte_order_mark_is_ignored() {
    let csv = format!("\u{FEFF}{CSV_HEADER}\n{}\n", csv_row("C1", "E1", "Eglė"));
    let (_wd, run) = run_files(&[("bom.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        format!("{}\n", minimal_line("C1", "E1", "Eglė")),
        run.read("accepted.ndjson")
    );
    assert_eq!(findings(&run), Vec::<Finding>::new());
}

#[test]
fn csv_decimal_comma_is_read_with_the_option_only() {
    let csv = format!(
        "{};initialDepositAmount;initialDepositCurrency\n{};10000,50;EUR\n",
        CSV_HEADER.replace(',', ";"),
        csv_row("C1", "E1", "Eglė").replace(',', ";"),
    );
    let (_wd, run) = run_files(&[("comma.csv", csv.as_bytes())], &["--decimal-comma"]);
    run.assert_exit_code(0);
    let expected = with_tail(
        &minimal_line("C1", "E1", "Eglė"),
        r#","initialDepositAmount":10000.5,"initialDepositCurrency":"EUR""#,
    );
    eqnice!(expected, run.read("accepted.ndjson"));

    // Without --decimal-comma, `10000,50` is not a numeric string (spec §2): bad-type.
    let (_wd, run) = run_files(&[("comma.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    assert_eq!(
        findings(&run),
        vec![(
            "1".into(),
            "bad-type".into(),
            "initialDepositAmount".into(),
            "error".into()
        )]
    );
}

#[test]
fn csv_boolean_words_are_case_insensitive_and_yes_is_bad_type() {
    let csv = format!(
        "{CSV_HEADER},isPEP,isSanctioned,listContact.0.contactType,listContact.0.contactDetails,listContact.0.useForCommunication\n\
         {},TRUE,false,EMAIL,a@example.com,True\n\
         {},yes,FALSE,EMAIL,b@example.com,false\n",
        csv_row("C1", "E1", "Eglė"),
        csv_row("C2", "E2", "Rūta"),
    );
    let (_wd, run) = run_files(&[("bool.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    eqnice!(
        with_tail(
            &minimal_line("C1", "E1", "Eglė"),
            r#","isPEP":true,"isSanctioned":false,"listContact":[{"contactType":"EMAIL","contactDetails":"a@example.com","useForCommunication":true}]"#,
        ),
        run.read("accepted.ndjson")
    );
    assert_eq!(
        findings(&run),
        vec![(
            "2".into(),
            "bad-type".into(),
            "isPEP".into(),
            "error".into()
        )]
    );
}

#[test]
fn csv_windows_1252_is_decoded_with_the_encoding_option() {
    let mut csv = format!("{CSV_HEADER},activityDescription\n").into_bytes();
    // "José" and "Caf€" in windows-1252: é = 0xE9, € = 0x80.
    csv.extend_from_slice(
        b"C1,core-banking,LEAD_IND,EVALUATE,E1,INDIVIDUAL,2024-03-01,Jos\xE9,Lef\xE8vre,1990-07-15,LT,Caf\x80 cr\xE8me\n",
    );
    let (_wd, run) = run_files(&[("latin.csv", &csv)], &["--encoding", "windows-1252"]);
    run.assert_exit_code(0);
    let v: Value = serde_json::from_str(&run.accepted_lines()[0]).unwrap();
    assert_eq!(v["firstName"], "José");
    assert_eq!(v["lastName"], "Lefèvre");
    assert_eq!(v["activityDescription"], "Caf€ crème");

    // The same bytes without --encoding: invalid UTF-8, a parse-error that says what to do.
    let (_wd, run) = run_files(&[("latin.csv", &csv)], &[]);
    run.assert_exit_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "parse-error");
    assert_eq!(errors[0].severity, "error");
    assert!(
        errors[0].message.contains("--encoding windows-1252"),
        "{}",
        errors[0].message
    );
    // The record is not lost: it is rejected.
    assert_counts(&run, 1, 0, 1, "latin.csv without --encoding");
}

#[test]
fn csv_excel_mangled_identifier_is_a_warning() {
    let csv = format!("{CSV_HEADER}\n{}\n", csv_row("C1", "1.23457E+15", "Eglė"));
    let (_wd, run) = run_files(&[("excel.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    eqnice!(
        format!("{}\n", minimal_line("C1", "1.23457E+15", "Eglė")),
        run.read("accepted.ndjson")
    );
    assert_eq!(
        findings(&run),
        vec![(
            "1".into(),
            "excel-mangled".into(),
            "customerExtId".into(),
            "warning".into()
        )]
    );
    assert_eq!(run.summary()["warnings"], 1);
}

#[test]
fn csv_day_month_date_is_bad_date_naming_the_format() {
    let row = csv_row("C1", "E1", "Eglė").replace("1990-07-15", "05/10/2000");
    let csv = format!("{CSV_HEADER}\n{row}\n");
    let (_wd, run) = run_files(&[("date.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].code.as_str(), errors[0].path.as_str()),
        ("bad-date", "birthDate")
    );
    assert!(
        errors[0].message.contains("YYYY-MM-DD"),
        "{}",
        errors[0].message
    );
}

// ------------------------------------------------------------------------------------------
// 3b. XML specifics.
// ------------------------------------------------------------------------------------------

/// A minimal individual lead record (the same as `minimal_line`), with `extra` elements
/// appended inside the record.
fn xml_record(comm: &str, ext: &str, first: &str, extra: &str) -> String {
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
      <am:ListAddress><am:Address><am:Country>LT</am:Country><am:City>Vilnius</am:City></am:Address></am:ListAddress>
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
            r#""listAddress":[{"country":"LT","city":"Vilnius"}]}"#,
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
  <ListAddress><Address><Country>LT</Country></Address></ListAddress>
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
                r#","listAddress":[{"country":"LT"}],"#,
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
            "<ListAddress><Address><Country>LT</Country><City>Vilnius</City><City>Kaunas</City></Address></ListAddress>",
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
            "<ListAddress><Address><Country>LT</Country></Address><Address><Country>LV</Country><Floor>3</Floor></Address></ListAddress>",
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
        "<ListAddress><Address><Country>LT</Country></Address></ListAddress>\n",
        "  <InitializeScreeningProcesses><Process>PEP</Process></InitializeScreeningProcesses>\n",
        "  <ListAddress><Address><Country>LV</Country></Address></ListAddress>\n",
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
            r#""listAddress":[{"country":"LT"},{"country":"LV"}]}"#,
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

#[test]
fn csv_crlf_line_ends_give_the_same_payload() {
    let csv = format!(
        "{CSV_HEADER},activityDescription\r\n{},\"two\r\nlines\"\r\n{},x\r\n",
        csv_row("C1", "E1", "Eglė"),
        csv_row("C2", "E2", "Rūta"),
    );
    let (_wd, run) = run_files(&[("crlf.csv", csv.as_bytes())], &[]);
    run.assert_exit_code(0);
    let lines = run.accepted_lines();
    assert_eq!(lines.len(), 2);
    let want = with_tail(
        &minimal_line("C2", "E2", "Rūta"),
        r#","activityDescription":"x""#,
    );
    eqnice!(want.trim_end(), lines[1]);
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["activityDescription"], "two\r\nlines");
    assert_eq!(v["lastName"], "Šimkus");
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
