//! Walking the INPUT paths: recursive, symlinks not followed, files picked by extension,
//! the run's own output directory never read back, everything sorted by source path.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Format, InputFile};

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to read, sorted by `source` (shared with the reader thread).
    pub files: std::sync::Arc<Vec<InputFile>>,
    /// Files seen but not of a supported extension (source paths, sorted).
    pub skipped: Vec<String>,
    /// Directory entries that could not be walked: (path, message).
    pub walk_errors: Vec<(String, String)>,
}

/// Walks `inputs`. A missing input path is an error (usage error, exit 2). `exclude` (the
/// output directory) is never descended into. `format` (`--format`) applies to standard
/// input (`-`) and to files named explicitly, whatever their extension.
pub fn discover(
    inputs: &[PathBuf],
    exclude: Option<&Path>,
    format: Option<Format>,
) -> Result<Discovery, String> {
    let exclude = exclude.and_then(|p| p.canonicalize().ok());
    let mut found = Discovery::default();
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            let format = format.ok_or("reading standard input (`-`) needs --format")?;
            files.push(InputFile {
                path: input.clone(),
                source: "-".into(),
                format,
                compression: None,
            });
            continue;
        }
        let meta = std::fs::symlink_metadata(input)
            .map_err(|e| format!("input path {}: {e}", input.display()))?;
        if meta.is_dir() {
            let walker = WalkDir::new(input).follow_links(false).sort_by_file_name();
            let mut it = walker.into_iter();
            while let Some(entry) = it.next() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        let path = e
                            .path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default();
                        found.walk_errors.push((path, e.to_string()));
                        continue;
                    }
                };
                if entry.file_type().is_dir() {
                    if let Some(ex) = &exclude
                        && entry.path().canonicalize().is_ok_and(|p| &p == ex)
                    {
                        it.skip_current_dir();
                    }
                    continue;
                }
                let rel = entry.path().strip_prefix(input).unwrap_or(entry.path());
                let source = slash_path(rel);
                // Symlinks are not followed; FIFOs, sockets and devices are not lead files.
                if !entry.file_type().is_file() {
                    found.skipped.push(source);
                    continue;
                }
                match Format::detect(entry.path()) {
                    Some((format, compression)) => files.push(InputFile {
                        path: entry.path().to_path_buf(),
                        source,
                        format,
                        compression,
                    }),
                    None => found.skipped.push(source),
                }
            }
        } else {
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
                Some((format, compression)) => files.push(InputFile {
                    path: input.clone(),
                    source,
                    format,
                    compression,
                }),
                None => found.skipped.push(source),
            }
        }
    }
    files.sort_by(|a, b| a.source.cmp(&b.source).then(a.path.cmp(&b.path)));
    found.files = std::sync::Arc::new(files);
    found.skipped.sort();
    Ok(found)
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
