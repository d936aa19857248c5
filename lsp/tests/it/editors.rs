//! The VS Code extension stays in step with the language and the server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)).unwrap()
}

#[test]
fn the_textmate_grammar_knows_every_keyword() {
    let grammar = read("editors/vscode/syntaxes/edict.tmLanguage.json");
    let json: serde_json::Value = serde_json::from_str(&grammar).expect("valid JSON");
    assert_eq!(json["scopeName"], "source.edict");
    // The words the grammar's regular expressions can match.
    let mut words = std::collections::BTreeSet::new();
    collect_regex_words(&json, &mut words);
    for keyword in edict_ide::lex::keywords() {
        assert!(
            words.contains(keyword),
            "the TextMate grammar does not match the keyword `{keyword}`"
        );
    }
}

fn collect_regex_words(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("match" | "begin" | "end", serde_json::Value::String(re)) => {
                        // `\b` and friends: drop the escaped letter with its backslash.
                        let re = re
                            .replace("\\b", " ")
                            .replace("\\s", " ")
                            .replace("\\w", " ")
                            .replace("\\d", " ");
                        out.extend(
                            re.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                                .map(str::to_string),
                        );
                    }
                    _ => collect_regex_words(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_regex_words(i, out)),
        _ => {}
    }
}

#[test]
fn the_extension_offers_the_servers_commands() {
    let package: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("valid JSON");
    let commands: Vec<&str> = package["contributes"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    for c in [
        edict_lsp::handlers::RUN_TESTS,
        edict_lsp::handlers::SHOW_TABLE,
    ] {
        assert!(
            commands.contains(&c),
            "package.json does not contribute `{c}`"
        );
    }
}
