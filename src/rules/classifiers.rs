//! AMLYZE classifier lists (`--classifiers DIR`), as exported from `GET /classifier/{name}`.
//!
//! Each file names its classifier (`riskManagementCategory.json`, `legalForm.txt`): a JSON
//! array of strings, a JSON array of objects with a `code` field, or one code per line in
//! `.txt`. When a list is present its codes are the only valid ones; `country` and
//! `currency` lists replace the built-in ISO 3166 / ISO 4217 lists.

use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Default)]
pub struct Classifiers {
    lists: HashMap<String, HashSet<String>>,
}

impl Classifiers {
    /// Loads every `.json` and `.txt` file of `dir`.
    pub fn load(dir: &Path) -> Result<Classifiers, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("--classifiers {}: {e}", dir.display()))?;
        let mut lists = HashMap::new();
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let (Some(stem), Some(ext)) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            let text = match ext {
                "json" | "txt" => std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
                _ => continue,
            };
            let codes = if ext == "txt" {
                parse_lines(&text)
            } else {
                parse_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
            };
            lists.insert(stem.to_string(), codes);
        }
        Ok(Classifiers { lists })
    }

    /// The list for a classifier, when one was supplied.
    pub fn list(&self, name: &str) -> Option<&HashSet<String>> {
        self.lists.get(name)
    }

    pub fn from_lists(lists: impl IntoIterator<Item = (String, Vec<String>)>) -> Classifiers {
        Classifiers {
            lists: lists
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
        }
    }
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
        std::fs::write(dir.path().join("notes.md"), "ignored").unwrap();
        let c = Classifiers::load(dir.path()).unwrap();
        assert!(
            c.list("riskManagementCategory")
                .unwrap()
                .contains("LEAD_IND")
        );
        assert_eq!(c.list("legalForm").unwrap().len(), 2);
        assert_eq!(c.list("relationType").unwrap().len(), 2);
        assert!(c.list("notes").is_none());
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
