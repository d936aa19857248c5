//! The HTTP API: the route table (which the router and `/openapi.json` both read), request
//! ids, tokens, content types and bodies, and the answers' common forms.

mod batch;
mod decide;
mod info;

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};

use crate::problem::Problem;
use crate::state::Shared;

/// The body of every answer: whole, or streamed (a batch).
pub type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// One endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: &'static str,
    /// With `{name}` for a decision's name.
    pub path: &'static str,
    pub summary: &'static str,
    /// Requires the admin token.
    pub admin: bool,
}

/// Every endpoint, in the order `docs/serve.md` lists them.
pub const ROUTES: &[Route] = &[
    Route { method: "GET", path: "/", summary: "What this service is, with links to the API description, the decisions and the site", admin: false },
    Route { method: "POST", path: "/v1/decisions/{name}", summary: "Decide one request", admin: false },
    Route { method: "POST", path: "/v1/decisions/{name}/batch", summary: "Decide many requests: JSON lines in, JSON lines out, in order", admin: false },
    Route { method: "GET", path: "/v1/decisions", summary: "The decisions, with JSON Schemas of their requests and answers", admin: false },
    Route { method: "GET", path: "/v1/policy", summary: "The policy version being served: artifact SHA-256, when loaded, sources, counts, last reload error", admin: false },
    Route { method: "GET", path: "/healthz", summary: "The process is up", admin: false },
    Route { method: "GET", path: "/readyz", summary: "The service takes requests (not while it drains)", admin: false },
    Route { method: "GET", path: "/metrics", summary: "Prometheus metrics", admin: false },
    Route { method: "GET", path: "/openapi.json", summary: "This API as OpenAPI 3.1, generated from the routes and the policy", admin: false },
    Route { method: "POST", path: "/v1/admin/reload", summary: "Load the policy again; the old version keeps serving if the new one fails", admin: true },
    Route { method: "GET", path: "/docs/{path}", summary: "The policy's site from `edict doc`, when started with --docs", admin: false },
];

/// What a request is answered from.
pub struct Ctx {
    pub shared: Arc<Shared>,
    pub request_id: String,
    pub path: String,
}

/// Serves one request; never fails (every error is an answer).
pub async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let request_id = request_id(&req);
    let path = req.uri().path().to_string();
    let head = req.method() == Method::HEAD;
    let browser = wants_html(&req);
    let ctx = Ctx {
        shared,
        request_id: request_id.clone(),
        path: path.clone(),
    };
    let mut response = match route(&ctx, req).await {
        Ok(r) => r,
        // A page of the site that is not there, asked for by a browser: a page, not JSON.
        Err(p) if browser && (path == "/docs" || path.starts_with("/docs/")) => {
            boxed(p.html_response(&path))
        }
        Err(p) => boxed(p.response(&path)),
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    if head {
        // HEAD is GET without the body (RFC 9110 §9.3.2): the same status and headers.
        let length = response.body().size_hint().exact();
        *response.body_mut() = Empty::new()
            .map_err(|never: Infallible| match never {})
            .boxed_unsync();
        if let Some(n) = length {
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(n));
        }
    }
    Ok(response)
}

