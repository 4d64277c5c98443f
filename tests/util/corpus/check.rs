//! The generator held to itself and to the field catalog: it is deterministic, makes every
//! kind of fault at about the intended rate, writes only names the catalog knows (so a slip
//! in a name cannot pass for a fault), and its fault tables (spec §3 restated) agree with
//! the catalog's presence rules, two independent readings of the same spec.

use leadbatch::catalog::{LEAD, Presence, Shape, Type};

use super::vocab::*;
use super::write::xml_item;
use super::{Obj, V, records};

/// Every key of `obj` is a field (or alias) of `shape`; lists and objects recursively, and a
/// list's XML item element is the catalog's type name.
fn known_names(shape: &Shape, obj: &Obj, at: &str) {
    for (k, v) in obj {
        let i = shape
            .lookup(k)
            .unwrap_or_else(|| panic!("{at}{k}: not in the catalog's {}", shape.name));
        match (&shape.fields[i].ty, v) {
            (Type::List(item), V::List(items)) => {
                assert_eq!(xml_item(k), item.name, "XML item of {at}{k}");
                for (n, it) in items.iter().enumerate() {
                    let V::Obj(fields) = it else {
                        panic!("{at}{k}.{n}: not an object")
                    };
                    known_names(item, fields, &format!("{at}{k}.{n}."));
                }
            }
            (Type::Object(inner), V::Obj(fields)) => {
                known_names(inner, fields, &format!("{at}{k}."))
            }
            (Type::List(_) | Type::Object(_), other) => panic!("{at}{k}: {other:?}"),
            _ => {}
        }
    }
}

#[test]
fn corpus_generator_writes_only_names_the_catalog_knows() {
    for (rec, exp) in records(3000, 7) {
        if exp.fault != "unknown_field" {
            known_names(&LEAD, &rec, "");
        }
    }
    for name in UNKNOWN_FIELDS {
        assert_eq!(LEAD.lookup(name), None, "{name} is a catalog field");
    }
}

#[test]
fn corpus_generator_fault_tables_agree_with_the_catalog() {
    let presence = |name: &str| {
        let f = &LEAD.fields[LEAD.lookup(name).unwrap_or_else(|| panic!("{name}"))];
        (f.ind, f.org)
    };
    use Presence::*;
    for name in MANDATORY {
        assert_eq!(presence(name), (Mandatory, Mandatory), "{name}");
    }
    for name in IND_MANDATORY {
        assert_eq!(presence(name).0, Mandatory, "{name} for an individual");
    }
    for name in ORG_MANDATORY {
        assert_eq!(presence(name).1, Mandatory, "{name} for an organization");
    }
    for name in ORG_ONLY {
        assert_eq!(presence(name).0, Forbidden, "{name} on an individual");
    }
    for name in IND_ONLY {
        assert_eq!(presence(name).1, Forbidden, "{name} on an organization");
    }
}

#[test]
fn corpus_generator_is_deterministic_and_makes_every_fault() {
    let first: Vec<_> = records(3000, 7).collect();
    let again: Vec<_> = records(3000, 7).collect();
    assert!(first.iter().map(|r| &r.0).eq(again.iter().map(|r| &r.0)));
    let other: Vec<_> = records(3000, 8).map(|r| r.0).collect();
    assert!(
        first.iter().map(|r| &r.0).ne(other.iter()),
        "seeds 7 and 8 agree"
    );

    let invalid: Vec<_> = first.iter().filter(|(_, e)| !e.valid).collect();
    assert!(
        (210..=390).contains(&invalid.len()),
        "{} invalid",
        invalid.len()
    );
    for fault in FAULTS {
        assert!(
            invalid.iter().any(|(_, e)| e.fault == *fault),
            "no {fault} in 3000 records"
        );
    }
    for (rec, e) in &first {
        assert_eq!(e.valid, e.fault.is_empty(), "{e:?}");
        // The fault is where the detail says: a missing field is gone, a bad value is there.
        if e.fault == "missing_mandatory" {
            assert!(rec.iter().all(|(k, _)| *k != e.detail), "{e:?}");
        } else if let Some((path, bad)) = e.detail.split_once('=')
            && !path.contains('.')
        {
            let got = rec.iter().find(|(k, _)| *k == path).map(|(_, v)| v);
            assert_eq!(got, Some(&V::Str(bad.to_string())), "{e:?}");
        }
    }
    let (individuals, orgs) = first.iter().fold((0, 0), |(i, o), (rec, _)| {
        let ind = rec
            .iter()
            .any(|(k, v)| *k == "entityType" && *v == V::Str("INDIVIDUAL".into()));
        if ind { (i + 1, o) } else { (i, o + 1) }
    });
    assert!(
        individuals > 1900 && orgs > 700,
        "{individuals} individuals, {orgs} organizations"
    );
}
