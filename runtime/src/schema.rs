//! JSON Schemas (draft 2020-12) of a decision's request and answer, generated from the
//! artifact's types: what a client may send and will get back.

use serde_json::{json, Map, Value as Json};

use crate::artifact::DecisionTable;
use crate::engine::Engine;
use crate::value::TypeDesc;

impl Engine {
    /// The schema of a decision's request (`{"t": {...}}`). Entity types and records are
    /// under `$defs`.
    pub fn request_schema(&self, d: &DecisionTable) -> Json {
        let mut defs = Map::new();
        let mut props = Map::new();
        let mut required = Vec::new();
        for (name, ty) in &d.params {
            props.insert(name.clone(), self.type_schema(ty, &mut defs));
            if !matches!(ty, TypeDesc::Optional(_)) {
                required.push(Json::String(name.clone()));
            }
        }
        let mut s = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": format!("A request for `{}`", d.name),
            "description": "One member per input. For a decision with one record input, that record's object alone is accepted too. Names of catalogue entries are also accepted in another letter case.",
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false,
        });
        if !defs.is_empty() {
            s["$defs"] = Json::Object(defs);
        }
        s
    }

    /// The schema of a decision's answer (what `edict eval` prints).
    pub fn answer_schema(&self, d: &DecisionTable) -> Json {
        let mut defs = Map::new();
        let outcome = self.type_schema(&TypeDesc::Record(d.output), &mut defs);
        let citation = json!({
            "type": ["object", "null"],
            "properties": {
                "source": { "type": "string" },
                "title": { "type": "string" },
                "item": { "type": ["integer", "null"] },
            },
            "required": ["source", "title", "item"],
        });
        let rule = json!({
            "type": "object",
            "properties": {
                "name": { "type": "string" },
                "citation": citation,
                "location": { "type": "string", "description": "file:line:column of the rule" },
                "in_force_from": { "type": ["string", "null"], "format": "date" },
                "in_force_until": { "type": ["string", "null"], "format": "date" },
            },
            "required": ["name", "citation", "location"],
        });
        let mut s = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": format!("An answer of `{}`", d.name),
            "type": "object",
            "properties": {
                "decision": { "const": d.name },
                "as_of": { "type": "string", "format": "date" },
                "status": {
                    "enum": ["decided", "otherwise", "no_rule_applies", "collected", "conflict"],
                },
                "outcome": { "anyOf": [outcome, { "type": "null" }] },
                "rule": { "anyOf": [rule.clone(), { "type": "null" }] },
                "outcomes": {
                    "type": "array",
                    "items": { "type": "object", "properties": { "outcome": outcome, "rule": rule } },
                },
                "conflicting_rules": { "type": "array", "items": rule },
            },
            "required": ["decision", "as_of", "status"],
        });
        if !defs.is_empty() {
            s["$defs"] = Json::Object(defs);
        }
        s
    }

    fn type_schema(&self, ty: &TypeDesc, defs: &mut Map<String, Json>) -> Json {
        let cat = &self.artifact().catalogue;
        match ty {
            TypeDesc::Bool => json!({ "type": "boolean" }),
            TypeDesc::Int => json!({ "type": "integer" }),
            TypeDesc::Text => json!({ "type": "string" }),
            TypeDesc::Date => {
                json!({ "type": "string", "format": "date", "examples": ["2025-11-05"] })
            }
            TypeDesc::DateTime => json!({
                "type": "string",
                "description": "a civil date-time where the decision applies; for a decision that states its `zone`, also an instant with `Z` or an offset, read in that zone",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
                "examples": ["2025-11-10T10:00", "2025-11-04T16:00:00Z"],
            }),
            TypeDesc::Duration => json!({
                "type": "string",
                "pattern": "^[0-9]+(s|min|h|d|w)$",
                "examples": ["144h", "30d"],
            }),
            TypeDesc::Period => json!({
                "type": "string",
                "pattern": "^[0-9]+(mo|y)$",
                "examples": ["6mo", "1y"],
            }),
            TypeDesc::Range(_) => json!({ "type": "string", "pattern": "^.+\\.\\..+$" }),
            TypeDesc::Optional(inner) => {
                json!({ "anyOf": [self.type_schema(inner, defs), { "type": "null" }] })
            }
            TypeDesc::Enum(e) => json!({
                "type": "string",
                "enum": cat.enums.get(*e as usize).map(|e| e.variants.clone()).unwrap_or_default(),
            }),
            TypeDesc::Entity(t) => {
                let Some(et) = cat.entity_types.get(*t as usize) else {
                    return json!({ "type": "string" });
                };
                if !defs.contains_key(&et.name) {
                    let mut names: Vec<&str> = self
                        .entity_names
                        .get(*t as usize)
                        .map(|n| n.keys().collect())
                        .unwrap_or_default();
                    names.sort();
                    defs.insert(
                        et.name.clone(),
                        json!({
                            "type": "string",
                            "description": format!("A `{}`: its name, or a code that identifies it", et.name),
                            "enum": names,
                        }),
                    );
                }
                json!({ "$ref": format!("#/$defs/{}", et.name) })
            }
            TypeDesc::Record(r) => {
                let Some(rec) = self.artifact().records.get(*r as usize) else {
                    return json!({ "type": "object" });
                };
                if !defs.contains_key(&rec.name) {
                    // Reserve the name first: a record may (through optional fields) hold itself.
                    defs.insert(rec.name.clone(), json!({}));
                    let mut props = Map::new();
                    let mut required = Vec::new();
                    for (name, fty) in &rec.fields {
                        props.insert(name.clone(), self.type_schema(fty, defs));
                        if !matches!(fty, TypeDesc::Optional(_)) {
                            required.push(Json::String(name.clone()));
                        }
                    }
                    defs.insert(
                        rec.name.clone(),
                        json!({
                            "type": "object",
                            "properties": props,
                            "required": required,
                            "additionalProperties": false,
                        }),
                    );
                }
                json!({ "$ref": format!("#/$defs/{}", rec.name) })
            }
        }
    }
}
