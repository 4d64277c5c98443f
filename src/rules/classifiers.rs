//! AMLYZE classifier lists (`--classifiers DIR`), as exported from `GET /classifier/{name}`.
//!
//! Each file names its classifier (`riskManagementCategory.json`, `legalForm.txt`): a JSON
//! array of strings, a JSON array of objects with a `code` field, or one code per line in
//! `.txt`. When a list is present its codes are the only valid ones; `country` and
//! `currency` lists replace the built-in ISO 3166 / ISO 4217 lists. Each list remembers its
//! file, so that a finding about an unknown code names the list it was checked against.

use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Default)]
pub struct Classifiers {
    lists: HashMap<String, List>,
}

/// One supplied list and the file it came from.
#[derive(Debug)]
struct List {
    codes: HashSet<String>,
    /// The file's name in the `--classifiers` directory (`country.txt`).
    file: String,
}

impl Classifiers {
    /// Loads every file of `dir`. Each must be `<classifier>.json` or `<classifier>.txt`
    /// for a classifier the catalog checks (`known_names`): a list under another name
    /// (`legalForms.json`, `country.csv`, `notes.md`) would otherwise be silently unused,
    /// and the codes it was meant to check accepted unchecked. Hidden entries (`.gitkeep`,
    /// `.DS_Store`) are left alone.
    pub fn load(dir: &Path) -> Result<Classifiers, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("--classifiers {}: {e}", dir.display()))?;
        let mut lists = HashMap::new();
        let mut paths: Vec<_> = entries
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .collect();
        paths.sort();
        let known = known_names();
        for path in paths {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("");
            if !matches!(ext, "json" | "txt") || !known.contains(&stem) {
                return Err(format!(
                    "--classifiers {}: {} is not a classifier list: name a file \
                     <classifier>.json or <classifier>.txt, the classifier one of {}",
                    dir.display(),
                    path.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    known.join(", ")
                ));
            }
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let codes = if ext == "txt" {
                parse_lines(&text)
            } else {
                parse_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
            };
            let file = format!("{stem}.{ext}");
            // Two files for one classifier (`country.json` and `country.txt`): which one
            // holds the codes is not for leadbatch to guess.
            if let Some(other) = lists.get(stem).map(|l: &List| l.file.clone()) {
                return Err(format!(
                    "--classifiers {}: {other} and {file} both hold the {stem} classifier; keep one",
                    dir.display()
                ));
            }
            lists.insert(stem.to_string(), List { codes, file });
        }
        Ok(Classifiers { lists })
    }

    /// Each supplied list's file name and the BLAKE3 digest of its codes (sorted, one per
    /// line), in name order: what summary.json records of `--classifiers`. The digest is of
    /// the codes rather than the bytes, so that it names what the run checked against.
    pub fn digests(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .lists
            .values()
            .map(|l| {
                let mut codes: Vec<&str> = l.codes.iter().map(String::as_str).collect();
                codes.sort_unstable();
                let mut h = blake3::Hasher::new();
                for c in codes {
                    h.update(c.as_bytes());
                    h.update(b"\n");
                }
                (l.file.clone(), h.finalize().to_hex().to_string())
            })
            .collect();
        out.sort();
        out
    }

    /// The list for a classifier, when one was supplied.
    pub fn list(&self, name: &str) -> Option<&HashSet<String>> {
        self.lists.get(name).map(|l| &l.codes)
    }

    /// The name of the file a supplied list came from (`country.txt`).
    pub fn file(&self, name: &str) -> Option<&str> {
        self.lists.get(name).map(|l| l.file.as_str())
    }

    /// Lists given in memory; each is named as if read from `<name>.txt`.
    pub fn from_lists(lists: impl IntoIterator<Item = (String, Vec<String>)>) -> Classifiers {
        Classifiers {
            lists: lists
                .into_iter()
                .map(|(k, v)| {
                    let file = format!("{k}.txt");
                    (
                        k,
                        List {
                            codes: v.into_iter().collect(),
                            file,
                        },
                    )
                })
                .collect(),
        }
    }
}

/// The classifiers a list may be supplied for: `country` and `currency` (which replace the
/// built-in ISO lists) and every classifier a field of the catalog names, sorted.
pub fn known_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = crate::catalog::shapes()
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter_map(|f| match f.ty {
            crate::catalog::Type::Classifier(name) => Some(name),
            _ => None,
        })
        .chain(["country", "currency"])
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn parse_lines(text: &str) -> HashSet<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches('\u{feff}'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn parse_json(text: &str) -> Result<HashSet<String>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| e.to_string())?;
    let items = value.as_array().ok_or("expected a JSON array")?;
    items
        .iter()
        .map(|item| match item {
            serde_json::Value::String(s) => Ok(s.trim().to_string()),
            serde_json::Value::Object(o) => o
                .get("code")
                .and_then(|c| c.as_str())
                .map(|c| c.trim().to_string())
                .ok_or_else(|| "an object without a string \"code\"".to_string()),
            other => Err(format!(
                "expected a string or an object with \"code\", found {other}"
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_shapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("riskManagementCategory.json"),
            r#"["LEAD_IND", "LEAD_ORG"]"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("legalForm.json"),
            r#"[{"code": "LTD", "name": "Limited"}, {"code": "UAB"}]"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("relationType.txt"),
            "OWNER\n# comment\nDIRECTOR\n\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(".gitkeep"), "").unwrap();
        let c = Classifiers::load(dir.path()).unwrap();
        assert!(
            c.list("riskManagementCategory")
                .unwrap()
                .contains("LEAD_IND")
        );
        assert_eq!(c.list("legalForm").unwrap().len(), 2);
        assert_eq!(c.list("relationType").unwrap().len(), 2);
        assert!(c.list("gitkeep").is_none());
        assert_eq!(c.file("legalForm"), Some("legalForm.json"));
        assert_eq!(c.file("relationType"), Some("relationType.txt"));
        assert_eq!(c.file("notes"), None);
    }

    #[test]
    fn a_file_that_names_no_known_classifier_is_an_error() {
        let known = known_names();
        for name in ["country", "currency", "legalForm", "riskManagementCategory"] {
            assert!(known.contains(&name), "{name}: {known:?}");
        }
        for bad in ["legalForms.json", "country.csv", "notes.md", "relationType"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("country.txt"), "LT\n").unwrap();
            std::fs::write(dir.path().join(bad), "x").unwrap();
            let e = Classifiers::load(dir.path()).unwrap_err();
            assert!(
                e.contains(&format!("{bad} is not a classifier list"))
                    && e.contains(&known.join(", ")),
                "{e}"
            );
        }
    }

    #[test]
    fn two_files_for_one_classifier_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("country.json"), r#"["LT"]"#).unwrap();
        std::fs::write(dir.path().join("country.txt"), "LV\n").unwrap();
        let e = Classifiers::load(dir.path()).unwrap_err();
        assert!(
            e.contains("country.json and country.txt both hold the country classifier"),
            "{e}"
        );
    }

    #[test]
    fn bad_lists_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("legalForm.json"), r#"{"code": "LTD"}"#).unwrap();
        assert!(
            Classifiers::load(dir.path())
                .unwrap_err()
                .contains("legalForm.json")
        );
    }
}
