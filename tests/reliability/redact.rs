//! `--redact` over every personal field of the catalog, in every format: a unique marker in
//! valid and invalid values (bad-date, out-of-range, bad-type, excel-mangled) and in
//! malformed records (a broken JSON line, a malformed XML record, an unterminated CSV
//! quote) appears in none of the outputs the README says it covers (`rejected.ndjson`,
//! `errors.csv`, `report.html`, `summary.json`) nor on stdout or stderr. Accepted payloads are
//! the canonical requests and keep the real values.

use leadbatch::catalog::{self, Field, Presence, Shape, Type};
use serde_json::{Map, Value, json};

use crate::util::{Run, Workdir};

const MARK: &str = "ZQXMARK";
/// Values that cannot hold the marker, each unique to this test.
const EXCEL: &str = "7.77123E+13";
const NUMBER: i64 = 9_137_213;
const TOO_OLD: &str = "1876-05-04";
const FUTURE: &str = "2999-01-02";
/// Every token that must not appear in a redacted output.
const TOKENS: [&str; 5] = [MARK, EXCEL, "9137213", TOO_OLD, FUTURE];

/// One step of a path into a record.
#[derive(Clone)]
enum Step {
    Key(&'static Field),
    Item,
}

/// Every personal field of the catalog, with the path to it (list items at index 0).
fn personal_fields() -> Vec<Vec<Step>> {
    fn walk(shape: &'static Shape, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        for f in shape.fields {
            path.push(Step::Key(f));
            match &f.ty {
                Type::List(s) => {
                    path.push(Step::Item);
                    walk(s, path, out);
                    path.pop();
                }
                Type::Object(s) => walk(s, path, out),
                _ if f.personal => out.push(path.clone()),
                _ => {}
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&catalog::LEAD, &mut Vec::new(), &mut out);
    out
}

/// The path as the reports write it (`listContact[0].contactDetails`).
fn rendered(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(f) if s.is_empty() => s.push_str(f.name),
            Step::Key(f) => s.push_str(&format!(".{}", f.name)),
            Step::Item => s.push_str("[0]"),
        }
    }
    s
}

/// A valid value for a mandatory field of a nested object on the way to a personal field.
fn filler(f: &Field) -> Value {
    match &f.ty {
        Type::Enum(words) => json!(words[0]),
        Type::Country => json!("LT"),
        Type::Currency => json!("EUR"),
        Type::Date => json!("2020-01-01"),
        Type::Bool => json!(true),
        Type::Int { .. } | Type::Percent => json!(1),
        Type::Decimal { .. } => json!("1"),
        Type::EnumList(words) => json!([words[0]]),
        Type::List(_) => json!([]),
        Type::Object(_) => json!({}),
        _ => json!("x"),
    }
}

fn object_of(shape: &Shape) -> Map<String, Value> {
    shape
        .fields
        .iter()
        .filter(|f| f.ind == Presence::Mandatory)
        .map(|f| (f.name.to_string(), filler(f)))
        .collect()
}

/// Sets `value` at `path` in `record`, building the objects on the way.
fn set(record: &mut Map<String, Value>, path: &[Step], value: Value) {
    let Step::Key(f) = &path[0] else {
        unreachable!("paths start with a key")
    };
    if path.len() == 1 {
        record.insert(f.name.to_string(), value);
        return;
    }
    let (shape, rest) = match (&f.ty, &path[1]) {
        (Type::List(s), Step::Item) => (*s, &path[2..]),
        (Type::Object(s), _) => (*s, &path[1..]),
        _ => unreachable!("only lists and objects lead further"),
    };
    let mut inner = object_of(shape);
    set(&mut inner, rest, value);
    let inner = Value::Object(inner);
    let wrapped = if matches!(f.ty, Type::List(_)) {
        json!([inner])
    } else {
        inner
    };
    record.insert(f.name.to_string(), wrapped);
}

fn lead(id: &str) -> Map<String, Value> {
    let v = json!({
        "communicationNumber": format!("ComNr_{id}"), "requester": "bank",
        "riskManagementCategory": "LEAD_IND", "sourceOfRiskLevel": "EVALUATE",
        "customerExtId": format!("Lead_{id}"), "entityType": "INDIVIDUAL",
        "applicationDate": "2024-03-01", "firstName": "Jonas", "lastName": "Jonaitis",
        "birthDate": "1980-01-01", "citizenshipCountry": "LT"
    });
    v.as_object().unwrap().clone()
}

