//! What the editor shows about dated values and relations: the value on the as-of day with
//! where it comes from (hover, inlay hints), and their history.

use std::fmt::Write as _;

use jiff::civil::Date;

use edict_compiler::db::{Db, Workspace};
use edict_compiler::decls::TypeName;
use edict_compiler::values::{value_timelines, Era, ValueTimeline};

/// `240h (from 2024-12-17, nia_2024_12 item 1)`
pub fn era_text(era: &Era) -> String {
    let mut parts = Vec::new();
    if let Some(f) = era.from {
        parts.push(format!("from {f}"));
    }
    if let Some(u) = era.until {
        parts.push(match &era.ended_by {
            Some((source, Some(i))) => format!("until {u} by {source} item {i}"),
            Some((source, None)) => format!("until {u} by {source}"),
            None => format!("until {u}"),
        });
    }
    if let Some((source, item)) = &era.cite {
        parts.push(match item {
            Some(i) => format!("{source} item {i}"),
            None => source.clone(),
        });
    }
    if parts.is_empty() {
        era.value.to_string()
    } else {
        format!("{} ({})", era.value, parts.join(", "))
    }
}

/// `but nia_2025_11 item 4 says 144h: "144-Hour Visa-Free Transit"`
pub fn differs_text(d: &edict_compiler::values::Differs) -> String {
    let source = match d.item {
        Some(i) => format!("{} item {i}", d.source),
        None => d.source.clone(),
    };
    let mut out = format!("but {source} says {}", d.says);
    if let Some(q) = &d.quote {
        let _ = write!(out, ": {q:?}");
    }
    out
}

/// A dated value's value on `day` with its origin, for an inlay hint: `= 240h (from ...)`.
pub fn value_on(db: &dyn Db, ws: Workspace, name: &str, day: Date) -> Option<String> {
    let tl = value_timelines(db, ws).values.get(name)?;
    if tl.is_relation() {
        return None;
    }
    Some(match tl.era_at("", day) {
        Some(era) => era_text(era),
        None => format!("no value on {day}"),
    })
}

/// The hover of a dated value or relation, below its signature and doc comment.
pub fn describe(
    db: &dyn Db,
    ws: Workspace,
    name: &str,
    key: Option<&TypeName>,
    ty: &TypeName,
    doc: Option<&str>,
    today: Date,
) -> String {
    let mut out = match key {
        Some(k) => format!("```edict\nrelation {name}: {} -> {}\n```", k, ty),
        None => format!("```edict\nvalue {name}: {}\n```", ty),
    };
    if let Some(doc) = doc {
        let _ = write!(out, "\n\n{doc}");
    }
    let Some(tl) = value_timelines(db, ws).values.get(name) else {
        return out;
    };
    if tl.is_relation() {
        relation(&mut out, tl, today);
    } else {
        match tl.era_at("", today) {
            Some(era) => {
                let _ = write!(out, "\n\n**On {today}**: {}", era_text(era));
                for d in &era.differs {
                    let _ = write!(out, "\n\n{}", differs_text(d));
                }
            }
            None => {
                let _ = write!(
                    out,
                    "\n\nNo value on {today}: rules that read it do not apply."
                );
            }
        }
        if let Some(eras) = tl.keys.get("") {
            if eras.len() > 1 {
                out.push_str("\n\n**History**");
                for era in eras {
                    let _ = write!(out, "\n- {}", era_text(era));
                }
            }
        }
    }
    out
}

