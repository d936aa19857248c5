//! What the editor shows about dated values and relations: the value on the as-of day with
//! where it comes from (hover, inlay hints), and their history.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::db::{Db, Workspace};
use crate::decls::TypeName;
use crate::ide::hover::type_text;
use crate::render::expr_text;
use crate::values::{value_timelines, Era, ValueTimeline};

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
        expr_text(&era.value)
    } else {
        format!("{} ({})", expr_text(&era.value), parts.join(", "))
    }
}

/// `but nia_2025_11 item 4 says 144h: "144-Hour Visa-Free Transit"`
pub fn differs_text(d: &crate::values::Differs) -> String {
    let source = match d.item {
        Some(i) => format!("{} item {i}", d.source),
        None => d.source.clone(),
    };
    let mut out = format!("but {source} says {}", expr_text(&d.says));
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
        Some(k) => format!(
            "```edict\nrelation {name}: {} -> {}\n```",
            type_text(k),
            type_text(ty)
        ),
        None => format!("```edict\nvalue {name}: {}\n```", type_text(ty)),
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
    const MAX: usize = 20;
    for (k, era) in held.iter().take(MAX) {
        let _ = write!(out, "\n- {k}: {}", era_text(era));
    }
    if held.len() > MAX {
        let _ = write!(out, "\n- … and {} more", held.len() - MAX);
    }
    match &tl.otherwise {
        Some(o) => {
            let _ = write!(out, "\n\nAny other key: {}.", expr_text(o));
        }
        None => {
            out.push_str("\n\nA key with no value that day: the rules that read it do not apply.")
        }
    }
    let dates = tl.dates();
    if !dates.is_empty() {
        let shown: Vec<String> = dates.iter().take(12).map(ToString::to_string).collect();
        let more = if dates.len() > 12 { ", …" } else { "" };
        let _ = write!(out, "\n\nChanges on: {}{more}", shown.join(", "));
    }
}