async fn route(ctx: &Ctx, req: Request<Incoming>) -> Result<Response<Body>, Problem> {
    let segments: Vec<&str> = ctx.path.trim_start_matches('/').split('/').collect();
    // A HEAD request is routed as a GET; `handle` drops the body.
    let method = match req.method() {
        &Method::HEAD => Method::GET,
        m => m.clone(),
    };
    let allow = |methods: &str| {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            format!("`{}` takes {methods}", ctx.path),
        )
        .with("allow", methods)
    };
    match (segments.as_slice(), method) {
        ([""], Method::GET) => Ok(info::root(ctx, wants_html(&req))),
        ([""], _) => Err(allow("GET, HEAD")),
        (["v1", "decisions", name], Method::POST) => decide::single(ctx, name, req).await,
        (["v1", "decisions", name, "batch"], Method::POST) => batch::batch(ctx, name, req).await,
        (["v1", "decisions", _], _) | (["v1", "decisions", _, "batch"], _) => Err(allow("POST")),
        (["v1", "decisions"], Method::GET) => Ok(json(StatusCode::OK, &info::decisions(ctx))),
        (["v1", "policy"], Method::GET) => Ok(json(StatusCode::OK, &ctx.shared.policy_json())),
        (["healthz"], Method::GET) => {
            Ok(json(StatusCode::OK, &serde_json::json!({ "status": "ok" })))
        }
        (["readyz"], Method::GET) => Ok(info::ready(ctx)),
        (["metrics"], Method::GET) => Ok(info::metrics(ctx)),
        (["openapi.json"], Method::GET) => {
            Ok(json(StatusCode::OK, &crate::openapi::document(&ctx.shared)))
        }
        (["v1", "admin", "reload"], Method::POST) => info::reload(ctx, &req).await,
        (["docs", ..], Method::GET) => info::docs(ctx, &segments[1..]).await,
        (
            ["v1", "decisions"]
            | ["v1", "policy"]
            | ["healthz"]
            | ["readyz"]
            | ["metrics"]
            | ["openapi.json"],
            _,
        ) => Err(allow("GET, HEAD")),
        (["v1", "admin", "reload"], _) => Err(allow("POST")),
        (["docs", ..], _) => Err(allow("GET, HEAD")),
        _ => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("no endpoint at `{}`", ctx.path),
        )
        .with("hint", "see /openapi.json for the endpoints")),
    }
}

/// Whether a request prefers a page to JSON: its `Accept` names `text/html` and not JSON (a
/// browser's navigation does; `curl` and API clients do not).
fn wants_html(req: &Request<Incoming>) -> bool {
    let accept = req
        .headers()
        .get(hyper::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    accept.contains("text/html") && !accept.contains("json")
}

/// The request's id: its `X-Request-Id` when it is short and printable, else a new one.
fn request_id(req: &Request<Incoming>) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(id) = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
    {
        return id.to_string();
    }
    let prefix = PREFIX.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!(
            "{:08x}",
            (nanos as u64 ^ u64::from(std::process::id()).rotate_left(32)) & 0xffff_ffff
        )
    });
    format!("{prefix}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Checks `Authorization: Bearer TOKEN` against `expected` (in constant time).
pub fn authorize(req: &Request<Incoming>, expected: Option<&str>) -> Result<(), Problem> {
    let Some(expected) = expected else {
        return Ok(());
    };
    // `credentials = auth-scheme [ 1*SP token68 ]`, the scheme case-insensitive (RFC 9110
    // section 11.1, 11.4): `bearer TOKEN` is `Bearer TOKEN`.
    let given = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim_start_matches(' '));
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            if given.is_empty() {
                "this endpoint needs a bearer token".to_string()
            } else {
                "the bearer token is not the one this endpoint takes".to_string()
            },
        )
        .with("hint", "send `Authorization: Bearer TOKEN`"))
    }
}

/// Refuses a body whose `Content-Type` is not one of `accepted` (none given is taken as
/// JSON).
pub fn content_type(req: &Request<Incoming>, accepted: &[&str]) -> Result<(), Problem> {
    let Some(ct) = req.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = ct
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if accepted.contains(&essence.as_str()) {
        return Ok(());
    }
    // `curl --data` sends form data unless told otherwise: say so, and what to send.
    let form = essence == "application/x-www-form-urlencoded";
    Err(Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported media type",
        if form {
            format!(
                "the body is sent as `{essence}` (what `curl --data` sends unless told otherwise); this endpoint reads `{}`",
                accepted[0]
            )
        } else {
            format!("the body is `{essence}`; this endpoint reads `{}`", accepted.join("` or `"))
        },
    )
    .with(
        "hint",
        format!(
            "send the header `Content-Type: {0}` (curl: `-H 'Content-Type: {0}'`); a body with no `Content-Type` is read as `{0}` too",
            accepted[0]
        ),
    ))
}

