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
        if e.ends_with(".txt") || e.contains("/.") {
            *e = format!("skip:{e}");
        }
    }
    let mut walk = Walk::new(&[dir.path().to_path_buf()], None, &WalkOptions::default()).unwrap();
    assert_eq!(walked(&mut walk), expected);
    assert!(walk.walk_errors.is_empty());
}

#[test]
fn several_inputs_merge_into_one_order_each_source_prefixed_with_its_input() {
    let parent = tempfile::tempdir().unwrap();
    let (one, two) = (parent.path().join("one"), parent.path().join("two"));
    for r in ["a.json", "c/d.json", "e.json", "d.txt"] {
        touch(&one, r);
    }
    for r in ["b.json", "c.json", "d.json", "e.json", "b.txt", "f.txt"] {
        touch(&two, r);
    }
    touch(&two, "named.xml");
    // `two/named.xml` is inside `two` as well: read once, through `two`, where it comes
    // first (same source; the INPUT given first wins the tie).
    let inputs = [one.clone(), two.join("named.xml"), two.clone()];
    let p = parent.path().display().to_string();
    let mut walk = Walk::new(&inputs, None, &WalkOptions::default()).unwrap();
    let expected: Vec<String> = [
        "one/a.json",
        "one/c/d.json",
        "skip:one/d.txt",
        "one/e.json",
        "two/b.json",
        "skip:two/b.txt",
        "two/c.json",
        "two/d.json",
        "two/e.json",
        "skip:two/f.txt",
        "two/named.xml",
    ]
    .iter()
    .map(|s| match s.strip_prefix("skip:") {
        Some(rest) => format!("skip:{p}/{rest}"),
        None => format!("{p}/{s}"),
    })
    .collect();
    assert_eq!(walked(&mut walk), expected);
    assert_eq!(
        walk.overlaps(),
        [Overlap {
            input: two.display().to_string(),
            read_through: two.join("named.xml").display().to_string(),
            files: 1
        }]
    );
}

#[test]
fn one_directory_twice_a_file_inside_it_and_a_symlink_to_it_are_read_once() {
    let parent = tempfile::tempdir().unwrap();
    let drop = parent.path().join("drop");
    touch(&drop, "a.json");
    touch(&drop, "sub/b.json");
    let link = parent.path().join("link");
    std::os::unix::fs::symlink(&drop, &link).unwrap();
    let inputs = [
        drop.clone(),
        drop.join("sub/b.json"),
        drop.clone(),
        link.clone(),
    ];
    let mut walk = Walk::new(&inputs, None, &WalkOptions::default()).unwrap();
    let p = parent.path().display().to_string();
    assert_eq!(
        walked(&mut walk),
        [format!("{p}/drop/a.json"), format!("{p}/drop/sub/b.json")]
    );
    let o: Vec<(String, String, u64)> = walk
        .overlaps()
        .into_iter()
        .map(|o| (o.input, o.read_through, o.files))
        .collect();
    let (d, l) = (drop.display().to_string(), link.display().to_string());
    assert_eq!(
        o,
        [
            (format!("{d}/sub/b.json"), d.clone(), 1),
            (d.clone(), d.clone(), 2),
            (l, d, 2),
        ]
    );
}

#[test]
fn a_symlink_named_as_input_is_followed_links_inside_are_not() {
    let parent = tempfile::tempdir().unwrap();
    let drop = parent.path().join("drop");
    touch(&drop, "a.json");
    let elsewhere = parent.path().join("elsewhere");
    touch(&elsewhere, "b.json");
    std::os::unix::fs::symlink(&elsewhere, drop.join("inner-link")).unwrap();
    let link = parent.path().join("link");
    std::os::unix::fs::symlink(&drop, &link).unwrap();
    let mut walk = Walk::new(&[link], None, &WalkOptions::default()).unwrap();
    assert_eq!(walked(&mut walk), ["a.json", "skip:inner-link"]);
}

