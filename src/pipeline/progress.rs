//! The progress shown on stderr while a run reads: bytes read against the total size of the
//! inputs, so that one 5 GB file moves the bar and gives an ETA (counting files left it at
//! "0/1 files" for the whole run). Compressed inputs count by their compressed bytes, the
//! bytes on disk, which is what the total measures.
//!
//! Only on a terminal, and not with `--quiet`. Under `TERM=dumb` (an editor's shell, a CI
//! log that keeps a pty) there is no bar to redraw: a plain line now and then instead.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

use super::Settings;
use crate::source;

/// The bar once the total is known. `wide_bar` takes the columns the rest leaves, so the
/// line fits any width down to about 40 columns (60 with room to spare).
const BAR: &str = "{spinner} {wide_bar} {bytes}/{total_bytes} {eta} {msg}";
/// Until the walk that measures the inputs is done (or for standard input, never measured).
const SPINNER: &str = "{spinner} [{elapsed}] {bytes} read {msg}";
/// How often a plain line is printed under `TERM=dumb`.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub(super) struct Progress {
    bar: ProgressBar,
    /// Bytes read from the inputs so far, added by the readers (`ReadOptions::bytes_read`).
    pub(super) bytes: Arc<AtomicU64>,
    /// `TERM=dumb`: plain lines, no bar; the time of the last one.
    plain: Option<Option<Instant>>,
}

impl Progress {
    /// The progress of a run, or None when it is not to be shown.
    pub(super) fn start(settings: &Settings) -> Option<Progress> {
        if !settings.progress || !std::io::stderr().is_terminal() {
            return None;
        }
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let bar = if dumb {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::no_length();
            bar.set_style(style(SPINNER));
            bar
        };
        measure(&bar, settings);
        Some(Progress {
            bar,
            bytes: Arc::default(),
            plain: dumb.then_some(None),
        })
    }

    /// After each batch written: bytes read so far and records decided.
    pub(super) fn update(&mut self, records: u64) {
        let read = self.bytes.load(Ordering::Relaxed);
        match &mut self.plain {
            None => {
                self.bar.set_position(read);
                self.bar.set_message(format!("{records} records"));
            }
            Some(last) => {
                if last.is_none_or(|t| t.elapsed() >= PLAIN_EVERY) {
                    *last = Some(Instant::now());
                    eprintln!(
                        "leadbatch: {}",
                        plain_line(read, self.bar.length(), records)
                    );
                }
            }
        }
    }

    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// "1.20 GiB of 5.00 GiB read (24%), 123456 records", or without a known total
/// "1.20 GiB read, 123456 records".
pub(super) fn plain_line(read: u64, total: Option<u64>, records: u64) -> String {
    match total.filter(|t| *t > 0) {
        Some(t) => format!(
            "{} of {} read ({}%), {records} records",
            HumanBytes(read),
            HumanBytes(t),
            (read.min(t) * 100) / t
        ),
        None => format!("{} read, {records} records", HumanBytes(read)),
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// The run's walk is lazy (memory must not grow with the number of files), so the total is
/// not known up front: a second walk on its own thread adds up the sizes of the files, then
/// gives the bar its length (a walk reads directories and metadata only, a small fraction of
/// reading the files). Standard input has no size: with it, no total.
fn measure(bar: &ProgressBar, settings: &Settings) {
    if settings.inputs.iter().any(|p| p.as_os_str() == "-") {
        return;
    }
    let (bar, inputs, out, walk) = (
        bar.clone(),
        settings.inputs.clone(),
        settings.out.clone(),
        settings.walk,
    );
    let _ = std::thread::Builder::new()
        .name("leadbatch-measure".into())
        .spawn(move || {
            let Ok(walk) = source::Walk::new(&inputs, Some(&out), &walk) else {
                return;
            };
            let total: u64 = walk
                .filter_map(|f| match f {
                    source::Found::File(f) => std::fs::metadata(&f.path).ok().map(|m| m.len()),
                    source::Found::Skipped(_) => None,
                })
                .sum();
            bar.set_length(total);
            bar.set_style(style(BAR));
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A terminal of 60 columns that keeps what is drawn.
    #[derive(Debug, Default, Clone)]
    struct Narrow(Arc<Mutex<Vec<String>>>);

    impl indicatif::TermLike for Narrow {
        fn width(&self) -> u16 {
            60
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.0.lock().unwrap().push(s.to_string());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_bar_counts_bytes_and_fits_sixty_columns() {
        let term = Narrow::default();
        let bar = ProgressBar::with_draw_target(
            Some(5 << 30),
            indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())),
        );
        bar.set_style(style(BAR));
        bar.set_message("1234567 records");
        bar.set_position(1_288_490_189);
        bar.tick();
        let drawn = term.0.lock().unwrap().clone();
        let last = drawn.last().expect("the bar was drawn");
        assert!(last.contains("1.20 GiB/5.00 GiB"), "{last}");
        assert!(last.ends_with("1234567 records"), "{last}");
        for line in &drawn {
            // No colours in the style: a character is a column.
            assert!(line.chars().count() <= 60, "{line:?}");
        }
    }

    #[test]
    fn plain_lines_say_bytes_of_total_and_records() {
        assert_eq!(
            plain_line(1_288_490_189, Some(5 << 30), 42),
            "1.20 GiB of 5.00 GiB read (24%), 42 records"
        );
        assert_eq!(plain_line(2048, None, 1), "2.00 KiB read, 1 records");
        assert_eq!(plain_line(10, Some(0), 0), "10 B read, 0 records");
    }
}
