//! Decision tables drawn for people (`edict table`, the language server's "Show table"): text, Markdown, CSV, HTML.

use crate::analysis::number_type;
use crate::artifact::{Atom, Column, DecisionTable, Test};
use crate::value::{format_date, parse_date};
use crate::{column_text, Artifact, Engine};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Text,
    Md,
    Csv,
    Html,
}

/// A drawn table: a title, headers, and rows of cells.
pub struct Grid {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn name_in_domain(a: &Artifact, col: &Column, v: u32) -> String {
    let Column::Category { domain, .. } = col else {
        return v.to_string();
    };
    a.catalogue
        .member_name(*domain, v)
        .map_or_else(|| v.to_string(), str::to_string)
}

/// An atom as a table cell on a day: `in transit_ports (65)`, `= hengqin`, `≤ 240h`.
pub(crate) fn cell(engine: &Engine, d: &DecisionTable, atom: &Atom, day: i64) -> String {
    let a = engine.artifact();
    let Some(col) = d.columns.get(atom.column as usize) else {
        return String::new();
    };
    let not = |n: bool| if n { "not " } else { "" };
    match &atom.test {
        Test::Member { set, negate } => {
            let s = a.sets.get(*set as usize);
            let count = s
                .and_then(|s| {
                    s.slices
                        .iter()
                        .rev()
                        .find(|sl| sl.from.is_none_or(|f| f <= day))
                })
                .map_or(0, |sl| sl.members.len());
            format!(
                "{}in {} ({count})",
                not(*negate),
                s.map_or("?", |s| s.name.as_str())
            )
        }
        Test::Within { ty, entity, negate } => {
            let name = a
                .catalogue
                .entity_types
                .get(*ty as usize)
                .and_then(|t| t.entities.get(*entity as usize))
                .map_or("?", |e| e.name.as_str());
            format!("{}in {name}", not(*negate))
        }
        Test::OneOf { values, negate } => {
            let names: Vec<String> = values.iter().map(|v| name_in_domain(a, col, *v)).collect();
            format!("{} {}", if *negate { "≠" } else { "=" }, names.join(", "))
        }
        Test::Interval { lo, hi } => {
            let t = match col {
                Column::Number { expr, .. } => number_type(engine, d, expr),
                _ => None,
            };
            let f = |n: i64| engine.format_number(t.as_ref(), n);
            match (lo, hi) {
                (Some(l), Some(h)) if l == h => format!("= {}", f(*l)),
                (Some(l), Some(h)) => format!("{}..{}", f(*l), f(*h)),
                (None, Some(h)) => format!("≤ {}", f(*h)),
                (Some(l), None) => format!("≥ {}", f(*l)),
                (None, None) => "any".into(),
            }
        }
        Test::Is(b) => match (col, b) {
            (Column::Same { .. }, true) => "equal".into(),
            (Column::Same { .. }, false) => "different".into(),
            (_, true) => "yes".into(),
            (_, false) => "no".into(),
        },
    }
}

fn outcome_text(engine: &Engine, d: &DecisionTable, rule: Option<u32>) -> String {
    match engine.outcome_json(d, rule) {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The table of `decision` as it stands on `as_of` (default: the latest slice).
pub fn grid(engine: &Engine, decision: u32, as_of: Option<&str>) -> Result<Grid, String> {
    let d = engine.decision(decision).ok_or("no such decision")?;
    let day = match as_of {
        Some(text) => {
            parse_date(text).ok_or_else(|| format!("`{text}` is not a date such as 2025-11-05"))?
        }
        None => d.boundaries.last().copied().unwrap_or(0),
    };
    let mut headers = vec!["rule".to_string()];
    headers.extend(d.columns.iter().map(column_text));
    headers.extend(["outcome".into(), "in force".into(), "cites".into()]);
    // Rules that read dated values or relations: which value each row was compiled with.
    let reads_values = d.rules.iter().any(|r| !r.bindings.is_empty());
    if reads_values {
        headers.push("values read".into());
    }
    let mut rows = Vec::new();
    let mut in_force = std::collections::BTreeSet::new();
    // Each rule's rows, found in one pass (not a pass over every row for each rule).
    let mut by_rule: Vec<Vec<&crate::artifact::Row>> = vec![Vec::new(); d.rules.len()];
    for r in &d.rows {
        if let Some(own) = by_rule.get_mut(r.rule as usize) {
            own.push(r);
        }
    }
    for (ri, rule) in d.rules.iter().enumerate() {
        let active = rule.from.is_none_or(|f| f <= day) && rule.until.is_none_or(|u| day < u);
        if !active {
            continue;
        }
        in_force.insert(rule.name.as_str());
        let own = &by_rule[ri];
        for (k, row) in own.iter().enumerate() {
            let label = if own.len() > 1 {
                format!("{} ({}/{})", rule.name, k + 1, own.len())
            } else {
                rule.name.clone()
            };
            let mut cells = vec![label];
            for c in 0..d.columns.len() {
                let texts: Vec<String> = row
                    .atoms
                    .iter()
                    .filter(|at| at.column as usize == c)
                    .map(|at| cell(engine, d, at, day))
                    .collect();
                cells.push(if texts.is_empty() {
                    "-".into()
                } else {
                    texts.join(" and ")
                });
            }
            cells.push(outcome_text(engine, d, Some(ri as u32)));
            let period = match (rule.from, rule.until) {
                (None, None) => "always".to_string(),
                (f, u) => format!(
                    "{} → {}{}",
                    f.map_or(String::new(), format_date),
                    u.map_or(String::new(), format_date),
                    // Only where the rule's own `until` ends this version.
                    if u.is_some() && u == rule.written.1 {
                        crate::explain::ended_by_text(rule)
                    } else {
                        String::new()
                    }
                ),
            };
            cells.push(period);
            cells.push(
                rule.citation
                    .as_ref()
                    .map_or(String::new(), |c| match c.item {
                        Some(i) => format!("{} item {i}", c.source),
                        None => c.source.clone(),
                    }),
            );
            if reads_values {
                let values: Vec<String> = rule
                    .bindings
                    .iter()
                    .map(crate::explain::binding_text)
                    .collect();
                cells.push(values.join("; "));
            }
            rows.push(cells);
        }
    }
    if d.otherwise.is_some() {
        let mut cells = vec!["otherwise".to_string()];
        cells.extend((0..d.columns.len()).map(|_| "-".to_string()));
        cells.extend([outcome_text(engine, d, None), String::new(), String::new()]);
        if reads_values {
            cells.push(String::new());
        }
        rows.push(cells);
    }
    let rules: std::collections::BTreeSet<&str> = d.rules.iter().map(|r| r.name.as_str()).collect();
    let title = format!(
        "decision {} (hit {}) as of {}: {} of {} rules in force",
        d.name,
        d.hit.as_str(),
        format_date(day),
        in_force.len(),
        rules.len()
    );
    Ok(Grid {
        title,
        headers,
        rows,
    })
}

/// Columns a string takes in a terminal: East Asian wide characters and emoji take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = matches!(u, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

pub fn render(g: &Grid, format: TableFormat) -> String {
    match format {
        TableFormat::Text => {
            let mut widths: Vec<usize> = g.headers.iter().map(|h| width(h)).collect();
            for r in &g.rows {
                for (i, c) in r.iter().enumerate() {
                    widths[i] = widths[i].max(width(c));
                }
            }
            let line = |cells: &[String]| -> String {
                let parts: Vec<String> = cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c}{}", " ".repeat(w - width(c))))
                    .collect();
                format!("│ {} │\n", parts.join(" │ "))
            };
            let rule = |l: &str, m: &str, r: &str| -> String {
                let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
                format!("{l}{}{r}\n", parts.join(m))
            };
            let mut out = format!("{}\n", g.title);
            out.push_str(&rule("┌", "┬", "┐"));
            out.push_str(&line(&g.headers));
            out.push_str(&rule("├", "┼", "┤"));
            for r in &g.rows {
                out.push_str(&line(r));
            }
            out.push_str(&rule("└", "┴", "┘"));
            out
        }
        TableFormat::Md => {
            let esc = |s: &str| s.replace('|', "\\|");
            let mut out = format!("**{}**\n\n", esc(&g.title));
            out.push_str(&format!(
                "| {} |\n",
                g.headers
                    .iter()
                    .map(|h| esc(h))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
            out.push_str(&format!("|{}\n", " --- |".repeat(g.headers.len())));
            for r in &g.rows {
                out.push_str(&format!(
                    "| {} |\n",
                    r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
                ));
            }
            out
        }
        TableFormat::Csv => {
            let q = |s: &str| {
                if s.contains([',', '"', '\n']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_string()
                }
            };
            let mut out = String::new();
            for r in std::iter::once(&g.headers).chain(&g.rows) {
                out.push_str(&r.iter().map(|c| q(c)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            out
        }
        TableFormat::Html => {
            let e = |s: &str| {
                s.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
            };
            let mut out = String::from(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            );
            out.push_str(&format!("<title>{}</title>\n", e(&g.title)));
            out.push_str("<style>\nbody{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}\ntable{border-collapse:collapse;font-size:.9rem}\nth,td{border:1px solid #bbb;padding:.35rem .6rem;text-align:left;vertical-align:top}\nth{background:#f0f0f0}\ntr:nth-child(even) td{background:#fafafa}\ncaption{caption-side:top;text-align:left;font-weight:600;margin-bottom:.5rem}\n</style>\n</head>\n<body>\n<table>\n");
            out.push_str(&format!("<caption>{}</caption>\n<thead><tr>", e(&g.title)));
            for h in &g.headers {
                out.push_str(&format!("<th scope=\"col\">{}</th>", e(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in &g.rows {
                out.push_str("<tr>");
                for c in r {
                    out.push_str(&format!("<td>{}</td>", e(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n</body>\n</html>\n");
            out
        }
    }
}
