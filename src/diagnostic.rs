//! Findings: what a rule reports about a record, with a stable code, a path to the value,
//! a severity and a human message.
//!
//! Codes are a public contract (they appear in `errors.csv`, `rejected.ndjson` and the
//! summary): the vendor's code where the vendor documents one (spec §3–§5), otherwise one
//! of the local codes below. `CODES` is the single list that `leadbatch codes` prints and
//! the README's table is checked against.

use serde::Serialize;

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
    pub code: &'static str,
    /// Path to the value (`listRelatedEntity[0].listContact[1].contactType`); empty for the
    /// record or the file as a whole.
    pub path: String,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            path: path.into(),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            path: path.into(),
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

/// Local codes (spec §5), and the vendor codes the rules use outside the catalog's per-field
/// codes. `ALL` lists every constant of this module: the macro keeps the two in step, so that
/// a test can check that `CODES` (what `leadbatch codes` prints) lists each of them.
pub mod code {
    macro_rules! codes {
        ($($(#[$doc:meta])* $name:ident = $value:literal;)*) => {
            $($(#[$doc])* pub const $name: &str = $value;)*
            /// Every code of this module.
            pub const ALL: &[&str] = &[$($name),*];
        };
    }

    codes! {
        PARSE_ERROR = "parse-error";
        UNREADABLE_FILE = "unreadable-file";
        UNKNOWN_FIELD = "unknown-field";
        MISSING_FIELD = "missing-field";
        BAD_TYPE = "bad-type";
        BAD_ENUM = "bad-enum";
        BAD_DATE = "bad-date";
        BAD_CODE = "bad-code";
        TOO_LONG = "too-long";
        OUT_OF_RANGE = "out-of-range";
        NOT_A_LEAD = "not-a-lead";
        APPROVAL_DATE_REQUIRED = "approval-date-required";
        DUPLICATE_COMMUNICATION_NUMBER = "duplicate-communication-number";
        DUPLICATE_CUSTOMER_EXT_ID = "duplicate-customer-ext-id";
        DUPLICATE_FIELD = "duplicate-field";
        IGNORED_FOR_EVALUATE = "ignored-for-evaluate";
        DATE_ORDER = "date-order";
        DOCUMENT_EXPIRED = "document-expired";
        EXCEL_MANGLED = "excel-mangled";
        EMPTY_FILE = "empty-file";
        ENCODING_SUSPECT = "encoding-suspect";
        /// Vendor codes used outside the catalog's per-field codes.
        LEAD_IMPORT = "C008.I02";
        FIELD_NOT_FOR_INDIVIDUAL = "C014";
        FIELD_NOT_FOR_ORGANIZATION = "C015";
        CLOSING_DATE_REQUIRED = "C013";
        CLOSING_DATE_FORBIDDEN = "C013a";
        ADDITIONAL_VALUE = "AV07";
        RELATED_ADDITIONAL_VALUE = "C017.C016.AV07";
    }
}

/// A code with its severity, its meaning and what usually fixes it, as `leadbatch codes`
/// prints it and `report.html` shows it beside each code's findings.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub meaning: &'static str,
    /// What usually fixes a record with this finding, in a few words for the people who
    /// correct the data (the compliance officer reads it in the report).
    pub fix: &'static str,
}

const fn e(code: &'static str, meaning: &'static str, fix: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Error,
        meaning,
        fix,
    }
}

const fn w(code: &'static str, meaning: &'static str, fix: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Warning,
        meaning,
        fix,
    }
}

/// Every code leadbatch can report: local codes first, then the vendor's.
pub const CODES: &[CodeInfo] = &[
    e(
        "parse-error",
        "the record (or the file) cannot be read as JSON/XML/CSV, or a value holds a NUL character (then the path names it); the message gives line and column",
        "repair the file at the line and column given (a missing quote, comma or bracket; a truncated export; a NUL byte), or export it again",
    ),
    e(
        "unreadable-file",
        "a file the run could not open: permission denied, removed during the run, or not a regular file; none of its records was read",
        "give the user that runs leadbatch read access to the file (and search access to its directory), or ask the sender for it again",
    ),
    e(
        "unknown-field",
        "a field name the catalog does not know (the message suggests the closest known name)",
        "rename the field to the name the message suggests (names are case-sensitive), or leave it out of the export",
    ),
    e(
        "missing-field",
        "a mandatory field is absent and the vendor documents no code for it",
        "fill in the field in the source system, or add it to the export's field mapping",
    ),
    e(
        "bad-type",
        "wrong JSON type, or a text that does not parse as the field's type",
        "send the value in the field's type: numbers without quotes or units, true/false for yes/no fields",
    ),
    e(
        "bad-enum",
        "a value outside the field's enum",
        "use one of the values the message lists (enum values are the vendor's, in upper case)",
    ),
    e(
        "bad-date",
        "not a valid date or timestamp",
        "write dates as YYYY-MM-DD (timestamps as ISO 8601); day and month are never guessed, so check them in the source",
    ),
    e(
        "bad-code",
        "a country/currency/classifier code that is not known, where the vendor documents no code",
        "use an ISO 3166-1 alpha-2 country (LT), an ISO 4217 currency (EUR), or a code of the supplied classifier list",
    ),
    e(
        "too-long",
        "a string over its length limit, or a list or object over --max-list-items",
        "shorten the value (or the list) to the limit in the message, or check that the export did not put two fields in one",
    ),
    e(
        "out-of-range",
        "a number or date outside its allowed range",
        "correct the value to the range in the message (no birth date in the future, percentages 0 to 100, from not after to)",
    ),
    e(
        "not-a-lead",
        "CREATE with a category without the lead marker (LEAD_ prefix or _LEAD suffix)",
        "send leads with a lead category (LEAD_ prefix or _LEAD suffix); an existing customer is an UPDATE, not a CREATE",
    ),
    e(
        "approval-date-required",
        "lead-to-customer conversion (UPDATE to a non-lead category) without approvalDate",
        "add approvalDate (the day the lead was approved as a customer) to the conversion",
    ),
    e(
        "duplicate-communication-number",
        "a communicationNumber already used by an earlier record of the same run",
        "give every request its own communicationNumber; a repeat usually means the export sent a record twice",
    ),
    e(
        "duplicate-customer-ext-id",
        "a second CREATE for the same customerExtId in the same run",
        "send one CREATE per customerExtId: drop the repeated record, or send it as an UPDATE",
    ),
    e(
        "duplicate-field",
        "the same field twice in one record",
        "remove the second occurrence (often a CSV column or XML element exported twice)",
    ),
    w(
        "ignored-for-evaluate",
        "riskLevel/customerStatus sent with sourceOfRiskLevel EVALUATE: kept, but not used",
        "nothing blocks the lead; stop exporting riskLevel/customerStatus for EVALUATE records to keep payloads clear",
    ),
    w(
        "date-order",
        "approvalDate before applicationDate",
        "check approvalDate and applicationDate in the source system: approval normally follows the application",
    ),
    w(
        "document-expired",
        "an identity document already expired on the run's date (--as-of)",
        "ask the customer for a valid identity document and update the document and its expiry date",
    ),
    w(
        "excel-mangled",
        "an identifier that a spreadsheet turned into a number (1.23457E+15)",
        "export again without opening the file in a spreadsheet (or format the column as text): the original identifier is lost",
    ),
    w(
        "empty-file",
        "a lead file that holds no record (zero bytes, a CSV header alone, `[]`): often a failed export upstream",
        "check the upstream export that wrote the file, and run it again if it failed",
    ),
    w(
        "encoding-suspect",
        "text that reads like UTF-8 decoded twice (\"Ã©\" for \"é\", \"Ä—\" for \"ė\")",
        "export the file again as UTF-8, or read it with the --encoding it was written in (--encoding auto detects it)",
    ),
    e(
        "C002",
        "CustomerExtId is mandatory",
        "add customerExtId, the customer's id in the bank's own system",
    ),
    e(
        "C007",
        "RiskManagementCategory is mandatory, or not in the supplied classifier",
        "set riskManagementCategory to a category of the AMLYZE classifier (LEAD_... for leads)",
    ),
    e(
        "C008.I02",
        "sourceOfRiskLevel IMPORT with a lead risk management category",
        "send leads with sourceOfRiskLevel EVALUATE: IMPORT is only for customers whose risk level the bank sets",
    ),
    e(
        "C010",
        "EntityType is mandatory",
        "set entityType to INDIVIDUAL or ORGANIZATION",
    ),
    e(
        "C012",
        "ApplicationDate is mandatory",
        "add applicationDate (YYYY-MM-DD), the day the customer applied",
    ),
    e(
        "C013",
        "ClosingDate is mandatory for CLOSED customerStatus",
        "add closingDate, or correct customerStatus if the relationship is not closed",
    ),
    e(
        "C013a",
        "ClosingDate can not exist for a customerStatus other than CLOSED",
        "remove closingDate, or set customerStatus to CLOSED if the relationship has ended",
    ),
    e(
        "C014",
        "field not allowed for INDIVIDUAL",
        "remove the organization's field from the individual's record, or correct entityType",
    ),
    e(
        "C015",
        "field not allowed for ORGANIZATION",
        "remove the individual's field from the organization's record, or correct entityType",
    ),
    e(
        "C016.I06",
        "citizenshipCountry or birthCountry not a known country",
        "use an ISO 3166-1 alpha-2 country code (LT, DE) for citizenshipCountry and birthCountry",
    ),
    e(
        "C016.I08",
        "secondCitizenshipCountry or permanentResidenceCountry not a known country",
        "use an ISO 3166-1 alpha-2 country code for secondCitizenshipCountry and permanentResidenceCountry",
    ),
    e(
        "C017.O01",
        "title is mandatory for ORGANIZATION",
        "add title, the organization's registered name",
    ),
    e(
        "REG",
        "registrationCountry is mandatory and must be a known country",
        "add registrationCountry as an ISO 3166-1 alpha-2 country code",
    ),
    e(
        "SCR01",
        "screening process is undefined",
        "list only screening processes the vendor defines in initializeScreeningProcesses",
    ),
    e(
        "Q002.DOC06",
        "document: documentIssueCountry is mandatory and must be a known country",
        "add documentIssueCountry (ISO 3166-1 alpha-2) to every identity document",
    ),
    e(
        "Q004.ADR02",
        "address: country is mandatory and must be a known country",
        "add the address's country as an ISO 3166-1 alpha-2 code (LT, not Lithuania)",
    ),
    e(
        "Q009.CA01",
        "country of activity not a known country",
        "use ISO 3166-1 alpha-2 codes for the countries of activity",
    ),
    e(
        "Q014.RC01",
        "payment country not a known country",
        "use ISO 3166-1 alpha-2 codes for the payment countries",
    ),
    e(
        "Q017.COTP01",
        "country of tax payment not a known country",
        "use ISO 3166-1 alpha-2 codes for the countries of tax payment",
    ),
    e(
        "FOA01",
        "fieldOfActivity.student.higherSchoolCountry is invalid",
        "use an ISO 3166-1 alpha-2 code for the student's higherSchoolCountry",
    ),
    e(
        "FOA02",
        "fieldOfActivity.pension.pensionCountry is invalid",
        "use an ISO 3166-1 alpha-2 code for the pensionCountry",
    ),
    e(
        "AV07",
        "additional value does not parse as its datatype (TIMESTAMP: yyyy-MM-dd HH:mm:ss.SSSZ with exactly three fraction digits, or RFC 3339)",
        "write the value in its datatype's form (TIMESTAMP: 2024-03-01 12:10:11.000+0200, three fraction digits)",
    ),
    e(
        "C017.C016.RE01",
        "related entity: relationType is mandatory",
        "add relationType to every related entity",
    ),
    e(
        "C017.C016.RE02",
        "related entity: entityType is mandatory (INDIVIDUAL or ORGANIZATION)",
        "set the related entity's entityType to INDIVIDUAL or ORGANIZATION",
    ),
    e(
        "C017.C016.RE03",
        "related entity: country not a known country",
        "use an ISO 3166-1 alpha-2 country code in the related entity",
    ),
    e(
        "C017.C016.RE05",
        "related entity: legalForm not in the supplied legalForm classifier",
        "use a legalForm of the supplied legalForm classifier list",
    ),
    e(
        "C017.C016.RE06.Co1",
        "related entity contact: contactType is mandatory (MOBILEPHONE, FIXEDPHONE, EMAIL, WEBSITE)",
        "set contactType to MOBILEPHONE, FIXEDPHONE, EMAIL or WEBSITE",
    ),
    e(
        "C017.C016.RE06.Co2",
        "related entity contact: contactDetails is mandatory",
        "add contactDetails (the number, address or site) to the contact",
    ),
    e(
        "C017.C016.RE06.ADR02",
        "related entity address: country is mandatory and must be a known country",
        "add the related entity address's country as an ISO 3166-1 alpha-2 code",
    ),
    e(
        "C017.C016.RE08.DOC01",
        "related entity document: entityType is mandatory (INDIVIDUAL or ORGANIZATION)",
        "set the related entity document's entityType to INDIVIDUAL or ORGANIZATION",
    ),
    e(
        "C017.C016.RE08.DOC06",
        "related entity document: documentIssueCountry is mandatory and must be a known country",
        "add documentIssueCountry (ISO 3166-1 alpha-2) to the related entity's document",
    ),
    e(
        "C017.C016.AV07",
        "related entity additional value does not parse as its datatype",
        "write the related entity's additional value in its datatype's form (TIMESTAMP: 2024-03-01 12:10:11.000+0200)",
    ),
];

/// Severity, meaning and fix of a code, if it is one of `CODES`.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_with_a_meaning_and_a_fix() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "{} twice", c.code);
            assert!(!c.meaning.is_empty() && !c.fix.is_empty(), "{}", c.code);
            // A hint is a phrase the report puts after "Usual fix:", not a sentence.
            assert!(!c.fix.ends_with('.'), "{}", c.code);
        }
        assert_eq!(
            code_info("document-expired").map(|c| c.severity),
            Some(Severity::Warning)
        );
        assert!(code_info("no-such-code").is_none());
    }
}
