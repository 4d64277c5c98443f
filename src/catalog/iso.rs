//! ISO code tables: country codes (ISO 3166-1 alpha-2) and currency codes (ISO 4217 list one).
//!
//! The tables are sorted (the schema lists them as they are); a lookup asks a bit set made
//! from them when compiled: no hashing, no allocation, and nothing to build at start-up.

/// ISO 3166-1 alpha-2: the 249 officially assigned codes plus `XK` (Kosovo), sorted ascending.
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", //
    "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW",
    "CX", "CY", "CZ", //
    "DE", "DJ", "DK", "DM", "DO", "DZ", //
    "EC", "EE", "EG", "EH", "ER", "ES", "ET", //
    "FI", "FJ", "FK", "FM", "FO", "FR", //
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT",
    "GU", "GW", "GY", //
    "HK", "HM", "HN", "HR", "HT", "HU", //
    "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", //
    "JE", "JM", "JO", "JP", //
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", //
    "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", //
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", //
    "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", //
    "OM", //
    "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", //
    "QA", //
    "RE", "RO", "RS", "RU", "RW", //
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", //
    "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
    "UA", "UG", "UM", "US", "UY", "UZ", //
    "VA", "VC", "VE", "VG", "VI", "VN", "VU", //
    "WF", "WS", //
    // Kosovo is not assigned by ISO but is the user-assigned code every registry uses for it.
    "XK", //
    "YE", "YT", //
    "ZA", "ZM", "ZW",
];

/// ISO 4217 list one (current currencies, funds and precious metals), sorted ascending.
///
/// Withdrawn codes are absent even when recently withdrawn: HRK (2023), ZWL (2024), ANG
/// (replaced by XCG, 2025), BGN (euro from 2026-01-01), SLL (redenominated to SLE), CUC.
pub const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", //
    "BAM", "BBD", "BDT", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP",
    "BYN", "BZD", //
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", //
    "DJF", "DKK", "DOP", "DZD", //
    "EGP", "ERN", "ETB", "EUR", //
    "FJD", "FKP", //
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", //
    "HKD", "HNL", "HTG", "HUF", //
    "IDR", "ILS", "INR", "IQD", "IRR", "ISK", //
    "JMD", "JOD", "JPY", //
    "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", //
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", //
    "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV",
    "MYR", "MZN", //
    "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", //
    "OMR", //
    "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", //
    "QAR", //
    "RON", "RSD", "RUB", "RWF", //
    "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC",
    "SYP", "SZL", //
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", //
    "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", //
    "VED", "VES", "VND", "VUV", //
    "WST", //
    "XAD", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD",
    "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", //
    "YER", //
    "ZAR", "ZMW", "ZWG",
];

/// True when `code` is an ISO 3166-1 alpha-2 country code (or `XK`). Exact match: the caller
/// upper-cases, so `lt` is false.
#[inline]
pub fn is_country(code: &str) -> bool {
    COUNTRY_BITS.contains(code)
}

/// True when `code` is a current ISO 4217 alphabetic code. Exact match, upper-case expected.
#[inline]
pub fn is_currency(code: &str) -> bool {
    CURRENCY_BITS.contains(code)
}

/// The codes of `COUNTRIES`, one bit per two-letter word (26 x 26 bits).
static COUNTRY_BITS: Bits<2, 11> = Bits::of(COUNTRIES);
/// The codes of `CURRENCIES`, one bit per three-letter word (26^3 bits, 2.2 KB).
static CURRENCY_BITS: Bits<3, 275> = Bits::of(CURRENCIES);

/// A set of `N`-letter upper-case words as one bit per possible word, made from a table
/// when compiled: a lookup is a few instructions and one load. A binary search over the
/// tables took 200 instructions a value (callgrind, 60,000 XML records: 33 million of a
/// run's 3,500 million), the largest part of what a country or currency check cost.
struct Bits<const N: usize, const W: usize>([u64; W]);

impl<const N: usize, const W: usize> Bits<N, W> {
    /// The set of `words`; an entry that is not `N` letters A-Z fails the build.
    const fn of(words: &[&str]) -> Self {
        let mut bits = [0u64; W];
        let mut i = 0;
        while i < words.len() {
            let Some(at) = Self::index(words[i].as_bytes()) else {
                panic!("an ISO table entry is not N upper-case letters");
            };
            bits[at / 64] |= 1 << (at % 64);
            i += 1;
        }
        Bits(bits)
    }

    /// The word's bit: letters read as base-26 digits.
    const fn index(word: &[u8]) -> Option<usize> {
        if word.len() != N {
            return None;
        }
        let mut at = 0;
        let mut i = 0;
        while i < N {
            if !word[i].is_ascii_uppercase() {
                return None;
            }
            at = at * 26 + (word[i] - b'A') as usize;
            i += 1;
        }
        Some(at)
    }

    fn contains(&self, code: &str) -> bool {
        Self::index(code.as_bytes()).is_some_and(|at| self.0[at / 64] & (1 << (at % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strictly_sorted(list: &[&str]) -> bool {
        list.windows(2).all(|w| w[0] < w[1])
    }

    /// The bit sets answer as a search of the tables would, for every word of two and
    /// three letters A-Z.
    #[test]
    fn bit_sets_hold_exactly_the_tables() {
        let letters = || b'A'..=b'Z';
        for a in letters() {
            for b in letters() {
                let two = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(is_country(&two), COUNTRIES.contains(&two.as_str()), "{two}");
                for c in letters() {
                    let three = String::from_utf8(vec![a, b, c]).unwrap();
                    let listed = CURRENCIES.contains(&three.as_str());
                    assert_eq!(is_currency(&three), listed, "{three}");
                }
            }
        }
    }

    #[test]
    fn tables_are_sorted_without_duplicates() {
        assert!(strictly_sorted(COUNTRIES));
        assert!(strictly_sorted(CURRENCIES));
    }

    #[test]
    fn table_entries_are_upper_case_ascii_of_the_right_length() {
        for c in COUNTRIES {
            assert!(
                c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "{c}"
            );
        }
        for c in CURRENCIES {
            assert!(
                c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "{c}"
            );
        }
    }

    #[test]
    fn country_count_is_249_plus_kosovo() {
        assert_eq!(COUNTRIES.len(), 250);
    }

    #[test]
    fn known_countries() {
        for c in [
            "LT", "LV", "JP", "US", "GB", "AF", "XK", "AX", "BQ", "CW", "SS", "SX", "AD", "ZW",
        ] {
            assert!(is_country(c), "{c}");
        }
    }

    #[test]
    fn not_countries() {
        for c in [
            "UK", "EU", "XX", "ZZ", "LTU", "lt", "Lt", "", "L", "AN", "YU", "CS",
        ] {
            assert!(!is_country(c), "{c}");
        }
    }

    #[test]
    fn known_currencies() {
        for c in [
            "EUR", "USD", "JPY", "GBP", "CHF", "SLE", "VES", "VED", "ZWG", "XAU", "XDR", "XXX",
            "XCG", "XAD", "AED", "ZMW",
        ] {
            assert!(is_currency(c), "{c}");
        }
    }

    #[test]
    fn not_currencies() {
        for c in [
            "HRK", "LTL", "ZWL", "ANG", "BGN", "SLL", "CUC", "eur", "EU", "EURO", "", "DEM",
        ] {
            assert!(!is_currency(c), "{c}");
        }
    }
}
