//! The output directory and the run's commit: one run at a time, and a set that is all old
//! or all new at every instant.
//!
//! ```text
//! OUT/
//!   latest -> runs/<run-id>      symlink, replaced atomically at each commit
//!   runs/<run-id>/               one complete set per committed run, never modified again
//!   .lock                        held (flock) by the run that owns OUT
//! ```
//!
//! A run takes an exclusive `flock` on `OUT/.lock` before it touches anything in OUT (the
//! kernel releases it when the process ends, however it ends), writes everything into its
//! own new directory `runs/<run-id>/` (created 0700, or as `--file-mode` allows plus the x
//! bits, whatever the umask; `mkdir` fails if it exists), and commits by fsyncing that
//! directory and `runs/`, creating a symlink to it under a temporary name in OUT, renaming
//! it over `latest` and fsyncing OUT. The rename is the commit: before it `latest` names the
//! previous run, after it the new one, and a reader that resolves `latest` once sees one
//! run's complete set. A run killed at any moment leaves `latest` on a complete set.
//!
//! Deliveries (`leadbatch submit`) are committed the same way, in their own area:
//! `deliveries/<delivery-id>/` and the link `latest-delivery` (`Area`). Everything below
//! holds for both areas; each area's directories are judged against its own link.
//!
//! **(decision)** Which run directories are committed follows from their ids: ids sort by
//! time (`YYYYMMDDTHHMMSSZ-xxxxxx`, the suffix random), runs are serialised by the lock, and
//! a new id is made to sort after the one `latest` names even if the clock went back. So,
//! under the lock, a directory in `runs/` whose id sorts after `latest`'s (or that is not a
//! run id at all) belongs to a run that never committed, and is removed; `--keep-runs N`
//! keeps the N newest committed runs, never removing the one `latest` names.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The symlink naming the newest committed run.
pub const LATEST: &str = "latest";
/// The directory of the run directories.
pub const RUNS: &str = "runs";
/// The lock file of OUT.
pub const LOCK: &str = ".lock";
/// The directory of the delivery directories (`leadbatch submit`).
pub const DELIVERIES: &str = "deliveries";
/// The symlink naming the newest committed delivery.
pub const LATEST_DELIVERY: &str = "latest-delivery";

/// A kind of committed directory in OUT: the directory its sets live in, and the link that
/// names the newest committed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub dir: &'static str,
    pub link: &'static str,
}

/// The runs of `process` and `validate`: `runs/<run-id>` and `latest`.
pub const RUN_AREA: Area = Area {
    dir: RUNS,
    link: LATEST,
};

/// The deliveries of `submit`: `deliveries/<delivery-id>` and `latest-delivery`.
pub const DELIVERY_AREA: Area = Area {
    dir: DELIVERIES,
    link: LATEST_DELIVERY,
};

impl Area {
    /// Prefix of the temporary name of a new link (`.latest.` for runs).
    fn tmp_prefix(self) -> String {
        format!(".{}.", self.link)
    }
}

/// Whether this process has committed its run: held while the commit decides whether to
/// rename `latest`, and by a signal's handler while it decides whether to end the process.
pub static COMMIT_GATE: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// The permission bits of the directories a run creates: the file mode with an x bit
/// wherever it has an r bit (`600` gives `700`, `640` gives `750`).
pub fn dir_mode(file_mode: u32) -> u32 {
    file_mode | ((file_mode & 0o444) >> 2)
}

/// Creates `path` (not its parents) with exactly `mode`, whatever the umask.
pub fn create_dir(path: &Path, mode: u32) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        b.mode(mode);
        b.create(path)?;
        // The umask may have narrowed the mode: the flag is what the user asked for.
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        b.create(path)
    }
}

/// OUT, locked by this process for as long as the value lives.
#[derive(Debug)]
pub struct OutDir {
    root: PathBuf,
    /// Holds the lock; closing it (the process ending) releases it.
    _lock: File,
}

