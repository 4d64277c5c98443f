//! Which configuration file a command reads, and how `leadbatch config` shows it.
//!
//! The file is, in order: `--config FILE`; else `$LEADBATCH_CONFIG` (a nightly unit sets it
//! once for every command it runs); else `./leadbatch.toml` when present; `--no-config`
//! reads none. Relative paths in it (`inputs`, `out`, `classifiers`, `ledger`) are taken
//! from the file's own directory, so that `/srv/leads/leadbatch.toml` means the same from
//! any working directory (a systemd unit's is `/`).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CONFIG_FILE, Options};

/// The environment variable that names a configuration file.
pub const CONFIG_ENV: &str = "LEADBATCH_CONFIG";

/// The flags that choose the configuration file (every command that reads one).
#[derive(Debug, Args, Default, Clone)]
pub struct ConfigArgs {
    /// Configuration file [default: $LEADBATCH_CONFIG, else ./leadbatch.toml when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no configuration file: neither ./leadbatch.toml nor $LEADBATCH_CONFIG.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Say on stderr which configuration file was read.
    #[arg(short, long)]
    pub verbose: bool,
}

/// A configuration file read (or none), and where it came from.
pub struct Loaded {
    pub options: Options,
    /// For `--verbose`: "configuration: FILE (why)" or why there is none.
    pub said: String,
}

impl ConfigArgs {
    /// Reads the configuration file this command is to use.
    pub fn load(&self) -> Result<Loaded, String> {
        let env = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty());
        let (path, why, required) = if self.no_config {
            return Ok(Loaded {
                options: Options::default(),
                said: "no configuration file read (--no-config)".into(),
            });
        } else if let Some(p) = &self.config {
            (p.clone(), "--config".to_string(), true)
        } else if let Some(p) = env {
            (PathBuf::from(p), CONFIG_ENV.to_string(), true)
        } else {
            (
                PathBuf::from(CONFIG_FILE),
                "in the working directory".to_string(),
                false,
            )
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    options: Options::default(),
                    said: format!(
                        "no configuration file read (no ./{CONFIG_FILE}, {CONFIG_ENV} not set)"
                    ),
                });
            }
            Err(e) => return Err(format!("configuration {} ({why}): {e}", path.display())),
        };
        let options: Options =
            toml::from_str(&text).map_err(|e| format!("configuration {}: {e}", path.display()))?;
        Ok(Loaded {
            options: relative_to(options, path.parent().unwrap_or(Path::new(""))),
            said: format!("configuration {} ({why})", path.display()),
        })
    }
}

/// The file's relative paths, taken from `dir` (the file's directory). `-` (standard input)
/// is not a path.
fn relative_to(mut o: Options, dir: &Path) -> Options {
    let from = |p: PathBuf| {
        if p.is_relative() && p.as_os_str() != "-" {
            dir.join(p)
        } else {
            p
        }
    };
    o.inputs = o.inputs.into_iter().map(from).collect();
    o.out = o.out.map(from);
    o.classifiers = o.classifiers.map(from);
    o.ledger = o.ledger.map(from);
    o
}

/// `leadbatch config`: the options that are set (by the file or the flags) as TOML, then
/// every other option with its default, commented out. Commented, a default that depends
/// on the day or the machine (`as-of`, `jobs`) does not become a setting when the output
/// is saved as leadbatch.toml: a copied config must not pin today's date forever.
pub fn render(set: &Options) -> String {
    let lines = |o: &Options| -> Vec<(String, String)> {
        toml::to_string(o)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    // A switch that is off, or a list that is empty, is not set (`Layer::is_set`).
    let keys = set.set_keys();
    let set: Vec<(String, String)> = lines(set)
        .into_iter()
        .filter(|(k, _)| keys.contains(k))
        .collect();
    let mut out = String::from("# Options set (flags over the configuration file):\n");
    for (k, v) in &set {
        out.push_str(&format!("{k} = {v}\n"));
    }
    out.push_str(
        "\n# Not set: the defaults, commented out (as-of and jobs depend on the day and the \
         machine):\n",
    );
    for (k, v) in lines(&super::Options::default().with_defaults()) {
        if !set.iter().any(|(s, _)| *s == k) {
            out.push_str(&format!("# {k} = {v}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_taken_from_the_files_directory() {
        let o: Options = toml::from_str(
            "inputs = [\"drop\", \"/abs/in\", \"-\"]\nout = \"out\"\nclassifiers = \"cls\"\n\
             ledger = \"../l.db\"\n",
        )
        .unwrap();
        let o = relative_to(o, Path::new("/srv/leads"));
        assert_eq!(
            o.inputs,
            [
                PathBuf::from("/srv/leads/drop"),
                PathBuf::from("/abs/in"),
                PathBuf::from("-")
            ]
        );
        assert_eq!(o.out, Some(PathBuf::from("/srv/leads/out")));
        assert_eq!(o.classifiers, Some(PathBuf::from("/srv/leads/cls")));
        assert_eq!(o.ledger, Some(PathBuf::from("/srv/leads/../l.db")));
    }

    #[test]
    fn config_shows_what_is_set_and_comments_out_the_defaults() {
        let set: Options = toml::from_str("out = \"nightly\"\nstrict = true\njobs = 3\n").unwrap();
        let text = render(&set);
        let (head, tail) = text.split_once("\n# Not set").unwrap();
        assert_eq!(
            head,
            "# Options set (flags over the configuration file):\nout = \"nightly\"\njobs = 3\n\
             strict = true\n"
        );
        assert!(tail.contains("\n# as-of = \""), "{tail}");
        assert!(tail.contains("\n# max-findings = 100\n"), "{tail}");
        assert!(
            !tail.contains("# jobs") && !tail.contains("# out"),
            "{tail}"
        );
        // Saved as a file, it sets what was set and nothing else.
        let back: Options = toml::from_str(&text).unwrap();
        assert_eq!(render(&back), text);
        assert_eq!(back.as_of, None);
        assert_eq!(back.jobs, Some(3));
    }
}
