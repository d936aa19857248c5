//! Completion: the names that fit where the cursor is, read from the tokens before it.
//!
//! Works on text that does not parse yet (it reads tokens, not the tree): after `in` it offers
//! the sets and places whose type fits the value on the left; after `field:` the values of the
//! field's type; after `for`, decisions; after `cite`, sources; at the start of an item, the
//! item keywords and snippets for a new rule, decision or test.

use edict_grammar::{Span, ITEM_KEYWORDS};

use crate::lex::{keywords, tokenize, Token, TokenKind};
use crate::resolve::{fields_of, output_of, readable_of};
use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind, Index, TypeName};
use edict_compiler::types::BUILTIN_TYPES;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    Keyword,
    Snippet,
    Param,
    Field,
    Set,
    Entity,
    Variant,
    Type,
    Decision,
    Rule,
    Source,
    /// A dated value or a relation.
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Text to insert instead of the label; a snippet with `${1:..}` tab stops when
    /// `snippet` is set.
    pub insert: Option<String>,
    pub snippet: bool,
}

impl CompletionItem {
    fn new(label: &str, kind: CompletionKind, detail: Option<String>) -> CompletionItem {
        CompletionItem {
            label: label.to_string(),
            kind,
            detail,
            insert: None,
            snippet: false,
        }
    }
}

/// Whether the space just typed before `offset` ends a word after which a name is expected
/// (`in `, `== `, `for `, `cite `, `field: `, ...): where a client asks for completion because
/// a space was typed, the server answers only there.
pub fn expects_name_after_space(text: &str, offset: usize) -> bool {
    const AFTER: &[&str] = &[
        "in", "for", "cite", "by", "covers", "expect", "given", "amend", "into",
    ];
    let before = text
        .get(..offset.min(text.len()))
        .unwrap_or("")
        .trim_end_matches([' ', '\t']);
    if ["==", "!=", ":", "->"]
        .iter()
        .any(|op| before.ends_with(op))
    {
        return true;
    }
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    AFTER.contains(&&before[start..])
}

/// The completions at `offset`, and the span of the word they replace.
pub fn complete(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    offset: usize,
    today: jiff::civil::Date,
) -> (Span, Vec<CompletionItem>) {
    let text = file.text(db);
    let offset = offset.min(text.len());
    let index = workspace_index(db, ws);
    let tokens: Vec<Token> = tokenize(text);
    // Inside a comment or a string: nothing to complete.
    let inside = |t: &Token| {
        let (start, end) = (t.span.start as usize, t.span.end as usize);
        let closed = end - start >= 2 && text[..end].ends_with('"');
        match t.kind {
            TokenKind::Comment | TokenKind::DocComment => start < offset && offset <= end,
            // A string that is not closed yet runs to the cursor.
            TokenKind::Text => start < offset && (offset < end || (offset == end && !closed)),
            _ => false,
        }
    };
    if tokens.iter().any(inside) {
        return (Span::new(offset, offset), Vec::new());
    }
    let before: Vec<Token> = tokens
        .into_iter()
        .filter(|t| {
            t.span.end as usize <= offset
                && !matches!(t.kind, TokenKind::Comment | TokenKind::DocComment)
        })
        .collect();
    let (word, before) = match before.split_last() {
        Some((last, rest)) if last.kind == TokenKind::Ident && last.span.end as usize == offset => {
            (last.span, rest)
        }
        _ => (Span::new(offset, offset), &before[..]),
    };
    let ctx = Context {
        text,
        index,
        tokens: before,
        timelines: edict_compiler::sets::set_timelines(db, ws),
        today,
    };
    let mut items = ctx.items();
    let prefix = &text[word.range()];
    items.retain(|i| {
        i.label.starts_with(prefix) || prefix.is_empty() || fuzzy_prefix(&i.label, prefix)
    });
    items.sort_by(|a, b| (rank(a.kind), &a.label).cmp(&(rank(b.kind), &b.label)));
    items.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
    (word, items)
}

/// The order kinds are listed in: what the context names first, keywords and snippets last.
fn rank(kind: CompletionKind) -> u8 {
    match kind {
        CompletionKind::Param => 0,
        CompletionKind::Field => 1,
        CompletionKind::Variant => 2,
        CompletionKind::Set => 3,
        CompletionKind::Value => 3,
        CompletionKind::Entity => 4,
        CompletionKind::Type => 5,
        CompletionKind::Decision => 6,
        CompletionKind::Rule => 7,
        CompletionKind::Source => 8,
        CompletionKind::Keyword => 9,
        CompletionKind::Snippet => 10,
    }
}