/// Why OUT could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another run holds the lock: what its lock file says about it.
    Busy(String),
    Io(io::Error),
}

impl OutDir {
    /// Locks `out` (created with `mode` if missing), waiting up to `wait` for another run to
    /// finish (not at all when `None`); `stop` is polled while waiting.
    pub fn lock(
        out: &Path,
        mode: u32,
        wait: Option<Duration>,
        stop: &dyn Fn() -> bool,
    ) -> Result<OutDir, LockError> {
        if !out.is_dir() {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(LockError::Io)?;
            }
            match create_dir(out, mode) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                    return Err(LockError::Io(e));
                }
                _ => {}
            }
        }
        let file = lock_file(&out.join(LOCK), wait, stop)?;
        Ok(OutDir {
            root: out.to_path_buf(),
            _lock: file,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The id of the run `latest` names, if any.
    pub fn latest(&self) -> Option<String> {
        latest_of(&self.root, RUN_AREA)
    }

    /// Removes what runs that never committed left (their directories, a temporary link),
    /// then creates this run's directory.
    pub fn begin_run(&self, mode: u32) -> io::Result<RunDir> {
        self.begin(RUN_AREA, mode, None)
    }

    /// `begin_run` for a directory of `area`, named `id` when given (it must sort after
    /// the one the area's link names, see `new_id`), else a new id.
    pub fn begin(&self, area: Area, mode: u32, id: Option<String>) -> io::Result<RunDir> {
        let previous = latest_of(&self.root, area);
        self.remove_uncommitted(area, previous.as_deref())?;
        let runs = self.root.join(area.dir);
        match create_dir(&runs, mode) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        // A symlink planted at `runs` would put this run's files where its owner can reach.
        if !fs::symlink_metadata(&runs)?.is_dir() {
            return Err(io::Error::other(format!(
                "{} is not a directory (a symlink?): refusing to write through it",
                runs.display()
            )));
        }
        let id = match id {
            Some(id) if is_run_id(&id) && previous.as_deref().is_none_or(|p| p < id.as_str()) => id,
            _ => new_id(previous.as_deref()),
        };
        let path = runs.join(&id);
        create_dir(&path, mode)?;
        Ok(RunDir {
            id,
            path,
            out: self.root.clone(),
            area,
            previous,
            committed: false,
        })
    }

    /// Directories in the area of sets that never committed: not ids, or sorting after the
    /// one the link names (all of them when there is none); and temporary links.
    fn remove_uncommitted(&self, area: Area, latest: Option<&str>) -> io::Result<()> {
        let prefix = area.tmp_prefix();
        for entry in read_dir_or_empty(&self.root)? {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(&prefix) {
                fs::remove_file(entry.path())?;
            }
        }
        for entry in read_dir_or_empty(&self.root.join(area.dir))? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let committed = is_run_id(&name) && latest.is_some_and(|l| name.as_str() <= l);
            if !committed {
                remove_entry(&entry.path())?;
            }
        }
        Ok(())
    }

    /// Removes the oldest committed runs beyond the `keep` newest (never the one `latest`
    /// names). Returns how many were removed.
    pub fn prune(&self, keep: usize) -> io::Result<usize> {
        self.prune_area(RUN_AREA, keep)
    }

    /// `prune` for the directories of `area`.
    pub fn prune_area(&self, area: Area, keep: usize) -> io::Result<usize> {
        let Some(latest) = latest_of(&self.root, area) else {
            return Ok(0);
        };
        let mut ids: Vec<String> = read_dir_or_empty(&self.root.join(area.dir))?
            .into_iter()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_run_id(n) && n.as_str() <= latest.as_str())
            .collect();
        ids.sort();
        let surplus = ids.len().saturating_sub(keep.max(1));
        for id in &ids[..surplus] {
            if *id != latest {
                fs::remove_dir_all(self.root.join(area.dir).join(id))?;
            }
        }
        Ok(surplus)
    }
}

