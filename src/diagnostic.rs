//! Findings: what a rule reports about a record, with a stable code, a path to the value,
//! a severity and a human message.
//!
//! Codes are a public contract (they appear in `errors.csv`, `rejected.ndjson` and the
//! summary): the vendor's code where the vendor documents one (spec §3–§5), otherwise one
//! of the local codes (spec §5). Each is a variant of `Code`, listed once in `codes.rs`
//! with its text, severity, meaning and fix.

use serde::Serialize;

mod codes;

pub use codes::{CODES, Code, CodeInfo, UnknownCode, code_info};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Rejects the record.
    Error,
    /// Reported, the record is still accepted.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding about one record (or one file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    /// Path to the value (`listRelatedEntity[0].listContact[1].contactType`); empty for the
    /// record or the file as a whole.
    pub path: String,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    /// A finding with an error code. (The table's severity is the one a finding starts with:
    /// checked in debug builds, where the tests run.)
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.severity(), Severity::Error, "{code}");
        Diagnostic {
            code,
            path: path.into(),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A finding with a warning code.
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.severity(), Severity::Warning, "{code}");
        Diagnostic {
            code,
            path: path.into(),
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_with_a_meaning_and_a_fix() {
        let mut seen = std::collections::BTreeSet::new();
        for (i, c) in CODES.iter().enumerate() {
            assert!(seen.insert(c.code.as_str()), "{} twice", c.code);
            assert!(!c.meaning.is_empty() && !c.fix.is_empty(), "{}", c.code);
            // A hint is a phrase the report puts after "Usual fix:", not a sentence.
            assert!(!c.fix.ends_with('.'), "{}", c.code);
            // `info` finds a code's row by its position.
            assert_eq!((Code::ALL[i], c.code.info().code), (c.code, c.code));
        }
        assert_eq!(CODES.len(), Code::ALL.len());
        assert_eq!(
            code_info("document-expired").map(|c| c.severity),
            Some(Severity::Warning)
        );
        assert!(code_info("no-such-code").is_none());
    }

    #[test]
    fn a_code_reads_back_from_its_text_and_is_written_as_it() {
        for &c in Code::ALL {
            assert_eq!(c.as_str().parse::<Code>(), Ok(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{c}\""));
        }
        assert_eq!("C016.I06".parse::<Code>(), Ok(Code::C016I06));
        assert_eq!(Code::NotALead.as_str(), "not-a-lead");
        assert_eq!(format!("[{:<10}]", Code::DateOrder), "[date-order]");
        assert_eq!(format!("[{:<12}]", Code::DateOrder), "[date-order  ]");
        // Exactly as written: the contract has no other spelling.
        assert_eq!("Parse-Error".parse::<Code>(), Err(UnknownCode));
        assert_eq!(" parse-error".parse::<Code>(), Err(UnknownCode));
        assert_eq!(std::mem::size_of::<Code>(), 1);
    }
}
