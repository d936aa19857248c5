//! The `missing_labels` lint (W0505): a name the published site shows to readers, without a
//! label in English and Chinese. Off unless a workspace's `edict.toml` turns it on.

use crate::check::decl_span;
use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{file_decls, DeclKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::labels::{workspace_labels, LabelTexts};
use crate::syntax::parse_file;

/// One W0505 per declaration of this file that lacks a label, or whose members do.
pub(super) fn missing_labels(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let labels = workspace_labels(db, ws);
    let decls = file_decls(db, file);
    let parsed = parse_file(db, file);
    let path = file.path(db);
    let missing = |p: &str| -> Vec<&'static str> {
        labels
            .get(p)
            .map_or_else(|| LabelTexts::default().missing(), LabelTexts::missing)
    };
    let mut out = Vec::new();
    for d in &decls.decls {
        let members: Vec<&str> = match &d.kind {
            DeclKind::Record { fields } => fields.iter().map(|(n, _)| n.as_str()).collect(),
            DeclKind::Enum { variants } => variants.iter().map(String::as_str).collect(),
            DeclKind::Decision { .. }
            | DeclKind::Rule { .. }
            | DeclKind::Condition { .. }
            | DeclKind::Set { .. }
            | DeclKind::Value { .. }
            | DeclKind::EntityType { .. } => {
                let langs = missing(&d.name);
                if !langs.is_empty() {
                    out.push(
                        Diagnostic::new(
                            Code::W0505,
                            path,
                            decl_span(parsed, d),
                            format!(
                                "{} `{}` has no {} label",
                                d.kind.noun(),
                                d.name,
                                languages(&langs)
                            ),
                        )
                        .label("the published site shows this name to readers")
                        .help(if langs.len() == 1 {
                            format!("give its entry in `labels` a `{}: \"...\"` text", langs[0])
                        } else {
                            format!(
                                "add `{} {{ en: \"...\", zh: \"...\" }}` to a `labels` item",
                                d.name
                            )
                        }),
                    );
                }
                continue;
            }
            _ => continue,
        };
        let unlabelled: Vec<String> = members
            .iter()
            .filter(|m| !missing(&format!("{}.{m}", d.name)).is_empty())
            .map(|m| format!("`{m}`"))
            .collect();
        let Some(first) = members
            .iter()
            .find(|m| !missing(&format!("{}.{m}", d.name)).is_empty())
        else {
            continue;
        };
        let what = if matches!(d.kind, DeclKind::Enum { .. }) {
            "values"
        } else {
            "fields"
        };
        out.push(
            Diagnostic::new(
                Code::W0505,
                path,
                decl_span(parsed, d),
                format!(
                    "{} `{}` has {what} without a label in English and Chinese: {}",
                    d.kind.noun(),
                    d.name,
                    unlabelled.join(", ")
                ),
            )
            .label("the published site shows these names to readers")
            .help(format!(
                "add `{}.{first} {{ en: \"...\", zh: \"...\" }}` and the others to a `labels` item",
                d.name
            )),
        );
    }
    out
}

fn languages(langs: &[&str]) -> &'static str {
    match langs {
        ["en"] => "English",
        ["zh"] => "Chinese",
        _ => "English or Chinese",
    }
}
