//! The rows of the catalog: every field of spec §3 (the lead) and §4 (nested types), in the
//! canonical order of the payload.

use super::Presence::{Forbidden as X, Mandatory as M, Optional as O};
use super::{Codes, Field, Presence, Shape, Type};
use crate::diagnostic::Code;

const fn field(name: &'static str, ty: Type, ind: Presence, org: Presence) -> Field {
    Field {
        name,
        ty,
        ind,
        org,
        aliases: &[],
        codes: Codes::NONE,
        identifier: false,
        personal: false,
        optional_in_related: false,
        optional_in_conversion: false,
        life_date: false,
        default: None,
    }
}

/// A field of a nested type (no per-entity-type status).
const fn nested(name: &'static str, ty: Type, p: Presence) -> Field {
    field(name, ty, p, p)
}

impl Field {
    const fn aliases(mut self, aliases: &'static [&'static str]) -> Field {
        self.aliases = aliases;
        self
    }
    /// Vendor code for a missing and for an invalid value, top level.
    const fn code(mut self, missing: Option<Code>, invalid: Option<Code>) -> Field {
        self.codes.missing = missing;
        self.codes.invalid = invalid;
        self
    }
    /// Vendor code for a missing and for an invalid value inside a related entity.
    const fn rel_code(mut self, missing: Option<Code>, invalid: Option<Code>) -> Field {
        self.codes.rel_missing = missing;
        self.codes.rel_invalid = invalid;
        self
    }
    const fn identifier(mut self) -> Field {
        self.identifier = true;
        self
    }
    const fn personal(mut self) -> Field {
        self.personal = true;
        self
    }
    const fn optional_in_related(mut self) -> Field {
        self.optional_in_related = true;
        self
    }
    const fn default(mut self, value: &'static str) -> Field {
        self.default = Some(value);
        self
    }

    const fn optional_in_conversion(mut self) -> Field {
        self.optional_in_conversion = true;
        self
    }
    const fn life_date(mut self) -> Field {
        self.life_date = true;
        self
    }
}

const STR: Type = Type::Str { max_chars: None };
const INT: Type = Type::Int { min: None };
const COUNT: Type = Type::Int { min: Some(0) };
const BOOL: Type = Type::Bool;
const DATE: Type = Type::Date;
const COUNTRY: Type = Type::Country;
const fn class(name: &'static str) -> Type {
    Type::Classifier(name)
}

pub const ENTITY_TYPES: &[&str] = &["INDIVIDUAL", "ORGANIZATION"];
pub const ACTIONS: &[&str] = &["CREATE", "UPDATE"];
pub const SOURCES_OF_RISK_LEVEL: &[&str] = &["EVALUATE", "IMPORT"];
pub const RISK_LEVELS: &[&str] = &["NONE", "LOW", "MEDIUM", "HIGH", "EXTREME"];
pub const CUSTOMER_STATUSES: &[&str] = &["PENDING", "ACTIVE", "REJECTED", "SUSPENDED", "CLOSED"];
pub const SCREENING_PROCESSES: &[&str] = &["SANCTIONS", "PEP", "ADVERSE_MEDIA", "INTERNAL_LIST"];
pub const LIST_PURPOSES: &[&str] = &["BLACK", "WHITE"];
pub const CONTACT_TYPES: &[&str] = &["MOBILEPHONE", "FIXEDPHONE", "EMAIL", "WEBSITE"];
pub const DOCUMENT_TYPES: &[&str] = &[
    "PASSPORT",
    "IDENTITYCARD",
    "RESIDENCEPERMIT",
    "DRIVINGLICENSE",
    "REGISTRATIONCERTIFICATE",
    "OTHER",
];
pub const TURNOVER_RANGES: &[&str] = &["SINGLE", "DAILY", "MONTHLY", "ANNUAL"];
pub const TURNOVER_DIRECTIONS: &[&str] = &["IN", "OUT"];
pub const DATATYPES: &[&str] = &[
    "STRING",
    "INTEGER",
    "DECIMAL",
    "DATE",
    "TIMESTAMP",
    "BOOLEAN",
];