/// Valid and invalid values for a personal field; `text_only` for CSV (text cells only).
fn values(f: &Field, text_only: bool) -> Vec<Value> {
    let mut v = match f.ty {
        Type::Date => vec![
            json!("1987-06-05"),
            json!(MARK),
            json!(format!("05.06.{MARK}")),
        ],
        _ => vec![json!(format!("{MARK}-ok"))],
    };
    if f.name == "birthDate" {
        v.extend([json!(TOO_OLD), json!(FUTURE)]);
    }
    if f.identifier {
        v.push(json!(EXCEL));
    }
    if !text_only {
        v.extend([
            json!({ format!("{MARK}-key"): format!("{MARK}-value") }),
            json!([format!("{MARK}-item")]),
            json!(NUMBER),
        ]);
    }
    v
}

/// One record per personal field and value, ids prefixed with `tag`.
fn records(tag: &str, text_only: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for path in personal_fields() {
        let Some(Step::Key(f)) = path.last() else {
            unreachable!()
        };
        for value in values(f, text_only) {
            let mut r = lead(&format!("{tag}_{}", out.len()));
            set(&mut r, &path, value);
            out.push(Value::Object(r));
        }
    }
    out
}

fn xml_element(name: &str, v: &Value, out: &mut String) {
    let tag = catalog::pascal(name);
    out.push_str(&format!("<{tag}>"));
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| xml_element(k, v, out)),
        Value::Array(items) => items.iter().for_each(|v| xml_element("item", v, out)),
        Value::String(s) => out.push_str(s),
        other => out.push_str(&other.to_string()),
    }
    out.push_str(&format!("</{tag}>"));
}

fn xml(records: &[Value]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Leads>\n");
    for r in records {
        s.push_str("<AMLYZE_CUSTOMER>");
        for (k, v) in r.as_object().unwrap() {
            xml_element(k, v, &mut s);
        }
        s.push_str("</AMLYZE_CUSTOMER>\n");
    }
    s + "</Leads>\n"
}

