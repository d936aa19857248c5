//! `POST /v1/decisions/{name}`: one request in, the answer `edict eval` prints out, with the
//! artifact's SHA-256 (and with `?explain=true`, the explanation).

use std::sync::atomic::Ordering;
use std::time::Instant;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};

use super::{authorize, bytes_response, content_type, decision_id, log_line, read_body, Body, Ctx};
use crate::problem::{request_problem, Problem};

pub async fn single(
    ctx: &Ctx,
    name: &str,
    req: Request<Incoming>,
) -> Result<Response<Body>, Problem> {
    let started = Instant::now();
    let shared = &ctx.shared;
    let result = answer(ctx, name, req).await;
    let status = match &result {
        Ok(r) => r.status().as_u16(),
        Err(p) => p.status.as_u16(),
    };
    let label = super::label(shared, name);
    shared.metrics.request("decision", label, status);
    shared.metrics.latency(label, started.elapsed());
    result
}

async fn answer(ctx: &Ctx, name: &str, req: Request<Incoming>) -> Result<Response<Body>, Problem> {
    let shared = &ctx.shared;
    let explain = req.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "explain=true" || kv == "explain=1")
    });
    // The body is read (within its limit) before any other check answers: an HTTP/2 client
    // still sending it would otherwise see its stream reset under the answer.
    let checks = authorize(&req, shared.config.decision_token.as_deref())
        .and_then(|()| content_type(&req, &["application/json"]));
    let body = read_body(req, shared.config.limits.max_body_bytes).await?;
    checks?;
    // One version for the whole request, whatever reloads happen meanwhile.
    let policy = shared.policy.load_full();
    let id = decision_id(&policy, name)?;
    let engine = &policy.engine;
    let mut out = Vec::with_capacity(512);
    if explain {
        let inputs = engine
            .decode_request(id, &body)
            .map_err(|e| request_problem(&e))?;
        let answer = engine
            .decide(id, &inputs)
            .map_err(|e| request_problem(&edict_runtime::JsonRequestError::Eval(e)))?;
        let explanation = engine
            .explain(id, &inputs)
            .map_err(|e| request_problem(&edict_runtime::JsonRequestError::Eval(e)))?;
        let mut j = engine.answer_json(&answer);
        j["explanation"] = engine.explanation_json(&explanation);
        j["artifact_sha256"] = policy.sha256.clone().into();
        out = serde_json::to_vec(&j).unwrap_or_default();
    } else {
        engine
            .decide_json(id, &body, &mut out)
            .map_err(|e| request_problem(&e))?;
        // `…}` becomes `…,"artifact_sha256":"…"}`.
        out.pop();
        out.extend_from_slice(&policy.answer_suffix);
    }
    shared.metrics.decisions.fetch_add(1, Ordering::Relaxed);
    if let Some(log) = &shared.log {
        log.record(log_line(&ctx.request_id, name, &policy.sha256, &body, &out))
            .await;
    }
    Ok(bytes_response(StatusCode::OK, "application/json", out))
}
