//! The tree-sitter grammar stays in step with the language: it parses every `.edict` file of
//! the repository that the reference parser accepts, its keywords are the pest grammar's, its
//! queries compile and highlight what they should, and the committed parser is generated from
//! the committed `grammar.js`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Parser, Query, QueryCursor};

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn repo() -> PathBuf {
    here().join("../..").canonicalize().unwrap()
}

fn parser() -> Parser {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_edict::LANGUAGE.into()).unwrap();
    p
}

fn edict_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                edict_files(&p, out);
            }
        } else if name.ends_with(".edict") {
            out.push(p);
        }
    }
}

/// The first ERROR or MISSING node, depth first.
fn first_error(node: Node) -> Option<Node> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .filter(|c| c.has_error())
        .find_map(first_error);
    found
}

#[test]
fn every_edict_file_the_reference_parser_accepts_parses_without_error() {
    let mut files = Vec::new();
    edict_files(&repo(), &mut files);
    let mut parser = parser();
    let (mut clean, mut failures) = (0, Vec::new());
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue; // the fixture of a file that is not UTF-8
        };
        if !edict_grammar::parse(&text).errors.is_empty() {
            continue; // a fixture of a syntax error: the reference parser rejects it too
        }
        clean += 1;
        let tree = parser.parse(&text, None).unwrap();
        if let Some(e) = first_error(tree.root_node()) {
            let at = e.start_position();
            failures.push(format!(
                "{}:{}:{}: {} `{}`",
                f.strip_prefix(repo()).unwrap().display(),
                at.row + 1,
                at.column + 1,
                if e.is_missing() {
                    "missing"
                } else {
                    "error at"
                },
                &text[e.byte_range()].chars().take(40).collect::<String>()
            ));
        }
    }
    assert!(
        clean >= 50,
        "only {clean} files found: is the repository there?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_syntax_error_is_an_error_node() {
    let tree = parser()
        .parse("set ports: Port { hengqin }\nrule r for d { when }\n", None)
        .unwrap();
    assert!(tree.root_node().has_error());
}

/// The keywords of the pest grammar: `kw_x = @{ "x" ... }` and the hit policies.
fn pest_keywords(pest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in pest.lines() {
        let line = line.trim();
        let is_keyword_rule = line.starts_with("kw_") || line.starts_with("hit_policy");
        if !is_keyword_rule || !line.contains("@{") {
            continue;
        }
        let body = &line[line.find("@{").unwrap()..];
        for (i, part) in body.split('"').enumerate() {
            if i % 2 == 1 && part.chars().all(|c| c.is_ascii_alphabetic()) {
                out.insert(part.to_string());
            }
        }
    }
    out
}

/// The words the tree-sitter grammar matches literally (`src/grammar.json`'s STRING rules).
fn tree_sitter_keywords() -> BTreeSet<String> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(here().join("src/grammar.json")).unwrap())
            .unwrap();
    let mut out = BTreeSet::new();
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("type").and_then(|t| t.as_str()) == Some("STRING") {
                    if let Some(s) = m.get("value").and_then(|s| s.as_str()) {
                        if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()) {
                            out.insert(s.to_string());
                        }
                    }
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&json, &mut out);
    out
}

/// What differs between the two grammars' keywords, in words.
fn keyword_mismatches(pest: &BTreeSet<String>, ts: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = pest
        .difference(ts)
        .map(|k| format!("`{k}` is a keyword of edict.pest but not of grammar.js"))
        .collect();
    out.extend(
        ts.difference(pest)
            .map(|k| format!("`{k}` is a keyword of grammar.js but not of edict.pest")),
    );
    out
}

#[test]
fn keywords_are_the_pest_grammars() {
    let pest_text = std::fs::read_to_string(repo().join("grammar/src/edict.pest")).unwrap();
    let pest = pest_keywords(&pest_text);
    assert!(pest.len() >= 40, "{pest:?}");
    let ts = tree_sitter_keywords();
    let mismatches = keyword_mismatches(&pest, &ts);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // The language server's list is the same set.
    let lsp: BTreeSet<String> = edict_ide::lex::keywords().map(str::to_string).collect();
    let mismatches: Vec<_> = lsp.symmetric_difference(&ts).collect();
    assert!(
        mismatches.is_empty(),
        "the server's keywords differ: {mismatches:?}"
    );
    // A keyword made up in the pest grammar is caught.
    let planted = format!("{pest_text}\nkw_frobnicate = @{{ \"frobnicate\" ~ !ident_char }}\n");
    let caught = keyword_mismatches(&pest_keywords(&planted), &ts);
    assert_eq!(
        caught,
        ["`frobnicate` is a keyword of edict.pest but not of grammar.js"]
    );
    // Every keyword is highlighted (`true` and `false` as `(boolean)`).
    let highlights = tree_sitter_edict::HIGHLIGHTS_QUERY;
    for k in &ts {
        let literal = highlights.contains(&format!("\"{k}\""));
        let boolean = matches!(k.as_str(), "true" | "false") && highlights.contains("(boolean)");
        assert!(
            literal || boolean,
            "queries/highlights.scm does not highlight `{k}`"
        );
    }
}

