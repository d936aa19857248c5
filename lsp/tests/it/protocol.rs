//! The server never crashes: protocol mistakes get protocol answers and it keeps serving;
//! cancelled requests are answered once; a long random editing session ends with the same
//! diagnostics as `edict check`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use crate::common::{position, text_doc_pos, Client, TempWorkspace};
use edict_testkit::Rng;
use insta::assert_yaml_snapshot;
use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{json, Value};

#[test]
fn protocol_mistakes_get_answers_and_the_server_keeps_serving() {
    let ws = TempWorkspace::policies("mistakes");
    let mut c = Client::start(&ws.dir, false);
    let uri = c.uri("transit.edict");
    let text = c.open_from_disk("transit.edict");
    c.diagnostics_of(&uri);
    let mut out = Vec::new();
    let mut answer = |what: &str, r: Result<Value, lsp_server::ResponseError>| {
        out.push(match r {
            Ok(v) => json!({ "case": what, "result": v }),
            Err(e) => json!({ "case": what, "error": { "code": e.code, "message": e.message } }),
        });
    };
    let r = c.request("textDocument/unknownThing", json!({}));
    answer("unknown method", r);
    let r = c.request("textDocument/hover", json!({ "textDocument": 5 }));
    answer("parameters of the wrong shape", r);
    let r = c.request(
        "textDocument/hover",
        text_doc_pos(
            "file:///nowhere/never.edict",
            json!({ "line": 0, "character": 0 }),
        ),
    );
    answer("hover in a document the server does not know", r);
    let r = c.request(
        "textDocument/hover",
        text_doc_pos(&uri, json!({ "line": 100000, "character": 0 })),
    );
    answer("position past the last line", r);
    let r = c.request(
        "textDocument/completion",
        text_doc_pos(&uri, json!({ "line": 0, "character": 4000000000u64 })),
    );
    answer(
        "character past the end of the line (clamped to it, inside a comment)",
        r,
    );
    let r = c.request(
        "textDocument/definition",
        text_doc_pos("untitled:Untitled-1", json!({ "line": 0, "character": 0 })),
    );
    answer("definition in an unopened untitled document", r);
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "edict.selfDestruct", "arguments": [] }),
    );
    answer("unknown command", r);
    let r = c.request("initialize", json!({ "capabilities": {} }));
    answer("initialize twice", r);
    // Unknown notifications and notifications with bad parameters are ignored.
    c.notify("$/unknownNotification", json!({ "x": 1 }));
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": "garbage" }),
    );
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///not/open.edict", "version": 2 }, "contentChanges": [{ "text": "x" }] }));
    // A document that is garbage mid-edit: diagnostics, and hover still answers.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "range": { "start": { "line": 52, "character": 0 }, "end": { "line": 52, "character": 0 } }, "text": "rule ((( }}} ✈️ 横琴 \"unterminated\n" }] }),
    );
    let garbage = c.wait_diagnostics(&uri, |d| {
        d.iter()
            .any(|d| d["code"] == "E0001" || d["code"] == "E0004")
    });
    let codes: Vec<&str> = garbage
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    let garbage_line = "rule ((( }}} ✈️ 横琴 \"unterminated\n";
    let line_52 = text.match_indices('\n').nth(51).unwrap().0 + 1;
    let mut edited = text.clone();
    edited.insert_str(line_52, garbage_line);
    let r = c.request("textDocument/hover", at(&c, &edited, "transit_countries\n"));
    answer(
        "hover after garbage was typed above",
        r.map(|h| json!(h.is_object())),
    );
    assert_yaml_snapshot!(json!({ "answers": out, "codes while the document is garbage": codes }));
    c.shutdown();
}

fn at(c: &Client, text: &str, needle: &str) -> Value {
    text_doc_pos(
        &c.uri("transit.edict"),
        c.position_of(text, needle, 0, false),
    )
}

