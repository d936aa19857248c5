//! Syntax errors as diagnostics: what the parser expected, an item read in part.

use edict_grammar::{ItemKind, Span, SyntaxErrorKind};

use crate::db::{Db, SourceFile};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::parse_file;

pub(super) fn syntax_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let path = file.path(db);
    let parsed = parse_file(db, file);
    let text = file.text(db);
    // An item read in part: the error does not lose the whole item.
    let recovered = |s: Span| {
        parsed
            .items
            .iter()
            .any(|i| i.span == s && !matches!(i.kind, ItemKind::Error))
    };
    parsed
        .errors
        .iter()
        .map(|e| {
            let code = match e.kind {
                SyntaxErrorKind::Unexpected | SyntaxErrorKind::SpacedUnit => Code::E0001,
                SyntaxErrorKind::TooDeep => Code::E0002,
                SyntaxErrorKind::TooLarge => Code::E0003,
                SyntaxErrorKind::UnterminatedString => Code::E0004,
                SyntaxErrorKind::StrayText => Code::E0005,
                SyntaxErrorKind::TooManyItems => Code::E0007,
                SyntaxErrorKind::StringTooLong => Code::E0008,
            };
            let mut d = Diagnostic::new(code, path, e.span, e.message.clone());
            d = match e.kind {
                SyntaxErrorKind::UnterminatedString => {
                    d.label("the string runs to the end of the line")
                }
                SyntaxErrorKind::TooDeep => d.label("the limit is passed here"),
                SyntaxErrorKind::TooLarge | SyntaxErrorKind::TooManyItems => {
                    d.label("the file is not read")
                }
                SyntaxErrorKind::StringTooLong => d.label("the string starts here"),
                SyntaxErrorKind::SpacedUnit => {
                    let joined = e.expected.first().map(|x| x.trim_matches('`').to_string());
                    let d = d.label(format!("write {}", join_or(&e.expected)));
                    match joined {
                        Some(fix) => d.suggest(e.span, fix),
                        None => d,
                    }
                }
                _ if !e.expected.is_empty() => {
                    d.label(format!("expected {}", join_or(&e.expected)))
                }
                _ => d,
            };
            let keyword = text
                .get(e.item_span.range())
                .and_then(|t| t.split_whitespace().next())
                .filter(|k| edict_grammar::ITEM_KEYWORDS.contains(k));
            let help = match (e.kind, keyword) {
                (SyntaxErrorKind::TooLarge | SyntaxErrorKind::TooManyItems, _) => {
                    "split the policy into several files".to_string()
                }
                (SyntaxErrorKind::StringTooLong, _) => {
                    "keep long texts outside the policy, and refer to them by name".to_string()
                }
                (SyntaxErrorKind::TooDeep, _) => {
                    "split the condition into simpler parts, or use a set".to_string()
                }
                (SyntaxErrorKind::UnterminatedString, _) => {
                    "add the closing `\"` on the same line".to_string()
                }
                (SyntaxErrorKind::SpacedUnit, _) => {
                    "write the number and its unit without a space, as in `144h` or `30d`"
                        .to_string()
                }
                (SyntaxErrorKind::Unexpected, Some("set")) => "a set states `from`, `until`, \
                    `announced N` (`announced N partial` when the source names only some) and \
                    `cite`, then its members in braces; this `set` was skipped, the rest of the \
                    file is still checked"
                    .to_string(),
                (SyntaxErrorKind::Unexpected, Some("amend")) => "an amendment states `from`, \
                    `announced N` and `cite`, then `add` and `remove` lines in braces; this \
                    `amend` was skipped, the rest of the file is still checked"
                    .to_string(),
                (SyntaxErrorKind::StrayText, _) => {
                    "every item starts with a keyword such as `rule`, `set` or `decision`"
                        .to_string()
                }
                (_, Some(k)) if recovered(e.item_span) => format!(
                    "this part of the `{k}` was skipped; its other entries and the rest of the file are still checked"
                ),
                (_, Some(k)) => {
                    format!("this `{k}` was skipped; the rest of the file is still checked")
                }
                _ => "this item was skipped; the rest of the file is still checked".to_string(),
            };
            d.help(help)
        })
        .collect()
}

pub(super) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
