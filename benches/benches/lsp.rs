//! The language server's latencies on the 10,000-rule generated workspace, through the real
//! server loop (in-memory connection): diagnostics after a one-line edit, hover, completion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::{json, Value};

struct Session {
    conn: Connection,
    next_id: i32,
    version: i32,
    uri: String,
    text: String,
    /// Does the open file currently hold the typo (an unknown name)?
    broken: bool,
    _dir: PathBuf,
}

const FILE: &str = "rules_0002.edict";
const NAME: &str = "ports_0";

impl Session {
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id: RequestId = self.next_id.into();
        self.conn
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(120))
                .unwrap()
            {
                Message::Response(r) if r.id == id => return r.response_result.unwrap(),
                Message::Request(r) => {
                    let _ = self
                        .conn
                        .sender
                        .send(lsp_server::Response::new_ok(r.id, Value::Null).into());
                }
                _ => {}
            }
        }
    }

    /// Waits for the open file's diagnostics; `true` when they hold an unknown-name error.
    fn wait_diagnostics(&mut self) -> bool {
        loop {
            if let Message::Notification(n) = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(120))
                .unwrap()
            {
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == self.uri.as_str()
                {
                    return n.params["diagnostics"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|d| d["code"] == "E0101");
                }
            }
        }
    }

    /// Waits until the server has been quiet for a while (the workspace-wide publication done).
    fn settle(&mut self) {
        while self
            .conn
            .receiver
            .recv_timeout(Duration::from_millis(500))
            .is_ok()
        {}
    }

    fn position_of(&self, needle: &str, after: usize) -> Value {
        let offset = self.text.find(needle).unwrap() + after;
        let before = &self.text[..offset];
        let line = before.matches('\n').count();
        let col = offset - before.rfind('\n').map_or(0, |i| i + 1);
        json!({ "line": line, "character": col })
    }
}

fn session() -> &'static Mutex<Session> {
    static SESSION: OnceLock<Mutex<Session>> = OnceLock::new();
    SESSION.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("edict-bench-lsp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in edict_testkit::generate(&edict_testkit::Shape::with_rules(10_000)) {
            std::fs::write(dir.join(path), text).unwrap();
        }
        let (server, conn) = Connection::memory();
        std::thread::spawn(move || edict_lsp::run(server));
        let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
        let uri = Url::from_file_path(dir.join(FILE)).unwrap().to_string();
        let mut s = Session {
            conn,
            next_id: 0,
            version: 1,
            uri: uri.clone(),
            text: text.clone(),
            broken: false,
            _dir: dir.clone(),
        };
        s.request("initialize", json!({ "rootUri": Url::from_file_path(&dir).unwrap(), "capabilities": {} }));
        s.conn.sender.send(Notification::new("initialized".into(), json!({})).into()).unwrap();
        s.conn
            .sender
            .send(
                Notification::new(
                    "textDocument/didOpen".into(),
                    json!({ "textDocument": { "uri": uri, "languageId": "edict", "version": 1, "text": text } }),
                )
                .into(),
            )
            .unwrap();
        let start = Instant::now();
        s.wait_diagnostics();
        s.settle();
        eprintln!("(workspace of 10,000 rules loaded and checked in {:.2?})", start.elapsed());
        Mutex::new(s)
    })
}

fn main() {
    divan::main();
}

/// One-line edit (a set name gets a typo, or loses it) → that file's new diagnostics arrive.
#[divan::bench(sample_count = 60, sample_size = 1)]
fn diagnostics_after_one_line_edit(bencher: divan::Bencher) {
    let mut s = session().lock().unwrap();
    let pos = s.position_of(&format!("in {NAME}\n"), 3 + NAME.len());
    bencher.bench_local(|| {
        s.version += 1;
        let change = if s.broken {
            json!({ "range": { "start": { "line": pos["line"], "character": pos["character"].as_u64().unwrap() }, "end": { "line": pos["line"], "character": pos["character"].as_u64().unwrap() + 1 } }, "text": "" })
        } else {
            json!({ "range": { "start": pos, "end": pos }, "text": "x" })
        };
        let params = json!({ "textDocument": { "uri": s.uri, "version": s.version }, "contentChanges": [change] });
        s.conn.sender.send(Notification::new("textDocument/didChange".into(), params).into()).unwrap();
        let broken = s.wait_diagnostics();
        assert_eq!(broken, !s.broken);
        s.broken = broken;
    });
}

/// Hover over a set name in a rule.
#[divan::bench(sample_count = 200)]
fn hover(bencher: divan::Bencher) {
    let mut s = session().lock().unwrap();
    let pos = s.position_of("countries_16", 3);
    let uri = s.uri.clone();
    bencher.bench_local(|| {
        let h = s.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": pos }),
        );
        assert!(h.is_object());
    });
}

/// Completion after `t.nationality in ` (sets of countries and the places above).
#[divan::bench(sample_count = 200)]
fn completion_after_in(bencher: divan::Bencher) {
    let mut s = session().lock().unwrap();
    let pos = s.position_of("t.nationality in ", "t.nationality in ".len());
    let uri = s.uri.clone();
    bencher.bench_local(|| {
        let c = s.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": pos }),
        );
        assert!(!c["items"].as_array().unwrap().is_empty());
    });
}
