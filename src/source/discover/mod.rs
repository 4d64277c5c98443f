//! Walking the INPUT paths: recursive, symlinks inside the walk not followed (those named
//! on the command line are, as `find -H` and ripgrep do), files picked by extension, hidden
//! entries and office lock files passed over, the run's own output directory never read
//! back, every file read once, in the order of its source path.
//!
//! Source paths: with one INPUT a file's source is its path relative to that INPUT (the
//! file's name when the INPUT is a file); with several, each source starts with its INPUT
//! as given on the command line (`a/leads.ndjson`, `b/leads.ndjson`), so that the same name
//! under two INPUTs never reads the same in the outputs.
//!
//! Overlapping INPUTs (`input input/x.ndjson`, one directory twice, a directory and a
//! symlink to it): a file is identified by its device and inode, and read through the
//! INPUT where it comes first in source-path order; the walk counts the others
//! (`overlaps`). Only INPUTs whose resolved paths are nested in one another (or equal) are
//! tracked so, which costs one `stat` and 16 bytes per file of those INPUTs: a single INPUT,
//! the nightly case, costs nothing. **(decision)** Hard links inside one INPUT are two
//! files, as they are to `find`.
//!
//! The walk is lazy: a run of two million files must not hold two million paths. Each
//! directory is read and sorted when the walk enters it, and only the directories on the
//! current path are held (about 12 bytes plus the name per entry). walkdir lists each
//! directory, one level and unsorted, and only the names are kept, in one arena per
//! directory: walkdir's own sorted walk holds a `DirEntry` with its full path (100 to 150
//! bytes) for every entry of every open directory until it is passed. Within one input,
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
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Format, InputFile};

/// What the walk finds, in order of source path.
#[derive(Debug)]
pub enum Found {
    /// A file to read.
    File(InputFile),
    /// A file that is not of a supported extension, or not a regular file: its source path.
    Skipped(String),
}

/// What the walk reads besides the lead files found by extension.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// `--format`: for standard input and files named explicitly, whatever their extension.
    pub format: Option<Format>,
    /// `--hidden`: read hidden files and directories (names starting with `.`) too.
    pub hidden: bool,
}

/// The entries of the INPUT paths, in order of source path, found as they are asked for.
#[derive(Debug)]
pub struct Walk {
    roots: Vec<Root>,
    /// The INPUT paths as given (for messages about overlaps).
    inputs: Vec<PathBuf>,
    /// Per root: whether its files are identified by inode (it overlaps another root).
    tracked: Vec<bool>,
    /// Device and inode of every file found under a tracked root, and the root it came from.
    seen: HashMap<(u64, u64), usize>,
    /// Files found again under another root: (root, root first read through) -> count.
    overlapped: BTreeMap<(usize, usize), u64>,
    /// The next entry of each root that has one, smallest source first.
    heads: BinaryHeap<Head>,
    exclude: Option<PathBuf>,
    hidden: bool,
    /// Directories or entries that could not be read: (path, message); sorted by `finish`.
    pub walk_errors: Vec<(String, String)>,
}

/// Files of one INPUT already read through another (summary.json `overlappingInputs`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overlap {
    /// The INPUT whose files were passed over, as given.
    pub input: String,
    /// The INPUT they were read through, as given.
    pub read_through: String,
    pub files: u64,
}

