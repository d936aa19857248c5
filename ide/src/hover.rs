//! Hover: what the name or literal under the cursor is, in Markdown.
//!
//! A set shows its members on the given day and its amendment history; a rule its citation and
//! period; a duration its value in hours and days; every declaration its doc comment.

use std::fmt::Write as _;

use edict_grammar::{ItemKind, Span};
use edict_runtime::value::{parse_duration, Value};
use jiff::civil::Date;

use crate::lex::{tokenize, TokenKind};
use crate::resolve::{file_symbols, Target};
use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind, Index};
use edict_compiler::sets::set_timelines;
use edict_compiler::syntax::parse_file;

/// The text shown for a hover, and the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

fn code(text: &str) -> String {
    format!("```edict\n{text}\n```")
}

/// The hover at a byte offset of `file`; `today` is the day set members are shown for.
pub fn hover(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    offset: usize,
    today: Date,
) -> Option<Hover> {
    let text = file.text(db);
    if let Some(tok) = tokenize(text).into_iter().find(|t| {
        t.kind == TokenKind::Number
            && t.span.start as usize <= offset
            && offset <= t.span.end as usize
    }) {
        let literal = &text[tok.span.range()];
        if let Some(markdown) = literal_hover(literal) {
            return Some(Hover {
                span: tok.span,
                markdown,
            });
        }
    }
    let symbols = file_symbols(db, ws, file);
    let occ = symbols.at(offset)?;
    let markdown = describe(db, ws, &occ.target, today)?;
    Some(Hover {
        span: occ.span,
        markdown,
    })
}

/// Durations in hours and days; dates with their weekday.
fn literal_hover(literal: &str) -> Option<String> {
    match parse_duration(literal)? {
        Value::Duration(secs) => Some(format!(
            "**{literal}**: an exact duration\n\n= {}",
            duration_words(secs)
        )),
        Value::Period(months) => Some(format!(
            "**{literal}**: a calendar period of {months} month{}\n\nIts length in days depends on the date it is added to.",
            if months == 1 { "" } else { "s" }
        )),
        _ => None,
    }
    .or_else(|| {
        let date: Date = literal.parse().ok()?;
        Some(format!("**{literal}**: {:?}", date.weekday()))
    })
}

/// `144 hours = 6 days`, `90 minutes = 1.5 hours`, `30 days = 720 hours`.
pub fn duration_words(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if secs % 60 == 0 && secs % 3600 != 0 {
        parts.push(plural(secs / 60, "minute"));
    }
    if secs % 3600 == 0 {
        parts.push(plural(secs / 3600, "hour"));
    } else if secs >= 3600 {
        parts.push(format!("{:.2} hours", secs as f64 / 3600.0));
    }
    if secs % 86_400 == 0 {
        parts.push(plural(secs / 86_400, "day"));
    } else if secs >= 86_400 {
        parts.push(format!("{:.2} days", secs as f64 / 86_400.0));
    }
    if parts.is_empty() {
        parts.push(plural(secs, "second"));
    }
    parts.join(" = ")
}

/// The Markdown describing a target, with its label when it has one (what readers see).
pub fn describe(db: &dyn Db, ws: Workspace, target: &Target, today: Date) -> Option<String> {
    let mut out = describe_target(db, ws, target, today)?;
    let path = match target {
        Target::Decl(name) => name.clone(),
        Target::Variant { enum_name, name } => format!("{enum_name}.{name}"),
        Target::Field { owner, name } => format!("{owner}.{name}"),
        _ => return Some(out),
    };
    if let Some(l) = edict_compiler::labels::workspace_labels(db, ws).get(&path) {
        let texts: Vec<String> = [&l.en, &l.zh]
            .into_iter()
            .flatten()
            .map(|t| format!("\"{t}\""))
            .collect();
        if !texts.is_empty() {
            let _ = write!(out, "\n\nShown to readers as {}.", texts.join(" · "));
        }
    }
    Some(out)
}

