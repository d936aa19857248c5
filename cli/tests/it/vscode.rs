//! The VS Code extension in a real VS Code: code-server 4.139 (VS Code 1.139 in a browser,
//! from npm) with the extension packaged from `editors/vscode`, driven by headless Debian
//! Chromium (`tools/vscode/drive.mjs`): the file is an Edict file, a hover comes from
//! `edict lsp`, and an edit brings a diagnostic into the Problems panel. `tools/vscode/setup.sh`
//! installs what it needs when absent (`.ci/run` calls it and sets `EDICT_VSCODE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{copy_dir, root, tempdir};

/// The folder `tools/vscode/setup.sh` fills (`$EDICT_VSCODE` when set).
fn installed() -> Option<PathBuf> {
    crate::common::installed("EDICT_VSCODE", "tools/vscode/setup.sh")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the process group of code-server (its extension host and `edict lsp` with it).
struct Group(std::process::Child);

impl Drop for Group {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn the_extension_in_a_real_vs_code() {
    let Some(r) = installed() else { return };
    let dir = tempdir("vscode");
    let ws = dir.join("ws");
    copy_dir(&root().join("policies"), &ws);
    std::fs::write(ws.join("noeol.edict"), "enum   NoEol{a}").unwrap();
    std::fs::write(ws.join("crlf.edict"), "enum   Crlf{a,\r\n b   }\r\n").unwrap();
    let (ud, exts, xdg, out) = (
        dir.join("ud"),
        dir.join("exts"),
        dir.join("xdg"),
        dir.join("out"),
    );
    for d in [
        ud.join("User"),
        ud.join("Machine"),
        exts.clone(),
        xdg.clone(),
        out.clone(),
        dir.join("tmp"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    let port = free_port();
    std::fs::write(
        dir.join("config.yaml"),
        format!("bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n"),
    )
    .unwrap();
    // `edict.server.path` is machine-overridable: in code-server (a remote window) it is read
    // from the Machine settings, as for Remote-SSH (editors/vscode/README.md).
    let edict = env!("CARGO_BIN_EXE_edict");
    std::fs::write(
        ud.join("Machine/settings.json"),
        serde_json::json!({ "edict.server.path": edict }).to_string(),
    )
    .unwrap();
    std::fs::write(
        ud.join("User/settings.json"),
        serde_json::json!({
            "security.workspace.trust.enabled": false,
            "workbench.startupEditor": "none",
            "chat.disableAIFeatures": true,
            "telemetry.telemetryLevel": "off",
            "extensions.autoCheckUpdates": false,
            "extensions.autoUpdate": false,
            "update.mode": "none",
        })
        .to_string(),
    )
    .unwrap();
    let node_bin = r.join("node24/package/bin");
    let path = format!(
        "{}:{}",
        node_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let code_server = r.join("srv/node_modules/.bin/code-server");
    let common_args = |c: &mut Command| {
        c.arg("--config")
            .arg(dir.join("config.yaml"))
            .arg("--user-data-dir")
            .arg(&ud)
            .arg("--extensions-dir")
            .arg(&exts)
            .env("PATH", &path)
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .env("XDG_DATA_HOME", xdg.join("data"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .env("TMPDIR", dir.join("tmp"));
    };
    let mut install = Command::new(&code_server);
    common_args(&mut install);
    let status = install
        .arg("--install-extension")
        .arg(r.join("edict.vsix"))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "the VSIX did not install");
    // In a session of its own, so that one kill stops it and everything it started.
    let mut serve = Command::new("setsid");
    serve.arg(&code_server);
    common_args(&mut serve);
    let child = serve
        .args([
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
        ])
        .arg(&ws)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("code-server.log")).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _group = Group(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "code-server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    let drive = Command::new(node_bin.join("node"))
        .arg(root().join("tools/vscode/drive.mjs"))
        .env(
            "CS_URL",
            format!("http://127.0.0.1:{port}/?folder={}", ws.display()),
        )
        .env("WS", &ws)
        .env("OUT", &out)
        .env("TOOLS", r.join("tools"))
        .env("EDICT_FILE", "talent_visa.edict")
        .env("FORMAT_FILES", "noeol.edict,crlf.edict")
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&drive.stdout),
        String::from_utf8_lossy(&drive.stderr)
    );
    let results: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("results.json"))
            .unwrap_or_else(|e| panic!("the driver wrote no results ({e}):\n{log}")),
    )
    .unwrap();
    assert_eq!(results["languageMode"], "Edict", "{log}");
    let hover = results["hover"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover:\n{log}"));
    assert!(hover.contains("record TalentApplicant"), "{hover}");
    let problems: Vec<&str> = results["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("E0001") && p.contains("expected a name")),
        "the Problems panel shows no E0001: {problems:?}\n{log}"
    );
    // Formatted through the server and saved, each file is what `edict fmt` writes: one final
    // newline, its own line endings.
    for (file, bytes) in [
        ("noeol.edict", "enum NoEol { a }\n"),
        ("crlf.edict", "enum Crlf { a, b }\r\n"),
    ] {
        assert_eq!(
            std::fs::read_to_string(ws.join(file)).unwrap(),
            bytes,
            "{file}\n{log}"
        );
        let (code, stdout, stderr) =
            crate::common::edict(&["fmt", "--check", ws.join(file).to_str().unwrap()]);
        assert_eq!(code, 0, "{stdout}{stderr}");
    }
}
