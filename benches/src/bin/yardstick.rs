//! The yardstick for `edict serve`'s load benchmark: a minimal hyper server that answers every
//! request with a fixed body (an answer of the transit decision, as large as Edict's). What
//! HTTP alone costs on this machine; `load` runs it beside Edict in the same run.
//!
//! `yardstick ADDR THREADS`: prints `listening on ADDR` when ready.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

const ANSWER: &str = r#"{"decision":"transit_entry","as_of":"2025-11-10","status":"decided","outcome":{"status":"visa_free_transit","max_stay":"240h"},"rule":{"name":"visa_free_transit","citation":{"source":"nia_2024_12_17","title":"China extends visa-free transit stays to 240 hours","item":null},"location":"transit.edict:70:6","in_force_from":"2024-12-17","in_force_until":null,"reads":[{"read":"transit_stay_limit","value":"240h","keys":null,"from":"2024-12-17","until":null,"citation":{"source":"nia_2024_12_17","item":null},"differs":[{"source":"nia_2025_11","item":4,"kind":"aggregator","says":"144h","quote":"Additional Ports for 144-Hour Visa-Free Transit"}]}]},"artifact_sha256":"0000000000000000000000000000000000000000000000000000000000000000"}"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:0".into());
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(1);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("yardstick: {e}");
            std::process::exit(2);
        }
    };
    let body = Arc::new(Bytes::from_static(ANSWER.as_bytes()));
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("yardstick: cannot listen on {addr}: {e}");
                std::process::exit(2);
            }
        };
        if let Ok(a) = listener.local_addr() {
            eprintln!("listening on {a}");
        }
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = Arc::clone(&body);
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let body = Arc::clone(&body);
                    async move {
                        // Read the request as a server must, then answer the fixed body.
                        let _ = req.into_body().collect().await;
                        let mut r = Response::new(Full::new((*body).clone()));
                        r.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
}