pub static SHAPES: &[&Shape] = &[
    &LEAD,
    &CONTACT,
    &ADDRESS,
    &DOCUMENT,
    &APPEAL_REASON,
    &INTRODUCTION_SOURCE,
    &ORDERED_SERVICE,
    &DECLARED_TURNOVER,
    &INCOME_SOURCE,
    &PAYMENT_PURPOSE,
    &SOURCE_OF_WEALTH,
    &PAYMENT_COUNTRY,
    &ACTIVITY,
    &REGION_OF_ACTIVITY,
    &COUNTRY_OF_ACTIVITY,
    &COUNTRY_OF_TAX_PAYMENT,
    &ADDITIONAL_VALUE,
    &FIELD_OF_ACTIVITY,
    &EMPLOYMENT,
    &OTHER_STATUS,
    &PENSION,
    &STUDENT,
    &RELATED_ENTITY,
];

pub static LEAD: Shape = Shape {
    id: 0,
    name: "AMLYZE_CUSTOMER",
    fields: &[
        field(
            "communicationNumber",
            Type::Str {
                max_chars: Some(256),
            },
            M,
            M,
        )
        .identifier(),
        field("requester", STR, M, M),
        field("action", Type::Enum(ACTIONS), O, O).default("CREATE"),
        field("sourceOfRiskLevel", Type::Enum(SOURCES_OF_RISK_LEVEL), M, M),
        field("riskLevel", Type::Enum(RISK_LEVELS), O, O),
        field("customerStatus", Type::Enum(CUSTOMER_STATUSES), O, O),
        field(
            "initializeScreeningProcesses",
            Type::EnumList(SCREENING_PROCESSES),
            O,
            O,
        )
        .code(None, Some(Code::SCR01)),
        field("businessUnit", class("businessUnit"), O, O),
        field(
            "riskManagementCategory",
            class("riskManagementCategory"),
            M,
            M,
        )
        .code(Some(Code::C007), Some(Code::C007)),
        field("entityType", Type::Enum(ENTITY_TYPES), M, M).code(Some(Code::C010), None),
        field("customerExtId", STR, M, M)
            .code(Some(Code::C002), None)
            .identifier(),
        field("applicationDate", DATE, M, M).code(Some(Code::C012), None),
        field("approvalDate", DATE, O, O),
        field("closingDate", DATE, O, O),
        field("nationalCode", STR, O, O).identifier().personal(),
        field("firstName", STR, M, X).personal(),
        field("lastName", STR, M, X).personal(),
        field("citizenshipCountry", COUNTRY, M, X).code(None, Some(Code::C016I06)),
        field("birthDate", DATE, M, X)
            .personal()
            .life_date()
            .optional_in_conversion(),
        field("birthCountry", COUNTRY, O, X).code(None, Some(Code::C016I06)),
        field("secondCitizenshipCountry", COUNTRY, O, X).code(None, Some(Code::C016I08)),
        field("permanentResidenceCountry", COUNTRY, O, X).code(None, Some(Code::C016I08)),
        field("isLegalResident", BOOL, O, X),
        field("isFamilyPEP", BOOL, O, X),
        field("isLitigated", BOOL, O, X),
        field("amlOfficer", BOOL, O, X),
        field("fieldOfActivity", Type::Object(&FIELD_OF_ACTIVITY), O, X),
        field("title", STR, X, M).code(Some(Code::C017O01), None),
        field("registrationCountry", COUNTRY, X, M).code(Some(Code::REG), Some(Code::REG)),
        field("legalForm", class("legalForm"), X, M),
        field("tradingName", STR, X, O),
        field("establishmentDate", DATE, X, O).life_date(),
        field("giin", STR, X, O).aliases(&["GIIN"]),
        field("lei", STR, X, O).aliases(&["LEI"]),
        field("activityInRestrictedRegionDescription", STR, X, O),
        field("regionOfActivityDescription", STR, X, O),
        field("companyAssetValue", INT, X, O),
        field("numberOfEmployees", COUNT, X, O),
        field("numberOfAudits", COUNT, X, O),
        field("periodsOfAuditsInYears", COUNT, X, O),
        field("periodsOfFiningInYears", COUNT, X, O),
        field("isAudited", BOOL, X, O),
        field("hasMultiLayerStructure", BOOL, X, O),
        field("isFinancialInstitution", BOOL, X, O),
        field("isDirectlyManaged", BOOL, X, O),
        field("noMajorShareHolders", BOOL, X, O),
        field("isFined", BOOL, X, O),
        field("isListed", BOOL, X, O),
        field("isRegulated", BOOL, X, O),
        field("isLicenseRequired", BOOL, X, O),
        field("thirdPartyServicesUsed", BOOL, X, O),
        field("organizationalStructureDescription", STR, X, O),
        field("licenseDescription", STR, X, O),
        field("thirdPartyServicesUsedDescription", STR, X, O),
        field("isPEP", BOOL, O, O),
        field("isSanctioned", BOOL, O, O),
        field("isInAdverseMedia", BOOL, O, O),
        field("isInInternalList", BOOL, O, O),
        field("listPurpose", Type::Enum(LIST_PURPOSES), O, O),
        field("isActualAddressDeclared", BOOL, O, O),
        field("isCorrespondenceAddressDeclared", BOOL, O, O),
        field("doesCashDominate", BOOL, O, O),
        field("activityDescription", STR, O, O),
        field("incomeSourceDescription", STR, O, O),
        field("incomingPaymentDescription", STR, O, O),
        field("outgoingPaymentDescription", STR, O, O),
        field("initialDepositSource", STR, O, O),
        field("initialDepositBank", STR, O, O),
        field("initialDepositAccount", STR, O, O)
            .identifier()
            .personal(),
        field(
            "initialDepositAmount",
            Type::Decimal { min_zero: true },
            O,
            O,
        ),
        field("initialDepositCurrency", Type::Currency, O, O),
        field("listContact", Type::List(&CONTACT), O, O),
        field("listAddress", Type::List(&ADDRESS), O, O),
        field("listBusinessEntityDocument", Type::List(&DOCUMENT), O, O),
        field("listAppealReason", Type::List(&APPEAL_REASON), O, O),
        field(
            "listIntroductionSource",
            Type::List(&INTRODUCTION_SOURCE),
            O,
            O,
        ),
        field("listOrderedService", Type::List(&ORDERED_SERVICE), O, O),
        field("listDeclaredTurnover", Type::List(&DECLARED_TURNOVER), O, O),
        field("listIncomeSource", Type::List(&INCOME_SOURCE), O, O),
        field("listPaymentPurpose", Type::List(&PAYMENT_PURPOSE), O, O),
        field("listSourceOfWealth", Type::List(&SOURCE_OF_WEALTH), O, O),
        field("listPaymentCountry", Type::List(&PAYMENT_COUNTRY), O, O),
        field("listActivity", Type::List(&ACTIVITY), O, O),
        field(
            "listRegionOfActivity",
            Type::List(&REGION_OF_ACTIVITY),
            O,
            O,
        ),
        field(
            "listCountryOfActivity",
            Type::List(&COUNTRY_OF_ACTIVITY),
            O,
            O,
        ),
        field(
            "listCountryOfTaxPayment",
            Type::List(&COUNTRY_OF_TAX_PAYMENT),
            O,
            O,
        ),
        field("listAdditionalValues", Type::List(&ADDITIONAL_VALUE), O, O),
        field("listRelatedEntity", Type::List(&RELATED_ENTITY), O, O),
    ],
};

