//! Walking the INPUT paths: recursive, symlinks not followed, files picked by extension,
//! the run's own output directory never read back, every file in the order of its source
//! path.
//!
//! The walk is lazy: a run of two million files must not hold two million paths. Each
//! directory is read and sorted when the walk enters it, and only the directories on the
//! current path are held (about 12 bytes plus the name per entry). Within one input,
//! depth-first order with each directory's entries sorted by name, a directory's name
//! compared as if it ended in `/`, is exactly the byte order of the source paths
//! (`a.json` < `a/x.json` because `.` < `/`). Several inputs are merged by source path
//! (a heap of their next files), so the order is the same as sorting every source path,
//! which is what earlier versions did.
//!
//! **(decision)** Sources are compared as written in the outputs: names that are not
//! UTF-8 are compared with their invalid bytes replaced, as they appear in the reports.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{Format, InputFile};

/// The files of the INPUT paths, in order of source path, found as they are asked for.
#[derive(Debug)]
pub struct Walk {
    roots: Vec<Root>,
    /// The next file of each root that has one, smallest source first.
    heads: BinaryHeap<Head>,
    exclude: Option<PathBuf>,
    /// Files seen but not of a supported extension (source paths); sorted by `finish`.
    pub skipped: Vec<String>,
    /// Directories or entries that could not be read: (path, message).
    pub walk_errors: Vec<(String, String)>,
}

impl Walk {
    /// Starts walking `inputs`. A missing input path is an error (usage error, exit 2).
    /// `exclude` (the output directory) is never descended into. `format` (`--format`)
    /// applies to standard input (`-`) and to files named explicitly, whatever their
    /// extension.
    pub fn new(
        inputs: &[PathBuf],
        exclude: Option<&Path>,
        format: Option<Format>,
    ) -> Result<Walk, String> {
        let mut walk = Walk {
            roots: Vec::with_capacity(inputs.len()),
            heads: BinaryHeap::new(),
            exclude: exclude.and_then(|p| p.canonicalize().ok()),
            skipped: Vec::new(),
            walk_errors: Vec::new(),
        };
        for input in inputs {
            let root = if input.as_os_str() == "-" {
                let format = format.ok_or("reading standard input (`-`) needs --format")?;
                Root::File(Some(InputFile {
                    path: input.clone(),
                    source: "-".into(),
                    format,
                    compression: None,
                }))
            } else {
                let meta = std::fs::symlink_metadata(input)
                    .map_err(|e| format!("input path {}: {e}", input.display()))?;
                if meta.is_dir() {
                    let mut stack = Vec::new();
                    if !walk.excluded(input)
                        && let Some(f) = Frame::read(input, String::new(), &mut walk.walk_errors)
                    {
                        stack.push(f);
                    }
                    Root::Dir(stack)
                } else {
                    walk.named_file(input, format)
                }
            };
            walk.roots.push(root);
        }
        for i in 0..walk.roots.len() {
            walk.advance(i);
        }
        Ok(walk)
    }

