//! Supplied classifier lists (`--classifiers DIR`) in the findings' messages.

use serde_json::json;

use super::{lead, org};
use crate::util::Workdir;

/// A supplied `country` or `currency` list replaces the ISO list: a code it lacks is
/// reported as not in that list, naming its file, never as "not an ISO code" (`JP` is one).
#[test]
fn unknown_codes_name_the_supplied_list_they_are_missing_from() {
    let wd = Workdir::new();
    let cl = wd.path().join("classifiers");
    std::fs::create_dir_all(&cl).unwrap();
    std::fs::write(cl.join("country.txt"), "LT\nLV\n").unwrap();
    std::fs::write(cl.join("currency.json"), r#"["EUR"]"#).unwrap();
    std::fs::write(cl.join("legalForm.json"), r#"[{"code": "UAB"}]"#).unwrap();
    let mut country = lead(1);
    country["citizenshipCountry"] = json!("jp");
    let mut currency = lead(2);
    currency["initialDepositCurrency"] = json!("USD");
    let mut related = org(3);
    related["legalForm"] = json!("GMBH");
    related["listRelatedEntity"] = json!([{
        "entityType": "INDIVIDUAL", "relationType": "OWNER", "firstName": "Ona",
        "lastName": "Onaitė", "listAddress": [{"country": "EE"}]
    }]);
    wd.create_ndjson("l.ndjson", &[country, currency, related]);
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.out())
        .arg("--classifiers")
        .arg(&cl)
        .run();
    run.assert_exit_code(1);
    let got: Vec<(String, String, String, String)> = run
        .errors()
        .into_iter()
        .map(|e| (e.record, e.code, e.path, e.message))
        .collect();
    let row = |r: &str, c: &str, p: &str, m: &str| (r.into(), c.into(), p.into(), m.into());
    assert_eq!(
        got,
        vec![
            row(
                "1",
                "C016.I06",
                "citizenshipCountry",
                r#"citizenshipCountry "jp" is not in the supplied country list (country.txt)"#
            ),
            row(
                "2",
                "bad-code",
                "initialDepositCurrency",
                r#"initialDepositCurrency "USD" is not in the supplied currency list (currency.json)"#
            ),
            row(
                "3",
                "bad-code",
                "legalForm",
                r#"legalForm "GMBH" is not in the supplied legalForm classifier (legalForm.json)"#
            ),
            row(
                "3",
                "C017.C016.RE06.ADR02",
                "listRelatedEntity[0].listAddress[0].country",
                r#"country "EE" is not in the supplied country list (country.txt)"#
            ),
        ]
    );
    // Two files for one classifier: which holds the codes is not guessed.
    std::fs::write(cl.join("country.json"), r#"["LT"]"#).unwrap();
    let run = wd
        .command("process")
        .arg(wd.input())
        .out(wd.path().join("out2"))
        .arg("--classifiers")
        .arg(&cl)
        .run();
    run.assert_exit_code(2);
    assert!(
        run.stderr
            .contains("country.json and country.txt both hold the country classifier"),
        "{}",
        run.stderr
    );
}
