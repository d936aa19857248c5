//! Parser behaviour: the tree of every construct, recovery, comments and spans.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_grammar::{parse, CommentKind, ItemKind, SyntaxErrorKind};

const EVERY_CONSTRUCT: &str = r#"// A line comment.
/// The announcement.
source nia { title: "NIA 公告", published: 2025-11-05, items: 4 }
enum PortKind { airport, seaport, }
entity Port in City? { name: Text, kind: PortKind, validity: Range<Period> }
record Traveller { port: Port, arrival: DateTime }
catalogue Port {
  hengqin in zhuhai { name: "横琴口岸", kind: airport }
  pvg
}
set ports: Port from 2013-01-01 announced 60 cite nia item 4 { hengqin, pvg }
amend ports from 2025-11-05 cite nia item 4 announced 65 partial {
  add a, b
  remove c
}
set trial: Port from 2023-12-01 until 2026-01-01 announced 12 partial { hengqin }
set designated: Port = ports union (trial except ports) intersect trial
amend trial from 2025-01-01 {
  move hengqin into ports
}
condition eligible for transit {
  when t.nationality in countries and t.onward != t.origin
}
decision transit(t: Traveller) -> Entry {
  as of t.arrival
  hit priority
  otherwise { status: visa_required }
}
rule r for transit {
  from 2025-11-05
  until 2026-01-01
  cite nia item 4
  priority 2
  when not (t.port not in ports) and t.departure - t.arrival <= 144h or t.x in 1y..5y
  then { status: visa_free, max_stay: 144h, note: "a \"quoted\" \u{6A2A}" }
}
test t1 for transit {
  given t = { arrival: 2025-11-10T10:00:30 }
  expect { status: visa_free }
  expect rule r
  expect otherwise
}
labels {
  transit { en: "Visa-free transit", zh: "免签过境" }
  Traveller.port { en: "the port", zh: "口岸", }
}
"#;

#[test]
fn every_construct_parses_to_the_snapshotted_tree() {
    let file = parse(EVERY_CONSTRUCT);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    insta::assert_yaml_snapshot!(file);
}

#[test]
fn doc_comments_attach_to_the_next_item() {
    let file = parse(EVERY_CONSTRUCT);
    assert_eq!(file.items[0].doc.as_deref(), Some("The announcement."));
    assert_eq!(file.items[1].doc, None);
    assert_eq!(file.comments.len(), 2);
    assert_eq!(file.comments[0].kind, CommentKind::Line);
    assert_eq!(file.comments[1].kind, CommentKind::Doc);
}

#[test]
fn one_error_per_broken_item_and_intact_items_kept() {
    let text = "rule a for d {\n  when x ==\n}\nset s: T { a }\nrule b for d {\n  then { x: }\n}\nenum E { a }\n";
    let file = parse(text);
    assert_eq!(file.errors.len(), 2, "{:?}", file.errors);
    let kinds: Vec<&str> = file.items.iter().map(|i| i.keyword()).collect();
    assert_eq!(kinds, ["error", "set", "error", "enum"]);
    // The first is at the `==` that ends its line without an operand, not at the `}` below.
    assert_eq!(&text[file.errors[0].span.range()], "==");
    assert!(
        file.errors[0].message.starts_with("unfinished"),
        "{:?}",
        file.errors
    );
    assert!(file.errors[0]
        .expected
        .contains(&"an expression".to_string()));
}

#[test]
fn an_unclosed_brace_does_not_swallow_the_next_item() {
    let file = parse("set s: T { a, b\nenum E { x }\n");
    assert_eq!(file.errors.len(), 1);
    assert!(matches!(file.items[1].kind, ItemKind::Enum(_)));
}

#[test]
fn spans_exclude_trailing_comments_and_count_bytes() {
    let text =
        "rule r for d {\n  when t.name == \"横琴 🎉\" or t.a <= 1h // trailing\n  then {}\n}\n";
    let file = parse(text);
    let ItemKind::Rule(r) = &file.items[0].kind else {
        panic!()
    };
    let when = r.when.as_ref().unwrap();
    assert_eq!(
        &text[when.span.range()],
        "t.name == \"横琴 🎉\" or t.a <= 1h"
    );
}

#[test]
fn reserved_words_are_not_names() {
    let file = parse("set and: T { a }\n");
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].kind, SyntaxErrorKind::Unexpected);
}

#[test]
fn unterminated_strings_and_stray_text() {
    let file = parse("hello\nsource s { title: \"open }\n");
    let kinds: Vec<_> = file.errors.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            SyntaxErrorKind::StrayText,
            SyntaxErrorKind::UnterminatedString
        ]
    );
}
