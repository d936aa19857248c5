//! Code lenses: run a decision's tests (or one test), show its table.

use edict_grammar::{ItemKind, Span};

use crate::inlay::plural;
use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind};
use edict_compiler::syntax::parse_file;

/// What a code lens runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LensCommand {
    /// Run the tests of a decision.
    RunTests { decision: String },
    /// Run one test.
    RunTest { test: String },
    /// Show a decision's table.
    ShowTable { decision: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    pub span: Span,
    pub title: String,
    pub command: LensCommand,
}

/// "Run N tests" and "Show table" above each decision; "Run test" above each test.
pub fn code_lenses(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<CodeLens> {
    let index = workspace_index(db, ws);
    let mut out = Vec::new();
    for item in &parse_file(db, file).items {
        match &item.kind {
            ItemKind::Decision(d) => {
                let name = &d.name.name;
                let tests = index
                    .defs
                    .values()
                    .filter_map(|defs| defs.first())
                    .filter(|def| matches!(&def.decl.kind, DeclKind::Test { decision } if decision == name))
                    .count();
                if tests > 0 {
                    out.push(CodeLens {
                        span: d.name.span,
                        title: format!("▶ Run {}", plural(tests, "test")),
                        command: LensCommand::RunTests {
                            decision: name.clone(),
                        },
                    });
                }
                out.push(CodeLens {
                    span: d.name.span,
                    title: "Show table".into(),
                    command: LensCommand::ShowTable {
                        decision: name.clone(),
                    },
                });
            }
            ItemKind::Test(t) => out.push(CodeLens {
                span: t.name.span,
                title: "▶ Run test".into(),
                command: LensCommand::RunTest {
                    test: t.name.name.clone(),
                },
            }),
            _ => {}
        }
    }
    out
}

// ----- quick fixes -----
