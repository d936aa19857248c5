//! What `edict diff` prints: human text, JSON (version 2, schema in docs/cli.md), Markdown for
//! a pull-request comment, GitHub notices and SARIF.

use edict_runtime::diff::{
    describe_period, Change, DecisionDiff, Options, RuleSummary, Side, SourceChange, Values,
};
use edict_runtime::value::format_date;
use serde_json::{json, Value as Json};

/// The first line of a Markdown report, so that a CI job finds and updates its own comment.
pub const MARKER: &str = "<!-- edict-diff -->";

/// The rules of a side with their citations: `rule visa_free_transit_144h, nia_2025_11 item 4`.
fn rules(s: &Side) -> String {
    s.rules
        .iter()
        .zip(s.citations.iter().chain(std::iter::repeat(&String::new())))
        .map(|(r, c)| {
            if c.is_empty() {
                r.clone()
            } else {
                format!("{r}, {c}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn answer(s: &Side) -> String {
    match s.status.as_str() {
        "decided" => format!("{} (rule {})", s.outcome, rules(s)),
        "otherwise" => format!("{} (otherwise)", s.outcome),
        "conflict" => format!("conflict between rules {}", rules(s)),
        "collected" => format!("{} (rules {})", s.outcome, rules(s)),
        _ => "no rule applies".into(),
    }
}

fn rule_words(r: &RuleSummary) -> String {
    let mut s = r.period.clone();
    if let Some(c) = &r.citation {
        s.push_str(&format!(", cites {c}"));
    }
    s
}

/// One line per change in the sources.
pub fn source_lines(sources: &[SourceChange]) -> Vec<String> {
    let names = |v: &[String]| {
        if v.len() <= 10 {
            v.join(", ")
        } else {
            format!("{}, and {} more", v[..10].join(", "), v.len() - 10)
        }
    };
    let mut out = Vec::new();
    for c in sources {
        match c {
            SourceChange::SetAdded { set, members } => out.push(format!(
                "set `{set}` is new: {} ({})",
                names(members),
                members.len()
            )),
            SourceChange::SetRemoved { set } => out.push(format!("set `{set}` is removed")),
            SourceChange::SetChanged { set, periods } => {
                for p in periods {
                    let mut parts = Vec::new();
                    if !p.added.is_empty() {
                        parts.push(format!("adds {} ({})", names(&p.added), p.added.len()));
                    }
                    if !p.removed.is_empty() {
                        parts.push(format!("drops {} ({})", names(&p.removed), p.removed.len()));
                    }
                    out.push(format!(
                        "set `{set}` {}: {}",
                        describe_period(p.from, p.until),
                        parts.join("; ")
                    ));
                }
            }
            SourceChange::RuleAdded { decision, rule } => out.push(format!(
                "rule `{}` of `{decision}` is new: {}",
                rule.name,
                rule_words(rule)
            )),
            SourceChange::RuleRemoved { decision, rule } => out.push(format!(
                "rule `{}` of `{decision}` is removed (was {})",
                rule.name,
                rule_words(rule)
            )),
            SourceChange::RuleChanged {
                decision,
                rule,
                what,
            } => out.push(format!(
                "rule `{}` of `{decision}` changes its {}: {}",
                rule.name,
                what.join(", "),
                rule_words(rule)
            )),
        }
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One change in human text, indented under its decision.
fn human_change(out: &mut String, c: &Change) {
    out.push_str(&format!("  {}, where\n", describe_period(c.from, c.until)));
    if c.region.is_empty() {
        out.push_str("      (every request)\n");
    }
    for r in &c.region {
        out.push_str(&format!("      {}: {}\n", r.column, r.description.text));
    }
    out.push_str(&format!("    before: {}\n", answer(&c.before)));
    out.push_str(&format!("    after:  {}\n", answer(&c.after)));
}

/// The sources' changes, then each decision's regions, then a closing line. Example requests
/// are in the JSON and Markdown forms.
pub fn human(diffs: &[DecisionDiff], sources: &[SourceChange]) -> String {
    let mut out = String::new();
    let lines = source_lines(sources);
    if !lines.is_empty() {
        out.push_str("in the sources:\n");
        for l in lines {
            out.push_str(&format!("  {l}\n"));
        }
        out.push('\n');
    }
    for d in diffs {
        match d {
            DecisionDiff::Added(n) => out.push_str(&format!("decision `{n}` is new\n\n")),
            DecisionDiff::Removed(n) => out.push_str(&format!("decision `{n}` is removed\n\n")),
            DecisionDiff::Incomparable { decision, why } => out.push_str(&format!(
                "decision `{decision}` cannot be compared: {why}\n\n"
            )),
            DecisionDiff::Changed { decision, changes } => {
                out.push_str(&format!(
                    "decision `{decision}`: {}\n",
                    plural(changes.len(), "change", "changes")
                ));
                for c in changes {
                    human_change(&mut out, c);
                }
                out.push('\n');
            }
        }
    }
    out.push_str(&summary(diffs));
    out.push('\n');
    out
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

fn side_json(s: &Side) -> Json {
    json!({
        "status": s.status,
        "outcome": serde_json::from_str::<Json>(&s.outcome).unwrap_or(Json::Null),
        "rules": s.rules,
        "citations": s.citations,
    })
}

fn change_json(c: &Change) -> Json {
    let region: Vec<Json> = c
        .region
        .iter()
        .map(|r| {
            let d = &r.description;
            let mut o = json!({
                "column": r.column,
                "text": d.text,
                "absent": r.selection.absent,
            });
            match &r.selection.values {
                Values::Names(_) => {
                    o["kind"] = json!("values");
                    o["count"] = json!(d.count);
                    o["of"] = json!(d.of);
                    o["set"] = json!(d.set);
                    o[if d.complement { "all_but" } else { "members" }] = json!(d.listed);
                }
                Values::Intervals(_) => {
                    o["kind"] = json!("intervals");
                    o["intervals"] = d
                        .intervals
                        .iter()
                        .map(|(lo, hi)| json!({ "min": lo, "max": hi }))
                        .collect();
                }
                Values::Flags(flags) => {
                    o["kind"] = json!("flags");
                    o["values"] = json!(flags);
                }
            }
            o
        })
        .collect();
    json!({
        "from": c.from.map(format_date),
        "until": c.until.map(format_date),
        "period": describe_period(c.from, c.until),
        "region": region,
        "before": side_json(&c.before),
        "after": side_json(&c.after),
        "example": c.example,
    })
}

fn source_json(c: &SourceChange) -> Json {
    let rule =
        |r: &RuleSummary| json!({ "name": r.name, "citation": r.citation, "period": r.period });
    match c {
        SourceChange::SetAdded { set, members } => {
            json!({ "kind": "set_added", "set": set, "members": members })
        }
        SourceChange::SetRemoved { set } => json!({ "kind": "set_removed", "set": set }),
        SourceChange::SetChanged { set, periods } => json!({
            "kind": "set_changed",
            "set": set,
            "periods": periods.iter().map(|p| json!({
                "from": p.from.map(format_date),
                "until": p.until.map(format_date),
                "added": p.added,
                "removed": p.removed,
            })).collect::<Vec<_>>(),
        }),
        SourceChange::RuleAdded { decision, rule: r } => {
            json!({ "kind": "rule_added", "decision": decision, "rule": rule(r) })
        }
        SourceChange::RuleRemoved { decision, rule: r } => {
            json!({ "kind": "rule_removed", "decision": decision, "rule": rule(r) })
        }
        SourceChange::RuleChanged {
            decision,
            rule: r,
            what,
        } => json!({
            "kind": "rule_changed", "decision": decision, "rule": rule(r), "what": what,
        }),
    }
}

pub fn json(diffs: &[DecisionDiff], sources: &[SourceChange], window: Options) -> String {
    let decisions: Vec<Json> = diffs
        .iter()
        .map(|d| match d {
            DecisionDiff::Added(n) => json!({ "decision": n, "kind": "added" }),
            DecisionDiff::Removed(n) => json!({ "decision": n, "kind": "removed" }),
            DecisionDiff::Incomparable { decision, why } => {
                json!({ "decision": decision, "kind": "incomparable", "why": why })
            }
            DecisionDiff::Changed { decision, changes } => json!({
                "decision": decision,
                "kind": "changed",
                "changes": changes.iter().map(change_json).collect::<Vec<_>>(),
            }),
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "version": 2,
        "window": { "from": window.from.map(format_date), "until": window.until.map(format_date) },
        "sources": sources.iter().map(source_json).collect::<Vec<_>>(),
        "decisions": decisions,
        "summary": summary(diffs),
    }))
    .unwrap_or_default()
}

/// Text for a Markdown table cell or inline code.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code(s: &str) -> String {
    format!("`{}`", cell(&s.replace('`', "'")))
}

/// A pull-request comment: the summary, then a collapsible section per decision.
pub fn markdown(diffs: &[DecisionDiff], sources: &[SourceChange]) -> String {
    let mut out = format!(
        "{MARKER}\n### Edict policy diff\n\n**{}**\n",
        summary(diffs)
    );
    let lines = source_lines(sources);
    if !lines.is_empty() {
        out.push_str("\nIn the sources:\n\n");
        for l in lines {
            out.push_str(&format!("- {}\n", cell(&l)));
        }
    }
    if diffs.is_empty() {
        return out;
    }
    out.push_str("\n| decision | change |\n| --- | --- |\n");
    for d in diffs {
        let (name, what) = match d {
            DecisionDiff::Added(n) => (n, "new".to_string()),
            DecisionDiff::Removed(n) => (n, "removed".to_string()),
            DecisionDiff::Incomparable { decision, .. } => (decision, "cannot be compared".into()),
            DecisionDiff::Changed { decision, changes } => (
                decision,
                plural(changes.len(), "region changes", "regions change"),
            ),
        };
        out.push_str(&format!("| {} | {what} |\n", code(name)));
    }
    for d in diffs {
        match d {
            DecisionDiff::Incomparable { decision, why } => out.push_str(&format!(
                "\n**{}** cannot be compared: {}\n",
                code(decision),
                cell(why)
            )),
            DecisionDiff::Changed { decision, changes } => {
                out.push_str(&format!(
                    "\n<details><summary><code>{decision}</code>: {}</summary>\n",
                    plural(changes.len(), "change", "changes")
                ));
                for c in changes {
                    out.push_str(&format!("\n**{}**\n\n", describe_period(c.from, c.until)));
                    if c.region.is_empty() {
                        out.push_str("For every request.\n\n");
                    } else {
                        out.push_str("| input | values |\n| --- | --- |\n");
                        for r in &c.region {
                            out.push_str(&format!(
                                "| {} | {} |\n",
                                code(&r.column),
                                cell(&r.description.text)
                            ));
                        }
                        out.push('\n');
                    }
                    out.push_str(&format!(
                        "- before: {}\n- after: {}\n- for example: {}\n",
                        code(&answer(&c.before)),
                        code(&answer(&c.after)),
                        code(&c.example.to_string())
                    ));
                }
                out.push_str("\n</details>\n");
            }
            DecisionDiff::Added(_) | DecisionDiff::Removed(_) => {}
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn github(diffs: &[DecisionDiff]) -> String {
    let mut out = String::new();
    for d in diffs {
        let (title, body) = match d {
            DecisionDiff::Added(n) => (
                format!("decision {n} added"),
                format!("decision `{n}` is new"),
            ),
            DecisionDiff::Removed(n) => (
                format!("decision {n} removed"),
                format!("decision `{n}` is removed"),
            ),
            DecisionDiff::Incomparable { decision, why } => {
                (format!("decision {decision} not comparable"), why.clone())
            }
            DecisionDiff::Changed { decision, .. } => (
                format!("decision {decision} changes"),
                human(std::slice::from_ref(d), &[])
                    .lines()
                    .take_while(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace(&format!("decision `{decision}`: "), ""),
            ),
        };
        out.push_str(&format!(
            "::notice title={}::{}\n",
            escape(&title).replace(':', "%3A").replace(',', "%2C"),
            escape(&body)
        ));
    }
    out
}

pub fn sarif(diffs: &[DecisionDiff]) -> String {
    let results: Vec<Json> = diffs
        .iter()
        .map(|d| {
            let text = human(std::slice::from_ref(d), &[]).trim_end().to_string();
            json!({ "ruleId": "decision-change", "level": "note", "message": { "text": text } })
        })
        .collect();
    edict_compiler::render::sarif_log(
        "edict diff",
        vec![
            json!({ "id": "decision-change", "shortDescription": { "text": "a decision's answer changes" } }),
        ],
        results,
    )
}
