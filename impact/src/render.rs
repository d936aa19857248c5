//! An impact report written out: for people (`human`), for a pull request (`markdown`), for
//! programs (`json`), for a spreadsheet (`csv`: one line per group of every breakdown).

use std::collections::BTreeSet;

use edict_runtime::diff::{describe_period, Change};
use serde_json::{json, Value as Json};

use edict_runtime::diff::Side;

use crate::impact::{words, RegionTally, Report, Tally, Transition};

/// `12,345`, or `12,345.5` for a weight that is not whole.
pub fn number(x: f64) -> String {
    let whole = x.trunc();
    let mut digits = format!("{}", whole.abs() as u128);
    let mut out = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        out = format!(",{tail}{out}");
    }
    out = format!("{}{digits}{out}", if x < 0.0 { "-" } else { "" });
    let frac = x - whole;
    if frac.abs() > 1e-9 {
        let f = format!("{:.2}", frac.abs());
        out.push_str(f.trim_start_matches('0').trim_end_matches('0'));
    }
    out
}

fn percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        return "0%".into();
    }
    let p = part * 100.0 / whole;
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else {
        format!("{p:.1}%")
    }
}

/// What a weight counts: `crossings (column count)` or `rows`.
fn unit(r: &Report) -> String {
    match &r.weight_column {
        Some(_) => "weight".into(),
        None => "rows".into(),
    }
}

fn rows(n: u64) -> String {
    format!(
        "{} {}",
        number(n as f64),
        if n == 1 { "row" } else { "rows" }
    )
}

fn tally_words(r: &Report, t: Tally) -> String {
    match &r.weight_column {
        Some(c) => format!("{} by `{c}` in {}", number(t.weight), rows(t.rows)),
        None => rows(t.rows),
    }
}

/// The region's period and inputs in one line.
pub fn region_text(c: &Change) -> String {
    let mut parts = vec![describe_period(c.from, c.until)];
    for r in &c.region {
        parts.push(format!("{}: {}", r.column, r.description.text));
    }
    parts.join("; ")
}

/// The distinct citations of a region's causes: `nia_2025_11 item 4`.
pub fn citations(c: &Change) -> Vec<String> {
    let mut seen = BTreeSet::new();
    c.credits
        .iter()
        .filter_map(|cr| cr.citation().map(str::to_string))
        .filter(|c| seen.insert(c.clone()))
        .collect()
}

/// The groups of a breakdown, heaviest first, at most `top`.
fn top(
    groups: &std::collections::BTreeMap<Vec<String>, Tally>,
    n: usize,
) -> Vec<(&Vec<String>, Tally)> {
    let mut v: Vec<(&Vec<String>, Tally)> = groups.iter().map(|(g, t)| (g, *t)).collect();
    v.sort_by(|a, b| {
        b.1.weight
            .partial_cmp(&a.1.weight)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.1.rows.cmp(&a.1.rows))
            .then(a.0.cmp(b.0))
    });
    v.truncate(n);
    v
}

/// The changes from one answer to another, heaviest first.
fn transitions(r: &Report) -> Vec<(&(Side, Side), &Transition)> {
    let mut v: Vec<_> = r.changed.iter().collect();
    v.sort_by(|a, b| {
        b.1.tally
            .weight
            .partial_cmp(&a.1.tally.weight)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.1.tally.rows.cmp(&a.1.tally.rows))
    });
    v
}

fn region_title(r: &Report, region: Option<usize>) -> (String, Vec<String>) {
    match region.and_then(|i| r.changes.get(i).map(|c| (i, c))) {
        Some((i, c)) => (
            format!("region {}: {}", i + 1, region_text(c)),
            citations(c),
        ),
        None => (
            "in no region of the diff (a disagreement between the diff and the engine; please \
             report it)"
                .into(),
            Vec::new(),
        ),
    }
}

/// For people.
pub fn human(r: &Report) -> String {
    let mut out = String::new();
    let total = r.total;
    let changed = r.changed_total();
    let undecided = r.undecided_total();
    let measure = |t: Tally| {
        if r.weight_column.is_some() {
            t.weight
        } else {
            t.rows as f64
        }
    };
    out.push_str(&format!("{}: {}\n", r.decision, tally_words(r, total)));
    out.push_str(&format!(
        "  changed:      {} ({})\n",
        tally_words(r, changed),
        percent(measure(changed), measure(total))
    ));
    let mut unchanged = Tally::default();
    for t in r.unchanged.values() {
        unchanged.rows += t.rows;
        unchanged.weight += t.weight;
    }
    out.push_str(&format!("  unchanged:    {}\n", tally_words(r, unchanged)));
    out.push_str(&format!("  undecidable:  {}\n", tally_words(r, undecided)));
    for ((before, after), tr) in transitions(r) {
        out.push_str(&format!(
            "\n{} → {}: {}\n",
            words(before),
            words(after),
            tally_words(r, tr.tally)
        ));
        for (region, rt) in &tr.regions {
            region_human(&mut out, r, *region, rt);
        }
    }
    for ((side, e), u) in &r.undecided {
        out.push_str(&format!(
            "\nundecidable on the {side} side, `{}`: {}: {}\n",
            e.input,
            e.message,
            tally_words(r, u.tally)
        ));
        examples_human(&mut out, r, &u.examples);
    }
    if r.changed.is_empty() {
        out.push_str("\nno row is answered differently\n");
    }
    out
}

