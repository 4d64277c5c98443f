//! The finding codes: one `codes!` table lists each code once (variant, text, severity,
//! meaning, fix) and makes of it the `Code` enum, `Code::as_str`, `Code::ALL` and `CODES`,
//! which `leadbatch codes` prints and the README's table is checked against.
//!
//! Variant names: a local code's words in UpperCamelCase (`parse-error` is
//! `Code::ParseError`, `not-a-lead` is `Code::NotALead`); a vendor code as the vendor writes
//! it, without its dots (`C016.I06` is `Code::C016I06`, `C013a` is `Code::C013a`,
//! `C017.C016.RE06.Co1` is `Code::C017C016RE06Co1`). The text (`as_str`) is the contract;
//! the variant is only the program's name for it.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::Severity;

/// A code with its severity, its meaning and what usually fixes it, as `leadbatch codes`
/// prints it and `report.html` shows it beside each code's findings.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    pub meaning: &'static str,
    /// What usually fixes a record with this finding, in a few words for the people who
    /// correct the data (the compliance officer reads it in the report).
    pub fix: &'static str,
}

/// Makes the enum, its text and the table from one list. Each variant's doc is its meaning.
macro_rules! codes {
    ($(
        $(#[$attr:meta])*
        $variant:ident = $text:literal, $severity:ident {
            meaning: $meaning:literal,
            fix: $fix:literal $(,)?
        }
    )*) => {
        /// A finding code. One byte, `Copy`: every finding carries one. Written out as
        /// `as_str()`, the public contract (errors.csv, rejected.ndjson, the summary).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$attr])* #[doc = $meaning] $variant,)*
        }

        impl Code {
            /// Every code, in the order of `CODES` (local codes first, then the vendor's).
            pub const ALL: &[Code] = &[$(Code::$variant),*];

            /// The code as it is written in every output.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }

        /// Every code leadbatch can report, with its severity, meaning and fix: local codes
        /// first, then the vendor's. `CODES[c as usize]` is `c`'s entry.
        pub const CODES: &[CodeInfo] = &[$(CodeInfo {
            code: Code::$variant,
            severity: Severity::$severity,
            meaning: $meaning,
            fix: $fix,
        }),*];
    };
}

codes! {
    // Local codes (spec §5).
    ParseError = "parse-error", Error {
        meaning: "the record (or the file) cannot be read as JSON/XML/CSV, or a value holds a NUL character (then the path names it); the message gives line and column",
        fix: "repair the file at the line and column given (a missing quote, comma or bracket; a truncated export; a NUL byte), or export it again",
    }
    UnreadableFile = "unreadable-file", Error {
        meaning: "a file the run could not open: permission denied, removed during the run, or not a regular file; none of its records was read",
        fix: "give the user that runs leadbatch read access to the file (and search access to its directory), or ask the sender for it again",
    }
    UnknownField = "unknown-field", Error {
        meaning: "a field name the catalog does not know (the message suggests the closest known name)",
        fix: "rename the field to the name the message suggests (names are case-sensitive), or leave it out of the export",
    }
    MissingField = "missing-field", Error {
        meaning: "a mandatory field is absent and the vendor documents no code for it",
        fix: "fill in the field in the source system, or add it to the export's field mapping",
    }
    BadType = "bad-type", Error {
        meaning: "wrong JSON type, or a text that does not parse as the field's type",
        fix: "send the value in the field's type: numbers without quotes or units, true/false for yes/no fields",
    }
    BadEnum = "bad-enum", Error {
        meaning: "a value outside the field's enum",
        fix: "use one of the values the message lists (enum values are the vendor's, in upper case)",
    }
    BadDate = "bad-date", Error {
        meaning: "not a valid date or timestamp",
        fix: "write dates as YYYY-MM-DD (timestamps as ISO 8601); day and month are never guessed, so check them in the source",
    }
    BadCode = "bad-code", Error {
        meaning: "a country/currency/classifier code that is not known, where the vendor documents no code",
        fix: "use an ISO 3166-1 alpha-2 country (LT), an ISO 4217 currency (EUR), or a code of the supplied classifier list",
    }
    TooLong = "too-long", Error {
        meaning: "a string over its length limit, or a list or object over --max-list-items",
        fix: "shorten the value (or the list) to the limit in the message, or check that the export did not put two fields in one",
    }
    OutOfRange = "out-of-range", Error {
        meaning: "a number or date outside its allowed range",
        fix: "correct the value to the range in the message (no birth date in the future, percentages 0 to 100, from not after to)",
    }
    NotALead = "not-a-lead", Error {
        meaning: "CREATE with a category without the lead marker (LEAD_ prefix or _LEAD suffix)",
        fix: "send leads with a lead category (LEAD_ prefix or _LEAD suffix); an existing customer is an UPDATE, not a CREATE",
    }
    ApprovalDateRequired = "approval-date-required", Error {
        meaning: "lead-to-customer conversion (UPDATE to a non-lead category) without approvalDate",
        fix: "add approvalDate (the day the lead was approved as a customer) to the conversion",
    }
    DuplicateCommunicationNumber = "duplicate-communication-number", Error {
        meaning: "a communicationNumber already used by an earlier record of the same run",
        fix: "give every request its own communicationNumber; a repeat usually means the export sent a record twice",
    }
    DuplicateCustomerExtId = "duplicate-customer-ext-id", Error {
        meaning: "a second CREATE for the same customerExtId in the same run",
        fix: "send one CREATE per customerExtId: drop the repeated record, or send it as an UPDATE",
    }
    DuplicateField = "duplicate-field", Error {
        meaning: "the same field twice in one record",
        fix: "remove the second occurrence (often a CSV column or XML element exported twice)",
    }
    IgnoredForEvaluate = "ignored-for-evaluate", Warning {
        meaning: "riskLevel/customerStatus sent with sourceOfRiskLevel EVALUATE: kept, but not used",
        fix: "nothing blocks the lead; stop exporting riskLevel/customerStatus for EVALUATE records to keep payloads clear",
    }
    DateOrder = "date-order", Warning {
        meaning: "approvalDate before applicationDate",
        fix: "check approvalDate and applicationDate in the source system: approval normally follows the application",
    }
    DocumentExpired = "document-expired", Warning {
        meaning: "an identity document already expired on the run's date (--as-of)",
        fix: "ask the customer for a valid identity document and update the document and its expiry date",
    }
    ExcelMangled = "excel-mangled", Warning {
        meaning: "an identifier that a spreadsheet turned into a number (1.23457E+15)",
        fix: "export again without opening the file in a spreadsheet (or format the column as text): the original identifier is lost",
    }
    EmptyFile = "empty-file", Warning {
        meaning: "a lead file that holds no record (zero bytes, a CSV header alone, `[]`): often a failed export upstream",
        fix: "check the upstream export that wrote the file, and run it again if it failed",
    }
    EncodingSuspect = "encoding-suspect", Warning {
        meaning: "text that reads like UTF-8 decoded twice (\"Ã©\" for \"é\", \"Ä—\" for \"ė\")",
        fix: "export the file again as UTF-8, or read it with the --encoding it was written in (--encoding auto detects it)",
    }
    // The vendor's codes (spec §3, §4): those of the catalog's rows and those the rules use.
    C002 = "C002", Error {
        meaning: "CustomerExtId is mandatory",
        fix: "add customerExtId, the customer's id in the bank's own system",
    }
    C007 = "C007", Error {
        meaning: "RiskManagementCategory is mandatory, or not in the supplied classifier",
        fix: "set riskManagementCategory to a category of the AMLYZE classifier (LEAD_... for leads)",
    }
    C008I02 = "C008.I02", Error {
        meaning: "sourceOfRiskLevel IMPORT with a lead risk management category",
        fix: "send leads with sourceOfRiskLevel EVALUATE: IMPORT is only for customers whose risk level the bank sets",
    }
    C010 = "C010", Error {
        meaning: "EntityType is mandatory",
        fix: "set entityType to INDIVIDUAL or ORGANIZATION",
    }
    C012 = "C012", Error {
        meaning: "ApplicationDate is mandatory",
        fix: "add applicationDate (YYYY-MM-DD), the day the customer applied",
    }
    C013 = "C013", Error {
        meaning: "ClosingDate is mandatory for CLOSED customerStatus",
        fix: "add closingDate, or correct customerStatus if the relationship is not closed",
    }
    C013a = "C013a", Error {
        meaning: "ClosingDate can not exist for a customerStatus other than CLOSED",
        fix: "remove closingDate, or set customerStatus to CLOSED if the relationship has ended",
    }
    C014 = "C014", Error {
        meaning: "field not allowed for INDIVIDUAL",
        fix: "remove the organization's field from the individual's record, or correct entityType",
    }
    C015 = "C015", Error {
        meaning: "field not allowed for ORGANIZATION",
        fix: "remove the individual's field from the organization's record, or correct entityType",
    }
    C016I06 = "C016.I06", Error {
        meaning: "citizenshipCountry or birthCountry not a known country",
        fix: "use an ISO 3166-1 alpha-2 country code (LT, DE) for citizenshipCountry and birthCountry",
    }
    C016I08 = "C016.I08", Error {
        meaning: "secondCitizenshipCountry or permanentResidenceCountry not a known country",
        fix: "use an ISO 3166-1 alpha-2 country code for secondCitizenshipCountry and permanentResidenceCountry",
    }
    C017O01 = "C017.O01", Error {
        meaning: "title is mandatory for ORGANIZATION",
        fix: "add title, the organization's registered name",
    }
    REG = "REG", Error {
        meaning: "registrationCountry is mandatory and must be a known country",
        fix: "add registrationCountry as an ISO 3166-1 alpha-2 country code",
    }
    SCR01 = "SCR01", Error {
        meaning: "screening process is undefined",
        fix: "list only screening processes the vendor defines in initializeScreeningProcesses",
    }
    Q002DOC06 = "Q002.DOC06", Error {
        meaning: "document: documentIssueCountry is mandatory and must be a known country",
        fix: "add documentIssueCountry (ISO 3166-1 alpha-2) to every identity document",
    }
    Q004ADR02 = "Q004.ADR02", Error {
        meaning: "address: country is mandatory and must be a known country",
        fix: "add the address's country as an ISO 3166-1 alpha-2 code (LT, not Lithuania)",
    }
    Q009CA01 = "Q009.CA01", Error {
        meaning: "country of activity not a known country",
        fix: "use ISO 3166-1 alpha-2 codes for the countries of activity",
    }
    Q014RC01 = "Q014.RC01", Error {
        meaning: "payment country not a known country",
        fix: "use ISO 3166-1 alpha-2 codes for the payment countries",
    }
    Q017COTP01 = "Q017.COTP01", Error {
        meaning: "country of tax payment not a known country",
        fix: "use ISO 3166-1 alpha-2 codes for the countries of tax payment",
    }
    FOA01 = "FOA01", Error {
        meaning: "fieldOfActivity.student.higherSchoolCountry is invalid",
        fix: "use an ISO 3166-1 alpha-2 code for the student's higherSchoolCountry",
    }
    FOA02 = "FOA02", Error {
        meaning: "fieldOfActivity.pension.pensionCountry is invalid",
        fix: "use an ISO 3166-1 alpha-2 code for the pensionCountry",
    }
    AV07 = "AV07", Error {
        meaning: "additional value does not parse as its datatype (TIMESTAMP: yyyy-MM-dd HH:mm:ss.SSSZ with exactly three fraction digits, or RFC 3339)",
        fix: "write the value in its datatype's form (TIMESTAMP: 2024-03-01 12:10:11.000+0200, three fraction digits)",
    }
    C017C016RE01 = "C017.C016.RE01", Error {
        meaning: "related entity: relationType is mandatory",
        fix: "add relationType to every related entity",
    }
    C017C016RE02 = "C017.C016.RE02", Error {
        meaning: "related entity: entityType is mandatory (INDIVIDUAL or ORGANIZATION)",
        fix: "set the related entity's entityType to INDIVIDUAL or ORGANIZATION",
    }
    C017C016RE03 = "C017.C016.RE03", Error {
        meaning: "related entity: country not a known country",
        fix: "use an ISO 3166-1 alpha-2 country code in the related entity",
    }
    C017C016RE05 = "C017.C016.RE05", Error {
        meaning: "related entity: legalForm not in the supplied legalForm classifier",
        fix: "use a legalForm of the supplied legalForm classifier list",
    }
    C017C016RE06Co1 = "C017.C016.RE06.Co1", Error {
        meaning: "related entity contact: contactType is mandatory (MOBILEPHONE, FIXEDPHONE, EMAIL, WEBSITE)",
        fix: "set contactType to MOBILEPHONE, FIXEDPHONE, EMAIL or WEBSITE",
    }
    C017C016RE06Co2 = "C017.C016.RE06.Co2", Error {
        meaning: "related entity contact: contactDetails is mandatory",
        fix: "add contactDetails (the number, address or site) to the contact",
    }
    C017C016RE06ADR02 = "C017.C016.RE06.ADR02", Error {
        meaning: "related entity address: country is mandatory and must be a known country",
        fix: "add the related entity address's country as an ISO 3166-1 alpha-2 code",
    }
    C017C016RE08DOC01 = "C017.C016.RE08.DOC01", Error {
        meaning: "related entity document: entityType is mandatory (INDIVIDUAL or ORGANIZATION)",
        fix: "set the related entity document's entityType to INDIVIDUAL or ORGANIZATION",
    }
    C017C016RE08DOC06 = "C017.C016.RE08.DOC06", Error {
        meaning: "related entity document: documentIssueCountry is mandatory and must be a known country",
        fix: "add documentIssueCountry (ISO 3166-1 alpha-2) to the related entity's document",
    }
    C017C016AV07 = "C017.C016.AV07", Error {
        meaning: "related entity additional value does not parse as its datatype",
        fix: "write the related entity's additional value in its datatype's form (TIMESTAMP: 2024-03-01 12:10:11.000+0200)",
    }
}

impl Code {
    /// Severity, meaning and fix.
    pub const fn info(self) -> &'static CodeInfo {
        &CODES[self as usize]
    }

    /// The severity a finding with this code has (before `--strict` or `--deny`).
    pub const fn severity(self) -> Severity {
        self.info().severity
    }
}

/// The text, padded as asked (`{:<32}` in `leadbatch codes`).
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A text that is not one of `CODES`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode;

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a code of `leadbatch codes`")
    }
}

/// From a code's text, exactly as written (case-sensitive): for options that name codes
/// (`--deny`) and for the report, which reads the summary's counts per code.
impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or(UnknownCode)
    }
}

/// Severity, meaning and fix of a code's text, if it is one of `CODES`.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    code.parse::<Code>().ok().map(Code::info)
}
