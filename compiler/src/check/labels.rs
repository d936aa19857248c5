//! Checks of `labels` items: each entry names something the policy declares (a member where it
//! has members), once in the workspace, with a non-empty text in each language it gives, and
//! only in the languages the site speaks.

use edict_grammar::{ExprKind, Ident, LabelEntry, LabelsDecl};

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::fuzzy::best_match;
use crate::labels::{workspace_labels, LANGUAGES};
use crate::types::Ty;

impl Checker<'_> {
    pub(crate) fn labels(&mut self, l: &LabelsDecl) {
        for e in &l.entries {
            self.label_target(e);
            self.label_once(e);
            self.label_texts(e);
        }
    }

    /// The entry names a declaration that has a label, and a member of it when it names one.
    fn label_target(&mut self, e: &LabelEntry) {
        let Some(kind) = self.index.kind(&e.target.name).cloned() else {
            let names = self.names_where(labelled);
            self.unknown(&e.target, "name", names);
            return;
        };
        let Some(member) = &e.member else {
            if !labelled(&kind) {
                let help = match kind {
                    DeclKind::Entity { .. } => {
                        "a catalogue entry's words are its `name` and `name_zh` fields"
                    }
                    DeclKind::Source { .. } => {
                        "a source's words are its `title` and `title_zh` fields"
                    }
                    _ => "tests and requests are not shown to readers; label what they exercise",
                };
                let d = self
                    .diag(
                        Code::E0104,
                        e.target.span,
                        format!(
                            "`{}` is {}, which has no label",
                            e.target.name,
                            kind.with_article()
                        ),
                    )
                    .label("labels are for decisions, rules, sets, values and types")
                    .help(help);
                self.emit(d);
            }
            return;
        };
        let members: Vec<&str> = match &kind {
            DeclKind::Record { fields } | DeclKind::EntityType { fields, .. } => {
                fields.iter().map(|(n, _)| n.as_str()).collect()
            }
            DeclKind::Enum { variants } => variants.iter().map(String::as_str).collect(),
            other => {
                let d = self
                    .diag(
                        Code::E0104,
                        member.span,
                        format!(
                            "`{}` is {}, which has no members to label",
                            e.target.name,
                            other.with_article()
                        ),
                    )
                    .label("`NAME.member` labels a field of a record or entity, or an enum's value")
                    .help(format!(
                        "label it as a whole: `{} {{ en: \"...\", zh: \"...\" }}`",
                        e.target.name
                    ));
                self.emit(d);
                return;
            }
        };
        if !members.contains(&member.name.as_str()) {
            let what = match kind {
                DeclKind::Enum { .. } => "value",
                _ => "field",
            };
            let mut d = self
                .diag(
                    Code::E0103,
                    member.span,
                    format!("`{}` has no {what} `{}`", e.target.name, member.name),
                )
                .label(format!("not a {what} of `{}`", e.target.name));
            d = match best_match(&member.name, members.iter().copied()) {
                Some(best) => d
                    .help(format!("did you mean `{best}`?"))
                    .suggest(member.span, best),
                None => {
                    let listed: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
                    d.help(format!("its {what}s are {}", listed.join(", ")))
                }
            };
            self.emit(d);
        }
    }

    /// A name is labelled in one entry of the workspace: the first in file order counts.
    fn label_once(&mut self, e: &LabelEntry) {
        let path = e.path();
        let labels = workspace_labels(self.db, self.ws);
        let Some(first) = labels.sites.get(&path) else {
            return;
        };
        if first.file == self.path && first.span == e.span {
            return;
        }
        let line = line_of(self.db, self.ws, &first.file, first.span.start as usize);
        let d = self
            .diag(
                Code::E0102,
                e.target.span,
                format!("`{path}` is labelled twice"),
            )
            .label("labelled again here")
            .help(format!(
                "its first label is in {}{line}; keep one of them",
                first.file
            ));
        self.emit(d);
    }

    /// Each text is a non-empty text, in a language of [`LANGUAGES`], given once.
    fn label_texts(&mut self, e: &LabelEntry) {
        let mut seen: Vec<&Ident> = Vec::new();
        for t in &e.texts {
            let lang = &t.name;
            if !LANGUAGES.contains(&lang.name.as_str()) {
                let d = self
                    .diag(
                        Code::E0115,
                        lang.span,
                        format!("`{}` is not a language labels are written in", lang.name),
                    )
                    .label("not `en` or `zh`")
                    .help("write `en:` for English and `zh:` for Simplified Chinese");
                self.emit(d);
                continue;
            }
            if seen.iter().any(|s| s.name == lang.name) {
                let d = self
                    .diag(
                        Code::E0115,
                        lang.span,
                        format!("`{}` gives its `{}` text twice", e.path(), lang.name),
                    )
                    .label("given again here")
                    .help("keep one of them");
                self.emit(d);
                continue;
            }
            seen.push(lang);
            let place = format!("the `{}` label", lang.name);
            self.check_against(&t.value, &Scope::default(), &Ty::Text, &place);
            if let ExprKind::Text(s) = &t.value.kind {
                if s.trim().is_empty() {
                    let d = self
                        .diag(Code::E0115, t.value.span, format!("the `{}` label of `{}` is empty", lang.name, e.path()))
                        .label("nothing to show")
                        .help("write the words readers should see, or leave the language out until they are known");
                    self.emit(d);
                }
            }
        }
    }
}

/// Can a declaration of this kind be labelled as a whole? (Members are labelled where the kind
/// has them: `label_target` says which.)
fn labelled(kind: &DeclKind) -> bool {
    match kind {
        DeclKind::Record { .. }
        | DeclKind::EntityType { .. }
        | DeclKind::Enum { .. }
        | DeclKind::Decision { .. }
        | DeclKind::Rule { .. }
        | DeclKind::Condition { .. }
        | DeclKind::Set { .. }
        | DeclKind::Value { .. } => true,
        DeclKind::Source { .. }
        | DeclKind::Entity { .. }
        | DeclKind::Test { .. }
        | DeclKind::Request { .. } => false,
    }
}

/// `:LINE` of an offset in a workspace file, for messages that point at another place.
fn line_of(db: &dyn crate::db::Db, ws: crate::db::Workspace, path: &str, offset: usize) -> String {
    ws.files(db)
        .iter()
        .find(|f| f.path(db) == path)
        .and_then(|f| f.text(db).get(..offset))
        .map_or(String::new(), |t| {
            format!(":{}", t.matches('\n').count() + 1)
        })
}