fn region_human(out: &mut String, r: &Report, region: Option<usize>, rt: &RegionTally) {
    let (title, cites) = match region.and_then(|i| r.changes.get(i).map(|c| (i, c))) {
        // The period, then each input that matters on a line of its own.
        Some((i, c)) => {
            let mut t = format!(
                "region {}, {}, where",
                i + 1,
                describe_period(c.from, c.until)
            );
            for col in &c.region {
                t.push_str(&format!("\n      {}: {}", col.column, col.description.text));
            }
            if c.region.is_empty() {
                t.push_str(" every request");
            }
            (t, citations(c))
        }
        None => region_title(r, region),
    };
    out.push_str(&format!("  {title}\n"));
    if let Some(c) = region.and_then(|i| r.changes.get(i)) {
        for credit in &c.credits {
            out.push_str(&format!("    because {}\n", credit.text()));
        }
    }
    out.push_str(&format!("    {}\n", tally_words(r, rt.tally)));
    let cite = cites.join("; ");
    for (i, names) in r.by.iter().enumerate() {
        let Some(groups) = rt.by.get(i) else { continue };
        out.push_str(&format!("    by {}:\n", names.join(", ")));
        let shown = top(groups, r.options_top);
        let width = shown
            .iter()
            .map(|(g, _)| g.join(", ").chars().count())
            .max()
            .unwrap_or(0);
        for (g, t) in &shown {
            let label = g.join(", ");
            let pad = " ".repeat(width.saturating_sub(label.chars().count()));
            let amount = if r.weight_column.is_some() {
                t.weight
            } else {
                t.rows as f64
            };
            out.push_str(&format!("      {label}{pad}  {:>10}", number(amount)));
            if !cite.is_empty() {
                out.push_str(&format!("  {cite}"));
            }
            out.push('\n');
        }
        if groups.len() > shown.len() {
            out.push_str(&format!(
                "      … and {} more\n",
                groups.len() - shown.len()
            ));
        }
    }
    examples_human(out, r, &rt.examples);
}

fn examples_human(out: &mut String, r: &Report, examples: &BTreeSet<(u64, Vec<String>)>) {
    if examples.is_empty() {
        return;
    }
    out.push_str(&format!(
        "    examples ({}):\n",
        r.example_columns.join(", ")
    ));
    for (_, e) in examples {
        out.push_str(&format!("      {}\n", e.join(", ")));
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// For a pull request: a summary table, then each change with its regions' breakdowns.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let measure = |t: Tally| {
        if r.weight_column.is_some() {
            t.weight
        } else {
            t.rows as f64
        }
    };
    out.push_str(&format!("### Impact on `{}`\n\n", r.decision));
    out.push_str(&format!(
        "| | {} | share |\n| --- | ---: | ---: |\n",
        unit(r)
    ));
    let changed = r.changed_total();
    let undecided = r.undecided_total();
    for (label, t) in [
        ("changed", changed),
        ("undecidable", undecided),
        ("all", r.total),
    ] {
        out.push_str(&format!(
            "| {label} | {} | {} |\n",
            number(measure(t)),
            percent(measure(t), measure(r.total))
        ));
    }
    if let Some(c) = &r.weight_column {
        out.push_str(&format!("\nWeights are the column `{c}`.\n"));
    }
    for ((before, after), tr) in transitions(r) {
        out.push_str(&format!(
            "\n#### {} → {}: {}\n",
            md_cell(&words(before)),
            md_cell(&words(after)),
            number(measure(tr.tally))
        ));
        for (region, rt) in &tr.regions {
            let (title, cites) = region_title(r, *region);
            out.push_str(&format!(
                "\n**{}** ({})\n\n",
                md_cell(&title),
                number(measure(rt.tally))
            ));
            if let Some(c) = region.and_then(|i| r.changes.get(i)) {
                for credit in &c.credits {
                    out.push_str(&format!("- because {}\n", md_cell(&credit.text())));
                }
            }
            for (i, names) in r.by.iter().enumerate() {
                let Some(groups) = rt.by.get(i) else { continue };
                out.push_str(&format!(
                    "\n<details><summary>by {}</summary>\n\n| {} | {} | cited |\n|{} ---: | --- |\n",
                    names.join(", "),
                    names.iter().map(|n| md_cell(n)).collect::<Vec<_>>().join(" | "),
                    unit(r),
                    " --- |".repeat(names.len())
                ));
                for (g, t) in top(groups, r.options_top) {
                    out.push_str(&format!(
                        "| {} | {} | {} |\n",
                        g.iter().map(|v| md_cell(v)).collect::<Vec<_>>().join(" | "),
                        number(measure(t)),
                        md_cell(&cites.join("; "))
                    ));
                }
                out.push_str("\n</details>\n");
            }
        }
    }
    if !r.undecided.is_empty() {
        out.push_str("\n#### Rows that cannot be decided\n\n| side | input | why | rows |\n| --- | --- | --- | ---: |\n");
        for ((side, e), u) in &r.undecided {
            out.push_str(&format!(
                "| {side} | `{}` | {} | {} |\n",
                e.input,
                md_cell(&e.message),
                number(u.tally.rows as f64)
            ));
        }
    }
    if r.changed.is_empty() {
        out.push_str("\nNo row is answered differently.\n");
    }
    out
}

