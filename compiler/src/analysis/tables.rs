//! What lowering could not put in a decision table, as `E0601` diagnostics.

use crate::diagnostic::{Code, Diagnostic};

/// What lowering could not put in a decision table, as `E0601` diagnostics.
pub(super) fn table_diagnostics(errors: Vec<crate::lower::LowerError>) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .map(|e| {
            Diagnostic::new(Code::E0601, &e.file, e.span, e.message)
                .label("not supported in decision tables")
                .help(e.help.unwrap_or_else(|| {
                    "compare inputs with constants, sets, ranges or other inputs of the same type"
                        .to_string()
                }))
        })
        .collect()
}
