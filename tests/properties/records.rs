//! Strategies for records of any shape, by walking the catalog: each field the entity type
//! allows (mandatory ones always, optional ones now and then), written under its name or
//! one of its aliases, with a value of its type; objects and lists of the nested shapes in
//! turn; the fields in random order. What the rules add to the shapes comes from `ties`.

use leadbatch::catalog::{self, EntityType, Field, Presence, Shape, Type};
use proptest::prelude::*;

use super::ties;
use super::values::{self, word};
use super::{Rec, V};

/// Where a record is generated: the entity type whose presence applies, and whether it is
/// inside a related entity (where some of the lead's mandatory fields are optional).
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub(super) entity: Option<EntityType>,
    pub(super) in_related: bool,
}

/// How often an optional field is written: scalars and lists a fifth of the time (a lead
/// then has a dozen optional fields, and the runs stay quick), objects more (they are left
/// out anyway when none of their own optional fields comes out).
fn chance(f: &Field) -> f64 {
    match f.ty {
        Type::Object(_) => 0.4,
        _ => 0.2,
    }
}

/// Most items a generated list has.
const MAX_ITEMS: usize = 2;

type FieldS = BoxedStrategy<Option<(&'static str, V)>>;

/// Whether presence in `shape` depends on an entity type of its own (the lead, a related
/// entity): its `entityType` field then decides it.
fn typed(shape: &Shape) -> bool {
    shape.fields.iter().any(|f| f.ind != f.org)
}

/// A record of `shape`. A shape with entity types of its own is generated for one of its
/// `entityType` words, chosen here.
pub(super) fn record(shape: &'static Shape, at: At) -> BoxedStrategy<Rec> {
    let at = At {
        in_related: at.in_related || std::ptr::eq(shape, &catalog::RELATED_ENTITY),
        ..at
    };
    if !typed(shape) {
        return record_for(shape, at, None);
    }
    let Type::Enum(words) = shape.fields[shape.idx("entityType")].ty else {
        panic!("{}.entityType is not an enum", shape.name)
    };
    let per_entity = (0..words.len()).map(|i| {
        let entity = EntityType::parse(words[i]);
        record_for(shape, At { entity, ..at }, Some(&words[i..=i]))
    });
    proptest::strategy::Union::new(per_entity).boxed()
}

/// A record of `shape` at `at`; `entity_word` is the `entityType` to write, if chosen.
fn record_for(
    shape: &'static Shape,
    at: At,
    entity_word: Option<&'static [&'static str]>,
) -> BoxedStrategy<Rec> {
    let (tied_names, tied) = ties::tied(shape);
    let mut fields: Vec<FieldS> = Vec::new();
    for f in shape.fields {
        if tied_names.contains(&f.name) {
            continue;
        }
        let presence = f.presence_in(at.entity, at.in_related);
        if presence == Presence::Forbidden {
            continue;
        }
        let mandatory = presence == Presence::Mandatory;
        let value = match entity_word {
            Some(w) if f.name == "entityType" => word(w).boxed(),
            _ => value(shape, f, at, mandatory),
        };
        let named = (spelling(f), value).boxed();
        fields.push(if mandatory {
            named.prop_map(Some).boxed()
        } else {
            prop::option::weighted(chance(f), named).boxed()
        });
    }
    (fields, tied)
        .prop_map(|(fields, tied)| {
            fields
                .into_iter()
                .flatten()
                .chain(tied)
                // An object none of whose fields came out is left out, as a writer would.
                .filter(|(_, v)| !matches!(v, V::Obj(_, r) if r.is_empty()))
                .collect::<Rec>()
        })
        .prop_shuffle()
        .boxed()
}

/// The name a field is written under: its own or one of its aliases.
fn spelling(f: &'static Field) -> BoxedStrategy<&'static str> {
    if f.aliases.is_empty() {
        Just(f.name).boxed()
    } else {
        let names: Vec<&'static str> = std::iter::once(f.name)
            .chain(f.aliases.iter().copied())
            .collect();
        prop::sample::select(names).boxed()
    }
}

/// A value of field `f` of `shape`: an object or list of its nested shape, else a scalar of
/// its type (or the narrower value a rule asks for, `ties::pinned`).
fn value(shape: &'static Shape, f: &'static Field, at: At, mandatory: bool) -> BoxedStrategy<V> {
    if let Some(s) = ties::pinned(shape, f) {
        return s;
    }
    match &f.ty {
        Type::Object(sub) => record(sub, at).prop_map(move |r| V::Obj(sub, r)).boxed(),
        Type::List(sub) => prop::collection::vec(record(sub, at), 1..=MAX_ITEMS)
            .prop_map(move |items| V::List(sub, items))
            .boxed(),
        ty => values::of_type(ty, f.life_date, mandatory),
    }
}

/// The walk reaches every field of every shape of the catalog, under every name it may be
/// written under, and every enum word (so that a field the catalog gains is generated, and
/// one the walk skipped by mistake shows here).
#[test]
fn generated_leads_cover_the_whole_catalog() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    use std::collections::BTreeSet;

    fn collect(shape: &Shape, rec: &Rec, seen: &mut BTreeSet<String>) {
        for (k, v) in rec {
            let f = &shape.fields[shape.lookup(k).expect("a catalog name")];
            seen.insert(format!("{}.{k}", shape.name));
            match v {
                V::Obj(sub, r) => collect(sub, r, seen),
                V::List(sub, items) => items.iter().for_each(|r| collect(sub, r, seen)),
                V::Words(w) => w.iter().for_each(|w| {
                    seen.insert(format!("{}.{}={}", shape.name, f.name, w.to_uppercase()));
                }),
                V::S {
                    canon: Some(serde_json::Value::String(s)),
                    ..
                } if matches!(f.ty, Type::Enum(_)) => {
                    seen.insert(format!("{}.{}={s}", shape.name, f.name));
                }
                V::S { .. } => {}
            }
        }
    }
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let lead = record(
        &catalog::LEAD,
        At {
            entity: None,
            in_related: false,
        },
    );
    let mut seen = BTreeSet::new();
    for _ in 0..600 {
        let rec = lead.new_tree(&mut runner).unwrap().current();
        collect(&catalog::LEAD, &rec, &mut seen);
    }
    let mut missing = Vec::new();
    for shape in catalog::shapes() {
        for f in shape.fields {
            for name in std::iter::once(&f.name).chain(f.aliases) {
                if !seen.contains(&format!("{}.{name}", shape.name)) {
                    missing.push(format!("{}.{name}", shape.name));
                }
            }
            // A rule may narrow a field to fewer words (`ties::pinned`).
            if let Type::Enum(words) | Type::EnumList(words) = f.ty
                && ties::pinned(shape, f).is_none()
            {
                for w in words {
                    if !seen.contains(&format!("{}.{}={w}", shape.name, f.name)) {
                        missing.push(format!("{}.{}={w}", shape.name, f.name));
                    }
                }
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new());
}