fn side_json(s: &edict_runtime::diff::Side) -> Json {
    json!({
        "status": s.status,
        "outcome": serde_json::from_str::<Json>(&s.outcome).unwrap_or(Json::Null),
        "rules": s.rules,
        "citations": s.citations,
        "words": words(s),
    })
}

fn tally_json(t: Tally) -> Json {
    json!({"rows": t.rows, "weight": t.weight})
}

/// For programs: every count, every group (not only the top ones).
pub fn json(r: &Report) -> Json {
    let examples = |e: &BTreeSet<(u64, Vec<String>)>| -> Json {
        e.iter()
            .map(|(_, row)| {
                Json::Object(
                    r.example_columns
                        .iter()
                        .cloned()
                        .zip(row.iter().map(|v| Json::String(v.clone())))
                        .collect(),
                )
            })
            .collect()
    };
    json!({
        "decision": r.decision,
        "inputs": r.inputs.iter().map(|(i, c)| json!({"input": i, "column": c})).collect::<Vec<_>>(),
        "weight_column": r.weight_column,
        "total": tally_json(r.total),
        "changed": tally_json(r.changed_total()),
        "undecidable": tally_json(r.undecided_total()),
        "unchanged": r.unchanged.iter().map(|(s, t)| json!({"answer": side_json(s), "count": tally_json(*t)})).collect::<Vec<_>>(),
        "changes": r.changed.iter().map(|((b, a), tr)| json!({
            "before": side_json(b),
            "after": side_json(a),
            "count": tally_json(tr.tally),
            "regions": tr.regions.iter().map(|(region, rt)| {
                let change = region.and_then(|i| r.changes.get(i));
                json!({
                    "region": region.map(|i| i + 1),
                    "where": change.map(region_text),
                    "because": change.map(|c| c.credits.iter().map(|cr| cr.text()).collect::<Vec<_>>()),
                    "citations": change.map(citations),
                    "count": tally_json(rt.tally),
                    "by": r.by.iter().enumerate().map(|(i, names)| json!({
                        "columns": names,
                        "groups": rt.by.get(i).map(|g| top(g, usize::MAX).into_iter().map(|(g, t)| json!({"values": g, "count": tally_json(t)})).collect::<Vec<_>>()),
                    })).collect::<Vec<_>>(),
                    "examples": examples(&rt.examples),
                })
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "undecided": r.undecided.iter().map(|((side, e), u)| json!({
            "side": side, "input": e.input, "why": e.message,
            "count": tally_json(u.tally), "examples": examples(&u.examples),
        })).collect::<Vec<_>>(),
        "changed_by_day": r.changed_by_day.iter().map(|(d, t)| json!({"day": edict_runtime::value::format_date(*d), "count": tally_json(*t)})).collect::<Vec<_>>(),
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// For a spreadsheet: one line per region, then one per group of each breakdown in it.
pub fn csv(r: &Report) -> String {
    let mut out =
        String::from("decision,before,after,region,where,citations,breakdown,group,rows,weight\n");
    for ((before, after), tr) in &r.changed {
        for (region, rt) in &tr.regions {
            let change = region.and_then(|i| r.changes.get(i));
            let head = [
                r.decision.clone(),
                words(before),
                words(after),
                region.map(|i| (i + 1).to_string()).unwrap_or_default(),
                change.map(region_text).unwrap_or_default(),
                change.map(|c| citations(c).join("; ")).unwrap_or_default(),
            ]
            .map(|s| csv_field(&s))
            .join(",");
            out.push_str(&format!("{head},,,{},{}\n", rt.tally.rows, rt.tally.weight));
            for (i, names) in r.by.iter().enumerate() {
                let Some(groups) = rt.by.get(i) else { continue };
                for (g, t) in top(groups, usize::MAX) {
                    out.push_str(&format!(
                        "{head},{},{},{},{}\n",
                        csv_field(&names.join(" & ")),
                        csv_field(&g.join(" & ")),
                        t.rows,
                        t.weight
                    ));
                }
            }
        }
    }
    out
}
