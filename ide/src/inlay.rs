//! Inlay hints: durations in days or hours, set sizes, and the values of dated values and
//! relations on the day after their uses.

use edict_grammar::Span;
use edict_runtime::value::{parse_duration, Value};
use jiff::civil::Date;

use crate::hover::duration_words;
use crate::lex::{tokenize, TokenKind};
use crate::resolve::{file_symbols, Target};
use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::sets::set_timelines;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is drawn (after the text at this offset).
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// Durations in days or hours (`144h` → `= 6 d`), set sizes on `today` after a set's name,
/// and the values on `today` after a dated value's or a relation's use.
pub fn inlay_hints(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    range: Span,
    today: Date,
) -> Vec<InlayHint> {
    let text = file.text(db);
    let mut out = Vec::new();
    for tok in tokenize(text) {
        if tok.kind != TokenKind::Number || tok.span.start < range.start || tok.span.end > range.end
        {
            continue;
        }
        if let Some(Value::Duration(secs)) = parse_duration(&text[tok.span.range()]) {
            let label =
                if secs % 86_400 == 0 && secs >= 86_400 && !text[tok.span.range()].ends_with('d') {
                    format!("= {} d", secs / 86_400)
                } else if secs % 3600 == 0 && text[tok.span.range()].ends_with(['d', 'w']) {
                    format!("= {} h", secs / 3600)
                } else {
                    continue;
                };
            out.push(InlayHint {
                offset: tok.span.end as usize,
                label,
                tooltip: Some(duration_words(secs)),
            });
        }
    }
    let timelines = set_timelines(db, ws);
    // A `labels` entry names what it labels; a hint of its value there says nothing.
    let labels: Vec<Span> = edict_compiler::syntax::parse_file(db, file)
        .items
        .iter()
        .filter(|i| matches!(i.kind, edict_grammar::ItemKind::Labels(_)))
        .map(|i| i.span)
        .collect();
    for o in &file_symbols(db, ws, file).occurrences {
        if o.span.start < range.start || o.span.end > range.end {
            continue;
        }
        if labels
            .iter()
            .any(|l| l.start <= o.span.start && o.span.end <= l.end)
        {
            continue;
        }
        let Target::Decl(name) = &o.target else {
            continue;
        };
        if !o.def {
            let values = edict_compiler::values::value_timelines(db, ws);
            if let Some(tl) = values.values.get(name).filter(|tl| tl.is_relation()) {
                let (label, keys) = crate::values::relation_on(tl, today);
                out.push(InlayHint {
                    offset: o.span.end as usize,
                    label,
                    tooltip: Some(format!("{name} on {today}:\n{keys}")),
                });
                continue;
            }
            if let Some(tl) = values.values.get(name).filter(|tl| !tl.is_relation()) {
                let (label, tooltip) = match tl.era_at("", today) {
                    Some(era) => (format!("= {}", era.value), crate::values::era_text(era)),
                    None => (
                        format!("(no value on {today})"),
                        "rules that read it do not apply on this day".to_string(),
                    ),
                };
                out.push(InlayHint {
                    offset: o.span.end as usize,
                    label,
                    tooltip: Some(format!("{name} on {today}: {tooltip}")),
                });
                continue;
            }
        }
        let Some(tl) = timelines.sets.get(name) else {
            continue;
        };
        let Some(members) = tl.members_at(today) else {
            continue;
        };
        out.push(InlayHint {
            offset: o.span.end as usize,
            label: format!("({} on {today})", plural(members.len(), "member")),
            tooltip: None,
        });
    }
    out.sort_by_key(|h| h.offset);
    out
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

// ----- code lenses -----
