//! Quick fixes: the suggestions of the diagnostics under the cursor as edits, and an `otherwise`
//! for a decision that has none. `Edit` is shared with rename.

use edict_grammar::{ItemKind, Span};

use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind};
use edict_compiler::diagnostic::Diagnostic;
use edict_compiler::syntax::parse_file;

/// A text replacement in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: SourceFile,
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The diagnostic the fix resolves, if it comes from one.
    pub diagnostic: Option<Diagnostic>,
    pub preferred: bool,
}

/// Fixes for the diagnostics overlapping `range` (their suggestions), and an `otherwise` for a
/// decision under the cursor that has none.
pub fn fixes(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    diagnostics: &[Diagnostic],
    range: Span,
) -> Vec<Fix> {
    let mut out = Vec::new();
    let path = file.path(db);
    for d in diagnostics {
        let Some(s) = &d.suggestion else { continue };
        if d.primary.file != *path
            || d.primary.span.end < range.start
            || d.primary.span.start > range.end
        {
            continue;
        }
        let current = file.text(db).get(s.span.range()).unwrap_or("");
        out.push(Fix {
            title: format!("Replace `{current}` with `{}`", s.replacement),
            edits: vec![Edit {
                file,
                span: s.span,
                text: s.replacement.clone(),
            }],
            diagnostic: Some(d.clone()),
            preferred: true,
        });
    }
    let text = file.text(db);
    for item in &parse_file(db, file).items {
        let ItemKind::Decision(d) = &item.kind else {
            continue;
        };
        if d.otherwise.is_some() || item.span.end < range.start || item.span.start > range.end {
            continue;
        }
        // Insert before the closing brace, on its own line, with the item's indentation.
        let close = (item.span.end as usize).saturating_sub(1);
        if text.as_bytes().get(close) != Some(&b'}') {
            continue;
        }
        let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
        let before_close = &text[line_start..close];
        let outcome = default_outcome(db, ws, &d.output.name.name);
        let (at, insert) = if before_close.trim().is_empty() {
            (line_start, format!("  otherwise {outcome}\n"))
        } else {
            (close, format!("\n  otherwise {outcome}\n"))
        };
        out.push(Fix {
            title: format!("Add an `otherwise` to `{}`", d.name.name),
            edits: vec![Edit {
                file,
                span: Span::new(at, at),
                text: insert,
            }],
            diagnostic: None,
            preferred: false,
        });
    }
    out
}

/// An outcome to start from: a record with its required fields set to their type's first
/// value, for the author to change.
fn default_outcome(db: &dyn Db, ws: Workspace, output: &str) -> String {
    let index = workspace_index(db, ws);
    let first_value = |t: &edict_compiler::decls::TypeName| -> String {
        match index.kind(&t.name) {
            Some(DeclKind::Enum { variants }) => variants.last().cloned().unwrap_or_default(),
            _ => match t.name.as_str() {
                "Bool" => "false".into(),
                "Int" => "0".into(),
                "Text" => "\"\"".into(),
                other => format!("<{other}>"),
            },
        }
    };
    match index.kind(output) {
        Some(DeclKind::Record { fields }) => {
            let parts: Vec<String> = fields
                .iter()
                .filter(|(_, t)| !t.optional)
                .map(|(f, t)| format!("{f}: {}", first_value(t)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        _ => first_value(&edict_compiler::decls::TypeName {
            name: output.to_string(),
            arg: None,
            optional: false,
        }),
    }
}

// ----- rename -----