#[test]
fn requests_before_initialize_and_after_shutdown() {
    let (server_side, client) = Connection::memory();
    let server = std::thread::spawn(move || edict_lsp::run(server_side));
    let send = |m: Message| client.sender.send(m).unwrap();
    let recv = || {
        client
            .receiver
            .recv_timeout(crate::common::TIMEOUT)
            .unwrap()
    };
    send(Request::new(1.into(), "textDocument/hover".into(), json!({})).into());
    let Message::Response(r) = recv() else {
        panic!()
    };
    assert_eq!(r.response_result.unwrap_err().code, -32002); // ServerNotInitialized
    send(Request::new(2.into(), "initialize".into(), json!({ "capabilities": {} })).into());
    let Message::Response(r) = recv() else {
        panic!()
    };
    assert_eq!(
        r.response_result.unwrap()["capabilities"]["positionEncoding"],
        "utf-16"
    );
    send(Request::new(3.into(), "shutdown".into(), Value::Null).into());
    let Message::Response(r) = recv() else {
        panic!()
    };
    assert_eq!(r.response_result.unwrap(), Value::Null);
    send(Request::new(4.into(), "textDocument/hover".into(), json!({})).into());
    let Message::Response(r) = recv() else {
        panic!()
    };
    assert_eq!(r.response_result.unwrap_err().code, -32600); // InvalidRequest
    send(Notification::new("exit".into(), Value::Null).into());
    assert_eq!(server.join().unwrap(), Ok(()));
    // A client that disappears without `exit` also ends the server cleanly.
    let (server_side, client) = Connection::memory();
    let server = std::thread::spawn(move || edict_lsp::run(server_side));
    drop(client);
    assert_eq!(server.join().unwrap(), Ok(()));
    let _ = Response::new_ok(1.into(), ());
}

#[test]
fn a_cancelled_request_is_answered_exactly_once() {
    // A workspace big enough that a workspace-wide request takes a while.
    let files = edict_testkit::generate(&edict_testkit::Shape::with_rules(3000));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let ws = TempWorkspace::new("cancel", &refs);
    let mut c = Client::start(&ws.dir, false);
    let (first_path, first_text) = &files[0];
    let uri = c.uri(first_path);
    c.open(first_path, first_text);
    for round in 0..3 {
        // `$/cancelRequest` straight after the request.
        let id = c.send_request("workspace/symbol", json!({ "query": "r" }));
        c.notify("$/cancelRequest", json!({ "id": id }));
        // An edit straight after a request: salsa cancels the query if it is still running.
        let id2 = c.send_request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        );
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": round + 2 }, "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "// edit\n" }] }),
        );
        let mut answers = std::collections::HashMap::new();
        let deadline = Instant::now() + crate::common::TIMEOUT;
        // Wait for both answers, then make sure no second answer follows for either.
        while answers.len() < 2 {
            if let Message::Response(r) = c.recv(deadline) {
                assert!(
                    answers
                        .insert(r.id.clone(), r.response_result.clone())
                        .is_none(),
                    "answered twice: {:?}",
                    r.id
                );
            }
        }
        for (id, r) in &answers {
            match r {
                Ok(_) => {}
                Err(e) => assert!(
                    (*id == id2 && e.code == -32801) || (*id != id2 && e.code == -32800),
                    "unexpected error for {id:?}: {e:?}"
                ),
            }
        }
        // The server still answers afterwards.
        assert!(c
            .request("workspace/symbol", json!({ "query": "transit" }))
            .is_ok());
        let late: Vec<_> =
            std::iter::from_fn(|| c.try_recv(std::time::Duration::from_millis(50))).collect();
        assert!(
            late.iter().all(|m| !matches!(m, Message::Response(_))),
            "a late second answer: {late:?}"
        );
    }
    c.shutdown();
}

/// Characters the random session types: ASCII, Edict punctuation, CJK, emoji (surrogate
/// pairs in UTF-16), a combining accent and line breaks.
const ALPHABET: &[&str] = &[
    "a",
    "z",
    "_",
    "1",
    "9",
    " ",
    " ",
    "\n",
    "{",
    "}",
    "(",
    ")",
    ":",
    ",",
    ".",
    "\"",
    "/",
    "-",
    ">",
    "=",
    "横",
    "琴",
    "港",
    "😀",
    "✈️",
    "🇨🇳",
    "é",
    "\u{301}",
    "\t",
    "rule ",
    "when ",
    "in ",
    "t.",
    "and ",
    "144h",
    "2025-11-05",
    "hengqin",
    "transit_ports",
];

