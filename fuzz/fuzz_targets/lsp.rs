//! Fuzz target: the language server: framing of arbitrary bytes, then an arbitrary session of
//! edits, requests and raw notifications against the shipped policies; every request must be
//! answered exactly once and the server must end cleanly.
#![no_main]

use std::collections::HashSet;
use std::io::Cursor;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
enum Action {
    Change { start: (u16, u16), end: (u16, u16), text: String },
    Replace { text: String },
    Request { method: u8, at: (u16, u16) },
    Raw { method: u8, params: String },
    Cancel { back: u8 },
}

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
    "textDocument/codeAction",
    "textDocument/inlayHint",
    "textDocument/codeLens",
    "textDocument/formatting",
    "workspace/symbol",
    "workspace/executeCommand",
];

fn pos(p: (u16, u16)) -> Value {
    json!({ "line": p.0 % 300, "character": p.1 % 200 })
}

fuzz_target!(|data: (&[u8], Vec<Action>)| {
    let (bytes, actions) = data;
    // Framing: whatever the bytes, reading ends without a panic.
    let mut input = Cursor::new(bytes);
    for _ in 0..64 {
        match edict_lsp::transport::read_frame(&mut input) {
            Ok(edict_lsp::transport::Frame::End) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // A session.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies");
    let root = std::path::Path::new(root).canonicalize().expect("policies");
    let uri = lsp_types::Url::from_file_path(root.join("transit.edict")).expect("uri").to_string();
    let (server_side, client) = Connection::memory();
    let server = std::thread::spawn(move || edict_lsp::run(server_side));
    let send = |m: Message| client.sender.send(m).expect("server alive");
    let mut pending: HashSet<RequestId> = HashSet::new();
    let next = std::cell::Cell::new(1);
    let request = |method: &str, params: Value, pending: &mut HashSet<RequestId>| {
        let id: RequestId = next.get().into();
        next.set(next.get() + 1);
        pending.insert(id.clone());
        send(Request::new(id, method.into(), params).into());
    };
    request("initialize", json!({ "rootUri": lsp_types::Url::from_file_path(&root).expect("uri"), "capabilities": {} }), &mut pending);
    send(Notification::new("initialized".into(), json!({})).into());
    let text = std::fs::read_to_string(root.join("transit.edict")).expect("readable");
    send(Notification::new("textDocument/didOpen".into(), json!({ "textDocument": { "uri": uri, "languageId": "edict", "version": 1, "text": text } })).into());
    for (version, a) in actions.into_iter().take(64).enumerate() {
        match a {
            Action::Change { start, end, text } => send(Notification::new("textDocument/didChange".into(), json!({
                "textDocument": { "uri": uri, "version": version + 2 },
                "contentChanges": [{ "range": { "start": pos(start), "end": pos(end) }, "text": text }] })).into()),
            Action::Replace { text } => send(Notification::new("textDocument/didChange".into(), json!({
                "textDocument": { "uri": uri, "version": version + 2 }, "contentChanges": [{ "text": text }] })).into()),
            Action::Request { method, at } => {
                let m = METHODS[method as usize % METHODS.len()];
                let params = json!({
                    "textDocument": { "uri": uri }, "position": pos(at), "newName": "renamed",
                    "context": { "includeDeclaration": true, "diagnostics": [] },
                    "range": { "start": pos(at), "end": pos((at.0.wrapping_add(3), 0)) },
                    "options": { "tabSize": 2, "insertSpaces": true }, "query": "tr",
                    "command": if at.0 % 2 == 0 { "edict.runTests" } else { "edict.showTable" },
                    "arguments": [{ "decision": "transit_entry" }],
                });
                request(m, params, &mut pending);
            }
            Action::Raw { method, params } => {
                let m = METHODS[method as usize % METHODS.len()];
                let params: Value = serde_json::from_str(&params).unwrap_or(Value::String(params));
                request(m, params, &mut pending);
            }
            Action::Cancel { back } => {
                let id = next.get() - 1 - i32::from(back % 4);
                send(Notification::new("$/cancelRequest".into(), json!({ "id": id })).into());
            }
        }
    }
    request("shutdown", Value::Null, &mut pending);
    while !pending.is_empty() {
        match client.receiver.recv_timeout(Duration::from_secs(60)).expect("an answer in time") {
            Message::Response(r) => assert!(pending.remove(&r.id), "answered twice or unasked: {:?}", r.id),
            _ => {}
        }
    }
    send(Notification::new("exit".into(), Value::Null).into());
    assert_eq!(server.join().expect("server thread"), Ok(()));
});
