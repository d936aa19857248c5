//! `GET /openapi.json`: the API as OpenAPI 3.1, generated from the route table and, for each
//! decision of the policy being served, its request and answer schemas.

use serde_json::{json, Map, Value as Json};

use crate::api::ROUTES;
use crate::state::Shared;

/// The problem responses an endpoint may give, by the kind of endpoint.
fn problems(method: &str, path: &str, admin: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if path.starts_with("/v1/decisions/") && method == "POST" {
        out.extend(["400", "401", "404", "413", "415"]);
    }
    if admin {
        out.extend(["401", "403", "422"]);
    }
    out.push("405");
    out
}

fn describe(status: &str) -> &'static str {
    match status {
        "400" => "The request is not valid JSON, or does not fit the decision's inputs",
        "401" => "A bearer token is needed, or the one given is wrong",
        "403" => "The admin endpoints are off (no admin token configured)",
        "404" => "No decision has that name",
        "405" => "The endpoint does not take this method",
        "413" => "The body is over the size limit",
        "415" => "The body's content type is not accepted",
        "422" => "The new policy version was refused; the old one keeps serving",
        _ => "",
    }
}

/// A JSON Schema made a component: its `$defs` (records, entity types) become components of
/// their own, shared by every decision that uses them, and each `$ref` to one points there, so
/// that every reference resolves against the document's root as OpenAPI reads it.
fn hoist(mut schema: Json, schemas: &mut Map<String, Json>) -> Json {
    if let Some(Json::Object(defs)) = schema.as_object_mut().and_then(|o| o.remove("$defs")) {
        for (name, mut def) in defs {
            repoint(&mut def);
            schemas.entry(name).or_insert(def);
        }
    }
    repoint(&mut schema);
    schema
}

/// Every `#/$defs/X` reference in a schema, pointed at `#/components/schemas/X`.
fn repoint(v: &mut Json) {
    match v {
        Json::Object(o) => {
            for (k, x) in o.iter_mut() {
                match (k.as_str(), x) {
                    ("$ref", Json::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            *r = format!("#/components/schemas/{name}");
                        }
                    }
                    (_, x) => repoint(x),
                }
            }
        }
        Json::Array(a) => a.iter_mut().for_each(repoint),
        _ => {}
    }
}

pub fn document(shared: &Shared) -> Json {
    let policy = shared.policy.load();
    let engine = &policy.engine;
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "description": "RFC 9457 problem details",
            "properties": {
                "type": { "type": "string" },
                "title": { "type": "string" },
                "status": { "type": "integer" },
                "detail": { "type": "string" },
                "instance": { "type": "string" },
                "field": { "type": "string", "description": "the request's field at fault" },
                "hint": { "type": "string", "description": "what to do instead" },
            },
            "required": ["type", "title", "status", "detail"],
        }),
    );
    let operation = |method: &str,
                     path: &str,
                     summary: &str,
                     admin: bool,
                     request: Option<Json>,
                     ok: Json| {
        let mut responses = Map::new();
        responses.insert("200".into(), ok);
        for s in problems(method, path, admin) {
            responses.insert(
                s.into(),
                json!({
                    "description": describe(s),
                    "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } },
                }),
            );
        }
        let mut op = json!({ "summary": summary, "responses": responses });
        if let Some(body) = request {
            op["requestBody"] = body;
        }
        if admin {
            op["security"] = json!([{ "bearer": [] }]);
        }
        op
    };
    let json_body = |schema: Json| json!({ "required": true, "content": { "application/json": { "schema": schema } } });
    for r in ROUTES {
        let (request, ok) = match (r.method, r.path) {
            ("POST", "/v1/decisions/{name}") => (
                Some(json_body(json!({ "type": "object" }))),
                json!({ "description": "The answer, as `edict eval` prints it, with `artifact_sha256`", "content": { "application/json": { "schema": { "type": "object" } } } }),
            ),
            ("POST", "/v1/decisions/{name}/batch") => (
                Some(
                    json!({ "required": true, "content": { "application/x-ndjson": { "schema": { "type": "string" } } } }),
                ),
                json!({ "description": "One answer (or error) per line, in order", "content": { "application/x-ndjson": { "schema": { "type": "string" } } } }),
            ),
            ("GET", "/docs/{path}") => (
                None,
                json!({ "description": "A page, style sheet or script of the site", "content": { "text/html": { "schema": { "type": "string" } } } }),
            ),
            ("GET", "/metrics") => (
                None,
                json!({ "description": "Prometheus text", "content": { "text/plain": { "schema": { "type": "string" } } } }),
            ),
            _ => (
                None,
                json!({ "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } }),
            ),
        };
        let mut op = operation(r.method, r.path, r.summary, r.admin, request, ok);
        if r.path.contains("{path}") {
            op["parameters"] = json!([{ "name": "path", "in": "path", "required": true, "schema": { "type": "string" }, "description": "a file of the site, such as `decisions/transit_entry.html`" }]);
        }
        if r.path.contains("{name}") {
            op["parameters"] = json!([{ "name": "name", "in": "path", "required": true, "schema": { "type": "string" }, "description": "the decision's name" }]);
        }
        if r.path.starts_with("/v1/decisions/") && r.method == "POST" && r.path.ends_with("{name}")
        {
            if let Some(params) = op["parameters"].as_array_mut() {
                params.push(json!({ "name": "explain", "in": "query", "required": false, "schema": { "type": "boolean" }, "description": "add the explanation: each rule, whether it applied, and why" }));
            }
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.to_lowercase()] = op;
    }
    // Each decision of the policy being served, with its own schemas.
    for d in &engine.artifact().decisions {
        let request = format!("{}.request", d.name);
        let answer = format!("{}.answer", d.name);
        let request_schema = hoist(engine.request_schema(d), &mut schemas);
        let answer_schema = hoist(engine.answer_schema(d), &mut schemas);
        schemas.insert(request.clone(), request_schema);
        schemas.insert(answer.clone(), answer_schema);
        let path = format!("/v1/decisions/{}", d.name);
        let op = operation(
            "POST",
            &path,
            &format!("Decide `{}`", d.name),
            false,
            Some(json_body(
                json!({ "$ref": format!("#/components/schemas/{request}") }),
            )),
            json!({ "description": "The answer", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{answer}") } } } }),
        );
        paths.insert(path, json!({ "post": op }));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Edict decision service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("Answers from the policy version with artifact SHA-256 {}.", policy.sha256),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
        },
    })
}
