//! The compiler's plain data (byte spans, diagnostics, symbols) as LSP values.

use std::collections::HashMap;
use std::sync::Arc;

use edict_compiler::db::{Database, SourceFile, Workspace};
use edict_compiler::{Diagnostic, Severity};
use edict_grammar::Span;
use jiff::civil::Date;
use lsp_types as lsp;
use lsp_types::Url;

use crate::position::{Encoding, LineIndex};

/// The paths of the workspace's files and the URIs the client knows them by.
#[derive(Clone, Debug, Default)]
pub struct Paths {
    pub by_path: HashMap<String, SourceFile>,
    /// Documents that are not files on disk (`untitled:`): their URI by path.
    pub uri_of: HashMap<String, Url>,
}

/// What a request runs on: a snapshot of the database and the server's settings.
#[derive(Clone)]
pub struct Snapshot {
    pub db: Database,
    pub ws: Workspace,
    pub paths: Arc<Paths>,
    /// Files that are not valid UTF-8: the offset of the first bad byte.
    pub bad_utf8: Arc<HashMap<String, usize>>,
    pub encoding: Encoding,
    pub today: Date,
}

/// The path a URI is kept under: the file path for `file:` URIs, the URI itself otherwise.
pub fn path_of(uri: &Url) -> String {
    if uri.scheme() == "file" {
        if let Ok(p) = uri.to_file_path() {
            return p.display().to_string();
        }
    }
    uri.to_string()
}

impl Snapshot {
    pub fn file(&self, uri: &Url) -> Option<SourceFile> {
        self.paths.by_path.get(&path_of(uri)).copied()
    }

    pub fn uri(&self, path: &str) -> Option<Url> {
        self.paths
            .uri_of
            .get(path)
            .cloned()
            .or_else(|| Url::from_file_path(path).ok())
    }

    pub fn text(&self, file: SourceFile) -> &str {
        file.text(&self.db)
    }

    pub fn index(&self, file: SourceFile) -> LineIndex<'_> {
        LineIndex::new(file.text(&self.db), self.encoding)
    }

    pub fn range(&self, file: SourceFile, span: Span) -> lsp::Range {
        self.index(file)
            .range(span.start as usize, span.end as usize)
    }

    pub fn location(&self, file: SourceFile, span: Span) -> Option<lsp::Location> {
        Some(lsp::Location {
            uri: self.uri(file.path(&self.db))?,
            range: self.range(file, span),
        })
    }

    /// The diagnostics of a file, as the CLI reports them, in LSP form.
    pub fn diagnostics(&self, file: SourceFile) -> Vec<lsp::Diagnostic> {
        let path = file.path(&self.db);
        let mut all = Vec::new();
        if let Some(&offset) = self.bad_utf8.get(path.as_str()) {
            all.push(edict_compiler::utf8_diagnostic(path, offset));
        }
        all.extend(
            edict_compiler::file_diagnostics(&self.db, self.ws, file)
                .iter()
                .cloned(),
        );
        all.iter().map(|d| self.diagnostic(file, d)).collect()
    }

    pub fn diagnostic(&self, file: SourceFile, d: &Diagnostic) -> lsp::Diagnostic {
        let mut message = d.message.clone();
        if let Some(label) = &d.primary.message {
            message.push_str(&format!(" ({label})"));
        }
        for note in &d.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .chain(&d.related)
            .filter_map(|l| {
                let f = self.paths.by_path.get(&l.file).copied()?;
                Some(lsp::DiagnosticRelatedInformation {
                    location: self.location(f, l.span)?,
                    message: l.message.clone().unwrap_or_default(),
                })
            })
            .collect();
        lsp::Diagnostic {
            range: self.range(file, d.primary.span),
            severity: Some(match d.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                Severity::Hint => lsp::DiagnosticSeverity::HINT,
            }),
            code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
            code_description: None,
            source: Some("edict".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: (d.code == edict_compiler::Code::W0501)
                .then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
            data: None,
        }
    }
}
