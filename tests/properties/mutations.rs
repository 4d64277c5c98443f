//! Property 2: a valid file's bytes mutated (bit flips, truncation, insertion, deletion)
//! never panic and never lose a record.

use proptest::prelude::*;

use super::leads::leads;
use super::run::{Ran, check_accounting, config, describe, run_one};
use super::serializers::{CsvStyle, XmlStyle, write_csv, write_ndjson, write_xml};

// ------------------------------------------------------------------------------------------
// Property 2: mutated files never lose a record.
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    Flip(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        3 => (any::<prop::sample::Index>(), prop::sample::select(&b"{\"<,"[..]))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        2 => (any::<prop::sample::Index>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

/// Applies the mutations in turn; returns the smallest position any of them touched (all
/// bytes before it are as written).
fn mutate(bytes: &mut Vec<u8>, mutations: &[Mutation]) -> usize {
    let mut first = bytes.len();
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let at = match m {
            Mutation::Flip(i, bit) => {
                let at = i.index(bytes.len());
                bytes[at] ^= 1 << bit;
                at
            }
            Mutation::Truncate(i) => {
                let at = i.index(bytes.len());
                bytes.truncate(at);
                at
            }
            Mutation::Insert(i, b) => {
                let at = i.index(bytes.len() + 1);
                bytes.insert(at, *b);
                at
            }
            Mutation::Delete(i, n) => {
                let at = i.index(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
                at
            }
        };
        first = first.min(at);
    }
    first
}

/// Runs a mutated file and checks that no record is lost; returns the mutated bytes and the
/// run.
fn check_mutated(
    name: &str,
    original: (Vec<u8>, Vec<usize>),
    mutations: &[Mutation],
) -> Result<(Vec<u8>, Ran), TestCaseError> {
    let (mut bytes, ends) = original;
    let first = mutate(&mut bytes, mutations);
    let r = run_one(name, &bytes);
    check_accounting(&r)?;
    // Records wholly before the first mutated byte were read before anything went wrong.
    let intact = ends.iter().filter(|&&e| e <= first).count() as u64;
    prop_assert!(
        r.summary.records >= intact,
        "{}: {} records, {} intact before byte {}\n{}",
        name,
        r.summary.records,
        intact,
        first,
        describe(&bytes)
    );
    Ok((bytes, r))
}

fn ndjson_records(bytes: &[u8]) -> u64 {
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .count() as u64
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_ndjson_never_loses_a_record(
        leads in leads(),
        mutations in prop::collection::vec(mutation(), 1..=4),
    ) {
        let (bytes, r) = check_mutated("leads.ndjson", write_ndjson(&leads), &mutations)?;
        // Spec §6: one record per line, blank lines skipped: every other line is a record.
        prop_assert_eq!(r.summary.records, ndjson_records(&bytes), "\n{}", describe(&bytes));
    }

    #[test]
    fn mutated_xml_never_loses_a_record(
        leads in leads(),
        mutations in prop::collection::vec(mutation(), 1..=4),
        prefix in any::<bool>(),
    ) {
        let style = XmlStyle { prefix, soap: false };
        check_mutated("leads.xml", write_xml(&leads, style), &mutations)?;
    }

    #[test]
    fn mutated_csv_never_loses_a_record(
        leads in leads(),
        mutations in prop::collection::vec(mutation(), 1..=4),
    ) {
        let style = CsvStyle { brackets: false, pascal_headers: false };
        check_mutated("leads.csv", write_csv(&leads, style), &mutations)?;
    }
}