pub static CONTACT: Shape = Shape {
    id: 1,
    name: "Contact",
    fields: &[
        nested("contactType", Type::Enum(CONTACT_TYPES), M)
            .rel_code(Some(Code::C017C016RE06Co1), Some(Code::C017C016RE06Co1)),
        nested("contactDetails", STR, M)
            .rel_code(Some(Code::C017C016RE06Co2), None)
            .personal(),
        nested("useForCommunication", BOOL, O),
    ],
};

pub static ADDRESS: Shape = Shape {
    id: 2,
    name: "Address",
    fields: &[
        nested("country", COUNTRY, M)
            .code(Some(Code::Q004ADR02), Some(Code::Q004ADR02))
            .rel_code(Some(Code::C017C016RE06ADR02), Some(Code::C017C016RE06ADR02)),
        nested("addressType", class("addressType"), O),
        // Spec §4: mandatory in the lead's own listAddress (both lead field tables mark it
        // so, every vendor sample carries it); optional in related entities' addresses.
        nested("addressDetails", STR, M)
            .optional_in_related()
            .personal(),
        nested("city", STR, O),
        nested("region", STR, O),
        nested("streetAddress", STR, O).personal(),
        nested("zipCode", STR, O).personal(),
        nested("useForCorrespondence", BOOL, O),
    ],
};

