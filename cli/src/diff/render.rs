//! What `edict diff` prints for machines and pull requests: JSON (version 2, schema in
//! docs/cli.md), Markdown for a pull-request comment, GitHub notices and SARIF. Human text is
//! in `human`.

use edict_runtime::diff::{
    describe_period, Change, Credit, DecisionDiff, Options, RuleSummary, Side, SourceChange, Values,
};

use super::human::{answer, human, plural, summary};
use edict_runtime::value::format_date;
use serde_json::{json, Value as Json};

/// The first line of a Markdown report, so that a CI job finds and updates its own comment.
pub const MARKER: &str = "<!-- edict-diff -->";

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
                    o["set_as_it_was"] = json!(d.set_as_it_was);
                    o[if d.complement { "all_but" } else { "members" }] = json!(d.listed);
                    if !d.new_in_catalogue.is_empty() {
                        o["new_in_catalogue"] = json!(d.new_in_catalogue);
                    }
                    if !d.gone_from_catalogue.is_empty() {
                        o["gone_from_catalogue"] = json!(d.gone_from_catalogue);
                    }
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
                Values::SetOnEachDay {
                    set,
                    as_it_was,
                    stretches,
                } => {
                    o["kind"] = json!("set_on_each_day");
                    o["set"] = json!(set);
                    o["set_as_it_was"] = json!(as_it_was);
                    o["of"] = json!(d.of);
                    o["stretches"] = stretches
                        .iter()
                        .map(|(from, members)| {
                            json!({
                                "from": from.map(format_date),
                                "count": members.len(),
                                "members": members,
                            })
                        })
                        .collect();
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
        "because": c.credits.iter().map(credit_json).collect::<Vec<_>>(),
    })
}

/// A cause of a change: its kind, what it names, and its citation.
fn credit_json(c: &Credit) -> Json {
    let mut o = match c {
        Credit::Joined {
            set,
            members,
            since,
            ..
        } => json!({ "kind": "joined", "set": set, "members": members,
            "from": since.map(format_date) }),
        Credit::Left {
            set,
            members,
            since,
            ended,
            ..
        } => json!({ "kind": if *ended { "set_ended" } else { "left" }, "set": set,
            "members": members, "from": since.map(format_date) }),
        Credit::Entry {
            value,
            keys,
            text,
            from,
            until,
            ..
        } => json!({ "kind": "entry", "value": value, "keys": keys, "is": text,
            "from": from.map(format_date), "until": until.map(format_date) }),
        Credit::EntryEnded {
            value, keys, on, ..
        } => json!({ "kind": "entry_ended", "value": value, "keys": keys,
            "from": format_date(*on) }),
        Credit::RuleEnded { rules, on, .. } => {
            json!({ "kind": "rule_ended", "rules": rules, "from": format_date(*on) })
        }
    };
    o["citation"] = json!(c.citation());
    o["text"] = json!(c.text());
    o
}

fn source_json(c: &SourceChange) -> Json {
    let rule =
        |r: &RuleSummary| json!({ "name": r.name, "citation": r.citation, "period": r.period });
    match c {
        SourceChange::SourceAdded { source, title } => {
            json!({ "kind": "source_added", "source": source, "title": title })
        }
        SourceChange::SourceRemoved { source, title } => {
            json!({ "kind": "source_removed", "source": source, "title": title })
        }
        SourceChange::SourceChanged { source, what } => {
            json!({ "kind": "source_changed", "source": source, "what": what })
        }
        SourceChange::SetAdded {
            set,
            from,
            members,
            announced,
            partial,
            formula,
            citation,
        } => json!({
            "kind": "set_added", "set": set, "from": from.map(format_date), "members": members,
            "announced": announced, "partial": partial, "formula": formula, "citation": citation,
        }),
        SourceChange::SetEnded {
            set,
            from,
            members,
            citation,
        } => json!({
            "kind": "set_ended", "set": set, "from": format_date(*from), "members": members,
            "citation": citation,
        }),
        SourceChange::SetRemoved { set } => json!({ "kind": "set_removed", "set": set }),
        SourceChange::SetChanged { set, delta: p } => json!({
            "kind": "set_changed",
            "set": set,
            "from": p.from.map(format_date),
            "until": p.until.map(format_date),
            "added": p.added,
            "removed": p.removed,
            "announced": p.announced.map(|(old, new)| json!({ "before": old, "after": new })),
            "partial": p.partial,
            "citation": p.citation,
        }),
        SourceChange::RuleAdded { decision, rule: r } => {
            json!({ "kind": "rule_added", "decision": decision, "rule": rule(r) })
        }
        SourceChange::RuleRemoved { decision, rule: r } => {
            json!({ "kind": "rule_removed", "decision": decision, "rule": rule(r) })
        }
        SourceChange::ValueChanged {
            value,
            key,
            from,
            until,
            old,
            new,
            citation,
        } => json!({
            "kind": "value_changed", "value": value, "key": key,
            "from": from.map(format_date), "until": until.map(format_date),
            "before": old, "after": new, "citation": citation,
        }),
        SourceChange::ValueRemoved { value } => json!({ "kind": "value_removed", "value": value }),
        SourceChange::CatalogueChanged {
            entity_type,
            added,
            removed,
        } => json!({
            "kind": "catalogue_changed", "entity_type": entity_type, "added": added, "removed": removed,
        }),
        SourceChange::SourcesDiffer {
            value,
            key,
            from,
            follows,
            follows_citation,
            follows_kind,
            other_citation,
            other,
        } => json!({
            "kind": "sources_differ", "value": value, "key": key, "from": from.map(format_date),
            "follows": { "value": follows, "citation": follows_citation, "kind": follows_kind.map(|k| k.as_str()) },
            "other": {
                "citation": other_citation, "kind": other.kind.map(|k| k.as_str()),
                "says": other.says, "quote": other.quote,
            },
        }),
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
    let groups = super::sources::groups(sources);
    if !groups.is_empty() {
        out.push_str("\nIn the sources:\n\n");
        for g in groups {
            match (&g.citation, g.changes.as_slice()) {
                (Some(c), [one]) => out.push_str(&format!("- **{}**: {}\n", cell(c), cell(one))),
                (Some(c), changes) => {
                    out.push_str(&format!("- **{}**:\n", cell(c)));
                    for l in changes {
                        out.push_str(&format!("  - {}\n", cell(l)));
                    }
                }
                (None, changes) => {
                    for l in changes {
                        out.push_str(&format!("- {}\n", cell(l)));
                    }
                }
            }
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
                        "- before: {}\n- after: {}\n",
                        code(&answer(&c.before)),
                        code(&answer(&c.after)),
                    ));
                    for credit in &c.credits {
                        out.push_str(&format!("- because: {}\n", cell(&credit.text())));
                    }
                    out.push_str(&format!(
                        "- for example: {}\n",
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
                human(std::slice::from_ref(d), &[], 100)
                    .lines()
                    .take_while(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n"),
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
            let text = human(std::slice::from_ref(d), &[], 100)
                .trim_end()
                .to_string();
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