/// What a body over its limit is, for the hint that fits the endpoint it was sent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oversized {
    /// The body of the single-request endpoint.
    Request,
    /// One line of a batch.
    BatchLine,
    /// A whole batch.
    Batch,
}

/// The problem for a body over `limit` bytes.
pub fn too_large(what: Oversized, limit: u64) -> Problem {
    let (subject, hint) = match what {
        Oversized::Request => (
            "the request",
            "a request is one small JSON object; to send many, use `POST /v1/decisions/{name}/batch`, one request per line",
        ),
        Oversized::BatchLine => (
            "this line",
            "each line of a batch is one request, a small JSON object: check that lines are separated by newlines",
        ),
        Oversized::Batch => (
            "the batch",
            "split the batch into several requests to the batch endpoint, or raise `--max-batch-bytes`",
        ),
    };
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Payload too large",
        format!("{subject} is larger than {limit} bytes"),
    )
    .with("limit", limit)
    .with("hint", hint)
}

/// Reads a whole body of at most `limit` bytes.
pub async fn read_body(req: Request<Incoming>, limit: usize) -> Result<Bytes, Problem> {
    if let Some(len) = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit as u64 {
            return Err(too_large(Oversized::Request, limit as u64));
        }
    }
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large(Oversized::Request, limit as u64))
        }
        Err(e) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "Unreadable body",
            format!("the request's body could not be read: {e}"),
        )),
    }
}

pub fn boxed(r: Response<Full<Bytes>>) -> Response<Body> {
    r.map(|b| b.map_err(|never: Infallible| match never {}).boxed_unsync())
}

pub fn bytes_response(
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    boxed(r)
}

pub fn json(status: StatusCode, v: &serde_json::Value) -> Response<Body> {
    bytes_response(
        status,
        "application/json",
        serde_json::to_vec(v).unwrap_or_default(),
    )
}

/// The decision's id, or a 404 problem naming the decisions there are.
pub fn decision_id(policy: &crate::policy::Policy, name: &str) -> Result<u32, Problem> {
    policy.engine.decision_id(name).ok_or_else(|| {
        let hint = policy.engine.unknown_decision_hint(name);
        Problem::new(
            StatusCode::NOT_FOUND,
            "Unknown decision",
            format!("no decision is called `{name}`"),
        )
        .with("hint", hint)
    })
}

/// The metrics label of a decision name: the name for a decision there is, empty otherwise
/// (a client cannot grow the metrics without bound).
pub fn label<'a>(shared: &Shared, name: &'a str) -> &'a str {
    if shared.policy.load().engine.decision_id(name).is_some() {
        name
    } else {
        ""
    }
}

/// A decision log line: `{"time","request_id","decision","artifact_sha256","input","answer"}`.
pub fn log_line(
    request_id: &str,
    decision: &str,
    sha256: &str,
    input: &[u8],
    answer: &[u8],
) -> Vec<u8> {
    let mut line = Vec::with_capacity(128 + input.len() + answer.len());
    line.extend_from_slice(b"{\"time\":\"");
    line.extend_from_slice(crate::policy::rfc3339(std::time::SystemTime::now()).as_bytes());
    line.extend_from_slice(b"\",\"request_id\":");
    line.extend(serde_json::to_vec(request_id).unwrap_or_default());
    line.extend_from_slice(b",\"decision\":");
    line.extend(serde_json::to_vec(decision).unwrap_or_default());
    line.extend_from_slice(b",\"artifact_sha256\":\"");
    line.extend_from_slice(sha256.as_bytes());
    line.extend_from_slice(b"\",\"input\":");
    // Valid JSON holds raw line breaks only between tokens: spaces keep it one line.
    line.extend(
        input
            .iter()
            .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
    );
    line.extend_from_slice(b",\"answer\":");
    line.extend_from_slice(answer);
    line.push(b'}');
    line
}
