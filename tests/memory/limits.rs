//! Records whose tree would dwarf their bytes (`--max-list-items`): millions of empty
//! objects, of short items, of lists each under the limit, in NDJSON, XML and CSV. Each is
//! rejected with one located `too-long` first (the list, the limit, the flag), the next
//! record is still processed, and the run with `--jobs 2` peaks under 256 MiB of resident
//! memory (as the kernel counted it for the child).

use crate::util::{Run, Workdir, findings_of};

/// The bound of issue 16: a record of up to `--max-record-bytes` (16 MiB), any shape.
const MAX_RSS: u64 = 256 << 20;

/// A valid individual lead's fields after its two keys, without the braces.
const LEAD: &str = r#""requester":"t","sourceOfRiskLevel":"EVALUATE","riskManagementCategory":"LEAD_IND","entityType":"INDIVIDUAL","applicationDate":"2024-01-10","firstName":"Jonas","lastName":"Jonaitis","citizenshipCountry":"LT","birthDate":"1980-01-01""#;

/// Lead `n` as one JSON line, with `extra` (`,"field":value`) after its fields.
fn lead(n: u32, extra: &str) -> String {
    format!(r#"{{"communicationNumber":"CN-{n}","customerExtId":"EXT-{n}",{LEAD}{extra}}}"#)
}

/// `"name":[item,item,...]` with `count` items, as a field to append.
fn list_field(name: &str, item: &str, count: usize) -> String {
    let mut s = String::with_capacity(count * (item.len() + 1) + name.len() + 8);
    s.push_str(&format!(",\"{name}\":["));
    for i in 0..count {
        if i > 0 {
            s.push(',');
        }
        s.push_str(item);
    }
    s.push(']');
    s
}

fn process_jobs_2(wd: &Workdir) -> (Run, u64) {
    wd.command("process")
        .arg(wd.input())
        .out(wd.out())
        .args(["--jobs", "2"])
        .run_with_peak_rss()
}

/// Record 1 of the run's only file is rejected with `too-long` at `path` first and
/// `message`, record 2 accepted; the peak stayed under the bound.
fn assert_cut(run: &Run, rss: u64, path: &str, message: &str) {
    run.assert_exit_code(1);
    assert!(rss < MAX_RSS, "peak RSS {} MiB", rss >> 20);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["record"], 1);
    let first = &findings_of(&rejected[0])[0];
    assert_eq!(
        (first.0.as_str(), first.1.as_str(), first.2.as_str()),
        ("too-long", path, "error")
    );
    assert_eq!(rejected[0]["errors"][0]["message"], message);
    let accepted = run.accepted();
    assert_eq!(accepted.len(), 1, "the next record is processed");
    assert_eq!(accepted[0]["communicationNumber"], "CN-2");
    let s = run.summary();
    assert_eq!(
        (s["records"].as_u64(), s["byCode"]["too-long"].as_u64()),
        (Some(2), Some(1))
    );
}

const CONTACTS_CUT: &str = "listContact has more than 10000 items (--max-list-items 10000): the \
                            rest of the list was not read";

#[test]
fn a_record_of_millions_of_empty_contacts_is_cut_in_bounded_memory() {
    // 4.5 MB: once 1.5 GB of tree.
    let wd = Workdir::new();
    let big = lead(1, &list_field("listContact", "{}", 1_500_000));
    wd.create("leads.ndjson", format!("{big}\n{}\n", lead(2, "")));
    let (run, rss) = process_jobs_2(&wd);
    assert_cut(&run, rss, "listContact", CONTACTS_CUT);
    // The first 10,000 contacts were checked: 100 findings kept, all counted.
    let errors = run.errors();
    assert_eq!(errors.len(), 100);
    assert_eq!(
        (errors[0].code.as_str(), errors[1].code.as_str()),
        ("too-long", "missing-field")
    );
    assert_eq!(errors[1].path, "listContact[0].contactType");
    let s = run.summary();
    assert_eq!(s["byCode"]["missing-field"], 20_000);
    // rejected.ndjson shows the record as read up to the limit.
    let input = &run.rejected()[0]["input"];
    assert_eq!(input["listContact"].as_array().unwrap().len(), 10_000);
}

#[test]
fn a_record_of_16_mb_of_short_items_is_cut_in_bounded_memory() {
    let wd = Workdir::new();
    // 8 million items, just under --max-record-bytes.
    let big = lead(1, &list_field("listContact", "1", 8_000_000));
    assert!(big.len() < 16 << 20);
    wd.create("leads.ndjson", format!("{big}\n{}\n", lead(2, "")));
    let (run, rss) = process_jobs_2(&wd);
    assert_cut(&run, rss, "listContact", CONTACTS_CUT);
}