/// This run's directory: removed when dropped uncommitted, so that a failed run leaves
/// nothing behind (what a killed run leaves, the next run removes).
#[derive(Debug)]
pub struct RunDir {
    pub id: String,
    pub path: PathBuf,
    out: PathBuf,
    area: Area,
    /// The run `latest` named when this one began.
    pub previous: Option<String>,
    committed: bool,
}

impl RunDir {
    /// Makes the run's files durable and replaces `latest` (the area's link) with a link to
    /// this run. The
    /// files must be written and fsynced. `proceed` is asked last before the rename (a
    /// signal may have come): when it says no, nothing is committed.
    pub fn commit(&mut self, proceed: &dyn Fn() -> bool) -> io::Result<()> {
        fault("fsync-run-dir")?;
        sync_dir(&self.path)?;
        fault("fsync-runs")?;
        sync_dir(&self.out.join(self.area.dir))?;
        fault("symlink")?;
        let tmp = self
            .out
            .join(format!("{}{}.tmp", self.area.tmp_prefix(), self.id));
        let target = Path::new(self.area.dir).join(&self.id);
        symlink(&target, &tmp)?;
        fault("rename")?;
        {
            // A signal's last word (`pipeline::install_signal_handler`) waits for this.
            let mut gate = COMMIT_GATE.lock().unwrap_or_else(|e| e.into_inner());
            if !proceed() {
                let _ = fs::remove_file(&tmp);
                return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
            }
            if let Err(e) = fs::rename(&tmp, self.out.join(self.area.link)) {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
            // From here on the run is committed, whatever follows.
            self.committed = true;
            *gate = true;
        }
        fault("fsync-out")?;
        sync_dir(&self.out)
    }

    pub fn is_committed(&self) -> bool {
        self.committed
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The id the link of `area` in OUT `out` names, if any.
pub fn latest_of(out: &Path, area: Area) -> Option<String> {
    let target = fs::read_link(out.join(area.link)).ok()?;
    let id = target.file_name()?.to_str()?.to_string();
    is_run_id(&id).then_some(id)
}

/// A new id for now that sorts after `after` (see `new_run_id`).
pub fn new_id(after: Option<&str>) -> String {
    new_run_id(SystemTime::now(), after)
}

/// A run id: the time in UTC and a random suffix, `20261204T193005Z-3fa9c1`. It sorts after
/// `after` (the run `latest` names), a second later if the clock says otherwise.
fn new_run_id(now: SystemTime, after: Option<&str>) -> String {
    let mut secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Some(prev) = after.and_then(parse_run_time) {
        secs = secs.max(prev + 1);
    }
    format!("{}-{:06x}", compact_time(secs), random_u64() & 0xff_ffff)
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the epoch (a run id's time).
fn compact_time(secs: u64) -> String {
    utc(secs, "", "")
}

/// `YYYY-MM-DDTHH:MM:SSZ`, for the lock file and the ledger.
pub fn humane_time(t: SystemTime) -> String {
    utc(
        t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        "-",
        ":",
    )
}

/// The UTC time of `secs`, its date and time fields joined by `date_sep` and `time_sep`.
fn utc(secs: u64, date_sep: &str, time_sep: &str) -> String {
    let ((y, m, d), rest) = civil(secs);
    let (h, min, s) = (rest / 3600, rest / 60 % 60, rest % 60);
    format!("{y:04}{date_sep}{m:02}{date_sep}{d:02}T{h:02}{time_sep}{min:02}{time_sep}{s:02}Z")
}

/// The civil date (year, month, day) and the seconds into that day.
fn civil(secs: u64) -> ((i64, u32, u32), u64) {
    let days = (secs / 86_400) as i64;
    let d = crate::rules::scalar::Date::from_days_since_epoch(days);
    (
        (i64::from(d.year), u32::from(d.month), u32::from(d.day)),
        secs % 86_400,
    )
}

/// The seconds since the epoch a run id stands for.
fn parse_run_time(id: &str) -> Option<u64> {
    if !is_run_id(id) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| id.get(r)?.parse::<u32>().ok();
    let date = crate::rules::scalar::Date::parse_plain(&format!(
        "{}-{}-{}",
        id.get(0..4)?,
        id.get(4..6)?,
        id.get(6..8)?
    ))?;
    let days = u64::try_from(date.days_since_epoch()).ok()?;
    let (h, m, s) = (n(9..11)?, n(11..13)?, n(13..15)?);
    Some(days * 86_400 + u64::from(h) * 3600 + u64::from(m) * 60 + u64::from(s))
}

/// Whether a live process holds the lock of OUT `out` (a missing OUT is not locked).
pub fn is_locked(out: &Path) -> bool {
    let Ok(file) = open_no_follow(&out.join(LOCK), false) else {
        return false;
    };
    matches!(file.try_lock(), Err(fs::TryLockError::WouldBlock))
}

/// Whether run `id` of OUT `out` committed: its directory is there and `latest` names it
/// or a later run (a run directory that never committed does not outlive the next run).
pub fn is_committed(out: &Path, id: &str) -> bool {
    let latest = fs::read_link(out.join(LATEST))
        .ok()
        .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()));
    is_run_id(id) && latest.is_some_and(|l| id <= l.as_str()) && out.join(RUNS).join(id).is_dir()
}

/// Whether `name` has the shape of a run id.
pub fn is_run_id(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 23
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
        && b[16] == b'-'
        && b[17..]
            .iter()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// A random number from the operating system's entropy (std's hash keys are drawn from it).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Takes an exclusive `flock` on `path` (created 0600, never through a symlink), waiting up
/// to `wait` for its holder (not at all when `None`; `stop` is polled while waiting), and
/// writes who holds it into it. The kernel releases it when the file is closed, however the
/// process ends.
pub fn lock_file(
    path: &Path,
    wait: Option<Duration>,
    stop: &dyn Fn() -> bool,
) -> Result<File, LockError> {
    let mut file = open_no_follow(path, true).map_err(LockError::Io)?;
    let deadline = wait.map(|w| Instant::now() + w);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) => {
                let waiting = deadline.is_some_and(|d| Instant::now() < d) && !stop();
                if !waiting {
                    let holder = fs::read_to_string(path).unwrap_or_default();
                    return Err(LockError::Busy(holder.trim().to_string()));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
    }
    // Who holds it, for the message of a process that finds it taken.
    file.set_len(0).map_err(LockError::Io)?;
    let started = humane_time(SystemTime::now());
    writeln!(file, "pid {}, started {started}", std::process::id()).map_err(LockError::Io)?;
    Ok(file)
}

/// Opens (creating, 0600) a file that must not be a symlink.
fn open_no_follow(path: &Path, create: bool) -> io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.read(true).write(true).create(create);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    o.open(path)
}

fn read_dir_or_empty(dir: &Path) -> io::Result<Vec<fs::DirEntry>> {
    match fs::read_dir(dir) {
        Ok(rd) => rd.collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

fn remove_entry(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Fsyncs a directory: an error is an error (the commit is not durable without it).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
    Err(io::Error::other("the run directory layout needs symlinks"))
}

/// A commit step that tests make fail (`LEADBATCH_FAULT=<step>`: an I/O error there) or
/// kill the process at (`LEADBATCH_FAULT=kill:<step>`). Compiled in only with the
/// `fault-injection` feature, which the shipped binary does not have.
#[cfg(feature = "fault-injection")]
pub fn fault(step: &str) -> io::Result<()> {
    match std::env::var("LEADBATCH_FAULT") {
        Ok(v) if v == step => Err(io::Error::other(format!("injected fault at {step}"))),
        Ok(v) if v.strip_prefix("kill:") == Some(step) => {
            use rustix::process::{Signal, getpid, kill_process};
            kill_process(getpid(), Signal::KILL)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn fault(_step: &str) -> io::Result<()> {
    Ok(())
}