fn describe_target(db: &dyn Db, ws: Workspace, target: &Target, today: Date) -> Option<String> {
    let index = workspace_index(db, ws);
    match target {
        Target::Decl(name) => describe_decl(db, ws, index, name, today),
        Target::Param { decision, name } => {
            let ty = match index.kind(decision)? {
                DeclKind::Decision { params, .. } => {
                    params.iter().find(|(p, _)| p == name)?.1.clone()
                }
                // `key` in a relation's value.
                DeclKind::Value { key: Some(k), .. } => {
                    let mut out = code(&format!("{name}: {}", k));
                    let _ = write!(
                        out,
                        "\n\nThe key a value of `{decision}` is read for: `[key.city]` is the key's own city."
                    );
                    return Some(out);
                }
                _ => return None,
            };
            let mut out = code(&format!("{name}: {}", ty));
            let _ = write!(out, "\n\nInput of decision `{decision}`.");
            if let Some(doc) = doc_of(db, index, &ty.name) {
                let _ = write!(out, "\n\n---\n\n`{}`: {doc}", ty.name);
            }
            Some(out)
        }
        Target::Variant { enum_name, name } => {
            let mut out = code(&format!("{enum_name}.{name}"));
            let _ = write!(out, "\n\nA value of the enum `{enum_name}`.");
            Some(out)
        }
        Target::Field { owner, name } => {
            let ty = crate::resolve::fields_of(index, owner)
                .iter()
                .find(|(f, _)| f == name)?
                .1
                .clone();
            let mut out = code(&format!("{name}: {}", ty));
            let _ = write!(out, "\n\nField of `{owner}`.");
            Some(out)
        }
        Target::Parent { owner, name, ty } => {
            let optional = index.ancestor_accessor(owner, name).is_some_and(|(_, o)| o);
            let mut out = code(&format!(".{name}: {ty}{}", if optional { "?" } else { "" }));
            let _ = write!(
                out,
                "\n\nThe `{ty}` a `{owner}` lies in, through the catalogue's `in`{}.",
                if optional {
                    "; absent where a parent on the way is missing"
                } else {
                    ""
                }
            );
            Some(out)
        }
        Target::Builtin(name) => Some(format!(
            "{}\n\nA built-in type: {}.",
            code(name),
            match name.as_str() {
                "Bool" => "`true` or `false`",
                "Int" => "a whole number",
                "Text" => "a text in double quotes",
                "Date" => "a calendar day, written `2025-11-05`",
                "DateTime" => "a day and a time of day, written `2025-11-05T10:00`",
                "Duration" => "an exact length of time: `90min`, `144h`, `30d`, `2w`",
                "Period" => "a calendar length of time: `6mo`, `5y`",
                "Range" => "the values from one bound to another, written `a..b`",
                _ => "a value",
            }
        )),
    }
}

fn doc_of(db: &dyn Db, index: &Index, name: &str) -> Option<String> {
    let def = index.get(name)?;
    if def.decl.entry.is_some() {
        return None;
    }
    let parsed = parse_file(db, def.file);
    parsed.items.get(def.decl.item as usize)?.doc.clone()
}