fn relation(out: &mut String, tl: &ValueTimeline, today: Date) {
    const MAX: usize = 20;
    let held: Vec<(&String, &Era)> = tl
        .keys
        .iter()
        .filter_map(|(k, eras)| Some((k, eras.iter().find(|e| e.holds_on(today))?)))
        .collect();
    let _ = write!(
        out,
        "\n\n**On {today}**: {} of {} key{} hold a value",
        held.len(),
        tl.keys.len(),
        if tl.keys.len() == 1 { "" } else { "s" }
    );
    for (k, era) in held.iter().take(MAX) {
        let _ = write!(out, "\n- {k}: {}", era_text(era));
    }
    if held.len() > MAX {
        let _ = write!(out, "\n- … and {} more", held.len() - MAX);
    }
    // A key without a value today: when it had one last, or when it will have one.
    let idle: Vec<(&String, String)> = tl
        .keys
        .iter()
        .filter(|(_, eras)| !eras.iter().any(|e| e.holds_on(today)))
        .map(|(k, eras)| (k, idle_text(eras, today)))
        .collect();
    if !idle.is_empty() {
        out.push_str("\n\n**No value on that day**");
        for (k, text) in idle.iter().take(MAX) {
            let _ = write!(out, "\n- {k}: {text}");
        }
        if idle.len() > MAX {
            let _ = write!(out, "\n- … and {} more", idle.len() - MAX);
        }
    }
    match &tl.otherwise {
        Some(o) => {
            let _ = write!(out, "\n\nAny other key: {}.", o);
        }
        None => {
            out.push_str("\n\nA key with no value that day: the rules that read it do not apply.")
        }
    }
    // Every key whose value changed: its values in order, each with its period and source.
    let changed: Vec<(&String, &Vec<Era>)> =
        tl.keys.iter().filter(|(_, eras)| eras.len() > 1).collect();
    if !changed.is_empty() {
        out.push_str("\n\n**History**");
        for (k, eras) in changed.iter().take(MAX) {
            let _ = write!(out, "\n- {k}:");
            for era in eras.iter() {
                let _ = write!(out, "\n  - {}", era_text(era));
            }
        }
        if changed.len() > MAX {
            let _ = write!(out, "\n- … and {} more keys", changed.len() - MAX);
        }
    }
    let dates = tl.dates();
    if !dates.is_empty() {
        let shown: Vec<String> = dates.iter().take(12).map(ToString::to_string).collect();
        let more = if dates.len() > 12 { ", …" } else { "" };
        let _ = write!(out, "\n\nChanges on: {}{more}", shown.join(", "));
    }
}

/// What a key with no value on `today` had last (`144h until 2025-11-05 (...)`) or will have
/// first.
fn idle_text(eras: &[Era], today: Date) -> String {
    let before = eras
        .iter()
        .filter(|e| e.until.is_some_and(|u| u <= today))
        .max_by_key(|e| e.until);
    let after = eras
        .iter()
        .filter(|e| e.from.is_some_and(|f| f > today))
        .min_by_key(|e| e.from);
    match (before, after) {
        (Some(b), Some(a)) => format!("had {}; then {}", era_text(b), era_text(a)),
        (Some(b), None) => format!("had {}", era_text(b)),
        (None, Some(a)) => format!("will have {}", era_text(a)),
        (None, None) => "never has a value".to_string(),
    }
}

/// The inlay hint after a relation's use: its values on `today`, most common first
/// (`= 240h ×55, 30d ×1`), and a tooltip naming each key's.
pub fn relation_on(tl: &ValueTimeline, today: Date) -> (String, String) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut lines = Vec::new();
    for (k, eras) in &tl.keys {
        if let Some(era) = eras.iter().find(|e| e.holds_on(today)) {
            let v = era.value.to_string();
            match counts.iter_mut().find(|(x, _)| *x == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v, 1)),
            }
            if lines.len() < 20 {
                lines.push(format!("{k}: {}", era_text(era)));
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut label = if counts.is_empty() {
        format!("(no key holds a value on {today})")
    } else {
        let shown: Vec<String> = counts
            .iter()
            .take(3)
            .map(|(v, n)| format!("{v} ×{n}"))
            .collect();
        let more = if counts.len() > 3 { ", …" } else { "" };
        format!("= {}{more}", shown.join(", "))
    };
    if let Some(o) = &tl.otherwise {
        let _ = write!(label, ", else {}", o);
    }
    if lines.is_empty() {
        let eras = tl.keys.values().flatten();
        let ended = eras
            .clone()
            .filter_map(|e| e.until)
            .filter(|u| *u <= today)
            .max();
        let starts = eras.filter_map(|e| e.from).filter(|f| *f > today).min();
        lines.push(match (ended, starts) {
            (Some(u), Some(f)) => format!("the last values ended on {u}; the next hold from {f}"),
            (None, Some(f)) => format!("the first values hold from {f}"),
            (Some(u), None) => format!("the last values ended on {u}"),
            (None, None) => "no key has a value".to_string(),
        });
    }
    (label, lines.join("\n"))
}
