//! The walk against the definition: every file under the inputs, in the byte order of
//! its relative path, several inputs merged, whatever the names.

use super::*;
use proptest::prelude::*;
use std::os::unix::ffi::OsStrExt;

/// Name bytes that stress the order: `.` and `-` and ` ` sort before `/`, `0` after it,
/// and bytes over 0x7f are not UTF-8 on their own.
fn name() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(vec![b'a', b'b', b'.', b'-', b' ', b'0', b'_', 0xfe, 0xff]),
        1..4,
    )
    .prop_filter("not . or ..", |n| n != b"." && n != b"..")
}

/// A tree: (relative path as name components, is a directory holding it).
fn tree() -> impl Strategy<Value = Vec<Vec<Vec<u8>>>> {
    prop::collection::vec(prop::collection::vec(name(), 1..4), 0..25)
}

fn build(root: &Path, paths: &[Vec<Vec<u8>>]) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for comps in paths {
        let mut p = root.to_path_buf();
        let mut rel = Vec::new();
        let mut ok = true;
        for (i, c) in comps.iter().enumerate() {
            p.push(OsStr::from_bytes(c));
            if i > 0 {
                rel.push(b'/');
            }
            rel.extend_from_slice(c);
            if i + 1 < comps.len() {
                // A component already made a file cannot become a directory.
                if p.is_file() || (!p.exists() && std::fs::create_dir(&p).is_err()) {
                    ok = false;
                    break;
                }
            }
        }
        if !ok || p.exists() {
            continue;
        }
        p.as_mut_os_string().push(".json");
        rel.extend_from_slice(b".json");
        if p.exists() || std::fs::write(&p, b"{}").is_err() {
            continue;
        }
        files.push(rel);
    }
    files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn files_come_in_the_byte_order_of_their_relative_paths(
        a in tree(),
        b in tree(),
    ) {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let mut expected: Vec<(Vec<u8>, PathBuf)> = Vec::new();
        for (dir, paths) in [(&one, &a), (&two, &b)] {
            // With several INPUTs a source starts with its INPUT as given.
            let (_, prefix) = joined(dir.path());
            for rel in build(dir.path(), paths) {
                let path = dir.path().join(OsStr::from_bytes(&rel));
                let mut key = prefix.clone();
                key.push(b'/');
                key.extend_from_slice(&rel);
                expected.push((key, path));
            }
        }
        expected.sort();
        // Names may start with `.`: hidden entries are read here, to test the order alone.
        let opts = WalkOptions { hidden: true, ..WalkOptions::default() };
        let walk = Walk::new(&[one.path().to_path_buf(), two.path().to_path_buf()], None, &opts)
            .unwrap();
        let got: Vec<(Vec<u8>, PathBuf)> = walk
            .filter_map(|f| match f {
                Found::File(f) => Some((f.source.into_bytes(), f.path)),
                Found::Skipped(_) => None,
            })
            .collect();
        // Sources are text: compare the keys as the outputs show them, in walk order.
        let expected: Vec<(Vec<u8>, PathBuf)> = expected
            .into_iter()
            .map(|(k, p)| (String::from_utf8_lossy(&k).into_owned().into_bytes(), p))
            .collect();
        prop_assert_eq!(got, expected);
    }
}
