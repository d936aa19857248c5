//! `edict lsp` out of process: the real binary, Content-Length-framed JSON-RPC on stdio,
//! including frames that are not valid messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn message(v: Value) -> Vec<u8> {
    frame(&v.to_string())
}

/// Reads frames from the server's stdout, independently of the server's own framing code.
fn read_frames(out: impl Read + Send + 'static) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(out);
        loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = Some(v.parse::<usize>().unwrap());
                }
            }
            let mut body = vec![0; length.unwrap()];
            r.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn the_binary_serves_a_session_over_stdio_and_survives_bad_frames() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../policies")
        .canonicalize()
        .unwrap();
    let root_uri = format!("file://{}", root.display());
    let transit_uri = format!("{root_uri}/transit.edict");
    let text = std::fs::read_to_string(root.join("transit.edict")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edict"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let frames = read_frames(child.stdout.take().unwrap());
    // The rule's conditions, found by their text (0-based lines): `transit_ports` begins at
    // character 26 of its line, `transit_countries` at 24 of the line before.
    let ports_line = text
        .lines()
        .position(|l| l == "    and t.arrival_port in transit_ports")
        .unwrap() as u32;
    let countries_line = ports_line - 1;
    let hover_at = |id: i64| {
        message(
            json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": { "textDocument": { "uri": transit_uri }, "position": { "line": ports_line, "character": 30 } } }),
        )
    };
    let mut input = Vec::new();
    input.extend(message(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "processId": null, "rootUri": root_uri, "capabilities": {}, "initializationOptions": { "today": "2026-01-15" } } })));
    input.extend(message(
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    ));
    input.extend(message(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": { "textDocument": { "uri": transit_uri, "languageId": "edict", "version": 1, "text": text } } })));
    input.extend(hover_at(2));
    stdin.write_all(&input).unwrap();
    stdin.flush().unwrap();
    // Wait for the open file's diagnostics and the first hover before sending bad frames.
    let mut answers = Vec::new();
    let mut published = false;
    while !(published && answers.len() == 2) {
        let v = frames
            .recv_timeout(Duration::from_secs(60))
            .expect("no answer in time");
        if v["method"] == "textDocument/publishDiagnostics" {
            published |= v["params"]["uri"] == transit_uri.as_str();
        } else if v.get("id").is_some() && v.get("method").is_none() {
            answers.push(v);
        }
    }
    // Every feature once over the real pipe (the in-process tests cover them in depth).
    let doc = json!({ "uri": transit_uri });
    let at = |line: u32, character: u32| json!({ "textDocument": doc, "position": { "line": line, "character": character } });
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 200, "character": 0 } });
    let requests: Vec<(&str, Value)> = vec![
        ("textDocument/definition", at(countries_line, 30)),
        (
            "textDocument/references",
            json!({ "textDocument": doc, "position": { "line": ports_line, "character": 30 }, "context": { "includeDeclaration": false } }),
        ),
        ("textDocument/prepareRename", at(ports_line, 30)),
        (
            "textDocument/rename",
            json!({ "textDocument": doc, "position": { "line": ports_line, "character": 30 }, "newName": "designated_ports" }),
        ),
        ("textDocument/completion", at(ports_line, 26)),
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        ),
        ("workspace/symbol", json!({ "query": "zhuhai" })),
        (
            "textDocument/semanticTokens/full",
            json!({ "textDocument": doc }),
        ),
        (
            "textDocument/codeAction",
            json!({ "textDocument": doc, "range": whole, "context": { "diagnostics": [] } }),
        ),
        (
            "textDocument/inlayHint",
            json!({ "textDocument": doc, "range": { "start": { "line": countries_line - 1, "character": 0 }, "end": { "line": ports_line + 6, "character": 0 } } }),
        ),
        ("textDocument/codeLens", json!({ "textDocument": doc })),
        (
            "workspace/executeCommand",
            json!({ "command": "edict.runTests", "arguments": [{ "test": "staying_exactly_144_hours" }] }),
        ),
        (
            "textDocument/formatting",
            json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
    ];
    let mut input = Vec::new();
    for (i, (method, params)) in requests.iter().enumerate() {
        input.extend(message(
            json!({ "jsonrpc": "2.0", "id": 100 + i, "method": method, "params": params }),
        ));
    }
    stdin.write_all(&input).unwrap();
    stdin.flush().unwrap();
    let mut features = std::collections::BTreeMap::new();
    while features.len() < requests.len() {
        let v = frames
            .recv_timeout(Duration::from_secs(60))
            .expect("no answer in time");
        if v.get("method").is_some() {
            continue;
        }
        let i = (v["id"].as_u64().unwrap() - 100) as usize;
        let method = requests[i].0;
        let result = &v["result"];
        // Long answers are summarised: the outline's names, the number of tokens.
        let shown = match method {
            "textDocument/documentSymbol" => json!(result
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].clone())
                .collect::<Vec<_>>()),
            "textDocument/semanticTokens/full" => {
                json!({ "tokens": result["data"].as_array().unwrap().len() / 5 })
            }
            "textDocument/completion" => json!(result["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["label"].clone())
                .collect::<Vec<_>>()),
            "textDocument/codeLens" => json!(result
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["command"]["title"].clone())
                .collect::<Vec<_>>()),
            _ => result.clone(),
        };
        features.insert(format!("{:02} {method}", i), shown);
    }
    let root_text = root.display().to_string();
    let features = serde_json::to_string(&features)
        .unwrap()
        .replace(&root_uri, "file:///$ROOT")
        .replace(&root_text, "$ROOT");
    let features: Value = serde_json::from_str(&features).unwrap();
    insta::assert_yaml_snapshot!("every_feature_over_stdio", features);

    let mut input = Vec::new();
    input.extend(frame("{not json at all"));
    input.extend(b"X-Nonsense: 1\r\n\r\n");
    input.extend(frame(
        r#"{"jsonrpc":"2.0","neither":"request nor notification"}"#,
    ));
    input.extend(hover_at(3));
    input.extend(message(
        json!({ "jsonrpc": "2.0", "id": 4, "method": "no/suchMethod", "params": {} }),
    ));
    stdin.write_all(&input).unwrap();
    stdin.flush().unwrap();
    // Three parse errors (id null) and the answers to 3 and 4, in any order.
    let mut later = Vec::new();
    while later.len() < 5 {
        let v = frames
            .recv_timeout(Duration::from_secs(60))
            .expect("no answer in time");
        if v.get("method").is_none() {
            later.push(v);
        }
    }
    later.sort_by_key(|v| v["id"].as_i64().unwrap_or(0));
    answers.extend(later);
    let mut input = Vec::new();
    input.extend(message(
        json!({ "jsonrpc": "2.0", "id": 5, "method": "shutdown" }),
    ));
    input.extend(message(json!({ "jsonrpc": "2.0", "method": "exit" })));
    stdin.write_all(&input).unwrap();
    stdin.flush().unwrap();

    while let Ok(v) = frames.recv_timeout(Duration::from_secs(60)) {
        if v.get("method").is_some() {
            continue; // other notifications and requests from the server
        }
        let done = v["id"] == 5;
        answers.push(v);
        if done {
            break;
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    // The initialize result is checked by the in-process tests; here only its encoding.
    assert_eq!(
        answers[0]["result"]["capabilities"]["positionEncoding"],
        "utf-16"
    );
    answers.remove(0);
    insta::assert_yaml_snapshot!(answers);
}
