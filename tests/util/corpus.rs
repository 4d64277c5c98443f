//! A deterministic corpus of synthetic leads, with the verdict expected for each record:
//! the suite's own port of the team's `gen_corpus.py` (`../shared/bench/`), so that the
//! tests need neither python nor anything beside the clone.
//!
//! The mix follows the python generator: ~70% individuals and ~30% organizations, ~40% with
//! nested lists, Lithuanian, Japanese and accented Latin names, one record in 10 made
//! invalid by exactly ONE fault of `FAULTS`, each with its expectation (`Expected`: valid or
//! invalid, the fault's name and a detail such as `birthDate=2023-02-30`). The same count
//! and seed give the same records in every format (`write`), and always the same bytes; the
//! records are not byte-identical to the python generator's (another random generator).
//!
//! The fault tables below restate spec §3 (which fields are mandatory, which belong to one
//! entity type only) independently of the catalog; `check` holds the two against each other
//! and checks that every name the generator writes is one the catalog knows.

mod check;
mod faults;
#[rustfmt::skip]
mod vocab;
mod write;

use std::fmt::Write as _;

pub use write::write_corpus;

use vocab::*;

/// One record's expectation (the python generator's `.expected.tsv` row).
#[derive(Debug, Clone)]
pub struct Expected {
    /// 1-based position in the corpus.
    pub ordinal: u64,
    pub valid: bool,
    /// One of `FAULTS`, empty for a valid record.
    pub fault: String,
    /// The field and bad value (`listAddress.0.country=XX`), empty for a valid record.
    pub detail: String,
}

/// The share of records made invalid (the python generator's default `--invalid-rate`).
const INVALID_RATE: f64 = 0.1;

/// splitmix64: small, fast and fully determined by its seed (no crate needed, and the
/// corpus cannot change under a dependency update).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    fn random(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.random() < p
    }

    /// An integer in `lo..=hi`.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }

    /// `k` distinct items of `from`, in random order.
    fn sample<T: Copy>(&mut self, from: &[T], k: usize) -> Vec<T> {
        let mut pool = from.to_vec();
        (0..k)
            .map(|_| pool.remove((self.next() % pool.len() as u64) as usize))
            .collect()
    }
}

/// A JSON-like value that keeps its keys in insertion order (the order the python
/// generator's dicts write), so that every format lists fields in the same order.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Str(String),
    Int(i64),
    /// A decimal number, as written (`1234.56`).
    Dec(String),
    Bool(bool),
    /// A list of objects, or of words (`initializeScreeningProcesses`).
    List(Vec<V>),
    Obj(Obj),
}

pub type Obj = Vec<(&'static str, V)>;

fn s(text: impl Into<String>) -> V {
    V::Str(text.into())
}

/// Sets `key`, in place if present (as a python dict does), else at the end.
fn set(obj: &mut Obj, key: &'static str, v: V) {
    match obj.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = v,
        None => obj.push((key, v)),
    }
}

fn get_mut<'a>(obj: &'a mut Obj, key: &str) -> Option<&'a mut V> {
    obj.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The first item of list `key`, which is created with `make()` when absent.
fn first_item<'a>(obj: &'a mut Obj, key: &'static str, make: impl FnOnce() -> Obj) -> &'a mut Obj {
    if get_mut(obj, key).is_none() {
        obj.push((key, V::List(vec![V::Obj(make())])));
    }
    match get_mut(obj, key) {
        Some(V::List(items)) => match &mut items[0] {
            V::Obj(o) => o,
            other => panic!("{key}[0] is {other:?}"),
        },
        other => panic!("{key} is {other:?}"),
    }
}

// ------------------------------------------------------------------------------ builders

fn date(r: &mut Rng, y0: i64, y1: i64) -> String {
    let (y, m, d) = (r.int(y0, y1), r.int(1, 12), r.int(1, 28));
    format!("{y:04}-{m:02}-{d:02}")
}

fn address(r: &mut Rng) -> Obj {
    let kind = r.pick(&["RESIDENCE", "HEADQUARTERS", "CORRESPONDENCE"]);
    let details = format!("{}, {}", r.pick(STREETS), r.pick(CITIES));
    vec![
        ("addressType", s(kind)),
        ("addressDetails", s(details)),
        ("country", s(r.pick(COUNTRIES))),
        ("city", s(r.pick(CITIES))),
        ("zipCode", s(format!("{:05}", r.int(0, 99_999)))),
        ("useForCorrespondence", V::Bool(r.chance(0.5))),
    ]
}

fn contact(r: &mut Rng, i: u64) -> Obj {
    let kind = r.pick(&["MOBILEPHONE", "FIXEDPHONE", "EMAIL", "WEBSITE"]);
    let (mobile, fixed) = (r.int(0, 9_999_999), r.int(0, 9_999_999));
    let details = match kind {
        "MOBILEPHONE" => format!("+3706{mobile:07}"),
        "FIXEDPHONE" => format!("+3705{fixed:07}"),
        "EMAIL" => format!("lead{i}@example.com"),
        _ => format!("https://example{}.lt", i % 997),
    };
    vec![
        ("contactType", s(kind)),
        ("contactDetails", s(details)),
        ("useForCommunication", V::Bool(r.chance(0.7))),
    ]
}

