//! The generator's words (Lithuanian, Japanese and accented Latin names, places, codes) and
//! its fault tables, as in the python generator. Left unformatted: a table per line or two.

pub const IND_FIRST: &[&str] = &[
    "Žygimantas", "Šarūnė", "Ąžuolas", "Gintautas", "Eglė", "Rūta", "Jonas", "Vytautas", "太郎",
    "さくら", "Hiroshi", "Yūki", "José", "François", "Zoë", "Søren", "Ångela", "Björn", "Renée",
    "Mikas", "Larosa", "John", "Mary", "Ólafur", "Ewa", "Łukasz",
];
pub const IND_LAST: &[&str] = &[
    "Kazlauskas", "Petrauskaitė", "Žukauskas", "Jankūnas", "Šimkus", "Vaitkevičiūtė", "山田",
    "佐藤", "鈴木", "Tanaka", "García", "Müller", "Gonçalves", "Ångström", "O'Brien", "Nørgaard",
    "Dvořák", "Smith", "Rosa", "Garcia", "Brzęczyszczykiewicz", "Lefèvre",
];
pub const ORG_TITLES: &[&str] = &[
    "UAB 'Žalgiris'", "株式会社サンプル", "Café Société SARL", "Smith & Sons Ltd",
    "AB \"Šiaulių bankas\"", "Müller GmbH", "LTD 'MinorMajor'", "Lead_Uab'Roxy'",
    "Nordic Ångström AS", "トヨタ商事", "Gonçalves & Filhos Lda", "Vilniaus prekyba, UAB",
];
pub const LEGAL_FORMS: &[&str] = &["LTD", "UAB", "AB", "GMBH", "SARL", "KK", "COOPERATIVE", "LLC"];
pub const COUNTRIES: &[&str] = &[
    "LT", "LV", "EE", "PL", "DE", "FR", "JP", "US", "GB", "ES", "PT", "NO", "SE", "DK", "FI",
    "IE", "NL", "BE", "IT", "CZ", "AT", "CH", "UA", "AF", "CA",
];
pub const CITIES: &[&str] = &[
    "Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "東京", "Osaka", "München", "Paris", "Lisboa",
    "Kraków", "Riga", "Tallinn",
];
pub const STREETS: &[&str] = &[
    "Verkiu g. 1-53", "Panemunių g. 15-4", "Gedimino pr. 9", "千代田1-1",
    "Straße des 17. Juni 12", "Rue de l'Église 3", "Lvovo g. 15/4",
];
pub const REQUESTERS: &[&str] = &[
    "financial_institution", "Financial Institution", "Bank_system", "core-banking",
    "onboarding-portal",
];
pub const LEAD_CATS_IND: &[&str] = &["LEAD_IND", "LEAD_AMLYZE", "IND_LEAD"];
pub const LEAD_CATS_ORG: &[&str] = &["LEAD_ORG", "LEAD_AMLYZE", "ORG_LEAD"];
pub const RELATION_TYPES: &[&str] = &["OWNER", "DIRECTOR", "SHAREHOLDER", "HOST", "UBO"];
pub const SCREENING: &[&str] = &["SANCTIONS", "PEP", "ADVERSE_MEDIA", "INTERNAL_LIST"];
pub const DOC_TYPES_IND: &[&str] = &[
    "PASSPORT", "IDENTITYCARD", "RESIDENCEPERMIT", "DRIVINGLICENSE", "OTHER",
];
/// A value CSV must quote (quotes, a comma, a line break).
pub const MULTI_LINE: &str = "multi-line \"quoted\" note\nsecond line, with comma";

/// Spec §3: mandatory for every lead, and for one entity type.
pub const MANDATORY: &[&str] = &[
    "communicationNumber", "requester", "riskManagementCategory", "sourceOfRiskLevel",
    "customerExtId", "entityType", "applicationDate",
];
pub const IND_MANDATORY: &[&str] = &["firstName", "lastName", "citizenshipCountry", "birthDate"];
pub const ORG_MANDATORY: &[&str] = &["title", "registrationCountry", "legalForm"];

/// Spec §3: fields of one entity type only, with a value of the right type, for the faults
/// that put them on the other.
pub const ORG_ONLY: &[&str] = &[
    "legalForm", "title", "registrationCountry", "numberOfEmployees", "isAudited", "LEI",
    "establishmentDate",
];
pub const IND_ONLY: &[&str] = &[
    "firstName", "birthDate", "citizenshipCountry", "isFamilyPEP", "amlOfficer", "fieldOfActivity",
];

/// Every kind of fault, one per invalid record.
pub const FAULTS: &[&str] = &[
    "missing_mandatory", "bad_date", "bad_country", "import_with_lead_category",
    "org_field_on_individual", "ind_field_on_organization", "bad_enum", "wrong_boolean_type",
    "unknown_field", "comm_number_too_long", "non_lead_category",
];
/// Dates that are not dates (`22023`, 30 February, month 13, day first, 29 February of a
/// common year, no zero padding, 31 April).
pub const BAD_DATES: &[&str] = &[
    "22023-01-20", "2023-02-30", "2023-13-01", "20/01/2023", "2021-02-29", "2023-1-5",
    "2023-04-31",
];
/// Not country codes, except `lt`: spec §2 makes codes case-insensitive, so that "fault" is
/// a valid lead (the tests know it and expect it accepted).
pub const BAD_COUNTRIES: &[&str] = &["XX", "LTU", "lt", "UK", "ZZ"];
pub const BAD_BOOLEANS: &[&str] = &["yes", "no", "Y", "N"];
pub const UNKNOWN_FIELDS: &[&str] = &["middleName", "riskScore", "leadSource", "customerId"];