#[test]
fn a_record_of_many_lists_under_the_limit_is_cut_at_its_total() {
    // 790 lists of 10,000 items: each list is within the limit, the record is not.
    let wd = Workdir::new();
    let inner = format!("[{}]", vec!["1"; 10_000].join(","));
    let big = lead(1, &list_field("x", &inner, 790));
    assert!(big.len() < 16 << 20);
    wd.create("leads.ndjson", format!("{big}\n{}\n", lead(2, "")));
    let (run, rss) = process_jobs_2(&wd);
    // 11 fields, x, then 10,001 values per list: the 10th list reaches 100,000.
    assert_cut(
        &run,
        rss,
        "x[9]",
        "the record has more than 100000 values in its lists and objects (10 × \
         --max-list-items 10000): the rest of the record was not read",
    );
}

#[test]
fn an_xml_record_of_millions_of_empty_contacts_is_cut_in_bounded_memory() {
    let wd = Workdir::new();
    let fields = |n: u32| {
        format!(
            "<communicationNumber>CN-{n}</communicationNumber><customerExtId>EXT-{n}\
             </customerExtId><requester>t</requester><sourceOfRiskLevel>EVALUATE\
             </sourceOfRiskLevel><riskManagementCategory>LEAD_IND</riskManagementCategory>\
             <entityType>INDIVIDUAL</entityType><applicationDate>2024-01-10</applicationDate>\
             <firstName>Jonas</firstName><lastName>Jonaitis</lastName><citizenshipCountry>LT\
             </citizenshipCountry><birthDate>1980-01-01</birthDate>"
        )
    };
    // 4 million `<c/>`: 16 MB.
    let xml = format!(
        "<leads><AMLYZE_CUSTOMER>{}<listContact>{}</listContact></AMLYZE_CUSTOMER>\n\
         <AMLYZE_CUSTOMER>{}</AMLYZE_CUSTOMER></leads>\n",
        fields(1),
        "<c/>".repeat(4_000_000),
        fields(2)
    );
    wd.create("leads.xml", xml);
    let (run, rss) = process_jobs_2(&wd);
    assert_cut(&run, rss, "listContact", CONTACTS_CUT);
}

#[test]
fn a_csv_list_cell_of_millions_of_items_and_an_index_past_the_limit_are_cut() {
    let wd = Workdir::new();
    let header = "communicationNumber,customerExtId,requester,sourceOfRiskLevel,\
                  riskManagementCategory,entityType,applicationDate,firstName,lastName,\
                  citizenshipCountry,birthDate,initializeScreeningProcesses,\
                  listContact.99999.contactType";
    let row = |n: u32, processes: &str, contact: &str| {
        format!(
            "CN-{n},EXT-{n},t,EVALUATE,LEAD_IND,INDIVIDUAL,2024-01-10,Jonas,Jonaitis,LT,\
             1980-01-01,{processes},{contact}\n"
        )
    };
    // 8 million `;`-separated items: 16 MB.
    let csv = format!(
        "{header}\n{}{}{}",
        row(1, &"a;".repeat(8_000_000), ""),
        row(2, "", ""),
        row(3, "", "EMAIL")
    );
    wd.create("leads.csv", csv);
    let (run, rss) = process_jobs_2(&wd);
    run.assert_exit_code(1);
    assert!(rss < MAX_RSS, "peak RSS {} MiB", rss >> 20);
    let rejected = run.rejected();
    let firsts: Vec<(u64, (String, String, String))> = rejected
        .iter()
        .map(|r| (r["record"].as_u64().unwrap(), findings_of(r)[0].clone()))
        .collect();
    let cut = |path: &str| {
        (
            "too-long".to_string(),
            path.to_string(),
            "error".to_string(),
        )
    };
    assert_eq!(
        firsts,
        [
            (1, cut("initializeScreeningProcesses")),
            (3, cut("listContact"))
        ]
    );
    assert_eq!(rejected[1]["errors"][0]["message"], CONTACTS_CUT);
    assert_eq!(run.accepted()[0]["communicationNumber"], "CN-2");
}

#[test]
fn records_of_the_most_objects_the_limits_allow_stay_in_bounded_memory() {
    // The costliest tree per input byte under the limits: one-field objects (`{"a":1}`,
    // each object taking room for 16 fields), 50,000 per record, for both workers at once.
    let wd = Workdir::new();
    let inner = format!("[{}]", vec![r#"{"a":1}"#; 10_000].join(","));
    let x = list_field("x", &inner, 20);
    let mut file = String::new();
    for n in 1..=20 {
        file.push_str(&lead(n, &x));
        file.push('\n');
    }
    file.push_str(&lead(21, ""));
    file.push('\n');
    wd.create("leads.ndjson", file);
    let (run, rss) = process_jobs_2(&wd);
    run.assert_exit_code(1);
    assert!(rss < MAX_RSS, "peak RSS {} MiB", rss >> 20);
    let rejected = run.rejected();
    assert_eq!(rejected.len(), 20);
    // 11 fields, x, 4 lists of 20,001 values, then item 9,991 of the 5th is the 100,000th.
    for r in &rejected {
        assert_eq!(
            findings_of(r)[0],
            ("too-long".into(), "x[4][9991]".into(), "error".into())
        );
    }
    assert_eq!(run.accepted()[0]["communicationNumber"], "CN-21");
}