impl Walk {
    /// Starts walking `inputs`. A missing input path is an error (usage error, exit 2), and
    /// so is a file named explicitly that is not a lead file by its extension when no
    /// `--format` names its format. `exclude` (the output directory) is never descended
    /// into.
    pub fn new(
        inputs: &[PathBuf],
        exclude: Option<&Path>,
        opts: &WalkOptions,
    ) -> Result<Walk, String> {
        let mut walk = Walk {
            roots: Vec::with_capacity(inputs.len()),
            inputs: inputs.to_vec(),
            tracked: overlapping_roots(inputs),
            seen: HashMap::new(),
            overlapped: BTreeMap::new(),
            heads: BinaryHeap::new(),
            exclude: exclude.and_then(|p| p.canonicalize().ok()),
            hidden: opts.hidden,
            walk_errors: Vec::new(),
        };
        let prefixed = inputs.len() > 1;
        for input in inputs {
            let root = if input.as_os_str() == "-" {
                let format = opts
                    .format
                    .ok_or("reading standard input (`-`) needs --format")?;
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
                // Followed when named on the command line: a symlink to the drop directory
                // is the drop directory.
                let meta = std::fs::metadata(input)
                    .map_err(|e| format!("input path {}: {e}", input.display()))?;
                if meta.is_dir() {
                    let (prefix, raw_prefix) = if prefixed {
                        let (s, mut raw) = joined(input);
                        raw.push(b'/');
                        (s + "/", raw)
                    } else {
                        (String::new(), Vec::new())
                    };
                    let mut stack = Vec::new();
                    if !walk.excluded(input) {
                        stack.push(Frame::read(
                            input,
                            prefix,
                            raw_prefix,
                            &mut walk.walk_errors,
                        ));
                    }
                    Root::Dir(stack)
                } else {
                    Root::Named(Some(named_file(input, opts.format, prefixed)?))
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
            let passed_over = is_lock_file(name.as_encoded_bytes())
                || (!self.hidden && name.as_encoded_bytes().first() == Some(&b'.'));
            let found = match entry.kind {
                // A hidden directory is listed once, as itself, and not entered.
                Kind::Dir if passed_over => Found::Skipped(source + "/"),
                _ if passed_over => Found::Skipped(source),
                Kind::Dir => {
                    if self.excluded(&path) {
                        continue;
                    }
                    key.push(b'/');
                    let frame = Frame::read(&path, source + "/", key, &mut self.walk_errors);
                    if let Root::Dir(stack) = &mut self.roots[i] {
                        stack.push(frame);
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

    /// INPUTs whose files were found again under another INPUT, in the order of the INPUTs.
    pub fn overlaps(&self) -> Vec<Overlap> {
        let given = |i: usize| self.inputs[i].display().to_string();
        self.overlapped
            .iter()
            .map(|(&(input, first), &files)| Overlap {
                input: given(input),
                read_through: given(first),
                files,
            })
            .collect()
    }

    /// Whether `file`, found under `root`, was found before under another root (or the same
    /// one, given twice); remembers it otherwise.
    fn found_before(&mut self, file: &InputFile, root: usize) -> bool {
        if !self.tracked[root] {
            return false;
        }
        let Some(id) = file_id(&file.path) else {
            // Cannot be identified (it vanished): the reader reports it.
            return false;
        };
        match self.seen.get(&id) {
            Some(&first) => {
                *self.overlapped.entry((root, first)).or_default() += 1;
                true
            }
            None => {
                self.seen.insert(id, root);
                false
            }
        }
    }
}

impl Iterator for Walk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            let Head { found, root, .. } = self.heads.pop()?;
            self.advance(root);
            if let Found::File(f) = &found
                && self.found_before(f, root)
            {
                continue;
            }
            return Some(found);
        }
    }
}

/// Which roots overlap another: one's resolved path is the other's or inside it. Standard
/// input and paths that cannot be resolved overlap nothing.
fn overlapping_roots(inputs: &[PathBuf]) -> Vec<bool> {
    let resolved: Vec<Option<PathBuf>> = inputs
        .iter()
        .map(|p| {
            (p.as_os_str() != "-")
                .then(|| p.canonicalize().ok())
                .flatten()
        })
        .collect();
    let mut tracked = vec![false; inputs.len()];
    for (i, a) in resolved.iter().enumerate() {
        for (j, b) in resolved.iter().enumerate().skip(i + 1) {
            if let (Some(a), Some(b)) = (a, b)
                && (a.starts_with(b) || b.starts_with(a))
            {
                tracked[i] = true;
                tracked[j] = true;
            }
        }
    }
    tracked
}

/// Device and inode of a file (symlinks followed: a file named through a link is the file).
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// An office suite's lock file beside an open document: `~$export.csv` (Microsoft Office),
/// `.~lock.export.csv#` (LibreOffice). Never lead data, even with `--hidden`.
fn is_lock_file(name: &[u8]) -> bool {
    name.starts_with(b"~$") || name.starts_with(b".~lock.")
}

/// A file named explicitly: its source is its name (its path as given, with several
/// INPUTs); `--format` overrides its extension. Without `--format`, a file that is not a
/// lead file by its extension is a usage error: naming it says it should be read.
fn named_file(input: &Path, format: Option<Format>, prefixed: bool) -> Result<Head, String> {
    let (source, key) = match input.file_name() {
        Some(n) if !prefixed => (
            n.to_string_lossy().into_owned(),
            n.as_encoded_bytes().to_vec(),
        ),
        _ => joined(input),
    };
    let detected = Format::detect(input);
    let (format, compression) = match (format, detected) {
        (Some(f), d) => (f, d.and_then(|(_, c)| c)),
        (None, Some(d)) => d,
        (None, None) => {
            return Err(format!(
                "input {} is not a lead file by its extension (.json, .ndjson, .jsonl, .xml, \
                 .csv, .tsv, optionally followed by .gz or .zst); to read it anyway, name its \
                 format: --format json|ndjson|xml|csv",
                input.display()
            ));
        }
    };
    Ok(Head {
        key,
        found: Found::File(InputFile {
            path: input.to_path_buf(),
            source,
            format,
            compression,
        }),
        root: 0,
    })
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
    /// Reads and sorts `dir`. What cannot be read is added to `errors` (when the directory
    /// itself cannot be, the frame is empty).
    ///
    /// walkdir lists the directory, one level and unsorted, so that its entries stream
    /// through the arena (see the module's note). The directory is followed if it is a
    /// symlink: only one named on the command line can be, the walk enters no symlink.
    fn read(
        dir: &Path,
        prefix: String,
        raw_prefix: Vec<u8>,
        errors: &mut Vec<(String, String)>,
    ) -> Frame {
        let listing = WalkDir::new(dir)
            .min_depth(1)
            .max_depth(1)
            .follow_links(false);
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
                    errors.push(walk_error(dir, &e));
                    continue;
                }
            };
            let t = entry.file_type();
            let kind = if t.is_dir() {
                Kind::Dir
            } else if t.is_file() {
                Kind::File
            } else {
                Kind::Other
            };
            if !frame.push(entry.file_name().as_encoded_bytes(), kind) {
                errors.push((
                    dir.display().to_string(),
                    "too many entries in one directory (4 GiB of names)".into(),
                ));
                break;
            }
        }
        let names = &frame.names;
        let name = |e: &Entry| &names[e.start as usize..(e.start + e.len) as usize];
        frame.entries.sort_unstable_by(|a, b| {
            let (na, nb) = (name(a), name(b));
            source_order(na, a.kind == Kind::Dir, nb, b.kind == Kind::Dir)
        });
        frame.names.shrink_to_fit();
        frame.entries.shrink_to_fit();
        frame
    }

    /// Adds an entry; false when its name does not fit in the arena (its end must fit in a
    /// `u32` too: `name` slices `start..start + len`).
    fn push(&mut self, bytes: &[u8], kind: Kind) -> bool {
        let start = u32::try_from(self.names.len()).ok();
        let len = u32::try_from(bytes.len()).ok();
        let (Some(start), Some(len), Some(_)) = (
            start,
            len,
            start.zip(len).and_then(|(s, l)| s.checked_add(l)),
        ) else {
            return false;
        };
        self.names.extend_from_slice(bytes);
        self.entries.push(Entry { start, len, kind });
        true
    }

    fn name(&self, e: Entry) -> &OsStr {
        os_str(&self.names[e.start as usize..(e.start + e.len) as usize])
    }
}

/// A name kept in a frame's arena, as the platform stores it.
#[cfg(unix)]
fn os_str(bytes: &[u8]) -> &OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(bytes)
}