/// Dotted CSV cells (`listContact.0.contactDetails`) of a record of scalars.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            flatten(&key, v, out);
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(&format!("{prefix}.{i}"), v, out)),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn csv(records: &[Value]) -> String {
    let rows: Vec<Vec<(String, String)>> = records
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            flatten("", r, &mut cells);
            cells
        })
        .collect();
    let mut columns: Vec<String> = rows.iter().flatten().map(|(k, _)| k.clone()).collect();
    columns.sort();
    columns.dedup();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&columns).unwrap();
    for row in rows {
        let cells = columns.iter().map(|c| {
            row.iter()
                .find(|(k, _)| k == c)
                .map_or("", |(_, v)| v.as_str())
        });
        w.write_record(cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The records in all four formats, and malformed records holding the marker.
fn inputs(wd: &Workdir) {
    let ndjson: String = records("N", false)
        .iter()
        .map(|r| format!("{r}\n"))
        .collect();
    let m = MARK;
    let broken = [
        format!("{{\"firstName\": \"{m}"),
        format!("{{\"firstName\": {m}}}"),
        format!("{{\"firstName\": \"a\" \"{m}\"}}"),
        format!("{{\"lastName\": \"{m}\", \"firstName\": \"{m}\\x\"}}"),
    ];
    wd.create("leads.ndjson", ndjson + &broken.join("\n") + "\n");
    wd.create(
        "invalid-utf8.ndjson",
        [format!("{{\"firstName\": \"{m}").as_bytes(), b"\xFF\"}\n"].concat(),
    );
    wd.create(
        "leads.json",
        serde_json::to_string(&records("J", false)).unwrap(),
    );
    wd.create(
        "broken.json",
        format!("[{{\"firstName\": \"Jonas\"}} {m}, {{\"firstName\": \"{m}\"}}]"),
    );
    wd.create("leads.xml", xml(&records("X", false)));
    wd.create(
        "broken.xml",
        format!(
            "<Leads>\n<AMLYZE_CUSTOMER><FirstName>&{m};</FirstName></AMLYZE_CUSTOMER>\n\
             <AMLYZE_CUSTOMER><FirstName>{m}<</FirstName></AMLYZE_CUSTOMER>\n\
             <AMLYZE_CUSTOMER><FirstName>{m}</LastName></AMLYZE_CUSTOMER>\n</Leads>\n"
        ),
    );
    wd.create("leads.csv", csv(&records("C", true)));
    wd.create(
        "broken.csv",
        format!("firstName,lastName\n{m}-1,{m}-2,{m}-3\n\"{m}-4,\"{m}-5\n{m}-6,{m}-7\n"),
    );
    // A stray quote in the last column: the row keeps its cell count, and its last cell
    // (not a personal field) swallows the next row, personal values and all.
    wd.create(
        "stray-quote.csv",
        format!("firstName,citizenshipCountry\nJonas,\"LT\n{m}-8,LT\nJonas,LT\n"),
    );
}

fn leaks(run: &Run) -> Vec<String> {
    let mut found = Vec::new();
    let mut texts: Vec<(String, String)> = [
        "rejected.ndjson",
        "errors.csv",
        "report.html",
        "summary.json",
    ]
    .iter()
    .map(|n| (n.to_string(), run.read(n)))
    .collect();
    texts.push(("stdout".into(), run.stdout.clone()));
    texts.push(("stderr".into(), run.stderr.clone()));
    for (name, text) in &texts {
        for token in TOKENS {
            for line in text.lines().filter(|l| l.contains(token)) {
                found.push(format!("{name}: {token} in {line}"));
            }
        }
    }
    found
}

#[test]
fn redact_leaves_no_personal_value_in_any_report_in_any_format() {
    let wd = Workdir::new();
    inputs(&wd);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .args(["--redact", "--json"])
        .run();
    run.assert_exit_code(1);
    let found = leaks(&run);
    assert!(
        found.is_empty(),
        "{} leaks:\n{}",
        found.len(),
        found.join("\n")
    );
    // Every personal field was reported on, in every format (the test reaches them all);
    // in CSV, where a cell is text, those whose text can be invalid (dates, identifiers).
    let errors = run.errors();
    for path in personal_fields() {
        let p = rendered(&path);
        let Some(Step::Key(f)) = path.last() else {
            unreachable!()
        };
        let csv_too = matches!(f.ty, Type::Date) || f.identifier;
        let sources = ["leads.ndjson", "leads.json", "leads.xml", "leads.csv"];
        for source in &sources[..if csv_too { 4 } else { 3 }] {
            assert!(
                errors.iter().any(|e| e.source == *source && e.path == p),
                "no finding at {p} in {source}"
            );
        }
    }
    // Malformed records are located by line and column; no byte of them is quoted.
    let mut parse_errors: Vec<(String, String)> = errors
        .iter()
        .filter(|e| e.code == "parse-error")
        .map(|e| (e.source.clone(), e.message.clone()))
        .collect();
    parse_errors.sort();
    let undefined = "undefined entity reference: only the five XML entities and character \
                     references are expanded (entities declared in a DOCTYPE never are)";
    let n = records("N", false).len() + 1;
    let expected = [
        (
            "broken.csv",
            "line 2, column 1: row has 3 cells but the header has 2".to_string(),
        ),
        (
            "broken.csv",
            "line 3, column 1: row has 1 cells but the header has 2".into(),
        ),
        (
            "broken.json",
            "line 1, column 25: expected ',' or ']' after an array element, found a letter".into(),
        ),
        ("broken.xml", format!("line 2, column 29: {undefined}")),
        (
            "broken.xml",
            "line 3, column 49: ill-formed document: expected `</</FirstName>`, but \
             `</AMLYZE_CUSTOMER>` was found"
                .into(),
        ),
        (
            "broken.xml",
            "line 4, column 36: ill-formed document: expected `</FirstName>`, but `</LastName>` \
             was found"
                .into(),
        ),
        (
            "invalid-utf8.ndjson",
            "line 1, column 23: invalid UTF-8; JSON must be UTF-8".into(),
        ),
        (
            "leads.ndjson",
            format!("line {n}, column 23: unterminated string"),
        ),
        (
            "leads.ndjson",
            format!(
                "line {}, column 15: expected a JSON value, found a letter",
                n + 1
            ),
        ),
        (
            "leads.ndjson",
            format!(
                "line {}, column 19: expected ',' or '}}' in object, found '\"'",
                n + 2
            ),
        ),
        (
            "leads.ndjson",
            format!("line {}, column 47: invalid escape in string", n + 3),
        ),
    ]
    .map(|(s, m)| (s.to_string(), m));
    assert_eq!(parse_errors, expected);
    // Accepted payloads are the canonical requests: the real values stay there.
    assert!(
        run.read("accepted.ndjson")
            .contains(&format!("\"{MARK}-ok\""))
    );
    // Without --redact the values are in the reports: the checks above can fail.
    let plain = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("plain"))
        .run();
    let shown = leaks(&plain);
    for token in TOKENS {
        assert!(
            shown
                .iter()
                .any(|l| l.starts_with("errors.csv") && l.contains(token)),
            "{token} not in the plain errors.csv"
        );
    }
}
