//! Property 1: valid leads are accepted in every format with the same canonical payload,
//! byte for byte, holding the canonical values of spec §2.

use proptest::prelude::*;
use serde_json::Value;

use super::leads::leads;
use super::run::{Finding, check_accounting, config, describe, findings_of, run_one};
use super::serializers::{CsvStyle, XmlStyle, write_csv, write_json, write_ndjson, write_xml};
use super::{canon_lead, same_json};

// ------------------------------------------------------------------------------------------
// Property 1: one canonical payload whatever the format.
// ------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_leads_read_back_to_the_same_payload_in_every_format(
        leads in leads(),
        wrapper in any::<bool>(),
        multiline in any::<bool>(),
        xml_style in (any::<bool>(), any::<bool>())
            .prop_map(|(prefix, soap)| XmlStyle { prefix, soap }),
        csv_style in (any::<bool>(), any::<bool>())
            .prop_map(|(brackets, pascal_headers)| CsvStyle { brackets, pascal_headers }),
    ) {
        let files: [(&str, Vec<u8>); 4] = [
            ("leads.json", write_json(&leads, wrapper, multiline)),
            ("leads.ndjson", write_ndjson(&leads).0),
            ("leads.xml", write_xml(&leads, xml_style).0),
            ("leads.csv", write_csv(&leads, csv_style).0),
        ];
        let n = leads.len() as u64;
        let mut first: Option<(String, Vec<Finding>)> = None;
        for (name, bytes) in &files {
            let r = run_one(name, bytes);
            check_accounting(&r)?;
            let findings = findings_of(&r.errors);
            // Valid leads: all accepted; at most warnings (date order, expired documents,
            // riskLevel/customerStatus with EVALUATE, identifiers that look mangled).
            prop_assert_eq!(
                (r.summary.records, r.summary.accepted), (n, n),
                "{}: findings {:?}\n{}", name, findings, describe(bytes)
            );
            prop_assert!(
                findings.iter().all(|f| f.3 == "warning"),
                "{}: {:?}\n{}", name, findings, describe(bytes)
            );
            // The payloads hold the canonical values of spec §2.
            for (i, (line, lead)) in r.accepted.lines().zip(&leads).enumerate() {
                let got: Value = serde_json::from_str(line).unwrap();
                let want = canon_lead(lead);
                prop_assert!(
                    same_json(&got, &want),
                    "{} record {}:\n got: {}\nwant: {}\n{}", name, i + 1, got, want, describe(bytes)
                );
            }
            match &first {
                None => first = Some((r.accepted.clone(), findings)),
                Some((accepted, f)) => {
                    prop_assert_eq!(
                        accepted, &r.accepted,
                        "{} vs leads.json\n{}", name, describe(bytes)
                    );
                    prop_assert_eq!(f, &findings, "{} findings vs leads.json", name);
                }
            }
        }
    }
}
