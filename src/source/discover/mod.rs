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
//! (a heap of their next entries), so the order is the same as sorting every source path,
//! which is what earlier versions did. Skipped files come through the same merge, so their
//! list is in order too without being held.
//!
//! **(decision)** Paths are ordered by their bytes as the platform stores them. Names that
//! are not UTF-8 appear in the outputs with their invalid bytes replaced, so two such names
//! may read the same there; ordering by what is written would then depend on the order the
//! directory happened to list them in.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{Format, InputFile};

/// What the walk finds, in order of source path.
#[derive(Debug)]
pub enum Found {
    /// A file to read.
    File(InputFile),
    /// A file that is not of a supported extension, or not a regular file: its source path.
    Skipped(String),
}

/// The entries of the INPUT paths, in order of source path, found as they are asked for.
#[derive(Debug)]
pub struct Walk {
    roots: Vec<Root>,
    /// The next entry of each root that has one, smallest source first.
    heads: BinaryHeap<Head>,
    exclude: Option<PathBuf>,
    /// Directories or entries that could not be read: (path, message); sorted by `finish`.
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
            walk_errors: Vec::new(),
        };
        for input in inputs {
            let root = if input.as_os_str() == "-" {
                let format = format.ok_or("reading standard input (`-`) needs --format")?;
                Root::Named(Some(Head {
                    key: b"-".to_vec(),
                    found: Found::File(InputFile {
                        path: input.clone(),
                        source: "-".into(),
                        format,
                        compression: None,
                    }),
                    root: 0,
                }))
            } else {
                let meta = std::fs::symlink_metadata(input)
                    .map_err(|e| format!("input path {}: {e}", input.display()))?;
                if meta.is_dir() {
                    let mut stack = Vec::new();
                    if !walk.excluded(input)
                        && let Some(f) =
                            Frame::read(input, String::new(), Vec::new(), &mut walk.walk_errors)
                    {
                        stack.push(f);
                    }
                    Root::Dir(stack)
                } else {
                    Root::Named(Some(named_file(input, format)))
                }
            };
            walk.roots.push(root);
        }
        for i in 0..walk.roots.len() {
            walk.advance(i);
        }
        Ok(walk)
    }

    fn excluded(&self, dir: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|ex| dir.canonicalize().is_ok_and(|p| &p == ex))
    }

    /// Puts root `i`'s next entry on the heap, if it has one.
    fn advance(&mut self, i: usize) {
        let next = match &mut self.roots[i] {
            Root::Named(head) => head.take(),
            Root::Dir(_) => self.next_in_dir(i),
        };
        if let Some(mut head) = next {
            head.root = i;
            self.heads.push(head);
        }
    }

    /// The next entry of directory root `i`, depth first.
    fn next_in_dir(&mut self, i: usize) -> Option<Head> {
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
            let mut key = Vec::with_capacity(frame.raw_prefix.len() + entry.len as usize + 1);
            key.extend_from_slice(&frame.raw_prefix);
            key.extend_from_slice(name.as_encoded_bytes());
            let found = match entry.kind {
                Kind::Dir => {
                    if self.excluded(&path) {
                        continue;
                    }
                    key.push(b'/');
                    let frame = Frame::read(&path, source + "/", key, &mut self.walk_errors);
                    if let (Some(f), Root::Dir(stack)) = (frame, &mut self.roots[i]) {
                        stack.push(f);
                    }
                    continue;
                }
                Kind::File => match Format::detect(&path) {
                    Some((format, compression)) => Found::File(InputFile {
                        path,
                        source,
                        format,
                        compression,
                    }),
                    None => Found::Skipped(source),
                },
                // Symlinks are not followed; FIFOs, sockets and devices are not lead files.
                Kind::Other => Found::Skipped(source),
            };
            return Some(Head {
                key,
                found,
                root: i,
            });
        }
    }

    /// Sorts the walk errors; call once the walk is done.
    pub fn finish(&mut self) {
        self.walk_errors.sort();
    }
}

impl Iterator for Walk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        let Head { found, root, .. } = self.heads.pop()?;
        self.advance(root);
        Some(found)
    }
}

/// A file named explicitly: its source is its name; `--format` overrides its extension.
fn named_file(input: &Path, format: Option<Format>) -> Head {
    let (source, key) = match input.file_name() {
        Some(n) => (
            n.to_string_lossy().into_owned(),
            n.as_encoded_bytes().to_vec(),
        ),
        None => {
            let s = slash_path(input);
            let k = s.clone().into_bytes();
            (s, k)
        }
    };
    let detected = Format::detect(input);
    let chosen = match (format, detected) {
        (Some(f), d) => Some((f, d.and_then(|(_, c)| c))),
        (None, d) => d,
    };
    let found = match chosen {
        Some((format, compression)) => Found::File(InputFile {
            path: input.to_path_buf(),
            source,
            format,
            compression,
        }),
        None => Found::Skipped(source),
    };
    Head {
        key,
        found,
        root: 0,
    }
}

/// One INPUT path.
#[derive(Debug)]
enum Root {
    /// A file named explicitly (or standard input), until it is taken.
    Named(Option<Head>),
    /// A directory: the directories on the current path of its walk, innermost last.
    Dir(Vec<Frame>),
}

/// A root's next entry, ordered so that the heap (a max-heap) pops the smallest source.
#[derive(Debug)]
struct Head {
    /// The source path as the platform stores it (the order).
    key: Vec<u8>,
    found: Found,
    root: usize,
}

impl Head {
    fn order_key(&self) -> (&[u8], &[u8], usize) {
        let path = match &self.found {
            Found::File(f) => f.path.as_os_str().as_encoded_bytes(),
            Found::Skipped(_) => &[],
        };
        (&self.key, path, self.root)
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        other.order_key().cmp(&self.order_key())
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
    /// Source path of the directory, ending in `/` (empty for a root)...
    prefix: String,
    /// ...and as the platform stores it.
    raw_prefix: Vec<u8>,
    /// The entries' names, one after another (as the platform encodes them).
    names: Vec<u8>,
    entries: Vec<Entry>,
    next: usize,
}

impl Frame {
    /// Reads and sorts `dir`. What cannot be read is added to `errors`; `None` when the
    /// directory itself cannot be.
    fn read(
        dir: &Path,
        prefix: String,
        raw_prefix: Vec<u8>,
        errors: &mut Vec<(String, String)>,
    ) -> Option<Frame> {
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
            raw_prefix,
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
            let start = u32::try_from(frame.names.len()).ok();
            let len = u32::try_from(bytes.len()).ok();
            // The end must fit too: `name` slices `start..start + len`.
            let (Some(start), Some(len), Some(_)) = (
                start,
                len,
                start.zip(len).and_then(|(s, l)| s.checked_add(l)),
            ) else {
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
            source_order(na, a.kind == Kind::Dir, nb, b.kind == Kind::Dir)
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

/// The order of two entries' source paths: their names, a directory's followed by `/`.
fn source_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let slash = |dir: bool| if dir { &b"/"[..] } else { &b""[..] };
    a.iter()
        .chain(slash(a_dir))
        .cmp(b.iter().chain(slash(b_dir)))
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;

#[cfg(all(test, unix))]
mod order_properties;