#[test]
fn a_thousand_random_edits_end_with_the_diagnostics_of_edict_check() {
    let ws = TempWorkspace::policies("random-edits");
    let mut c = Client::start(&ws.dir, false);
    let file = "transit.edict";
    let uri = c.uri(file);
    let mut text = c.open_from_disk(file);
    c.diagnostics_of(&uri);
    let mut rng = Rng::new(0x5eed_ed17);
    for version in 2..1002 {
        // A random range, in UTF-16 positions as the client counts them, snapped to
        // character boundaries by construction.
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let a = boundaries[rng.below(boundaries.len())];
        let span = match rng.below(4) {
            0 => 0,
            1 => rng.below(3),
            2 => rng.below(40),
            _ => rng.below(400),
        };
        let b_ix = boundaries.partition_point(|&x| x < a) + span;
        let b = boundaries[b_ix.min(boundaries.len() - 1)];
        let mut insert = String::new();
        if rng.below(5) > 0 {
            for _ in 0..rng.below(6) + 1 {
                insert.push_str(ALPHABET[rng.below(ALPHABET.len())]);
            }
        }
        let change = json!({ "range": { "start": position(&text, a, false), "end": position(&text, b, false) }, "text": insert });
        text.replace_range(a..b, &insert);
        c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }));
        // Now and then, ask something at a random place while edits keep coming.
        if version % 50 == 0 {
            let at = boundaries[rng.below(boundaries.len())].min(text.len());
            let at = (0..=at)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let pos = position(&text, at, false);
            for method in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
            ] {
                let r = c.request(method, text_doc_pos(&uri, pos.clone()));
                assert!(
                    r.is_ok() || r.as_ref().unwrap_err().code == -32801,
                    "{method}: {r:?}"
                );
            }
            let r = c.request(
                "textDocument/semanticTokens/full",
                json!({ "textDocument": { "uri": uri } }),
            );
            assert!(r.is_ok() || r.as_ref().unwrap_err().code == -32801, "{r:?}");
        }
    }
    // The CLI's view of the final text, in the same workspace.
    let mut analysis = edict_compiler::Analysis::default();
    for p in edict_compiler::load::collect_files(std::slice::from_ref(&ws.dir)).unwrap() {
        let content = if p.ends_with(file) {
            text.clone()
        } else {
            std::fs::read_to_string(&p).unwrap()
        };
        analysis.set_file(&p.display().to_string(), content);
    }
    let path = ws.dir.join(file).display().to_string();
    let expected: Vec<(Value, String)> = analysis
        .file_diagnostics(&path)
        .iter()
        .map(|d| {
            let range = json!({
                "code": d.code.as_str(),
                "start": position(&text, d.primary.span.start as usize, false),
                "end": position(&text, (d.primary.span.end as usize).min(text.len()), false),
            });
            (range, d.message.clone())
        })
        .collect();
    // Same codes at the same ranges, in the same order; each message is the CLI's message
    // (the server adds the label, notes and help after it).
    let same = |published: &[Value]| -> bool {
        published.len() == expected.len()
            && published.iter().zip(&expected).all(|(p, (range, message))| {
                json!({ "code": p["code"], "start": p["range"]["start"], "end": p["range"]["end"] }) == *range
                    && p["message"].as_str().unwrap().starts_with(message.as_str())
            })
    };
    let deadline = Instant::now() + crate::common::TIMEOUT;
    while !c.diagnostics.get(&uri).is_some_and(|d| same(d)) && Instant::now() < deadline {
        c.try_recv(std::time::Duration::from_millis(100));
    }
    let published = c.diagnostics.get(&uri).cloned().unwrap_or_default();
    assert!(
        same(&published),
        "published: {published:#?}\nexpected: {expected:#?}"
    );
    assert!(
        !expected.is_empty(),
        "after 1000 random edits the file should have errors"
    );
    c.shutdown();
}
