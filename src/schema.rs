//! `leadbatch schema`: the JSON Schema (draft 2020-12) of the canonical lead payload,
//! generated from the field catalog (never written by hand).
//!
//! The schema describes what `accepted.ndjson` holds: canonical values only (upper-case
//! enums and country codes, `YYYY-MM-DD` dates or RFC 3339 timestamps, numbers as numbers),
//! per-entity-type mandatory and forbidden fields, no unknown fields. Rules that need the
//! run's context (dates against `--as-of`, duplicates, classifier lists) are not in it.
//!
//! Integers have any size (spec §2, the vendor's BigInteger): JSON Schema's `integer` has no
//! bound of its own, so only the counts' minimum and Percent's range are stated. The payload
//! writes them digit for digit; a validator that reads numbers as doubles may round a
//! 24-digit one while checking it, but still sees an integer.

use serde_json::{Map, Value, json};

use crate::catalog::{self, Field, Presence, Shape, Type, iso};

const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$";
/// The lead marker of spec §1, case-insensitive without regex flags.
const LEAD_MARKER_PATTERN: &str = "^[Ll][Ee][Aa][Dd]_|_[Ll][Ee][Aa][Dd]$";

pub fn schema() -> Value {
    let mut defs = Map::new();
    for shape in catalog::shapes().iter().skip(1) {
        defs.insert(shape.name.to_string(), object_schema(shape));
    }
    let mut root = object_schema(&catalog::LEAD);
    let obj = root.as_object_mut().expect("object schema");
    obj.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    obj.insert("$id".into(), json!("urn:leadbatch:canonical-lead"));
    obj.insert(
        "title".into(),
        json!("AMLYZE Create-Lead canonical payload (POST /amlyze-ws-rest/customer), as written by leadbatch"),
    );
    obj.insert("$defs".into(), Value::Object(defs));
    root
}

fn object_schema(shape: &Shape) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    let is_lead = std::ptr::eq(shape, &catalog::LEAD);
    for f in shape.fields {
        props.insert(f.name.to_string(), type_schema(f, is_lead));
        // A def serves the lead and related entities alike: what only the lead's own objects
        // require is added where the lead refers to the def (`lead_items`).
        // A field with a default is always in the canonical payload (`action`).
        let always = f.ind == Presence::Mandatory
            && f.org == Presence::Mandatory
            && !f.optional_in_related
            && !f.optional_in_conversion;
        if always || f.default.is_some() {
            required.push(json!(f.name));
        }
    }
    let mut obj = Map::new();
    obj.insert("type".into(), json!("object"));
    obj.insert("properties".into(), Value::Object(props));
    obj.insert("required".into(), Value::Array(required));
    obj.insert("additionalProperties".into(), json!(false));
    if shape
        .fields
        .iter()
        .any(|f| f.ind != f.org || f.optional_in_conversion)
    {
        let per_type = |entity: &str, pick: fn(&Field) -> Presence| {
            let mut req = Vec::new();
            let mut forbidden = Map::new();
            for f in shape.fields {
                match pick(f) {
                    // Required of leads only: stated by `lead_marker_requires` below.
                    Presence::Mandatory if f.optional_in_conversion => {}
                    Presence::Mandatory if f.ind != f.org => req.push(json!(f.name)),
                    Presence::Forbidden => {
                        forbidden.insert(f.name.to_string(), json!(false));
                    }
                    _ => {}
                }
            }
            json!({
                "if": {"properties": {"entityType": {"const": entity}}, "required": ["entityType"]},
                "then": {"required": req, "properties": forbidden}
            })
        };
        let mut all = vec![
            per_type("INDIVIDUAL", |f| f.ind),
            per_type("ORGANIZATION", |f| f.org),
        ];
        all.extend(lead_marker_requires(shape, "INDIVIDUAL", |f| f.ind));
        all.extend(lead_marker_requires(shape, "ORGANIZATION", |f| f.org));
        obj.insert("allOf".into(), Value::Array(all));
    }
    Value::Object(obj)
}

/// The fields one entity type must carry while the record is a lead (its category has the
/// lead marker) but may omit in a conversion (`Field::optional_in_conversion`, spec §1), as
/// one condition; `None` when there are none.
fn lead_marker_requires(
    shape: &Shape,
    entity: &str,
    pick: fn(&Field) -> Presence,
) -> Option<Value> {
    let req: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| f.optional_in_conversion && pick(f) == Presence::Mandatory)
        .map(|f| f.name)
        .collect();
    (!req.is_empty()).then(|| {
        json!({
            "if": {
                "properties": {
                    "entityType": {"const": entity},
                    "riskManagementCategory": {"pattern": LEAD_MARKER_PATTERN}
                },
                "required": ["entityType", "riskManagementCategory"]
            },
            "then": {"required": req}
        })
    })
}