#[test]
fn the_parser_is_generated_from_this_grammar() {
    let grammar = std::fs::read(here().join("grammar.js")).unwrap();
    let digest: String = Sha256::digest(&grammar)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let recorded = std::fs::read_to_string(here().join("src/grammar.js.sha256")).unwrap();
    assert_eq!(
        recorded.trim(),
        digest,
        "grammar.js changed since src/ was generated: run tools/tree-sitter/generate.sh"
    );
}

fn captures(query_src: &str, text: &str) -> Vec<String> {
    let language = tree_sitter_edict::LANGUAGE.into();
    let query = Query::new(&language, query_src).unwrap();
    let tree = parser().parse(text, None).unwrap();
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    let mut matches = cursor.captures(&query, tree.root_node(), text.as_bytes());
    while let Some((m, i)) = matches.next() {
        let c = m.captures()[*i];
        let name = query.capture_names()[c.index as usize];
        let p = c.node.start_position();
        let shown: String = text[c.node.byte_range()]
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(30)
            .collect();
        out.push(format!("{}:{} {name} {shown}", p.row + 1, p.column + 1));
    }
    out.dedup();
    out
}

const SAMPLE: &str = r#"/// Ports of the 240-hour transit.
set ports: Port from 2024-12-17 announced 65 cite nia item 4 {
  hengqin, hzmb
}

value stay: Duration {
  144h from 2016-01-30 cite nia
  240h from 2024-12-17 cite nia item 1
}

rule transit for transit_entry {
  when t.arrival_port in ports and not (t.nationality in [us, ca])
  then { stay: stay, area: area_of[t.arrival_port] }
}

test at_hengqin for transit_entry {
  given t = { arrival: 2025-11-04T10:00, port: hengqin }
  cases (t.arrival) {
    2025-11-05T00:00 => rule transit
  }
}
"#;

#[test]
fn queries_compile_and_capture_what_they_should() {
    insta::assert_snapshot!(
        "highlights",
        captures(tree_sitter_edict::HIGHLIGHTS_QUERY, SAMPLE).join("\n")
    );
    insta::assert_snapshot!(
        "folds",
        captures(tree_sitter_edict::FOLDS_QUERY, SAMPLE).join("\n")
    );
    let locals = captures(tree_sitter_edict::LOCALS_QUERY, SAMPLE);
    assert!(locals
        .iter()
        .any(|l| l.contains("local.definition.constant ports")));
    assert!(locals.iter().any(|l| l.contains("local.definition.var t")));
}

#[test]
fn no_node_is_highlighted_twice() {
    // Neovim lets the last capture of a node win and Helix the first: with one capture per
    // node, both editors show the same colours.
    let mut files = Vec::new();
    edict_files(&repo().join("policies"), &mut files);
    edict_files(&repo().join("examples"), &mut files);
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
        .collect();
    texts.push(("SAMPLE".into(), SAMPLE.into()));
    for (name, text) in texts {
        let found = captures(tree_sitter_edict::HIGHLIGHTS_QUERY, &text);
        let mut seen = std::collections::HashMap::new();
        for line in &found {
            let mut parts = line.splitn(3, ' ');
            let (at, capture) = (parts.next().unwrap(), parts.next().unwrap());
            let rest = parts.next().unwrap_or("");
            if let Some(first) = seen.insert(format!("{at} {rest}"), capture.to_string()) {
                panic!("{name}:{at} `{rest}` is captured as both @{first} and @{capture}");
            }
        }
    }
}

/// Every identifier of every file the reference parser accepts gets a highlight: a name in an
/// expression is coloured by what it is (a set, an entry, an enum value, a field, a condition),
/// not left as plain text for editors without the language server.
#[test]
fn every_name_in_the_corpus_is_captured() {
    let mut files = Vec::new();
    edict_files(&repo(), &mut files);
    let query = Query::new(
        &tree_sitter_edict::LANGUAGE.into(),
        tree_sitter_edict::HIGHLIGHTS_QUERY,
    )
    .unwrap();
    let mut parser = parser();
    let mut missing: BTreeSet<String> = BTreeSet::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if !edict_grammar::parse(&text).errors.is_empty() {
            continue;
        }
        let tree = parser.parse(&text, None).unwrap();
        let mut captured = std::collections::HashSet::new();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.captures(&query, tree.root_node(), text.as_bytes());
        while let Some((m, i)) = matches.next() {
            captured.insert(m.captures()[*i].node.id());
        }
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            let mut c = node.walk();
            stack.extend(node.children(&mut c));
            let named_leaf = node.kind() == "identifier" || node.kind() == "integer";
            if named_leaf && !captured.contains(&node.id()) {
                let parent = node.parent().unwrap();
                let field = (0..parent.child_count())
                    .find(|&k| parent.child(k).is_some_and(|ch| ch.id() == node.id()))
                    .and_then(|k| parent.field_name_for_child(k))
                    .unwrap_or("-");
                missing.insert(format!(
                    "{} in {}.{field} ({}:{})",
                    node.kind(),
                    parent.kind(),
                    f.strip_prefix(repo()).unwrap().display(),
                    node.start_position().row + 1
                ));
            }
        }
    }
    // One example per place in the tree.
    let mut by_place: std::collections::BTreeMap<String, String> = Default::default();
    for m in missing {
        let place = m.split(" (").next().unwrap().to_string();
        by_place.entry(place).or_insert(m);
    }
    assert!(
        by_place.is_empty(),
        "names without a highlight:\n{}",
        by_place.into_values().collect::<Vec<_>>().join("\n")
    );
}
