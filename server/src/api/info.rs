//! The endpoints that describe the service: decisions and their schemas, readiness, metrics,
//! and the admin reload.

use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value as Json};

use super::{authorize, bytes_response, json, Body, Ctx};
use crate::problem::Problem;

/// `GET /v1/decisions`.
pub fn decisions(ctx: &Ctx) -> Json {
    let policy = ctx.shared.policy.load();
    let engine = &policy.engine;
    let list: Vec<Json> = engine
        .artifact()
        .decisions
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "inputs": d.params.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                "as_of": d.as_of.text,
                "hit": d.hit.as_str(),
                "rules": d.rules.len(),
                "request_schema": engine.request_schema(d),
                "answer_schema": engine.answer_schema(d),
            })
        })
        .collect();
    json!({ "artifact_sha256": policy.sha256, "decisions": list })
}

/// `GET /readyz`: 200 while taking requests, 503 once draining.
pub fn ready(ctx: &Ctx) -> Response<Body> {
    if ctx.shared.draining() {
        json(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({ "status": "draining" }),
        )
    } else {
        json(
            StatusCode::OK,
            &json!({ "status": "ready", "artifact_sha256": ctx.shared.policy.load().sha256 }),
        )
    }
}

/// `GET /metrics`.
pub fn metrics(ctx: &Ctx) -> Response<Body> {
    let policy = ctx.shared.policy.load();
    let loaded = policy
        .loaded_at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let text = ctx.shared.metrics.render(&policy.sha256, loaded);
    bytes_response(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        text.into_bytes(),
    )
}

/// `POST /v1/admin/reload`: 200 with the new version, or 422 with why it was refused (the
/// old version keeps serving).
pub async fn reload(ctx: &Ctx, req: &Request<Incoming>) -> Result<Response<Body>, Problem> {
    let shared = Arc::clone(&ctx.shared);
    let Some(token) = shared.config.admin_token.clone() else {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "the admin endpoints are off",
        )
        .with(
            "hint",
            "start `edict serve` with --admin-token-file FILE or --admin-token-env VAR",
        ));
    };
    authorize(req, Some(&token))?;
    let result = tokio::task::spawn_blocking(move || shared.reload())
        .await
        .map_err(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Reload failed",
                e.to_string(),
            )
        })?;
    ctx.shared
        .metrics
        .request("admin", "", if result.is_ok() { 200 } else { 422 });
    match result {
        Ok(summary) => Ok(json(
            StatusCode::OK,
            &json!({ "reloaded": true, "policy": summary }),
        )),
        Err(f) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Reload refused",
            f.message,
        )
        .with("errors", f.details)
        .with("serving", ctx.shared.policy.load().sha256.clone())),
    }
}

/// `GET /docs/...`: a file of the site `edict doc` wrote, when the service was started with
/// `--docs DIR`. Only files inside that folder are served.
pub async fn docs(ctx: &Ctx, rest: &[&str]) -> Result<Response<Body>, Problem> {
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("no page at `{}`", ctx.path),
        )
        .with("hint", "the site is at /docs/index.html")
    };
    let Some(dir) = ctx.shared.config.docs.clone() else {
        return Err(
            Problem::new(StatusCode::NOT_FOUND, "Not found", "no site is served here").with(
                "hint",
                "write one with `edict doc -o DIR` and start `edict serve --docs DIR`",
            ),
        );
    };
    if ctx.path == "/docs" {
        // Pages link relatively: the site's root must end in a slash.
        let mut r = bytes_response(
            StatusCode::PERMANENT_REDIRECT,
            "text/plain",
            b"/docs/".to_vec(),
        );
        r.headers_mut().insert(
            hyper::header::LOCATION,
            hyper::header::HeaderValue::from_static("/docs/"),
        );
        return Ok(r);
    }
    let mut path = dir.clone();
    let parts: Vec<&str> = rest.iter().copied().filter(|p| !p.is_empty()).collect();
    for p in &parts {
        // One plain name per segment: no `..`, no hidden files, nothing a platform would
        // read as a root or a drive (`C:`), no separators.
        let plain = !p.starts_with('.')
            && !p.contains(['\\', ':', '/'])
            && matches!(
                std::path::Path::new(p)
                    .components()
                    .collect::<Vec<_>>()
                    .as_slice(),
                [std::path::Component::Normal(_)]
            );
        if !plain {
            return Err(not_found());
        }
        path.push(p);
    }
    if parts.is_empty() {
        path.push("index.html");
    }
    let bytes = tokio::fs::read(&path).await.map_err(|_| not_found())?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let ct = match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        _ => "application/octet-stream",
    };
    Ok(bytes_response(StatusCode::OK, ct, bytes))
}

/// `GET /`: what this service is and where its parts are: the API description, the decisions,
/// the policy version, health, metrics and (when served) the published site. A page for a
/// browser, JSON otherwise.
pub fn root(ctx: &Ctx, html: bool) -> Response<Body> {
    let policy = ctx.shared.policy.load();
    let site = ctx.shared.config.docs.is_some();
    let mut links = vec![
        ("openapi", "/openapi.json", "the API, as OpenAPI 3.1"),
        (
            "decisions",
            "/v1/decisions",
            "the decisions, with their request and answer schemas",
        ),
        ("policy", "/v1/policy", "the policy version being served"),
        ("health", "/healthz", "the process is up"),
        ("ready", "/readyz", "the service takes requests"),
        ("metrics", "/metrics", "Prometheus metrics"),
    ];
    if site {
        links.push(("site", "/docs/", "the published policy"));
    }
    if html {
        let items: String = links
            .iter()
            .map(|(_, href, what)| format!("<li><a href=\"{href}\">{href}</a>: {what}</li>\n"))
            .collect();
        let body = format!(
            "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Edict decision service</title></head>\n<body>\n<h1>Edict decision service</h1>\n<p>Answers from the policy version with artifact SHA-256 <code>{}</code>.</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n",
            policy.sha256
        );
        return super::bytes_response(
            StatusCode::OK,
            "text/html; charset=utf-8",
            body.into_bytes(),
        );
    }
    let mut map = serde_json::Map::new();
    for (name, href, _) in &links {
        map.insert(
            (*name).to_string(),
            serde_json::Value::String((*href).to_string()),
        );
    }
    super::json(
        StatusCode::OK,
        &serde_json::json!({
            "service": "edict",
            "version": env!("CARGO_PKG_VERSION"),
            "artifact_sha256": policy.sha256,
            "links": map,
        }),
    )
}
