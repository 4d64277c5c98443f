//! Element names to catalog fields: a per-shape table of the exact spellings (PascalCase
//! XML names, names and aliases as written), with the catalog's case-insensitive lookup as
//! the fallback.

use std::sync::LazyLock;

use super::bytes::eq_short;
use crate::catalog::{self, Field, Shape};

/// Per shape, the exact element names (PascalCase field names, names and aliases as written)
/// mapped to a field. `Shape::lookup_folded` lower-cases into a new String whenever its exact
/// table misses, which it does for every PascalCase element; this table answers those
/// without allocating and falls back to `lookup_folded` for any other spelling.
pub(super) static XML_NAMES: LazyLock<Vec<NameTable>> = LazyLock::new(|| {
    catalog::shapes()
        .iter()
        .map(|shape| {
            let mut names: Vec<(String, usize)> = Vec::new();
            for f in shape.fields {
                let spellings = [f.name.to_string(), f.xml_name()].into_iter().chain(
                    f.aliases
                        .iter()
                        .flat_map(|a| [a.to_string(), catalog::pascal(a)]),
                );
                for s in spellings {
                    // Whatever lookup_folded says, so that both paths always agree.
                    if let Some(idx) = shape.lookup_folded(&s)
                        && !names.iter().any(|(n, _)| *n == s)
                    {
                        names.push((s, idx));
                    }
                }
            }
            NameTable::new(names)
        })
        .collect()
});

/// A small open-addressing table of exact names. Element names are looked up once per
/// element, tens of millions of times a second: a few byte loads make a good enough hash for
/// a few dozen known names, and cost less than a general-purpose hasher.
pub(super) struct NameTable {
    slots: Vec<Option<(Box<str>, usize)>>,
    mask: usize,
}

impl NameTable {
    fn new(names: Vec<(String, usize)>) -> Self {
        // At most a quarter full: probes stay short and always reach an empty slot.
        let size = (names.len() * 4).next_power_of_two().max(4);
        let mut slots = vec![None; size];
        for (name, idx) in names {
            let mut i = Self::hash(name.as_bytes()) & (size - 1);
            while slots[i].is_some() {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Some((name.into_boxed_str(), idx));
        }
        NameTable {
            slots,
            mask: size - 1,
        }
    }

    #[inline]
    fn hash(name: &[u8]) -> usize {
        let n = name.len();
        if n == 0 {
            return 0;
        }
        let h = (n as u64)
            ^ (u64::from(name[0]) << 8)
            ^ (u64::from(name[n / 3]) << 16)
            ^ (u64::from(name[n / 2]) << 24)
            ^ (u64::from(name[n * 2 / 3]) << 32)
            ^ (u64::from(name[n - 1]) << 40);
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize
    }

    #[inline]
    pub(super) fn get(&self, name: &str) -> Option<usize> {
        let mut i = Self::hash(name.as_bytes()) & self.mask;
        loop {
            match &self.slots[i] {
                None => return None,
                Some((k, idx)) if eq_short(k.as_bytes(), name.as_bytes()) => return Some(*idx),
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

pub(super) fn lookup(
    names: &[NameTable],
    shape: &'static Shape,
    local: &str,
) -> Option<&'static Field> {
    let idx = match names[shape.id].get(local) {
        Some(i) => i,
        None => shape.lookup_folded(local)?,
    };
    Some(&shape.fields[idx])
}
