//! Workspaces as the server finds them: several apart in one editor, `edict.toml` patterns,
//! files opened outside every folder, files changed on disk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use crate::common::{text_doc_pos, Client, TempWorkspace};
use lsp_types::Url;
use serde_json::{json, Value};

#[test]
fn several_workspaces_in_one_folder_stay_apart() {
    // A repository opened at its root (the client's root is where `.git` is): two
    // workspaces that declare the same names, a draft their `edict.toml` excludes, and a
    // fixture folder with no `edict.toml`, which is not part of any workspace.
    let repo = TempWorkspace::new(
        "multi",
        &[
            ("a/edict.toml", "width = 100\nexclude = [\"drafts/**\"]\n"),
            ("a/types.edict", "enum Status { ok }\n"),
            ("a/sets.edict", "set statuses: Status { ok }\n"),
            ("a/drafts/broken.edict", "set broken: Nope { x }\n"),
            ("b/edict.toml", "# the second workspace\n"),
            ("b/types.edict", "enum Status { fine }\n"),
            ("b/sets.edict", "set statuses: Status { fine }\n"),
            ("fixtures/bad.edict", "set bad: Missing { y }\n"),
        ],
    );
    let mut c = Client::start(&repo.dir, true);
    let uri = |p: &str| Url::from_file_path(repo.dir.join(p)).unwrap().to_string();
    // Each workspace checks on its own: no duplicate `Status`, no unknown member.
    for sets in ["a/sets.edict", "b/sets.edict"] {
        let d = c.diagnostics_of(&uri(sets));
        assert!(
            d.iter().all(|x| x["severity"] != 1),
            "{sets}: errors where each workspace is sound on its own: {d:?}"
        );
    }
    // Give the server time to publish everything it would.
    while c.try_recv(Duration::from_millis(500)).is_some() {}
    for skipped in ["a/drafts/broken.edict", "fixtures/bad.edict"] {
        assert!(
            !c.diagnostics.contains_key(&uri(skipped)),
            "{skipped} is not a file of any workspace, yet it was checked"
        );
    }
    // Definition stays in the workspace of the document.
    let text = c.open_from_disk("b/sets.edict");
    let offset = text.find("Status").unwrap();
    let def = c
        .request(
            "textDocument/definition",
            text_doc_pos(
                &uri("b/sets.edict"),
                crate::common::position(&text, offset, true),
            ),
        )
        .unwrap();
    let target = serde_json::to_string(&def).unwrap();
    assert!(target.contains("/b/types.edict"), "{target}");
    // Workspace symbols come from both.
    let found = c
        .request("workspace/symbol", json!({ "query": "Status" }))
        .unwrap();
    let places: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "Status")
        .map(|s| s["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(places.len(), 2, "{found}");
    assert!(places.iter().any(|u| u.ends_with("/a/types.edict")));
    assert!(places.iter().any(|u| u.ends_with("/b/types.edict")));
    c.shutdown();
}

#[test]
fn an_edited_manifest_changes_the_files_of_its_workspace() {
    let ws = TempWorkspace::new(
        "manifest",
        &[
            ("edict.toml", "exclude = [\"drafts/**\"]\n"),
            ("types.edict", "enum Status { ok }\n"),
            (
                "drafts/uses.edict",
                "set statuses: Status { ok, missing }\n",
            ),
        ],
    );
    let mut c = Client::start(&ws.dir, true);
    let types = c.uri("types.edict");
    let draft = c.uri("drafts/uses.edict");
    // `Status` is unused while the draft is excluded.
    let d = c.wait_diagnostics(&types, |d| d.iter().any(|x| x["code"] == "W0501"));
    assert!(!d.is_empty());
    std::fs::write(ws.dir.join("edict.toml"), "# no patterns\n").unwrap();
    let d = c.wait_diagnostics(&draft, |d| d.iter().any(|x| x["code"] == "E0101"));
    assert!(
        d.iter()
            .any(|x| x["message"].as_str().unwrap().contains("missing")),
        "{d:?}"
    );
    c.shutdown();
}

#[test]
fn files_changed_on_disk_are_read_again_when_the_client_cannot_watch() {
    // The test client, like Neovim on Linux, offers no dynamic registration of file watchers:
    // the server watches the workspace itself.
    let ws = TempWorkspace::new(
        "watch",
        &[
            ("types.edict", "enum Status { ok }\n"),
            ("sets.edict", "set statuses: Status { ok }\n"),
        ],
    );
    let mut c = Client::start(&ws.dir, true);
    let sets = c.uri("sets.edict");
    let first = c.diagnostics_of(&sets);
    assert!(first.iter().all(|d| d["code"] != "E0101"), "{first:?}");
    // A change made outside the editor, as `sed` or `git checkout` would make it. The write
    // truncates the file before it writes the new text, so the server may first read it empty
    // (and say `Status` is unknown); it must go on to read the new text, where `ok` is gone.
    std::fs::write(ws.dir.join("types.edict"), "enum Status { fine }\n").unwrap();
    let names_ok = |x: &Value| {
        x["code"] == "E0101" && x["message"].as_str().is_some_and(|m| m.contains("`ok`"))
    };
    // Fails at the client's timeout if that never comes.
    c.wait_diagnostics(&sets, |d| d.iter().any(names_ok));
    // And back.
    std::fs::write(ws.dir.join("types.edict"), "enum Status { ok }\n").unwrap();
    c.wait_diagnostics(&sets, |d| d.iter().all(|x| x["code"] != "E0101"));
    c.shutdown();
}

/// A client started on `root`, which holds nothing of `ws`, with `ws/sets.edict` opened (it
/// names a type declared in `ws/types.edict`): the client and the file's first diagnostics.
fn open_sets_from(root: &TempWorkspace, ws: &TempWorkspace) -> (Client, Vec<Value>) {
    let mut c = Client::start(&root.dir, true);
    let sets = Url::from_file_path(ws.dir.join("sets.edict"))
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(ws.dir.join("sets.edict")).unwrap();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": sets, "languageId": "edict", "version": 1, "text": text } }),
    );
    let d = c.wait_diagnostics(&sets, |d| !d.is_empty());
    (c, d)
}

