//! A scripted LSP client for the tests: the server runs in a thread on an in-memory connection.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::Url;
use serde_json::{json, Value};

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// The latest diagnostics published for each URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// Every notification received, in order.
    pub notifications: Vec<Notification>,
    pub root: PathBuf,
    pub root_uri: String,
    pub initialize_result: Value,
}

/// A temporary directory holding a copy of `files`, removed on drop.
pub struct TempWorkspace {
    pub dir: PathBuf,
}

impl TempWorkspace {
    pub fn new(name: &str, files: &[(&str, &str)]) -> TempWorkspace {
        let dir = std::env::temp_dir().join(format!("edict-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        TempWorkspace {
            dir: dir.canonicalize().unwrap(),
        }
    }

    /// A copy of the shipped `policies/`.
    pub fn policies(name: &str) -> TempWorkspace {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
        let mut files = Vec::new();
        for p in edict_compiler::load::collect_files(std::slice::from_ref(&src)).unwrap() {
            files.push((
                p.strip_prefix(&src).unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        TempWorkspace::new(name, &refs)
    }
}

impl Drop for TempWorkspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub const TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    /// Starts a server on `root` and completes the handshake. `utf8`: offer UTF-8 positions.
    pub fn start(root: &Path, utf8: bool) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || edict_lsp::run(server_side));
        let root_uri = Url::from_file_path(root).unwrap().to_string();
        let mut client = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
            diagnostics: HashMap::new(),
            notifications: Vec::new(),
            root: root.to_path_buf(),
            root_uri: root_uri.clone(),
            initialize_result: Value::Null,
        };
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let result = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "capabilities": { "general": { "positionEncodings": encodings } },
                    "initializationOptions": { "today": "2026-01-15" }
                }),
            )
            .unwrap();
        client.initialize_result = result;
        client.notify("initialized", json!({}));
        client
    }

    pub fn uri(&self, file: &str) -> String {
        Url::from_file_path(self.root.join(file))
            .unwrap()
            .to_string()
    }

    pub fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id: RequestId = self.next_id.into();
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        id
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        let id = self.send_request(method, params);
        self.wait_response(&id)
    }

    pub fn wait_response(&mut self, id: &RequestId) -> Result<Value, ResponseError> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.recv(deadline) {
                Message::Response(r) if r.id == *id => return r.response_result,
                _ => {}
            }
        }
    }

    /// Receives one message (recording notifications); panics at the deadline.
    pub fn recv(&mut self, deadline: Instant) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        self.try_recv(left)
            .expect("the server did not answer in time")
    }

    /// Receives one message if one comes within `wait` (recording notifications).
    pub fn try_recv(&mut self, wait: Duration) -> Option<Message> {
        let msg = self.conn.receiver.recv_timeout(wait).ok()?;
        match &msg {
            Message::Notification(n) => {
                if n.method == "textDocument/publishDiagnostics" {
                    let uri = n.params["uri"].as_str().unwrap().to_string();
                    let d = n.params["diagnostics"].as_array().unwrap().clone();
                    self.diagnostics.insert(uri, d);
                }
                self.notifications.push(n.clone());
            }
            Message::Request(r) => {
                // The server asks to register file watching: accept.
                let _ = self.conn.sender.send(Message::Response(Response::new_ok(
                    r.id.clone(),
                    Value::Null,
                )));
            }
            Message::Response(_) => {}
        }
        Some(msg)
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    pub fn open(&self, file: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": self.uri(file), "languageId": "edict", "version": 1, "text": text } }),
        );
    }

    pub fn open_from_disk(&self, file: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(file)).unwrap();
        self.open(file, &text);
        text
    }

    /// Waits until `pred` holds for the diagnostics published for `uri`.
    pub fn wait_diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(d) = self.diagnostics.get(uri) {
                if pred(d) {
                    return d.clone();
                }
            }
            self.recv(deadline);
        }
    }

    /// Waits for the first publication for `uri`.
    pub fn diagnostics_of(&mut self, uri: &str) -> Vec<Value> {
        self.wait_diagnostics(uri, |_| true)
    }

    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null).unwrap();
        self.notify("exit", Value::Null);
        let server = self.server.take().unwrap();
        assert_eq!(server.join().unwrap(), Ok(()));
    }

    /// A JSON value with the workspace's root replaced by `$ROOT`, for snapshots.
    pub fn redact(&self, v: &Value) -> Value {
        let text = serde_json::to_string(v).unwrap();
        let root = self.root.display().to_string();
        let text = text
            .replace(&self.root_uri, "file:///$ROOT")
            .replace(&root, "$ROOT");
        serde_json::from_str(&text).unwrap()
    }

    /// A position as the client counts it: the line and UTF-16 units (or bytes) before `needle`.
    pub fn position_of(&self, text: &str, needle: &str, nth: usize, utf8: bool) -> Value {
        let offset = text
            .match_indices(needle)
            .nth(nth)
            .expect("needle not found")
            .0;
        position(text, offset, utf8)
    }
}

/// The LSP position of a byte offset, counted independently of the server's code.
pub fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = if utf8 {
        offset - line_start
    } else {
        before[line_start..].encode_utf16().count()
    };
    json!({ "line": line, "character": character })
}

pub fn text_doc_pos(uri: &str, pos: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": pos })
}
