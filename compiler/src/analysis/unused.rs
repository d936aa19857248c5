//! Declarations nothing refers to, as warnings.

use crate::check::decl_span;
use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{file_decls, used_names, DeclKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::parse_file;

/// Declarations of this file that nothing in the workspace refers to.
pub(super) fn unused_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let used = used_names(db, ws);
    let decls = file_decls(db, file);
    let parsed = parse_file(db, file);
    let path = file.path(db);
    decls
        .decls
        .iter()
        .filter(|d| {
            matches!(
                d.kind,
                DeclKind::Source { .. }
                    | DeclKind::Enum { .. }
                    | DeclKind::EntityType { .. }
                    | DeclKind::Record { .. }
                    | DeclKind::Set { .. }
                    | DeclKind::Condition { .. }
                    | DeclKind::Request { .. }
                    | DeclKind::Value { .. }
            ) && !used.contains(&d.name)
        })
        .map(|d| {
            let noun = d.kind.noun();
            Diagnostic::new(
                Code::W0501,
                path,
                decl_span(parsed, d),
                format!("{noun} `{}` is never used", d.name),
            )
            .label("declared here")
            .help("remove it, or refer to it from a rule, a set or a type")
        })
        .collect()
}