pub static DOCUMENT: Shape = Shape {
    id: 3,
    name: "BusinessEntityDocument",
    fields: &[
        nested("entityType", Type::Enum(ENTITY_TYPES), M)
            .rel_code(Some(Code::C017C016RE08DOC01), Some(Code::C017C016RE08DOC01)),
        nested("identityDocumentType", Type::Enum(DOCUMENT_TYPES), M),
        nested("documentNumber", STR, M).identifier().personal(),
        nested("documentIssueDate", DATE, M),
        nested("documentIssueCountry", COUNTRY, M)
            .code(Some(Code::Q002DOC06), Some(Code::Q002DOC06))
            .rel_code(Some(Code::C017C016RE08DOC06), Some(Code::C017C016RE08DOC06)),
        nested("documentIssueAuthority", STR, M),
        nested("documentExpiryDate", DATE, O),
        nested("description", STR, O),
    ],
};

pub static APPEAL_REASON: Shape = Shape {
    id: 4,
    name: "AppealReason",
    fields: &[nested("appealReasonType", class("appealReasonType"), M)],
};

pub static INTRODUCTION_SOURCE: Shape = Shape {
    id: 5,
    name: "IntroductionSource",
    fields: &[nested("introductionSource", class("introductionSource"), M)],
};

pub static ORDERED_SERVICE: Shape = Shape {
    id: 6,
    name: "OrderedService",
    fields: &[nested("serviceType", class("serviceType"), M)],
};

pub static DECLARED_TURNOVER: Shape = Shape {
    id: 7,
    name: "DeclaredTurnover",
    fields: &[
        nested("turnoverType", class("turnoverType"), M),
        nested("turnoverRange", Type::Enum(TURNOVER_RANGES), M),
        // At least one of from/to: checked by the turnover rule, not by presence.
        nested("from", INT, O),
        nested("to", INT, O),
    ],
};

pub static INCOME_SOURCE: Shape = Shape {
    id: 8,
    name: "IncomeSource",
    fields: &[
        nested("incomeSourceType", class("incomeSourceType"), M),
        nested("incomePercentage", Type::Percent, O),
        nested("from", INT, O),
        nested("to", INT, O),
    ],
};

pub static PAYMENT_PURPOSE: Shape = Shape {
    id: 9,
    name: "PaymentPurpose",
    fields: &[
        nested("paymentPurposeType", class("paymentPurposeType"), M),
        nested("turnoverDirection", Type::Enum(TURNOVER_DIRECTIONS), M),
    ],
};

pub static SOURCE_OF_WEALTH: Shape = Shape {
    id: 10,
    name: "SourceOfWealth",
    fields: &[
        nested("code", class("sourceOfWealth"), M).aliases(&["SourceOfWealthCode"]),
        nested("amount", Type::Decimal { min_zero: false }, O).aliases(&["Value"]),
        nested("comment", STR, O),
    ],
};

pub static PAYMENT_COUNTRY: Shape = Shape {
    id: 11,
    name: "PaymentCountry",
    fields: &[
        nested("country", COUNTRY, M).code(None, Some(Code::Q014RC01)),
        nested("turnoverDirection", Type::Enum(TURNOVER_DIRECTIONS), M),
    ],
};

pub static ACTIVITY: Shape = Shape {
    id: 12,
    name: "Activity",
    fields: &[
        nested("activityType", class("activityType"), M),
        nested("incomePercentage", Type::Percent, O),
    ],
};

pub static REGION_OF_ACTIVITY: Shape = Shape {
    id: 13,
    name: "RegionOfActivity",
    // The vendor's samples use regions such as `EU`: a classifier, not a country.
    fields: &[nested("region", class("region"), M)],
};

pub static COUNTRY_OF_ACTIVITY: Shape = Shape {
    id: 14,
    name: "CountryOfActivity",
    fields: &[nested("country", COUNTRY, M).code(None, Some(Code::Q009CA01))],
};

pub static COUNTRY_OF_TAX_PAYMENT: Shape = Shape {
    id: 15,
    name: "CountryOfTaxPayment",
    fields: &[
        nested("country", COUNTRY, M).code(None, Some(Code::Q017COTP01)),
        nested("taxpayerNumber", STR, O).identifier().personal(),
    ],
};