fn document(r: &mut Rng, entity: &str) -> Obj {
    let issued = date(r, 2012, 2023);
    let doc_type = if entity == "INDIVIDUAL" {
        r.pick(DOC_TYPES_IND)
    } else {
        "REGISTRATIONCERTIFICATE"
    };
    let number = format!(
        "{}{:09}",
        r.pick(&["LT", "P", "ID-"]),
        r.int(0, 999_999_999)
    );
    let authority = r.pick(&["Migracijos departamentas", "VMI", "入国管理局", "Police"]);
    let mut d = vec![
        ("entityType", s(entity)),
        ("identityDocumentType", s(doc_type)),
        ("documentNumber", s(number)),
        ("documentIssueDate", s(issued.clone())),
        ("documentIssueCountry", s(r.pick(COUNTRIES))),
        ("documentIssueAuthority", s(authority)),
    ];
    if r.chance(0.6) {
        let year: i64 = issued[..4].parse().unwrap();
        d.push((
            "documentExpiryDate",
            s(format!("{}{}", year + 10, &issued[4..])),
        ));
    }
    d
}

fn related(r: &mut Rng, i: u64) -> Obj {
    let mut e = if r.chance(0.6) {
        vec![
            ("entityType", s("INDIVIDUAL")),
            ("relationType", s(r.pick(RELATION_TYPES))),
            ("firstName", s(r.pick(IND_FIRST))),
            ("lastName", s(r.pick(IND_LAST))),
            ("birthDate", s(date(r, 1940, 2004))),
            ("birthCountry", s(r.pick(COUNTRIES))),
            ("isPEP", V::Bool(r.chance(0.05))),
        ]
    } else {
        vec![
            ("entityType", s("ORGANIZATION")),
            ("relationType", s(r.pick(RELATION_TYPES))),
            ("title", s(r.pick(ORG_TITLES))),
            ("legalForm", s(r.pick(LEGAL_FORMS))),
            ("registrationCountry", s(r.pick(COUNTRIES))),
            ("establishmentDate", s(date(r, 1960, 2022))),
        ]
    };
    e.push(("extId", s(format!("REL_{i}_{}", r.int(0, 999)))));
    e.push(("share", V::Int(r.int(1, 100))));
    if r.chance(0.5) {
        e.push(("listAddress", V::List(vec![V::Obj(address(r))])));
    }
    if r.chance(0.4) {
        e.push(("listContact", V::List(vec![V::Obj(contact(r, i))])));
    }
    e
}

fn objects(r: &mut Rng, n: i64, mut make: impl FnMut(&mut Rng) -> Obj) -> V {
    V::List((0..n).map(|_| V::Obj(make(r))).collect())
}

fn base(r: &mut Rng, i: u64, seed: u64, entity: &'static str) -> Obj {
    let mut rec = vec![
        ("communicationNumber", s(format!("ComNr_{seed}_{i:08}"))),
        ("requester", s(r.pick(REQUESTERS))),
    ];
    let x = r.random();
    if x < 0.5 {
        rec.push(("action", s("CREATE")));
    } else if x < 0.55 {
        rec.push(("action", s("UPDATE")));
    }
    let cats = if entity == "INDIVIDUAL" {
        LEAD_CATS_IND
    } else {
        LEAD_CATS_ORG
    };
    rec.push(("riskManagementCategory", s(r.pick(cats))));
    rec.push(("sourceOfRiskLevel", s("EVALUATE")));
    if r.chance(0.3) {
        let k = r.int(1, 4) as usize;
        let processes = r.sample(SCREENING, k).into_iter().map(s).collect();
        rec.push(("initializeScreeningProcesses", V::List(processes)));
    }
    rec.push(("customerExtId", s(format!("Lead_{seed}_{i}"))));
    rec.push(("entityType", s(entity)));
    let mut applied = date(r, 2018, 2025);
    if !r.chance(0.8) {
        let (h, m, sec) = (r.int(0, 23), r.int(0, 59), r.int(0, 59));
        let _ = write!(applied, "T{h:02}:{m:02}:{sec:02}Z");
    }
    rec.push(("applicationDate", s(applied)));
    if r.chance(0.5) {
        rec.push((
            "nationalCode",
            s(format!("{:011}", r.int(0, 99_999_999_999))),
        ));
    }
    rec
}

