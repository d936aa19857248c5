//! `edict diff` for people: what changed in the sources (item by item, each with its
//! citation), then each decision's regions (the period and how the answer changes on one line,
//! then the inputs that matter), then a closing count.

use edict_runtime::diff::{describe_period, Change, DecisionDiff, Side, SourceChange, Values};
use serde_json::Value as Json;

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A side's whole answer: the outcome and where it comes from.
pub fn answer(s: &Side) -> String {
    match s.status.as_str() {
        "decided" => format!("{} (rule {})", s.outcome, s.rules_text()),
        "otherwise" => format!("{} (otherwise)", s.outcome),
        "conflict" => format!("conflict between rules {}", s.rules_text()),
        "collected" => format!("{} (rules {})", s.outcome, s.rules_text()),
        "not_in_catalogue" => "refused (not in this version's catalogue)".into(),
        _ => "no rule applies".into(),
    }
}

/// Where a side's answer comes from: `otherwise`, `rule r, cite`.
fn provenance(s: &Side) -> String {
    match s.status.as_str() {
        "decided" => format!("rule {}", s.rules_text()),
        "otherwise" => "otherwise".into(),
        _ => s.status.replace('_', " "),
    }
}

/// A field's value in words: a string as itself, `none` for no value.
fn value_words(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "none".into(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// How the answer changes: the outcome fields that differ, then where each side's answer comes
/// from (`status: visa_required → visa_free_transit (otherwise → rule r, cite)`); whole answers
/// when they are not both single outcomes.
fn outcome_change(before: &Side, after: &Side) -> String {
    let single = |s: &Side| matches!(s.status.as_str(), "decided" | "otherwise");
    let parse = |s: &Side| serde_json::from_str::<Json>(&s.outcome).ok();
    if let (true, true, Some(Json::Object(b)), Some(Json::Object(a))) =
        (single(before), single(after), parse(before), parse(after))
    {
        // The outcome record's field order, then any field only the old outcome has.
        let fields = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
        let changed: Vec<String> = fields
            .filter(|f| b.get(*f) != a.get(*f))
            .map(|f| format!("{f}: {} → {}", value_words(b.get(f)), value_words(a.get(f))))
            .collect();
        let what = if changed.is_empty() {
            "same outcome".to_string()
        } else {
            changed.join(", ")
        };
        return format!("{what} ({} → {})", provenance(before), provenance(after));
    }
    format!("{} → {}", answer(before), answer(after))
}

/// A true/false column in a region as a condition: `p.stays_airside`, `not p.stays_airside`,
/// `t.a != t.b`; `None` for anything else.
fn as_condition(column: &str, values: &Values, absent: bool) -> Option<String> {
    let Values::Flags(flags) = values else {
        return None;
    };
    if absent || flags.len() != 1 {
        return None;
    }
    let value = flags.iter().next().copied()?;
    Some(match (column.split_once(" == "), value) {
        (Some(_), true) => column.to_string(),
        (Some((a, b)), false) => format!("{a} != {b}"),
        (None, true) => column.to_string(),
        (None, false) => format!("not {column}"),
    })
}

/// The inputs of a region: one line per column that lists values, and the true/false
/// conditions together on one line.
fn region_lines(out: &mut String, c: &Change) {
    if c.region.is_empty() {
        out.push_str("      (every request)\n");
        return;
    }
    let mut conditions = Vec::new();
    for r in &c.region {
        match as_condition(&r.column, &r.selection.values, r.selection.absent) {
            Some(cond) => conditions.push(cond),
            None => out.push_str(&format!("      {}: {}\n", r.column, r.description.text)),
        }
    }
    if !conditions.is_empty() {
        out.push_str(&format!("      {}\n", conditions.join(" and ")));
    }
}

/// The sources' changes, then each decision's regions, then a closing line. Example requests
/// are in the JSON and Markdown forms.
pub fn human(diffs: &[DecisionDiff], sources: &[SourceChange], width: usize) -> String {
    let mut out = String::new();
    let groups = super::sources::groups(sources);
    if !groups.is_empty() {
        out.push_str("in the sources:\n");
        out.push_str(&super::sources::text(&groups, width));
        out.push('\n');
    }
    for d in diffs {
        match d {
            DecisionDiff::Added(n) => out.push_str(&format!("decision `{n}` is new\n")),
            DecisionDiff::Removed(n) => out.push_str(&format!("decision `{n}` is removed\n")),
            DecisionDiff::Incomparable { decision, why } => out.push_str(&format!(
                "decision `{decision}` cannot be compared: {why}\n"
            )),
            DecisionDiff::Changed { decision, changes } => {
                // Changes of the same period and answers are one change in several regions.
                let mut groups: Vec<Vec<&Change>> = Vec::new();
                for c in changes {
                    match groups.last_mut() {
                        Some(g) if same_change(g[0], c) => g.push(c),
                        _ => groups.push(vec![c]),
                    }
                }
                if let [group] = groups.as_slice() {
                    out.push_str(&format!("decision `{decision}`, "));
                    change_lines(&mut out, group, width);
                } else {
                    out.push_str(&format!(
                        "decision `{decision}`: {}\n",
                        plural(groups.len(), "change", "changes")
                    ));
                    for group in &groups {
                        out.push_str("  ");
                        change_lines(&mut out, group, width);
                    }
                }
            }
        }
    }
    if !diffs.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(diffs));
    out.push('\n');
    out
}

fn same_change(a: &Change, b: &Change) -> bool {
    (a.from, a.until, &a.before, &a.after) == (b.from, b.until, &b.before, &b.after)
}

/// `from 2025-11-05: status: a → b (otherwise → rule r, cite), where`, the inputs of each
/// region and what caused it (`because ...`), and `or where` between regions.
fn change_lines(out: &mut String, group: &[&Change], width: usize) {
    let Some(first) = group.first() else {
        return;
    };
    out.push_str(&format!(
        "{}: {}, where\n",
        describe_period(first.from, first.until),
        outcome_change(&first.before, &first.after)
    ));
    for (i, c) in group.iter().enumerate() {
        if i > 0 {
            out.push_str("    or where\n");
        }
        region_lines(out, c);
    }
    // What caused the change, once for all its regions.
    let credits = edict_runtime::diff::merge_credits(group.iter().flat_map(|c| c.credits.clone()));
    for credit in credits {
        out.push_str(&super::sources::wrap(
            &format!("because {}", credit.text()),
            width,
            "    ",
            "        ",
        ));
    }
}

/// The closing line: how many decisions changed, in how many regions.
pub fn summary(diffs: &[DecisionDiff]) -> String {
    if diffs.is_empty() {
        return "no decision changes".into();
    }
    let (mut changed, mut regions, mut added, mut removed, mut incomparable) = (0, 0, 0, 0, 0);
    for d in diffs {
        match d {
            DecisionDiff::Changed { changes, .. } => {
                changed += 1;
                regions += changes.len();
            }
            DecisionDiff::Added(_) => added += 1,
            DecisionDiff::Removed(_) => removed += 1,
            DecisionDiff::Incomparable { .. } => incomparable += 1,
        }
    }
    let mut s = format!(
        "{} change{} ({}), {added} added, {removed} removed",
        plural(changed, "decision", "decisions"),
        if changed == 1 { "s" } else { "" },
        plural(regions, "region", "regions"),
    );
    if incomparable > 0 {
        s.push_str(&format!(", {incomparable} not comparable"));
    }
    s
}