    /// A file named explicitly: its source is its name; `--format` overrides its
    /// extension.
    fn named_file(&mut self, input: &Path, format: Option<Format>) -> Root {
        let source = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| slash_path(input));
        let detected = Format::detect(input);
        let chosen = match (format, detected) {
            (Some(f), d) => Some((f, d.and_then(|(_, c)| c))),
            (None, d) => d,
        };
        match chosen {
            Some((format, compression)) => Root::File(Some(InputFile {
                path: input.to_path_buf(),
                source,
                format,
                compression,
            })),
            None => {
                self.skipped.push(source);
                Root::File(None)
            }
        }
    }

    fn excluded(&self, dir: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|ex| dir.canonicalize().is_ok_and(|p| &p == ex))
    }

    /// Puts root `i`'s next file on the heap, if it has one.
    fn advance(&mut self, i: usize) {
        let next = match &mut self.roots[i] {
            Root::File(f) => f.take(),
            Root::Dir(_) => self.next_in_dir(i),
        };
        if let Some(file) = next {
            self.heads.push(Head { file, root: i });
        }
    }

    /// The next file of directory root `i`, depth first, recording what is skipped.
    fn next_in_dir(&mut self, i: usize) -> Option<InputFile> {
        loop {
            let Root::Dir(stack) = &mut self.roots[i] else {
                return None;
            };
            let frame = stack.last_mut()?;
            let Some(entry) = frame.entries.get(frame.next).copied() else {
                stack.pop();
                continue;
            };
            frame.next += 1;
            let name = frame.name(entry);
            let path = frame.dir.join(name);
            let source = format!("{}{}", frame.prefix, name.to_string_lossy());
            match entry.kind {
                Kind::Dir => {
                    if self.excluded(&path) {
                        continue;
                    }
                    let frame = Frame::read(&path, source + "/", &mut self.walk_errors);
                    if let (Some(f), Root::Dir(stack)) = (frame, &mut self.roots[i]) {
                        stack.push(f);
                    }
                }
                Kind::File => match Format::detect(&path) {
                    Some((format, compression)) => {
                        return Some(InputFile {
                            path,
                            source,
                            format,
                            compression,
                        });
                    }
                    None => self.skipped.push(source),
                },
                // Symlinks are not followed; FIFOs, sockets and devices are not lead files.
                Kind::Other => self.skipped.push(source),
            }
        }
    }

    /// Sorts what was skipped; call once the walk is done.
    pub fn finish(&mut self) {
        self.skipped.sort();
    }
}

impl Iterator for Walk {
    type Item = InputFile;

    fn next(&mut self) -> Option<InputFile> {
        let Head { file, root } = self.heads.pop()?;
        self.advance(root);
        Some(file)
    }
}

/// One INPUT path.
#[derive(Debug)]
enum Root {
    /// A file named explicitly (or standard input), until it is taken.
    File(Option<InputFile>),
    /// A directory: the directories on the current path of its walk, innermost last.
    Dir(Vec<Frame>),
}

/// A root's next file, ordered so that the heap (a max-heap) pops the smallest source.
#[derive(Debug)]
struct Head {
    file: InputFile,
    root: usize,
}

impl Head {
    fn key(&self) -> (&str, &Path, usize) {
        (&self.file.source, &self.file.path, self.root)
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    /// A symlink, FIFO, socket or device.
    Other,
}

/// One entry of a directory being walked: its name is `names[start..start + len]`.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    len: u32,
    kind: Kind,
}

/// A directory being walked: its entries, sorted, and how many were taken.
#[derive(Debug)]
struct Frame {
    dir: PathBuf,
    /// Source path of the directory, ending in `/` (empty for a root).
    prefix: String,
    /// The entries' names, one after another (as the platform encodes them).
    names: Vec<u8>,
    entries: Vec<Entry>,
    next: usize,
}