fn individual(r: &mut Rng, i: u64, seed: u64) -> Obj {
    let mut rec = base(r, i, seed, "INDIVIDUAL");
    rec.push(("firstName", s(r.pick(IND_FIRST))));
    rec.push(("lastName", s(r.pick(IND_LAST))));
    rec.push(("birthDate", s(date(r, 1940, 2006))));
    rec.push(("citizenshipCountry", s(r.pick(COUNTRIES))));
    if r.chance(0.5) {
        rec.push(("birthCountry", s(r.pick(COUNTRIES))));
    }
    if r.chance(0.4) {
        rec.push(("isPEP", V::Bool(r.chance(0.05))));
        rec.push(("isSanctioned", V::Bool(false)));
        rec.push(("amlOfficer", V::Bool(false)));
    }
    if r.chance(0.2) {
        // Two decimals, the last never 0: every format then writes the same digits.
        let mut cents = r.int(1_000, 10_000_000);
        if cents % 10 == 0 {
            cents += 1;
        }
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        rec.push(("initialDepositAmount", V::Dec(amount)));
        rec.push(("initialDepositCurrency", s(r.pick(&["EUR", "USD", "JPY"]))));
    }
    if r.chance(0.005) {
        rec.push(("activityDescription", s(MULTI_LINE)));
    }
    if r.chance(0.4) {
        nested(r, i, &mut rec, "INDIVIDUAL");
    }
    rec
}

fn organization(r: &mut Rng, i: u64, seed: u64) -> Obj {
    let mut rec = base(r, i, seed, "ORGANIZATION");
    rec.push(("title", s(r.pick(ORG_TITLES))));
    rec.push(("registrationCountry", s(r.pick(COUNTRIES))));
    rec.push(("legalForm", s(r.pick(LEGAL_FORMS))));
    if r.chance(0.6) {
        rec.push(("establishmentDate", s(date(r, 1950, 2022))));
    }
    if r.chance(0.4) {
        rec.push(("numberOfEmployees", V::Int(r.int(1, 5000))));
        rec.push(("isAudited", V::Bool(r.chance(0.5))));
        rec.push(("LEI", s(format!("LEI{:08}", r.int(0, 99_999_999)))));
    }
    if r.chance(0.005) {
        rec.push(("activityDescription", s(MULTI_LINE)));
    }
    if r.chance(0.4) {
        nested(r, i, &mut rec, "ORGANIZATION");
    }
    rec
}

fn nested(r: &mut Rng, i: u64, rec: &mut Obj, entity: &'static str) {
    let n = r.int(1, 2);
    rec.push(("listAddress", objects(r, n, address)));
    if r.chance(0.7) {
        let n = r.int(1, 3);
        rec.push(("listContact", objects(r, n, |r| contact(r, i))));
    }
    if r.chance(0.5) {
        rec.push((
            "listBusinessEntityDocument",
            objects(r, 1, |r| document(r, entity)),
        ));
    }
    if r.chance(0.35) {
        let n = r.int(1, 2);
        rec.push(("listRelatedEntity", objects(r, n, |r| related(r, i))));
    }
    if r.chance(0.2) {
        let range = r.pick(&["SINGLE", "DAILY", "MONTHLY", "ANNUAL"]);
        let turnover = vec![
            ("turnoverType", s("PLANNED_FUTURE_INCOME")),
            ("turnoverRange", s(range)),
            ("from", V::Int(1000)),
            ("to", V::Int(r.int(2000, 90_000))),
        ];
        rec.push(("listDeclaredTurnover", V::List(vec![V::Obj(turnover)])));
    }
    if r.chance(0.2) {
        let country = vec![
            ("country", s(r.pick(COUNTRIES))),
            ("turnoverDirection", s(r.pick(&["IN", "OUT"]))),
        ];
        rec.push(("listPaymentCountry", V::List(vec![V::Obj(country)])));
    }
    if entity == "INDIVIDUAL" && r.chance(0.5) {
        let employment = vec![
            ("isEmployee", V::Bool(true)),
            ("isSelfEmployed", V::Bool(false)),
            ("isUnemployed", V::Bool(false)),
            ("employerTitle", s(r.pick(ORG_TITLES))),
            ("employmentPositionDescription", s("Software Engineer")),
        ];
        let mut activity = vec![("employment", V::Obj(employment))];
        if r.chance(0.3) {
            let student = vec![
                ("isStudent", V::Bool(true)),
                ("higherSchoolTitle", s("Vilniaus Universitetas MIF")),
                ("higherSchoolCountry", s("LT")),
            ];
            activity.push(("student", V::Obj(student)));
        }
        rec.push(("fieldOfActivity", V::Obj(activity)));
    }
}

/// The corpus: `count` records (ordinals from 1) with their expectations, made one at a
/// time so that a large corpus is written without being held in memory.
pub fn records(count: u32, seed: u32) -> impl Iterator<Item = (Obj, Expected)> {
    let seed = u64::from(seed);
    let mut r = Rng::new(seed);
    (1..=u64::from(count)).map(move |i| {
        let mut rec = if r.chance(0.7) {
            individual(&mut r, i, seed)
        } else {
            organization(&mut r, i, seed)
        };
        let (valid, fault, detail) = if r.chance(INVALID_RATE) {
            let (fault, detail) = faults::inject(&mut r, &mut rec, i);
            (false, fault.to_string(), detail)
        } else {
            (true, String::new(), String::new())
        };
        let expected = Expected {
            ordinal: i,
            valid,
            fault,
            detail,
        };
        (rec, expected)
    })
}