/// A name kept in a frame's arena. Only Unix converts bytes to a name safely.
#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> &OsStr {
    // SAFETY: `bytes` is exactly what `as_encoded_bytes` gave for one whole name, read on
    // this platform in this process (`Frame::push` stores whole names only).
    unsafe { OsStr::from_encoded_bytes_unchecked(bytes) }
}

/// A walk error as `unreadablePaths` lists it: the path (the directory when walkdir names
/// none) and the reason once, without walkdir's "IO error for operation on PATH: " before it.
fn walk_error(dir: &Path, e: &walkdir::Error) -> (String, String) {
    let path = e.path().unwrap_or(dir).display().to_string();
    let reason = e
        .io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string());
    (path, reason)
}

/// The order of two entries' source paths: their names, a directory's followed by `/`.
fn source_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let slash = |dir: bool| if dir { &b"/"[..] } else { &b""[..] };
    a.iter()
        .chain(slash(a_dir))
        .cmp(b.iter().chain(slash(b_dir)))
}

/// A path as given, its components joined by `/` (a trailing separator dropped): as text
/// for the outputs, and as the platform stores it for the order.
fn joined(p: &Path) -> (String, Vec<u8>) {
    let (mut text, mut raw) = (String::new(), Vec::new());
    for (i, c) in p.components().enumerate() {
        // The root component is `/` itself: joining after it would double the separator.
        if i > 0 && raw.last() != Some(&b'/') {
            raw.push(b'/');
            text.push('/');
        }
        raw.extend_from_slice(c.as_os_str().as_encoded_bytes());
        text.push_str(&c.as_os_str().to_string_lossy());
    }
    (text, raw)
}

#[cfg(test)]
mod tests;

#[cfg(all(test, unix))]
mod order_properties;