pub static ADDITIONAL_VALUE: Shape = Shape {
    id: 16,
    name: "AdditionalValue",
    fields: &[
        nested("code", STR, M),
        nested("datatype", Type::Enum(DATATYPES), M),
        nested("description", STR, M),
        nested("value", Type::AnyScalar, M)
            .code(None, Some(Code::AV07))
            .rel_code(None, Some(Code::C017C016AV07)),
    ],
};

pub static FIELD_OF_ACTIVITY: Shape = Shape {
    id: 17,
    name: "FieldOfActivity",
    fields: &[
        nested("employment", Type::Object(&EMPLOYMENT), O),
        nested("other", Type::Object(&OTHER_STATUS), O),
        nested("pension", Type::Object(&PENSION), O),
        nested("student", Type::Object(&STUDENT), O),
    ],
};

pub static EMPLOYMENT: Shape = Shape {
    id: 18,
    name: "Employment",
    fields: &[
        nested("employerTitle", STR, O),
        nested("employmentPositionDescription", STR, O),
        nested("isEmployee", BOOL, O),
        nested("isSelfEmployed", BOOL, O),
        nested("isUnemployed", BOOL, O),
    ],
};

pub static OTHER_STATUS: Shape = Shape {
    id: 19,
    name: "Other",
    fields: &[
        nested("isOtherStatus", BOOL, O),
        nested("otherStatusDescription", STR, O),
    ],
};

pub static PENSION: Shape = Shape {
    id: 20,
    name: "Pension",
    fields: &[
        nested("isPensioner", BOOL, O),
        nested("pensionCountry", COUNTRY, O).code(None, Some(Code::FOA02)),
    ],
};

pub static STUDENT: Shape = Shape {
    id: 21,
    name: "Student",
    fields: &[
        nested("isStudent", BOOL, O),
        nested("higherSchoolTitle", STR, O),
        nested("higherSchoolCountry", COUNTRY, O).code(None, Some(Code::FOA01)),
    ],
};

/// Related entities: presence by the related entity's own entityType (firstName/lastName for
/// an INDIVIDUAL, title for an ORGANIZATION). **(decision, spec §4)** nothing is forbidden.
pub static RELATED_ENTITY: Shape = Shape {
    id: 22,
    name: "RelatedEntity",
    fields: &[
        nested("entityType", Type::Enum(ENTITY_TYPES), M)
            .rel_code(Some(Code::C017C016RE02), Some(Code::C017C016RE02)),
        nested("relationType", class("relationType"), M)
            .rel_code(Some(Code::C017C016RE01), Some(Code::C017C016RE01)),
        nested("relationDescription", STR, O),
        nested("extId", STR, O),
        nested("nationalCode", STR, O).identifier().personal(),
        nested("activityDescription", STR, O),
        nested("regionOfActivityDescription", STR, O),
        nested("share", Type::Percent, O),
        nested("votePercentage", Type::Percent, O),
        nested("country", COUNTRY, O).rel_code(None, Some(Code::C017C016RE03)),
        nested("registrationCountry", COUNTRY, O),
        nested("countryOfBusinessOperations", COUNTRY, O),
        nested("birthCountry", COUNTRY, O),
        nested("isPEP", BOOL, O),
        nested("isSanctioned", BOOL, O),
        nested("isInAdverseMedia", BOOL, O),
        nested("isInInternalList", BOOL, O),
        field("firstName", STR, M, O).personal(),
        field("lastName", STR, M, O).personal(),
        field("title", STR, O, M),
        nested("birthDate", DATE, O).personal().life_date(),
        nested("establishmentDate", DATE, O).life_date(),
        nested("legalForm", class("legalForm"), O).rel_code(None, Some(Code::C017C016RE05)),
        nested("listContact", Type::List(&CONTACT), O),
        nested("listAddress", Type::List(&ADDRESS), O),
        nested("listBusinessEntityDocument", Type::List(&DOCUMENT), O),
        nested("listIncomeSource", Type::List(&INCOME_SOURCE), O),
        nested("listActivity", Type::List(&ACTIVITY), O),
        nested("listRegionOfActivity", Type::List(&REGION_OF_ACTIVITY), O),
        nested("listCountryOfActivity", Type::List(&COUNTRY_OF_ACTIVITY), O),
        nested("listAdditionalValues", Type::List(&ADDITIONAL_VALUE), O),
    ],
};
