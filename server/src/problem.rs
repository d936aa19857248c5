//! Errors as problem details (RFC 9457): `application/problem+json` with a status, a title, a
//! detail, and for a bad request the field and the hint the CLI gives.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};
use serde_json::{Map, Value as Json};

/// A problem to answer with.
#[derive(Clone, Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// A short, fixed summary of the kind of problem.
    pub title: &'static str,
    /// What went wrong this time.
    pub detail: String,
    /// Members beyond the standard ones (`field`, `hint`, `errors`, ...).
    pub extra: Map<String, Json>,
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            title,
            detail: detail.into(),
            extra: Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Problem {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// The `type`: a relative URI, one per kind of problem, listed in `docs/serve.md`.
    fn type_uri(&self) -> String {
        let slug = self.title.to_lowercase().replace(' ', "-");
        format!("/problems/{slug}")
    }

    pub fn to_json(&self, instance: &str) -> Json {
        let mut obj = Map::new();
        obj.insert("type".into(), self.type_uri().into());
        obj.insert("title".into(), self.title.into());
        obj.insert("status".into(), self.status.as_u16().into());
        obj.insert("detail".into(), self.detail.clone().into());
        obj.insert("instance".into(), instance.into());
        for (k, v) in &self.extra {
            obj.insert(k.clone(), v.clone());
        }
        Json::Object(obj)
    }

    /// The problem as a page, for a browser (a request that accepts `text/html` and not JSON):
    /// the same status and words, escaped.
    pub fn html_response(&self, instance: &str) -> Response<Full<Bytes>> {
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let hint = self
            .extra
            .get("hint")
            .and_then(|h| h.as_str())
            .map_or(String::new(), |h| format!("<p>{}</p>\n", esc(h)));
        let body = format!(
            "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{status} {title}</title></head>\n<body>\n<h1>{title}</h1>\n<p>{detail}</p>\n{hint}<p><a href=\"/\">The service</a> · <a href=\"/docs/\">The published policy</a></p>\n<p><small>{status} at <code>{instance}</code></small></p>\n</body>\n</html>\n",
            status = self.status.as_u16(),
            title = esc(self.title),
            detail = esc(&self.detail),
            instance = esc(instance),
        );
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = self.status;
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    }

    pub fn response(&self, instance: &str) -> Response<Full<Bytes>> {
        let body = serde_json::to_vec(&self.to_json(instance)).unwrap_or_default();
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = self.status;
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(allow) = self
            .extra
            .get("allow")
            .and_then(|a| a.as_str())
            .and_then(|a| hyper::header::HeaderValue::from_str(a).ok())
        {
            r.headers_mut().insert(hyper::header::ALLOW, allow);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                hyper::header::WWW_AUTHENTICATE,
                hyper::header::HeaderValue::from_static("Bearer"),
            );
        }
        r
    }
}

/// The problem for a request that got no answer, with the CLI's message and hint.
pub fn request_problem(e: &edict_runtime::JsonRequestError) -> Problem {
    use edict_runtime::JsonRequestError as E;
    match e {
        E::Syntax(msg) => Problem::new(
            StatusCode::BAD_REQUEST,
            "Invalid JSON",
            format!("the request is not valid JSON: {msg}"),
        )
        .with(
            "hint",
            "a request is an object such as {\"t\": {\"nationality\": \"us\", ...}}",
        ),
        E::Request(r) => {
            let p = Problem::new(
                StatusCode::BAD_REQUEST,
                "Invalid request",
                format!("`{}`: {}", r.field, r.message),
            )
            .with("field", r.field.clone());
            match &r.hint {
                Some(h) => p.with("hint", h.clone()),
                None => p,
            }
        }
        E::Eval(e) => Problem::new(StatusCode::BAD_REQUEST, "Cannot decide", e.to_string()),
    }
}
