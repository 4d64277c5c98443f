//! Tests of the walk: byte order of source paths across directories and inputs, skipped and
//! unreadable entries, the output directory left out, usage errors.

use super::*;

fn touch(root: &Path, rel: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, b"{}").unwrap();
}

/// Sources in walk order, skipped ones marked `skip:`.
fn walked(walk: &mut Walk) -> Vec<String> {
    walk.map(|f| match f {
        Found::File(f) => f.source,
        Found::Skipped(s) => format!("skip:{s}"),
    })
    .collect()
}

fn files(walk: Walk) -> Vec<InputFile> {
    walk.filter_map(|f| match f {
        Found::File(f) => Some(f),
        Found::Skipped(_) => None,
    })
    .collect()
}

#[test]
fn order_is_the_byte_order_of_source_paths() {
    let dir = tempfile::tempdir().unwrap();
    let rels = [
        "a.json",
        "a/x.json",
        "a-b.json",
        "a0.json",
        "b/c/d.json",
        "b/c.json",
        "b.json",
        "B.json",
        "a/.hidden.json",
        "é.json",
        "z/y/x/w.ndjson",
        "a b/c.csv",
        "a/notes.txt",
        "notes.txt",
    ];
    for r in rels {
        touch(dir.path(), r);
    }
    let mut expected: Vec<String> = rels.iter().map(|s| s.to_string()).collect();
    expected.sort();
    for e in &mut expected {
        if e.ends_with(".txt") {
            *e = format!("skip:{e}");
        }
    }
    let mut walk = Walk::new(&[dir.path().to_path_buf()], None, None).unwrap();
    assert_eq!(walked(&mut walk), expected);
    assert!(walk.walk_errors.is_empty());
}

#[test]
fn several_inputs_merge_into_one_order_skipped_files_too() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for r in ["a.json", "c/d.json", "e.json", "d.txt"] {
        touch(one.path(), r);
    }
    for r in ["b.json", "c.json", "d.json", "e.json", "b.txt", "f.txt"] {
        touch(two.path(), r);
    }
    touch(two.path(), "named.xml");
    let inputs = [
        one.path().to_path_buf(),
        two.path().join("named.xml"),
        two.path().to_path_buf(),
    ];
    let walk = Walk::new(&inputs, None, None).unwrap();
    let got: Vec<(String, PathBuf)> = files(walk)
        .into_iter()
        .map(|f| (f.source, f.path))
        .collect();
    let mut expected = got.clone();
    expected.sort();
    assert_eq!(got, expected);
    let mut walk = Walk::new(&inputs, None, None).unwrap();
    assert_eq!(
        walked(&mut walk),
        [
            "a.json",
            "b.json",
            "skip:b.txt",
            "c.json",
            "c/d.json",
            "d.json",
            "skip:d.txt",
            "e.json",
            "e.json",
            "skip:f.txt",
            "named.xml",
            "named.xml"
        ]
    );
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_ordered_by_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // Both directories read "\u{fffd}/" in the outputs; their files must not
    // interleave by what the outputs show.
    let fe = dir.path().join(OsStr::from_bytes(b"\xfe"));
    let ff = dir.path().join(OsStr::from_bytes(b"\xff"));
    if std::fs::create_dir(&fe).is_err() {
        return; // a file system that refuses such names
    }
    std::fs::create_dir(&ff).unwrap();
    std::fs::write(fe.join("b.json"), b"{}").unwrap();
    std::fs::write(ff.join("a.json"), b"{}").unwrap();
    std::fs::write(dir.path().join("z.json"), b"{}").unwrap();
    let inputs = [dir.path().to_path_buf(), ff.join("a.json")];
    let walk = Walk::new(&inputs, None, None).unwrap();
    let got: Vec<PathBuf> = files(walk).into_iter().map(|f| f.path).collect();
    // By bytes: "a.json" (named) < "z.json" < "\xfe/b.json" < "\xff/a.json".
    assert_eq!(
        got,
        [
            ff.join("a.json"),
            dir.path().join("z.json"),
            fe.join("b.json"),
            ff.join("a.json")
        ]
    );
}

#[test]
fn the_output_directory_is_not_read_and_missing_inputs_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "in/a.json");
    touch(dir.path(), "out/accepted.ndjson");
    let out = dir.path().join("out");
    let mut walk = Walk::new(&[dir.path().to_path_buf()], Some(&out), None).unwrap();
    assert_eq!(walked(&mut walk), ["in/a.json"]);
    let mut walk = Walk::new(std::slice::from_ref(&out), Some(&out), None).unwrap();
    assert!(walked(&mut walk).is_empty());
    let err = Walk::new(&[dir.path().join("nope")], None, None).unwrap_err();
    assert!(err.starts_with("input path "), "{err}");
    let err = Walk::new(&[PathBuf::from("-")], None, None).unwrap_err();
    assert!(err.contains("--format"), "{err}");
}

#[cfg(unix)]
#[test]
fn unreadable_directories_are_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "a/x.json");
    touch(dir.path(), "b/y.json");
    let locked = dir.path().join("a");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        // Running as root: permissions do not stop reading.
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let mut walk = Walk::new(&[dir.path().to_path_buf()], None, None).unwrap();
    let got = walked(&mut walk);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(got, ["b/y.json"]);
    assert_eq!(walk.walk_errors.len(), 1);
    assert_eq!(walk.walk_errors[0].0, locked.display().to_string());
}
