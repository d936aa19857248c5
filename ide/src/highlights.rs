//! Semantic highlighting: each token of a file classified by what it is or names.

use edict_grammar::Span;

use crate::lex::{is_keyword, tokenize, TokenKind};
use crate::resolve::{file_symbols, Target};
use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    Keyword,
    Comment,
    DocComment,
    String,
    Number,
    Type,
    Enum,
    Struct,
    Class,
    EnumMember,
    Variable,
    Constant,
    Parameter,
    Property,
    Function,
    Method,
    Namespace,
}

/// One highlighted span; `definition` marks a declaring occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub class: TokenClass,
    pub definition: bool,
}

/// Every highlighted span of a file, in order and without overlaps.
pub fn highlights(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Highlight> {
    let text = file.text(db);
    let symbols = file_symbols(db, ws, file);
    let index = workspace_index(db, ws);
    let mut occ = symbols.occurrences.iter().peekable();
    let mut out = Vec::new();
    for tok in tokenize(text) {
        let class = match tok.kind {
            TokenKind::Comment => Some(TokenClass::Comment),
            TokenKind::DocComment => Some(TokenClass::DocComment),
            TokenKind::Text => Some(TokenClass::String),
            TokenKind::Number => Some(TokenClass::Number),
            TokenKind::Punct => None,
            TokenKind::Ident => {
                while occ.peek().is_some_and(|o| o.span.start < tok.span.start) {
                    occ.next();
                }
                match occ.peek() {
                    Some(o) if o.span == tok.span => {
                        let class = match &o.target {
                            Target::Decl(n) => match index.kind(n) {
                                Some(DeclKind::Source { .. }) => TokenClass::Namespace,
                                Some(DeclKind::Enum { .. }) => TokenClass::Enum,
                                Some(DeclKind::Record { .. }) => TokenClass::Struct,
                                Some(DeclKind::EntityType { .. }) => TokenClass::Class,
                                Some(DeclKind::Entity { .. }) => TokenClass::Constant,
                                Some(DeclKind::Set { .. }) => TokenClass::Variable,
                                Some(DeclKind::Value { .. }) => TokenClass::Constant,
                                Some(DeclKind::Decision { .. }) => TokenClass::Function,
                                Some(
                                    DeclKind::Rule { .. }
                                    | DeclKind::Test { .. }
                                    | DeclKind::Request { .. }
                                    | DeclKind::Condition { .. },
                                ) => TokenClass::Method,
                                None => TokenClass::Variable,
                            },
                            Target::Param { .. } => TokenClass::Parameter,
                            Target::Variant { .. } => TokenClass::EnumMember,
                            Target::Field { .. } | Target::Parent { .. } => TokenClass::Property,
                            Target::Builtin(_) => TokenClass::Type,
                        };
                        out.push(Highlight {
                            span: tok.span,
                            class,
                            definition: o.def,
                        });
                        continue;
                    }
                    _ if is_keyword(&text[tok.span.range()]) => Some(TokenClass::Keyword),
                    _ => None,
                }
            }
        };
        if let Some(class) = class {
            out.push(Highlight {
                span: tok.span,
                class,
                definition: false,
            });
        }
    }
    out
}

// ----- inlay hints -----
