//! Rename across the workspace, and its refusals: no name under the cursor, a built-in, a new
//! name that is not one or that clashes with a declaration.

use edict_grammar::Span;

use crate::fixes::Edit;
use crate::lex::is_keyword;
use crate::resolve::{definition, file_symbols, references, Target};
use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    NothingToRename,
    BuiltIn(String),
    Invalid(String),
    Clash(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingToRename => write!(f, "there is no name to rename here"),
            RenameError::BuiltIn(n) => {
                write!(f, "`{n}` is built into the language and cannot be renamed")
            }
            RenameError::Invalid(why) => f.write_str(why),
            RenameError::Clash(why) => f.write_str(why),
        }
    }
}

/// The name under the cursor and its span, if it can be renamed.
pub fn prepare_rename(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    offset: usize,
) -> Result<(Span, Target), RenameError> {
    let symbols = file_symbols(db, ws, file);
    let occ = symbols.at(offset).ok_or(RenameError::NothingToRename)?;
    if let Target::Builtin(n) = &occ.target {
        return Err(RenameError::BuiltIn(n.clone()));
    }
    // `.city` is the type `City` read as a parent: it follows the type's name.
    if let Target::Parent { ty, name, .. } = &occ.target {
        return Err(RenameError::Invalid(format!(
            "`.{name}` reads the `{ty}` an entry lies in, by the type's name: rename the type `{ty}`"
        )));
    }
    if definition(db, ws, &occ.target).is_none() {
        return Err(RenameError::NothingToRename);
    }
    Ok((occ.span, occ.target.clone()))
}

/// The edits renaming the target under the cursor to `new_name`, or why it cannot be done.
pub fn rename(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let (_, target) = prepare_rename(db, ws, file, offset)?;
    let valid = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(RenameError::Invalid(format!(
            "`{new_name}` is not a name: names are ASCII letters, digits and `_`, and do not start with a digit"
        )));
    }
    if is_keyword(new_name) || edict_compiler::types::BUILTIN_TYPES.contains(&new_name) {
        return Err(RenameError::Invalid(format!(
            "`{new_name}` is reserved by the language"
        )));
    }
    let index = workspace_index(db, ws);
    let is_type =
        matches!(&target, Target::Decl(n) if index.kind(n).is_some_and(DeclKind::is_type));
    if is_type != new_name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(RenameError::Invalid(if is_type {
            format!("`{new_name}`: type names are written in CamelCase")
        } else {
            format!("`{new_name}`: only type names start with a capital letter")
        }));
    }
    if new_name == target.name() {
        return Ok(Vec::new());
    }
    let clash = match &target {
        Target::Decl(_) => index
            .get(new_name)
            .map(|d| format!("`{new_name}` is already {}", d.decl.kind.with_article())),
        Target::Param { decision, .. } => match index.kind(decision) {
            Some(DeclKind::Decision { params, .. })
                if params.iter().any(|(p, _)| p == new_name) =>
            {
                Some(format!("`{decision}` already has an input `{new_name}`"))
            }
            _ => index.get(new_name).map(|d| {
                format!(
                    "`{new_name}` is already {} and the input would hide it",
                    d.decl.kind.with_article()
                )
            }),
        },
        Target::Variant { enum_name, .. } => match index.kind(enum_name) {
            Some(DeclKind::Enum { variants }) if variants.iter().any(|v| v == new_name) => {
                Some(format!("`{enum_name}` already has a value `{new_name}`"))
            }
            _ => None,
        },
        Target::Field { owner, .. } => crate::resolve::fields_of(index, owner)
            .iter()
            .any(|(f, _)| f == new_name)
            .then(|| format!("`{owner}` already has a field `{new_name}`")),
        Target::Builtin(_) | Target::Parent { .. } => None,
    };
    if let Some(why) = clash {
        return Err(RenameError::Clash(why));
    }
    let mut edits: Vec<Edit> = references(db, ws, &target)
        .into_iter()
        .map(|(file, o)| Edit {
            file,
            span: o.span,
            text: new_name.to_string(),
        })
        .collect();
    // Enum values written with their enum (`EntryStatus.visa_required`) are found as
    // occurrences too; a field in a record literal is resolved through the expected type.
    edits.sort_by_key(|e| (e.file.path(db).clone(), e.span.start));
    edits.dedup();
    Ok(keep_layout(db, edits))
}

/// In a file laid out as `edict fmt` lays it out, a rename that changes a name's length would
/// break the alignment of a catalogue or a table of cases (and `fmt --check` in CI): such a
/// file's edits become one edit from the first to the last character the formatter's output of
/// the renamed text changes.
fn keep_layout(db: &dyn Db, edits: Vec<Edit>) -> Vec<Edit> {
    let options = edict_grammar::FormatOptions::default();
    let mut out = Vec::with_capacity(edits.len());
    let mut files: Vec<SourceFile> = edits.iter().map(|e| e.file).collect();
    files.dedup();
    for file in files {
        let mine: Vec<Edit> = edits.iter().filter(|e| e.file == file).cloned().collect();
        let text = file.text(db);
        let canonical = edict_grammar::format(text, options).is_ok_and(|f| f.text == *text);
        if !canonical {
            out.extend(mine);
            continue;
        }
        let mut renamed = text.clone();
        for e in mine.iter().rev() {
            renamed.replace_range(e.span.range(), &e.text);
        }
        let Ok(formatted) = edict_grammar::format(&renamed, options) else {
            out.extend(mine);
            continue;
        };
        let new = formatted.text;
        // Line by line when the lines stay the same in number (the usual case: names and the
        // padding after them change): a line the formatter leaves as renamed keeps the rename's
        // own edits; a line it realigns is replaced whole.
        let renamed_lines: Vec<&str> = renamed.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        if renamed_lines.len() == new_lines.len() {
            let mut at = 0;
            for (old_line, (r, n)) in text
                .split_inclusive('\n')
                .zip(renamed_lines.iter().zip(&new_lines))
            {
                let line = Span::new(at, at + old_line.len());
                if r == n {
                    out.extend(
                        mine.iter()
                            .filter(|e| line.start <= e.span.start && e.span.end <= line.end)
                            .cloned(),
                    );
                } else {
                    out.push(Edit {
                        file,
                        span: line,
                        text: n.to_string(),
                    });
                }
                at += old_line.len();
            }
            continue;
        }
        let prefix = text
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let prefix = (0..=prefix)
            .rev()
            .find(|&i| text.is_char_boundary(i) && new.is_char_boundary(i))
            .unwrap_or(0);
        let max_suffix = (text.len() - prefix).min(new.len() - prefix);
        let suffix = text
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = (0..=suffix)
            .rev()
            .find(|&k| text.is_char_boundary(text.len() - k) && new.is_char_boundary(new.len() - k))
            .unwrap_or(0);
        out.push(Edit {
            file,
            span: Span::new(prefix, text.len() - suffix),
            text: new[prefix..new.len() - suffix].to_string(),
        });
    }
    out
}