fn describe_decl(
    db: &dyn Db,
    ws: Workspace,
    index: &Index,
    name: &str,
    today: Date,
) -> Option<String> {
    let def = index.get(name)?;
    let parsed = parse_file(db, def.file);
    let item = parsed.items.get(def.decl.item as usize)?;
    let mut out;
    match &def.decl.kind {
        DeclKind::Set {
            elem,
            announced,
            formula,
            ..
        } => {
            out = match formula {
                Some(f) => code(&format!("set {name}: {} = {}", elem, f.text())),
                None => code(&format!("set {name}: {}", elem)),
            };
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
            let timelines = set_timelines(db, ws);
            if let Some(tl) = timelines.sets.get(name) {
                match tl.members_at(today) {
                    Some(_) if tl.ended.is_some_and(|e| e <= today) => {
                        let _ = write!(out, "\n\nThe set ended on {}.", tl.ended.unwrap_or(today));
                    }
                    Some(members) => {
                        let _ = write!(
                            out,
                            "\n\n**{} member{} on {today}**: {}",
                            members.len(),
                            if members.len() == 1 { "" } else { "s" },
                            list(members.iter().map(String::as_str), 40)
                        );
                    }
                    None => {
                        let _ = write!(out, "\n\nThe set does not exist yet on {today}.");
                    }
                }
                let latest = tl.slices.iter().rev().find(|s| s.announced.is_some());
                if let Some(a) = latest.and_then(|s| s.announced).or(*announced) {
                    let part = if latest.is_some_and(|s| s.partial) {
                        " (the list names only some, knowingly)"
                    } else {
                        ""
                    };
                    let _ = write!(out, "\n\nAnnounced count: {a}{part}.");
                }
                if tl.slices.len() > 1 || tl.created.is_some() {
                    out.push_str("\n\n**History**");
                    let mut previous: Option<&std::collections::BTreeSet<String>> = None;
                    for slice in &tl.slices {
                        let when = slice
                            .from
                            .map_or("from the start".to_string(), |d| format!("from {d}"));
                        let change = match previous {
                            _ if slice.from.is_some() && slice.from == tl.ended => {
                                "the set ends".to_string()
                            }
                            None => format!("{} listed", slice.members.len()),
                            Some(prev) => {
                                let added: Vec<&str> =
                                    slice.members.difference(prev).map(String::as_str).collect();
                                let removed: Vec<&str> = prev
                                    .difference(&slice.members)
                                    .map(String::as_str)
                                    .collect();
                                let mut parts = Vec::new();
                                if !added.is_empty() {
                                    parts.push(format!("added {}", list(added.into_iter(), 10)));
                                }
                                if !removed.is_empty() {
                                    parts
                                        .push(format!("removed {}", list(removed.into_iter(), 10)));
                                }
                                if parts.is_empty() {
                                    parts.push("no change".into());
                                }
                                parts.join("; ")
                            }
                        };
                        let announced = slice
                            .announced
                            .map_or(String::new(), |a| format!(", announced {a}"));
                        let n = slice.members.len();
                        let _ = write!(
                            out,
                            "\n- {when}: {change} ({n} member{}{announced})",
                            if n == 1 { "" } else { "s" }
                        );
                        previous = Some(&slice.members);
                    }
                }
            }
        }
        DeclKind::Entity { ty, parent } => {
            let header = match parent {
                Some(p) => format!("{name}: {ty} in {p}"),
                None => format!("{name}: {ty}"),
            };
            out = code(&header);
            if let (ItemKind::Catalogue(c), Some(entry)) = (&item.kind, def.decl.entry) {
                if let Some(e) = c.entries.get(entry as usize) {
                    if !e.fields.is_empty() {
                        out.push('\n');
                    }
                    for f in &e.fields {
                        let _ = write!(out, "\n- {}: {}", f.name.name, f.value);
                    }
                }
            }
            let ancestors = index.entity_ancestors(name);
            if !ancestors.is_empty() {
                let _ = write!(out, "\n\nWithin: {}", ancestors.join(" › "));
            }
            let timelines = set_timelines(db, ws);
            let sets: Vec<&str> = timelines
                .sets
                .iter()
                .filter(|(_, tl)| tl.members_at(today).is_some_and(|m| m.contains(name)))
                .map(|(s, _)| s.as_str())
                .collect();
            if !sets.is_empty() {
                let _ = write!(
                    out,
                    "\n\nMember on {today} of: {}",
                    list(sets.into_iter(), 20)
                );
            }
        }
        DeclKind::Decision {
            params,
            output,
            hit,
        } => {
            let params: Vec<String> = params.iter().map(|(n, t)| format!("{n}: {}", t)).collect();
            out = code(&format!(
                "decision {name}({}) -> {}",
                params.join(", "),
                output
            ));
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
            let rules = count_of(
                index,
                |k| matches!(k, DeclKind::Rule { decision } if decision == name),
            );
            let tests = count_of(
                index,
                |k| matches!(k, DeclKind::Test { decision } if decision == name),
            );
            let _ = write!(
                out,
                "\n\nHit policy `{}`; {rules} rule{}, {tests} test{}.",
                hit.as_str(),
                if rules == 1 { "" } else { "s" },
                if tests == 1 { "" } else { "s" }
            );
        }
        DeclKind::Value { key, ty } => {
            out =
                crate::values::describe(db, ws, name, key.as_ref(), ty, item.doc.as_deref(), today);
        }
        DeclKind::Condition { decision } => {
            out = code(&format!("condition {name} for {decision}"));
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
            if let ItemKind::Condition(c) = &item.kind {
                if let Some(w) = &c.when {
                    let _ = write!(out, "\n\n{}", code(&format!("when {}", w)));
                }
            }
        }
        DeclKind::Rule { decision } => {
            out = code(&format!("rule {name} for {decision}"));
            if let ItemKind::Rule(r) = &item.kind {
                let from = r.from.as_ref().map(ToString::to_string);
                let until = r.until.as_ref().map(|u| match &r.ended_by {
                    Some(c) => match &c.item {
                        Some(n) => format!("{} (ended by `{}` item {})", u, c.source.name, n.text),
                        None => format!("{} (ended by `{}`)", u, c.source.name),
                    },
                    None => u.to_string(),
                });
                let period = match (from, until) {
                    (Some(f), Some(u)) => format!("from {f} until {u} (excluded)"),
                    (Some(f), None) => format!("from {f}, with no end"),
                    (None, Some(u)) => format!("until {u} (excluded)"),
                    (None, None) => "always (no `from` or `until`)".to_string(),
                };
                let _ = write!(out, "\n\nIn force: {period}.");
                if let Some(c) = &r.cite {
                    let title = source_title(db, index, &c.source.name);
                    let item_no = c
                        .item
                        .as_ref()
                        .map_or(String::new(), |n| format!(", item {}", n.text));
                    let _ = write!(out, "\n\nCites: `{}`{item_no}{title}.", c.source.name);
                }
            }
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
        }
        DeclKind::Test { decision } => {
            out = code(&format!("test {name} for {decision}"));
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
        }
        DeclKind::Request { decision } => {
            out = code(&format!("request {name} for {decision}"));
            if let ItemKind::Request(r) = &item.kind {
                for g in &r.givens {
                    let _ = write!(out, "\n\n`given {} = {}`", g.param.name, g.value);
                }
            }
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
        }
        DeclKind::Enum { variants } => {
            out = code(&format!("enum {name} {{ {} }}", variants.join(", ")));
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
        }
        DeclKind::Record { fields } | DeclKind::EntityType { fields, .. } => {
            let keyword = if matches!(def.decl.kind, DeclKind::Record { .. }) {
                "record"
            } else {
                "entity"
            };
            let parent = match &def.decl.kind {
                DeclKind::EntityType {
                    parent: Some(p), ..
                } => format!(" in {}", p),
                _ => String::new(),
            };
            let mut header = format!("{keyword} {name}{parent}");
            if !fields.is_empty() {
                header.push_str(" {");
                for (f, t) in fields {
                    let _ = write!(header, "\n  {f}: {}", t);
                }
                header.push_str("\n}");
            }
            out = code(&header);
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
        }
        DeclKind::Source { items, .. } => {
            out = code(&format!("source {name}"));
            if let ItemKind::Source(s) = &item.kind {
                if !s.fields.is_empty() {
                    out.push('\n');
                }
                for f in &s.fields {
                    let _ = write!(out, "\n- {}: {}", f.name.name, f.value);
                }
            } else if let Some(n) = items {
                let _ = write!(out, "\n\n{n} items");
            }
            if let Some(doc) = &item.doc {
                let _ = write!(out, "\n\n{doc}");
            }
        }
    }
    Some(out)
}

fn source_title(db: &dyn Db, index: &Index, source: &str) -> String {
    let Some(def) = index.get(source) else {
        return String::new();
    };
    let parsed = parse_file(db, def.file);
    match parsed.items.get(def.decl.item as usize).map(|i| &i.kind) {
        Some(ItemKind::Source(s)) => s
            .fields
            .iter()
            .find(|f| f.name.name == "title")
            .map_or(String::new(), |f| format!(" ({})", f.value)),
        _ => String::new(),
    }
}

fn count_of(index: &Index, f: impl Fn(&DeclKind) -> bool) -> usize {
    index
        .defs
        .values()
        .filter_map(|d| d.first())
        .filter(|d| f(&d.decl.kind))
        .count()
}

/// `a, b, c` with at most `max` names, then "and N more".
fn list<'a>(names: impl Iterator<Item = &'a str>, max: usize) -> String {
    let all: Vec<&str> = names.collect();
    let shown: Vec<String> = all.iter().take(max).map(|n| format!("`{n}`")).collect();
    let mut s = shown.join(", ");
    if all.len() > max {
        let _ = write!(s, " and {} more", all.len() - max);
    }
    if s.is_empty() {
        s.push_str("none");
    }
    s
}