#[test]
fn a_file_opened_outside_the_roots_brings_its_workspace() {
    // The client's root holds nothing of it: the `edict.toml` above the file makes its folder
    // the workspace, and a name declared beside it resolves.
    let elsewhere = TempWorkspace::new("unrelated-root", &[]);
    let ws = TempWorkspace::new(
        "outside",
        &[
            ("edict.toml", ""),
            ("types.edict", "enum Status { ok }\n"),
            ("sets.edict", "set statuses: Status { ok }\n"),
        ],
    );
    let (c, d) = open_sets_from(&elsewhere, &ws);
    assert!(d.iter().all(|x| x["code"] != "E0101"), "{d:?}");
    assert!(d.iter().any(|x| x["code"] == "W0501"), "{d:?}");
    c.shutdown();
}

#[test]
fn a_file_in_no_workspace_is_checked_alone_as_on_the_command_line() {
    // No `edict.toml` above it (a test fixture opened from a repository): its folder is not
    // read, as `edict check FILE` does not read it; a name declared beside it is unknown.
    let elsewhere = TempWorkspace::new("fixture-root", &[]);
    let ws = TempWorkspace::new(
        "fixtures",
        &[
            ("types.edict", "enum Status { ok }\n"),
            ("sets.edict", "set statuses: Status { ok }\n"),
        ],
    );
    let (mut c, d) = open_sets_from(&elsewhere, &ws);
    assert!(d.iter().any(|x| x["code"] == "E0101"), "{d:?}");
    let types = Url::from_file_path(ws.dir.join("types.edict"))
        .unwrap()
        .to_string();
    while c.try_recv(Duration::from_millis(300)).is_some() {}
    assert!(!c.diagnostics.contains_key(&types), "{:?}", c.diagnostics);
    c.shutdown();
}

#[test]
fn a_file_is_held_by_one_workspace_only() {
    // No edict.toml anywhere: each file opened is checked on its own, so `x/y/c.edict` is
    // never read (read with `x/a.edict` and without `b`, it would report `Status` unknown).
    let elsewhere = TempWorkspace::new("held-root", &[]);
    let ws = TempWorkspace::new(
        "held",
        &[
            ("x/y/b.edict", "enum Status { ok }\n"),
            ("x/y/c.edict", "set statuses: Status { ok }\n"),
            ("x/a.edict", "enum Other { one }\n"),
        ],
    );
    let mut c = Client::start(&elsewhere.dir, true);
    let uri = |p: &str| Url::from_file_path(ws.dir.join(p)).unwrap().to_string();
    for file in ["x/y/b.edict", "x/a.edict"] {
        let text = std::fs::read_to_string(ws.dir.join(file)).unwrap();
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(file), "languageId": "edict", "version": 1, "text": text } }),
        );
        c.wait_diagnostics(&uri(file), |_| true);
    }
    while c.try_recv(Duration::from_millis(500)).is_some() {}
    let d = c
        .diagnostics
        .get(&uri("x/y/c.edict"))
        .cloned()
        .unwrap_or_default();
    assert!(d.iter().all(|x| x["code"] != "E0101"), "{d:?}");
    c.shutdown();
}
