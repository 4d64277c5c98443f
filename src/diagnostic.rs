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

/// Local codes (spec §5).
pub mod code {
    pub const PARSE_ERROR: &str = "parse-error";
    pub const UNKNOWN_FIELD: &str = "unknown-field";
    pub const MISSING_FIELD: &str = "missing-field";
    pub const BAD_TYPE: &str = "bad-type";
    pub const BAD_ENUM: &str = "bad-enum";
    pub const BAD_DATE: &str = "bad-date";
    pub const BAD_CODE: &str = "bad-code";
    pub const TOO_LONG: &str = "too-long";
    pub const OUT_OF_RANGE: &str = "out-of-range";
    pub const NOT_A_LEAD: &str = "not-a-lead";
    pub const APPROVAL_DATE_REQUIRED: &str = "approval-date-required";
    pub const DUPLICATE_COMMUNICATION_NUMBER: &str = "duplicate-communication-number";
    pub const DUPLICATE_CUSTOMER_EXT_ID: &str = "duplicate-customer-ext-id";
    pub const DUPLICATE_FIELD: &str = "duplicate-field";
    pub const IGNORED_FOR_EVALUATE: &str = "ignored-for-evaluate";
    pub const DATE_ORDER: &str = "date-order";
    pub const DOCUMENT_EXPIRED: &str = "document-expired";
    pub const EXCEL_MANGLED: &str = "excel-mangled";
    pub const EMPTY_FILE: &str = "empty-file";
    /// Vendor codes used outside the catalog's per-field codes.
    pub const LEAD_IMPORT: &str = "C008.I02";
    pub const FIELD_NOT_FOR_INDIVIDUAL: &str = "C014";
    pub const FIELD_NOT_FOR_ORGANIZATION: &str = "C015";
    pub const CLOSING_DATE_REQUIRED: &str = "C013";
    pub const CLOSING_DATE_FORBIDDEN: &str = "C013a";
    pub const ADDITIONAL_VALUE: &str = "AV07";
    pub const RELATED_ADDITIONAL_VALUE: &str = "C017.C016.AV07";
}

/// A code with its severity and meaning, as `leadbatch codes` prints it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    pub meaning: &'static str,
}

const fn e(code: &'static str, meaning: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Error,
        meaning,
    }
}

const fn w(code: &'static str, meaning: &'static str) -> CodeInfo {
    CodeInfo {
        code,
        severity: Severity::Warning,
        meaning,
    }
}

/// Every code leadbatch can report: local codes first, then the vendor's.
pub const CODES: &[CodeInfo] = &[
    e(
        "parse-error",
        "the record (or the file) cannot be read as JSON/XML/CSV; the message gives line and column",
    ),
    e(
        "unknown-field",
        "a field name the catalog does not know (the message suggests the closest known name)",
    ),
    e(
        "missing-field",
        "a mandatory field is absent and the vendor documents no code for it",
    ),
    e(
        "bad-type",
        "wrong JSON type, or a text that does not parse as the field's type",
    ),
    e("bad-enum", "a value outside the field's enum"),
    e("bad-date", "not a valid date or timestamp"),
    e(
        "bad-code",
        "a country/currency/classifier code that is not known, where the vendor documents no code",
    ),
    e(
        "too-long",
        "a string over its length limit, or a list or object over --max-list-items",
    ),
    e("out-of-range", "a number or date outside its allowed range"),
    e(
        "not-a-lead",
        "CREATE with a category without the lead marker (LEAD_ prefix or _LEAD suffix)",
    ),
    e(
        "approval-date-required",
        "lead-to-customer conversion (UPDATE to a non-lead category) without approvalDate",
    ),
    e(
        "duplicate-communication-number",
        "a communicationNumber already used by an earlier record of the same run",
    ),
    e(
        "duplicate-customer-ext-id",
        "a second CREATE for the same customerExtId in the same run",
    ),
    e("duplicate-field", "the same field twice in one record"),
    w(
        "ignored-for-evaluate",
        "riskLevel/customerStatus sent with sourceOfRiskLevel EVALUATE: kept, but not used",
    ),
    w("date-order", "approvalDate before applicationDate"),
    w(
        "document-expired",
        "an identity document already expired on the run's date (--as-of)",
    ),
    w(
        "excel-mangled",
        "an identifier that a spreadsheet turned into a number (1.23457E+15)",
    ),
    w(
        "empty-file",
        "a lead file that holds no record (zero bytes, a CSV header alone, `[]`): often a failed export upstream",
    ),
    e("C002", "CustomerExtId is mandatory"),
    e(
        "C007",
        "RiskManagementCategory is mandatory, or not in the supplied classifier",
    ),
    e(
        "C008.I02",
        "sourceOfRiskLevel IMPORT with a lead risk management category",
    ),
    e("C010", "EntityType is mandatory"),
    e("C012", "ApplicationDate is mandatory"),
    e("C013", "ClosingDate is mandatory for CLOSED customerStatus"),
    e(
        "C013a",
        "ClosingDate can not exist for a customerStatus other than CLOSED",
    ),
    e("C014", "field not allowed for INDIVIDUAL"),
    e("C015", "field not allowed for ORGANIZATION"),
    e(
        "C016.I06",
        "citizenshipCountry or birthCountry not a known country",
    ),
    e(
        "C016.I08",
        "secondCitizenshipCountry or permanentResidenceCountry not a known country",
    ),
    e("C017.O01", "title is mandatory for ORGANIZATION"),
    e(
        "REG",
        "registrationCountry is mandatory and must be a known country",
    ),
    e("SCR01", "screening process is undefined"),
    e(
        "Q002.DOC06",
        "document: documentIssueCountry is mandatory and must be a known country",
    ),
    e(
        "Q004.ADR02",
        "address: country is mandatory and must be a known country",
    ),
    e("Q009.CA01", "country of activity not a known country"),
    e("Q014.RC01", "payment country not a known country"),
    e("Q017.COTP01", "country of tax payment not a known country"),
    e(
        "FOA01",
        "fieldOfActivity.student.higherSchoolCountry is invalid",
    ),
    e("FOA02", "fieldOfActivity.pension.pensionCountry is invalid"),
    e("AV07", "additional value does not parse as its datatype"),
    e(
        "C017.C016.RE01",
        "related entity: relationType is mandatory",
    ),
    e(
        "C017.C016.RE02",
        "related entity: entityType is mandatory (INDIVIDUAL or ORGANIZATION)",
    ),
    e(
        "C017.C016.RE03",
        "related entity: country not a known country",
    ),
    e(
        "C017.C016.RE06.Co1",
        "related entity contact: contactType is mandatory (MOBILEPHONE, FIXEDPHONE, EMAIL, WEBSITE)",
    ),
    e(
        "C017.C016.RE06.Co2",
        "related entity contact: contactDetails is mandatory",
    ),
    e(
        "C017.C016.RE06.ADR02",
        "related entity address: country is mandatory and must be a known country",
    ),
    e(
        "C017.C016.RE08.DOC01",
        "related entity document: entityType is mandatory (INDIVIDUAL or ORGANIZATION)",
    ),
    e(
        "C017.C016.RE08.DOC06",
        "related entity document: documentIssueCountry is mandatory and must be a known country",
    ),
    e(
        "C017.C016.AV07",
        "related entity additional value does not parse as its datatype",
    ),
];

/// Severity and meaning of a code, if it is one of `CODES`.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}