#[test]
fn hidden_entries_and_office_lock_files_are_skipped_unless_hidden_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    for r in [
        ".x.json",
        ".git/config.json",
        "~$export.csv",
        ".~lock.export.csv#",
        "export.csv",
        "sub/.y.ndjson",
    ] {
        touch(dir.path(), r);
    }
    let inputs = [dir.path().to_path_buf()];
    let mut walk = Walk::new(&inputs, None, &WalkOptions::default()).unwrap();
    assert_eq!(
        walked(&mut walk),
        [
            "skip:.git/",
            "skip:.x.json",
            "skip:.~lock.export.csv#",
            "export.csv",
            "skip:sub/.y.ndjson",
            "skip:~$export.csv",
        ]
    );
    let hidden = WalkOptions {
        hidden: true,
        ..WalkOptions::default()
    };
    let mut walk = Walk::new(&inputs, None, &hidden).unwrap();
    assert_eq!(
        walked(&mut walk),
        [
            ".git/config.json",
            ".x.json",
            "skip:.~lock.export.csv#",
            "export.csv",
            "sub/.y.ndjson",
            "skip:~$export.csv",
        ]
    );
}

#[test]
fn a_named_file_that_is_not_a_lead_file_needs_format() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "export.dat");
    let named = [dir.path().join("export.dat")];
    let err = Walk::new(&named, None, &WalkOptions::default()).unwrap_err();
    assert!(
        err.contains("export.dat") && err.contains("--format"),
        "{err}"
    );
    let csv = WalkOptions {
        format: Some(Format::Csv),
        ..WalkOptions::default()
    };
    let walk = Walk::new(&named, None, &csv).unwrap();
    let got: Vec<(String, Format)> = files(walk)
        .into_iter()
        .map(|f| (f.source, f.format))
        .collect();
    assert_eq!(got, [("export.dat".to_string(), Format::Csv)]);
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
    let inputs = [dir.path().to_path_buf(), fe.join("b.json")];
    let walk = Walk::new(&inputs, None, &WalkOptions::default()).unwrap();
    let got: Vec<PathBuf> = files(walk).into_iter().map(|f| f.path).collect();
    // By bytes: "z.json" < "\xfe/b.json" (also named: read once) < "\xff/a.json".
    assert_eq!(
        got,
        [
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
    let mut walk = Walk::new(
        &[dir.path().to_path_buf()],
        Some(&out),
        &WalkOptions::default(),
    )
    .unwrap();
    assert_eq!(walked(&mut walk), ["in/a.json"]);
    let mut walk = Walk::new(
        std::slice::from_ref(&out),
        Some(&out),
        &WalkOptions::default(),
    )
    .unwrap();
    assert!(walked(&mut walk).is_empty());
    let err = Walk::new(&[dir.path().join("nope")], None, &WalkOptions::default()).unwrap_err();
    assert!(err.starts_with("input path "), "{err}");
    let err = Walk::new(&[PathBuf::from("-")], None, &WalkOptions::default()).unwrap_err();
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
    let mut walk = Walk::new(&[dir.path().to_path_buf()], None, &WalkOptions::default()).unwrap();
    let got = walked(&mut walk);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(got, ["b/y.json"]);
    assert_eq!(walk.walk_errors.len(), 1);
    assert_eq!(walk.walk_errors[0].0, locked.display().to_string());
}

/// Runs as root too: a directory removed after its parent was listed cannot be read when
/// the walk enters it, and is reported with the reason once.
#[cfg(unix)]
#[test]
fn a_directory_gone_before_the_walk_enters_it_is_reported_and_the_walk_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    touch(dir.path(), "a/x.json");
    touch(dir.path(), "b/y.json");
    touch(dir.path(), "c.json");
    // The walk is lazy: creating it lists the root and enters `a`, not yet `b`.
    let mut walk = Walk::new(&[dir.path().to_path_buf()], None, &WalkOptions::default()).unwrap();
    std::fs::remove_dir_all(dir.path().join("b")).unwrap();
    assert_eq!(walked(&mut walk), ["a/x.json", "c.json"]);
    // ENOENT, "No such file or directory (os error 2)": the reason alone.
    let reason = std::io::Error::from_raw_os_error(2).to_string();
    assert_eq!(
        walk.walk_errors,
        [(dir.path().join("b").display().to_string(), reason)]
    );
}