/// The items of a list (or an object) the lead itself holds: the def, plus the fields only
/// the lead's own objects require (`addressDetails` of `listAddress`, spec §4).
fn lead_items(shape: &Shape) -> Value {
    let reference = json!({"$ref": format!("#/$defs/{}", shape.name)});
    let own: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| f.optional_in_related && f.ind == Presence::Mandatory)
        .map(|f| f.name)
        .collect();
    if own.is_empty() {
        return reference;
    }
    let mut v = reference;
    v["required"] = json!(own);
    v
}

/// The schema of one field; `in_lead` when the field belongs to the lead itself.
fn type_schema(f: &Field, in_lead: bool) -> Value {
    let items = |shape: &Shape| {
        if in_lead {
            lead_items(shape)
        } else {
            json!({"$ref": format!("#/$defs/{}", shape.name)})
        }
    };
    match &f.ty {
        Type::Str { max_chars: Some(n) } => {
            json!({"type": "string", "minLength": 1, "maxLength": n})
        }
        Type::Str { max_chars: None } | Type::Classifier(_) => {
            json!({"type": "string", "minLength": 1})
        }
        Type::Enum(words) => json!({"enum": words}),
        Type::Country => json!({"enum": iso::COUNTRIES}),
        Type::Currency => json!({"enum": iso::CURRENCIES}),
        Type::Date => json!({"type": "string", "pattern": DATE_PATTERN}),
        Type::Bool => json!({"type": "boolean"}),
        Type::Int { min: Some(m) } => json!({"type": "integer", "minimum": m}),
        Type::Int { min: None } => json!({"type": "integer"}),
        Type::Decimal { min_zero: true } => json!({"type": "number", "minimum": 0}),
        Type::Decimal { min_zero: false } => json!({"type": "number"}),
        Type::Percent => json!({"type": "integer", "minimum": 0, "maximum": 100}),
        Type::EnumList(words) => json!({"type": "array", "minItems": 1, "items": {"enum": words}}),
        Type::List(shape) => json!({
            "type": "array",
            "minItems": 1,
            "items": items(shape)
        }),
        Type::Object(shape) => items(shape),
        Type::AnyScalar => json!({"type": "string"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_field_is_in_the_schema() {
        let s = schema();
        for shape in catalog::shapes() {
            let props = if std::ptr::eq(*shape, &catalog::LEAD) {
                &s["properties"]
            } else {
                &s["$defs"][shape.name]["properties"]
            };
            for f in shape.fields {
                assert!(props.get(f.name).is_some(), "{}.{}", shape.name, f.name);
            }
        }
        assert_eq!(s["required"][2], "action");
    }

    /// The schema is generated, so a change to the catalog or to this module could change
    /// it unnoticed: its bytes (as `leadbatch schema` prints them) are pinned. A deliberate
    /// change updates the digest here and says why in its commit.
    #[test]
    fn schema_bytes_are_pinned() {
        use sha2::{Digest, Sha256};
        let text = serde_json::to_string_pretty(&schema()).unwrap();
        let digest: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            digest,
            "80fac816943bb1084e1564b8aa1a97971fd5e1dfb7bb214d764d612f5995c9bf"
        );
    }

    /// An individual lead must carry birthDate, a conversion need not (spec §1): the schema
    /// requires it only under the lead marker, from the catalog's attribute.
    #[test]
    fn birth_date_is_required_of_individual_leads_only() {
        let s = schema();
        let all = s["allOf"].as_array().unwrap();
        assert_eq!(all.len(), 3);
        let individual = &all[0]["then"]["required"];
        assert_eq!(
            individual,
            &json!(["firstName", "lastName", "citizenshipCountry"])
        );
        assert_eq!(
            all[2],
            json!({
                "if": {
                    "properties": {
                        "entityType": {"const": "INDIVIDUAL"},
                        "riskManagementCategory": {"pattern": LEAD_MARKER_PATTERN}
                    },
                    "required": ["entityType", "riskManagementCategory"]
                },
                "then": {"required": ["birthDate"]}
            })
        );
        assert!(
            !s["required"]
                .as_array()
                .unwrap()
                .contains(&json!("birthDate"))
        );
    }

    #[test]
    fn address_details_are_required_only_in_the_leads_own_addresses() {
        let s = schema();
        assert_eq!(
            s["properties"]["listAddress"]["items"],
            json!({"$ref": "#/$defs/Address", "required": ["addressDetails"]})
        );
        assert_eq!(s["$defs"]["Address"]["required"], json!(["country"]));
        assert_eq!(
            s["$defs"]["RelatedEntity"]["properties"]["listAddress"]["items"],
            json!({"$ref": "#/$defs/Address"})
        );
    }
}