impl Frame {
    /// Reads and sorts `dir`. What cannot be read is added to `errors`; `None` when the
    /// directory itself cannot be.
    fn read(dir: &Path, prefix: String, errors: &mut Vec<(String, String)>) -> Option<Frame> {
        let listing = match std::fs::read_dir(dir) {
            Ok(l) => l,
            Err(e) => {
                errors.push((dir.display().to_string(), e.to_string()));
                return None;
            }
        };
        let mut frame = Frame {
            dir: dir.to_path_buf(),
            prefix,
            names: Vec::new(),
            entries: Vec::new(),
            next: 0,
        };
        for entry in listing {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push((dir.display().to_string(), e.to_string()));
                    continue;
                }
            };
            let name = entry.file_name();
            let kind = match entry.file_type() {
                Ok(t) if t.is_dir() => Kind::Dir,
                Ok(t) if t.is_file() => Kind::File,
                Ok(_) => Kind::Other,
                Err(e) => {
                    errors.push((entry.path().display().to_string(), e.to_string()));
                    continue;
                }
            };
            let bytes = name.as_encoded_bytes();
            let (Ok(start), Ok(len)) =
                (u32::try_from(frame.names.len()), u32::try_from(bytes.len()))
            else {
                errors.push((
                    dir.display().to_string(),
                    "too many entries in one directory (4 GiB of names)".into(),
                ));
                break;
            };
            frame.names.extend_from_slice(bytes);
            frame.entries.push(Entry { start, len, kind });
        }
        let names = &frame.names;
        let name = |e: &Entry| &names[e.start as usize..(e.start + e.len) as usize];
        frame.entries.sort_unstable_by(|a, b| {
            let (na, nb) = (name(a), name(b));
            source_order(na, a.kind == Kind::Dir, nb, b.kind == Kind::Dir).then(na.cmp(nb))
        });
        frame.names.shrink_to_fit();
        frame.entries.shrink_to_fit();
        Some(frame)
    }

    fn name(&self, e: Entry) -> &OsStr {
        let bytes = &self.names[e.start as usize..(e.start + e.len) as usize];
        // SAFETY: `bytes` is exactly what `as_encoded_bytes` gave for one whole name, read
        // on this platform in this process.
        unsafe { OsStr::from_encoded_bytes_unchecked(bytes) }
    }
}

/// The order of two entries' source paths: their names as written in the outputs, a
/// directory's followed by `/`.
fn source_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let slash = |dir: bool| if dir { &b"/"[..] } else { &b""[..] };
    a.as_bytes()
        .iter()
        .chain(slash(a_dir))
        .cmp(b.as_bytes().iter().chain(slash(b_dir)))
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"{}").unwrap();
    }

    fn sources(walk: Walk) -> Vec<String> {
        walk.map(|f| f.source).collect()
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
        ];
        for r in rels {
            touch(dir.path(), r);
        }
        touch(dir.path(), "notes.txt");
        let mut expected: Vec<String> = rels.iter().map(|s| s.to_string()).collect();
        expected.sort();
        let mut walk = Walk::new(&[dir.path().to_path_buf()], None, None).unwrap();
        let got: Vec<String> = walk.by_ref().map(|f| f.source).collect();
        assert_eq!(got, expected);
        walk.finish();
        assert_eq!(walk.skipped, ["notes.txt"]);
    }

    #[test]
    fn several_inputs_merge_into_one_order() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        for r in ["a.json", "c/d.json", "e.json"] {
            touch(one.path(), r);
        }
        for r in ["b.json", "c.json", "d.json", "e.json"] {
            touch(two.path(), r);
        }
        touch(two.path(), "named.xml");
        let inputs = [
            one.path().to_path_buf(),
            two.path().join("named.xml"),
            two.path().to_path_buf(),
        ];
        let walk = Walk::new(&inputs, None, None).unwrap();
        let got: Vec<(String, PathBuf)> = walk.map(|f| (f.source, f.path)).collect();
        let mut expected = got.clone();
        expected.sort();
        assert_eq!(got, expected);
        let got: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            got,
            [
                "a.json",
                "b.json",
                "c.json",
                "c/d.json",
                "d.json",
                "e.json",
                "e.json",
                "named.xml",
                "named.xml"
            ]
        );
    }

    #[test]
    fn the_output_directory_is_not_read_and_missing_inputs_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "in/a.json");
        touch(dir.path(), "out/accepted.ndjson");
        let out = dir.path().join("out");
        let walk = Walk::new(&[dir.path().to_path_buf()], Some(&out), None).unwrap();
        assert_eq!(sources(walk), ["in/a.json"]);
        let walk = Walk::new(std::slice::from_ref(&out), Some(&out), None).unwrap();
        assert!(sources(walk).is_empty());
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
        let got: Vec<String> = walk.by_ref().map(|f| f.source).collect();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(got, ["b/y.json"]);
        assert_eq!(walk.walk_errors.len(), 1);
        assert_eq!(walk.walk_errors[0].0, locked.display().to_string());
    }
}