/// Does `label` contain the characters of `typed` in order (`tr144` matches `transit_144h_ports`)?
fn fuzzy_prefix(label: &str, typed: &str) -> bool {
    let mut chars = label.chars();
    typed
        .chars()
        .all(|c| chars.any(|l| l.eq_ignore_ascii_case(&c)))
        && label.chars().next().is_some_and(|l| typed.starts_with(l))
}

struct Context<'a> {
    text: &'a str,
    index: &'a Index,
    /// The tokens before the word being completed, comments left out.
    tokens: &'a [Token],
    /// For sets' member counts, the same as hover and inlay hints give.
    timelines: &'a edict_compiler::sets::Timelines,
    today: jiff::civil::Date,
}

impl Context<'_> {
    fn tok(&self, back: usize) -> Option<&str> {
        let i = self.tokens.len().checked_sub(back + 1)?;
        self.tokens.get(i).map(|t| &self.text[t.span.range()])
    }

    /// The tokens of the current item: from the last item keyword at the start of a line.
    fn item_start(&self) -> usize {
        self.tokens
            .iter()
            .rposition(|t| {
                let word = &self.text[t.span.range()];
                let at_line_start = self.text[..t.span.start as usize]
                    .rsplit('\n')
                    .next()
                    .is_some_and(|l| l.trim().is_empty());
                ITEM_KEYWORDS.contains(&word) && at_line_start
            })
            .unwrap_or(self.tokens.len())
    }

    fn word_at(&self, i: usize) -> Option<&str> {
        self.tokens.get(i).map(|t| &self.text[t.span.range()])
    }

    /// The brace depth of the cursor inside the current item.
    fn depth(&self, start: usize) -> i32 {
        self.tokens[start.min(self.tokens.len())..]
            .iter()
            .map(|t| match &self.text[t.span.range()] {
                "{" => 1,
                "}" => -1,
                _ => 0,
            })
            .sum()
    }

    /// The decision whose inputs are in scope: the item's own (decision) or the one it is `for`.
    fn decision(&self, start: usize) -> Option<String> {
        let keyword = self.word_at(start)?;
        if keyword == "decision" {
            return self.word_at(start + 1).map(str::to_string);
        }
        let i = (start..self.tokens.len()).find(|&i| self.word_at(i) == Some("for"))?;
        self.word_at(i + 1).map(str::to_string)
    }

    fn params(&self, start: usize) -> Vec<(String, TypeName)> {
        // In a relation's values, `key` is the key read.
        // Read from the header's tokens (`relation NAME: KEY -> ...`): while a value is being
        // typed the relation does not parse.
        if self.word_at(start) == Some("relation") {
            return match (self.word_at(start + 2), self.word_at(start + 3)) {
                (Some(":"), Some(key)) => vec![(
                    edict_compiler::values::KEY.to_string(),
                    TypeName {
                        name: key.to_string(),
                        arg: None,
                        optional: false,
                    },
                )],
                _ => Vec::new(),
            };
        }
        match self
            .decision(start)
            .and_then(|d| self.index.kind(&d).cloned())
        {
            Some(DeclKind::Decision { params, .. }) => params,
            _ => Vec::new(),
        }
    }

    /// The type of the dotted path ending at token `end` (exclusive), like `t.arrival_port`.
    fn path_type(&self, end: usize, params: &[(String, TypeName)]) -> Option<TypeName> {
        let mut parts = Vec::new();
        let mut i = end;
        loop {
            let w = self.word_at(i.checked_sub(1)?)?;
            if !w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                return None;
            }
            parts.push(w);
            i -= 1;
            if i >= 2 && self.word_at(i - 1) == Some(".") {
                i -= 1;
            } else {
                break;
            }
        }
        parts.reverse();
        let (first, rest) = parts.split_first()?;
        let mut ty = match params.iter().find(|(p, _)| p == first) {
            Some((_, t)) => t.clone(),
            None => match self.index.kind(first)? {
                DeclKind::Entity { ty, .. } => plain(ty),
                _ => return None,
            },
        };
        for field in rest {
            ty = readable_of(self.index, &ty.name)
                .into_iter()
                .find(|(f, _)| f == field)?
                .1;
        }
        Some(ty)
    }

    /// The record type of the innermost open `{` before the cursor, with the item's inputs.
    fn record_owner(&self, start: usize, params: &[(String, TypeName)]) -> Option<TypeName> {
        let mut depth = 0;
        let mut i = self.tokens.len();
        while i > start {
            i -= 1;
            match self.word_at(i)? {
                "}" => depth += 1,
                "{" if depth > 0 => depth -= 1,
                "{" => {
                    let before = self.word_at(i.checked_sub(1)?)?;
                    return match before {
                        "then" | "expect" | "otherwise" => {
                            output_of(self.index, &self.decision(start)?)
                        }
                        "=" => {
                            let param = self.word_at(i.checked_sub(2)?)?;
                            params
                                .iter()
                                .find(|(p, _)| p == param)
                                .map(|(_, t)| t.clone())
                        }
                        ":" => {
                            let field = self.word_at(i.checked_sub(2)?)?;
                            let outer = self.record_owner_before(i - 2, start, params)?;
                            fields_of(self.index, &outer.name)
                                .iter()
                                .find(|(f, _)| f == field)
                                .map(|(_, t)| t.clone())
                        }
                        _ if self.word_at(start) == Some("catalogue") => {
                            self.word_at(start + 1).map(plain)
                        }
                        _ => None,
                    };
                }
                _ => {}
            }
        }
        None
    }

    fn record_owner_before(
        &self,
        end: usize,
        start: usize,
        params: &[(String, TypeName)],
    ) -> Option<TypeName> {
        let inner = Context {
            text: self.text,
            index: self.index,
            tokens: self.tokens.get(..end)?,
            timelines: self.timelines,
            today: self.today,
        };
        inner.record_owner(start, params)
    }

    fn items(&self) -> Vec<CompletionItem> {
        let start = self.item_start();
        let prev = self.tok(0);
        if start == self.tokens.len() || (prev == Some("}") && self.depth(start) == 0) {
            return item_level();
        }
        let keyword = self.word_at(start).unwrap_or("");
        let params = self.params(start);
        let depth = self.depth(start);
        let n = self.tokens.len();
        match prev {
            Some(".") => {
                let base = self.word_at(n.wrapping_sub(2));
                if let Some(DeclKind::Enum { variants }) = base.and_then(|b| self.index.kind(b)) {
                    return variants
                        .iter()
                        .map(|v| {
                            CompletionItem::new(
                                v,
                                CompletionKind::Variant,
                                base.map(str::to_string),
                            )
                        })
                        .collect();
                }
                let Some(ty) = self.path_type(n - 1, &params) else {
                    return Vec::new();
                };
                return readable_of(self.index, &ty.name)
                    .iter()
                    .map(|(f, t)| {
                        CompletionItem::new(f, CompletionKind::Field, Some(t.to_string()))
                    })
                    .collect();
            }
            Some("in") => {
                let ty = if self.tok(1) == Some("not") {
                    self.path_type(n - 2, &params)
                } else {
                    self.path_type(n - 1, &params)
                };
                return self.containers(ty.as_ref());
            }
            Some("==" | "!=") | Some("=") if self.tok(1).is_some_and(|t| t == "!" || t == "=") => {
                let ty = self.path_type(n - 2, &params);
                return ty.map_or_else(Vec::new, |t| self.values_of(&t));
            }
            Some("for") => {
                return self.decls(
                    |k| matches!(k, DeclKind::Decision { .. }),
                    CompletionKind::Decision,
                )
            }
            // `cite s`, and `until 2024-12-17 by s`: a source.
            Some("cite") | Some("by") if keyword != "entity" => {
                return self.decls(
                    |k| matches!(k, DeclKind::Source { .. }),
                    CompletionKind::Source,
                )
            }
            Some("covers") => {
                return self.decls(|k| matches!(k, DeclKind::Set { .. }), CompletionKind::Set)
            }
            Some("rule") if self.tok(1) == Some("expect") => {
                let decision = self.decision(start);
                return self.decls(
                    |k| matches!(k, DeclKind::Rule { decision: d } if Some(d) == decision.as_ref()),
                    CompletionKind::Rule,
                );
            }
            Some("expect") => {
                return ["rule", "otherwise"]
                    .iter()
                    .map(|k| CompletionItem::new(k, CompletionKind::Keyword, None))
                    .collect()
            }
            // An input, or in a test a shared request of its decision (`given beijing_visit`).
            Some("given") => {
                let mut out: Vec<CompletionItem> = params
                    .iter()
                    .map(|(p, t)| {
                        CompletionItem::new(p, CompletionKind::Param, Some(t.to_string()))
                    })
                    .collect();
                if keyword == "test" {
                    let decision = self.decision(start);
                    out.extend(self.decls(
                        |k| matches!(k, DeclKind::Request { decision: d } if Some(d) == decision.as_ref()),
                        CompletionKind::Rule,
                    ));
                }
                return out;
            }
            Some("amend") => {
                return self.decls(|k| matches!(k, DeclKind::Set { .. }), CompletionKind::Set)
            }
            Some(":") => {
                let declares_types = matches!(keyword, "record" | "entity" | "set")
                    || (keyword == "decision" && depth == 0);
                if declares_types {
                    return self.types();
                }
                if let Some(field) = self.tok(1) {
                    let owner = self.record_owner(start, &params);
                    if let Some(ty) = owner.and_then(|o| {
                        fields_of(self.index, &o.name)
                            .iter()
                            .find(|(f, _)| f == field)
                            .map(|(_, t)| t.clone())
                    }) {
                        return self.values_of(&ty);
                    }
                }
                return Vec::new();
            }
            Some("->") | Some(">") if keyword == "decision" => return self.types(),
            _ => {}
        }
        // Set members, and `add` / `remove` lists.
        if matches!(keyword, "set" | "amend") && depth > 0 {
            let set_elem = match keyword {
                "set" => (start..n)
                    .find(|&i| self.word_at(i) == Some(":"))
                    .and_then(|i| self.word_at(i + 1))
                    .map(plain),
                _ => self
                    .word_at(start + 1)
                    .and_then(|s| match self.index.kind(s) {
                        Some(DeclKind::Set { elem, .. }) => Some(elem.clone()),
                        _ => None,
                    }),
            };
            return match set_elem {
                Some(t) => self.values_of(&t),
                None => Vec::new(),
            };
        }
        // Inside a record literal, at a field name.
        if matches!(prev, Some("{" | ","))
            || (depth > 0
                && matches!(keyword, "catalogue" | "test")
                && prev.is_some_and(|p| p != ":"))
        {
            if let Some(owner) = self.record_owner(start, &params) {
                let fields: Vec<CompletionItem> = fields_of(self.index, &owner.name)
                    .iter()
                    .map(|(f, t)| {
                        let mut item =
                            CompletionItem::new(f, CompletionKind::Field, Some(t.to_string()));
                        item.insert = Some(format!("{f}: "));
                        item
                    })
                    .collect();
                if !fields.is_empty() {
                    return fields;
                }
            }
        }
        // Anywhere else in an item: its inputs, the workspace's values, the keywords.
        let mut out: Vec<CompletionItem> = params
            .iter()
            .map(|(p, t)| CompletionItem::new(p, CompletionKind::Param, Some(t.to_string())))
            .collect();
        out.extend(self.decls(|k| matches!(k, DeclKind::Set { .. }), CompletionKind::Set));
        if matches!(keyword, "rule" | "condition") {
            out.extend(self.decls(
                |k| matches!(k, DeclKind::Value { .. }),
                CompletionKind::Value,
            ));
        }
        out.extend(self.decls(
            |k| matches!(k, DeclKind::Entity { .. }),
            CompletionKind::Entity,
        ));
        out.extend(
            keywords()
                .filter(|k| !ITEM_KEYWORDS.contains(k))
                .map(|k| CompletionItem::new(k, CompletionKind::Keyword, None)),
        );
        out
    }

    fn decls(&self, f: impl Fn(&DeclKind) -> bool, kind: CompletionKind) -> Vec<CompletionItem> {
        self.index
            .defs
            .iter()
            .filter_map(|(name, defs)| {
                let d = defs.first()?;
                f(&d.decl.kind).then(|| {
                    let detail = match &d.decl.kind {
                        DeclKind::Set { elem, .. } => {
                            let n = self
                                .timelines
                                .sets
                                .get(name)
                                .and_then(|t| t.members_at(self.today))
                                .map_or(0, |m| m.len());
                            format!(
                                "set of {} ({n} member{} on {})",
                                elem,
                                if n == 1 { "" } else { "s" },
                                self.today
                            )
                        }
                        other => detail(other),
                    };
                    CompletionItem::new(name, kind, Some(detail))
                })
            })
            .collect()
    }

    fn types(&self) -> Vec<CompletionItem> {
        let mut out: Vec<CompletionItem> = BUILTIN_TYPES
            .iter()
            .map(|t| CompletionItem::new(t, CompletionKind::Type, Some("built-in type".into())))
            .collect();
        out.extend(self.decls(DeclKind::is_type, CompletionKind::Type));
        out
    }

    /// The values a place of type `ty` accepts: entities of the type, enum values, booleans.
    fn values_of(&self, ty: &TypeName) -> Vec<CompletionItem> {
        match self.index.kind(&ty.name) {
            Some(DeclKind::Enum { variants }) => variants
                .iter()
                .map(|v| CompletionItem::new(v, CompletionKind::Variant, Some(ty.name.clone())))
                .collect(),
            Some(DeclKind::EntityType { .. }) => self.decls(
                |k| matches!(k, DeclKind::Entity { ty: t, .. } if self.index.type_within(t, &ty.name)),
                CompletionKind::Entity,
            ),
            _ if ty.name == "Bool" => ["true", "false"]
                .iter()
                .map(|k| CompletionItem::new(k, CompletionKind::Keyword, None))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// What a value of type `ty` can be `in`: sets of its type and the places above it.
    fn containers(&self, ty: Option<&TypeName>) -> Vec<CompletionItem> {
        let index = self.index;
        let mut out = self.decls(
            |k| match (k, ty) {
                (DeclKind::Set { elem, .. }, Some(t)) => {
                    elem.name == t.name || index.type_within(&t.name, &elem.name)
                }
                (DeclKind::Set { .. }, None) => true,
                _ => false,
            },
            CompletionKind::Set,
        );
        out.extend(self.decls(
            |k| match (k, ty) {
                (DeclKind::Entity { ty: et, .. }, Some(t)) => {
                    et != &t.name && index.type_within(&t.name, et)
                }
                _ => false,
            },
            CompletionKind::Entity,
        ));
        out
    }
}

fn plain(name: &str) -> TypeName {
    TypeName {
        name: name.to_string(),
        arg: None,
        optional: false,
    }
}

fn detail(kind: &DeclKind) -> String {
    match kind {
        DeclKind::Set { elem, members, .. } => {
            format!("set of {} ({} listed)", elem, members.len())
        }
        DeclKind::Entity { ty, parent } => match parent {
            Some(p) => format!("{ty} in {p}"),
            None => ty.clone(),
        },
        DeclKind::Decision { output, .. } => format!("decision -> {}", output),
        DeclKind::Rule { decision } => format!("rule for {decision}"),
        DeclKind::Test { decision } => format!("test for {decision}"),
        DeclKind::Value { key: None, ty } => format!("dated value: {}", ty),
        DeclKind::Value { key: Some(k), ty } => {
            format!("relation {} -> {}", k, ty)
        }
        other => other.noun().to_string(),
    }
}

/// At the start of an item: item keywords and snippets.
fn item_level() -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = ITEM_KEYWORDS
        .iter()
        .map(|k| CompletionItem::new(k, CompletionKind::Keyword, None))
        .collect();
    let snippets = [
        (
            "rule …",
            "a new rule with a citation and a start date",
            "rule ${1:name} for ${2:decision} {\n  cite ${3:source} item ${4:1}\n  from ${5:2025-11-05}\n  when ${6:condition}\n  then ${7:outcome}\n}",
        ),
        (
            "test …",
            "a new test of a decision",
            "test ${1:name} for ${2:decision} {\n  given ${3:input} = ${4:value}\n  expect ${5:outcome}\n}",
        ),
        (
            "decision …",
            "a new decision",
            "decision ${1:name}(${2:t}: ${3:Type}) -> ${4:Outcome} {\n  as of ${5:t.arrival}\n  otherwise ${6:outcome}\n}",
        ),
        (
            "set …",
            "a new set",
            "set ${1:name}: ${2:Type} {\n  ${3:members}\n}",
        ),
    ];
    for (label, detail, body) in snippets {
        out.push(CompletionItem {
            label: label.to_string(),
            kind: CompletionKind::Snippet,
            detail: Some(detail.to_string()),
            insert: Some(body.to_string()),
            snippet: true,
        });
    }
    out
}

#[cfg(test)]
mod space_tests {
    use super::expects_name_after_space as expects;

    #[test]
    fn a_space_asks_for_names_only_where_one_is_expected() {
        for typed in [
            "  when t.arrival_port in ",
            "  when t.origin not in ",
            "  when t.lane == ",
            "rule r for ",
            "set s: Port { a } cite ",
            "  expect { status: ",
            "decision d(t: T) -> ",
            "  when 横琴 in ",
        ] {
            assert!(expects(typed, typed.len()), "{typed:?}");
        }
        for typed in [
            "  when ",
            "  when t.arrival_port ",
            "  and ",
            "rule ",
            "  when t.lane == a ",
        ] {
            assert!(!expects(typed, typed.len()), "{typed:?}");
        }
    }
}
