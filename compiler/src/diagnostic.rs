//! The one plain-data diagnostic type every phase produces, and the catalogue of codes.
//!
//! Queries return `Vec<Diagnostic>`; renderers (`render.rs`) turn them into text or JSON and
//! the language server into LSP diagnostics. Nothing here knows about terminals.

use edict_grammar::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// A suggestion that is neither wrong nor risky (verification's "subsumed").
    Hint,
}

/// A place in a file, with an optional message drawn under it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The file's path as given to the workspace.
    pub file: String,
    pub span: Span,
    pub message: Option<String>,
}

/// A machine-applicable replacement: the quick fix behind a "did you mean".
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Suggestion {
    pub file: String,
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    pub primary: Label,
    /// More places in the same file.
    pub secondary: Vec<Label>,
    /// Places in other files (or anywhere) that explain this one.
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// Further facts: a counterexample region, an example request.
    pub notes: Vec<String>,
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    pub fn new(code: Code, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label {
                file: file.to_string(),
                span,
                message: None,
            },
            secondary: Vec::new(),
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            suggestion: None,
        }
    }

    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = Some(message.into());
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        let file = self.primary.file.clone();
        self.secondary.push(Label {
            file,
            span,
            message: Some(message.into()),
        });
        self
    }

    pub fn related(mut self, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        if file == self.primary.file {
            return self.secondary(span, message);
        }
        self.related.push(Label {
            file: file.to_string(),
            span,
            message: Some(message.into()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn suggest(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        let file = self.primary.file.clone();
        self.suggestion = Some(Suggestion {
            file,
            span,
            replacement: replacement.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, position, code.
    pub fn sort_key(&self) -> (String, u32, u32, Code) {
        (
            self.primary.file.clone(),
            self.primary.span.start,
            self.primary.span.end,
            self.code,
        )
    }
}

macro_rules! codes {
    ($($code:ident, $sev:ident, $title:literal;)*) => {
        /// Every diagnostic code Edict emits. Codes are stable: a code is never reused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Code { $($code,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$sev,)* }
            }

            /// A one-line summary, as in `docs/diagnostics.md`.
            pub fn title(self) -> &'static str {
                match self { $(Code::$code => $title,)* }
            }
        }
    };
}

codes! {
    E0001, Error, "syntax error";
    E0002, Error, "nesting too deep";
    E0003, Error, "file too large";
    E0004, Error, "unterminated string";
    E0005, Error, "text outside any item";
    E0006, Error, "file is not valid UTF-8";
    E0007, Error, "too many items in one file";
    E0008, Error, "string too long";
    E0101, Error, "unknown name";
    E0102, Error, "duplicate definition";
    E0103, Error, "unknown field";
    E0104, Error, "wrong kind of name";
    E0105, Error, "missing field";
    E0106, Error, "clause written twice";
    E0107, Error, "missing clause";
    E0108, Error, "citation of an item the source does not have";
    E0109, Error, "priority does not match the hit policy";
    E0110, Error, "ambiguous enum value";
    E0111, Error, "test expects a rule of another decision";
    E0112, Error, "two entries identified alike";
    E0113, Error, "a source that differs from itself";
    E0114, Error, "item texts that do not match the items";
    E0115, Error, "label text that cannot be shown";
    E0201, Error, "type mismatch";
    E0202, Error, "incompatible units";
    E0203, Error, "invalid date or time";
    E0204, Error, "membership test that can never hold";
    E0205, Error, "set member of the wrong type";
    E0206, Error, "invalid operands";
    E0207, Error, "number out of range";
    E0208, Error, "value of the wrong type for this place";
    E0209, Error, "dated value read outside a rule";
    E0210, Error, "unknown time zone";
    E0301, Error, "member already present";
    E0302, Error, "member not present";
    E0303, Error, "amendment before the set exists";
    E0304, Error, "`until` not after `from`";
    E0305, Warning, "announced count differs from the listed members";
    E0306, Error, "duplicate member in a list";
    E0307, Error, "amendment after the set ends";
    E0308, Error, "amendment of a set made of other sets";
    E0309, Error, "two values for one day";
    E0310, Error, "relation does not cover its set";
    E0401, Error, "cycle";
    E0601, Error, "cannot be compiled into a decision table";
    E0701, Error, "overlapping rules in a unique decision";
    W0702, Warning, "requests no rule answers";
    W0703, Warning, "rule that can never apply";
    W0704, Warning, "rule shadowed by earlier or stronger rules";
    H0705, Hint, "rule contained in another with the same outcome";
    W0501, Warning, "unused declaration";
    W0502, Warning, "rule without a citation";
    W0503, Warning, "dated value without a citation";
    W0504, Warning, "fact cited only to a source known to say otherwise";
    W0505, Warning, "shown to readers without a label";
}

impl Code {
    /// A syntax or lexical error (`E0001`..`E0008`): reported before the errors it may cause.
    pub fn is_syntax(self) -> bool {
        self.as_str().starts_with("E000")
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
