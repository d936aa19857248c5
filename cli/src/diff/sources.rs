//! The sources' changes in words, grouped as a reviewer reads an announcement: changes of the
//! sources themselves and of the catalogues first, then item by item (one group per citation),
//! relation keys that change alike on one line, each line wrapped at the workspace's width.

use edict_runtime::diff::{describe_period, SourceChange};

/// The changes one citation makes (or one uncited change), in words.
#[derive(Debug, PartialEq)]
pub struct Group {
    /// `nia_2025_11 item 4`; `None` for a change of a source or catalogue, or one that cites
    /// nothing.
    pub citation: Option<String>,
    pub changes: Vec<String>,
}

/// Names, every one: the lines are wrapped, and a reviewer checks each name against the
/// announcement.
fn names(v: &[String]) -> String {
    v.join(", ")
}

/// `5 of 60 announced, a partial list`, `6`, `no members`.
fn count(members: usize, announced: Option<u64>, partial: bool) -> String {
    let mut out = match announced {
        Some(a) if a != members as u64 => format!("{members} of {a} announced"),
        _ if members == 0 => "no members".to_string(),
        _ => members.to_string(),
    };
    if partial {
        out.push_str(", a partial list");
    }
    out
}

/// A set's announced count, old and new: `announced 60 → 65 (a partial list)`.
fn announced_words(announced: (Option<u64>, Option<u64>), partial: bool) -> String {
    let list = if partial { " (a partial list)" } else { "" };
    match announced {
        (Some(old), Some(new)) if old == new && partial => {
            format!("announced {new}, now a partial list")
        }
        (Some(old), Some(new)) if old == new => format!("announced {new}, no longer partial"),
        (Some(old), Some(new)) => format!("announced {old} → {new}{list}"),
        // An amendment that states no count says nothing of it: not "none".
        (Some(old), None) => format!("the amendment states no count (was announced {old})"),
        (None, Some(new)) => format!("announced {new}{list}"),
        (None, None) if partial => "now a partial list".to_string(),
        (None, None) => "no longer partial".to_string(),
    }
}

/// One relation key's change, to be grouped with the keys that change alike.
struct KeyChange<'a> {
    value: &'a str,
    key: &'a str,
    period: String,
    change: String,
    citation: Option<&'a String>,
}

/// What a dated value or relation entry goes from and to.
fn value_change(old: &Option<String>, new: &Option<String>) -> String {
    match (old, new) {
        (None, Some(n)) => format!("is {n}"),
        (Some(o), None) => format!("no longer has a value (was {o})"),
        (Some(o), Some(n)) if o == n => format!("is {n}, cited differently"),
        (Some(o), Some(n)) => format!("{o} → {n}"),
        (None, None) => "unchanged".to_string(),
    }
}

/// The sources' changes: changes of sources and catalogues first, then the others in the order
/// `summarize` gives (by source and item), one group per citation.
pub fn groups(sources: &[SourceChange]) -> Vec<Group> {
    let mut lead: Vec<Group> = Vec::new();
    let mut cited: Vec<(Option<String>, String)> = Vec::new();
    // Relation keys that change alike (value, period, change, citation) become one line, at
    // the place of the first.
    let mut keys: Vec<(usize, KeyChange)> = Vec::new();
    let mut push = |citation: Option<&String>, line: String| {
        cited.push((citation.cloned(), line));
    };
    for c in sources {
        match c {
            SourceChange::SourceAdded { source, title } => lead.push(Group {
                citation: None,
                changes: vec![format!("source `{source}` is new: {title}")],
            }),
            SourceChange::SourceRemoved { source, title } => lead.push(Group {
                citation: None,
                changes: vec![format!("source `{source}` is removed (was: {title})")],
            }),
            SourceChange::SourceChanged { source, what } => lead.push(Group {
                citation: None,
                changes: vec![format!("source `{source}` changes its {}", what.join(", "))],
            }),
            SourceChange::CatalogueChanged {
                entity_type,
                added,
                removed,
            } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("adds {} ({})", names(added), added.len()));
                }
                if !removed.is_empty() {
                    parts.push(format!("drops {} ({})", names(removed), removed.len()));
                }
                lead.push(Group {
                    citation: None,
                    changes: vec![format!(
                        "catalogue of `{entity_type}`: {}",
                        parts.join(", ")
                    )],
                });
            }
            SourceChange::SetAdded {
                set,
                from,
                members,
                announced,
                partial,
                formula,
                citation,
            } => {
                let since = from.map_or(String::new(), |f| {
                    format!(" {}", describe_period(Some(f), None))
                });
                let made = formula
                    .as_ref()
                    .map_or(String::new(), |f| format!(" (= {f})"));
                let listed = if members.is_empty() {
                    format!("{} on its first day", count(0, *announced, *partial))
                } else {
                    format!(
                        "{} ({})",
                        names(members),
                        count(members.len(), *announced, *partial)
                    )
                };
                push(
                    citation.as_ref(),
                    format!("set `{set}`{made} is new{since}: {listed}"),
                );
            }
            SourceChange::SetEnded {
                set,
                from,
                members,
                citation,
            } => push(
                citation.as_ref(),
                if members.is_empty() {
                    format!(
                        "set `{set}` ends {} (it has no members by then)",
                        describe_period(Some(*from), None)
                    )
                } else if let [one] = members.as_slice() {
                    format!(
                        "set `{set}` ends {}: its one member leaves it ({one})",
                        describe_period(Some(*from), None),
                    )
                } else {
                    format!(
                        "set `{set}` ends {}: its {} members leave it ({})",
                        describe_period(Some(*from), None),
                        members.len(),
                        names(members)
                    )
                },
            ),
            SourceChange::SetRemoved { set } => push(None, format!("set `{set}` is removed")),
            SourceChange::SetChanged { set, delta: p } => {
                let mut parts = Vec::new();
                if !p.added.is_empty() {
                    parts.push(format!("adds {} ({})", names(&p.added), p.added.len()));
                }
                if !p.removed.is_empty() {
                    parts.push(format!("drops {} ({})", names(&p.removed), p.removed.len()));
                }
                if let Some(a) = p.announced {
                    parts.push(announced_words(a, p.partial));
                }
                push(
                    p.citation.as_ref(),
                    format!(
                        "set `{set}` {}: {}",
                        describe_period(p.from, p.until),
                        parts.join(", ")
                    ),
                );
            }
            SourceChange::RuleAdded { decision, rule } => push(
                rule.citation.as_ref(),
                format!(
                    "rule `{}` of `{decision}` is new, {}",
                    rule.name, rule.period
                ),
            ),
            SourceChange::RuleRemoved { decision, rule } => push(
                rule.citation.as_ref(),
                format!(
                    "rule `{}` of `{decision}` is removed (was {})",
                    rule.name, rule.period
                ),
            ),
            SourceChange::ValueChanged {
                value,
                key,
                from,
                until,
                old,
                new,
                citation,
            } => match key.as_deref() {
                None => push(
                    citation.as_ref(),
                    format!(
                        "value `{value}` {}: {}",
                        describe_period(*from, *until),
                        value_change(old, new)
                    ),
                ),
                Some("otherwise") => push(
                    citation.as_ref(),
                    format!(
                        "relation `{value}` for any other key: {}",
                        value_change(old, new)
                    ),
                ),
                Some(k) => {
                    // A placeholder line (`\0` and the key's number), filled once every key
                    // that changes alike is known.
                    push(citation.as_ref(), format!("\0{}", keys.len()));
                    keys.push((
                        keys.len(),
                        KeyChange {
                            value,
                            key: k,
                            period: describe_period(*from, *until),
                            change: value_change(old, new),
                            citation: citation.as_ref(),
                        },
                    ));
                }
            },
            SourceChange::ValueRemoved { value } => {
                push(None, format!("value `{value}` is removed"))
            }
            SourceChange::SourcesDiffer {
                value,
                key,
                from,
                follows,
                follows_citation,
                follows_kind,
                other_citation,
                other,
            } => {
                let what = match key {
                    None => format!("value `{value}`"),
                    Some(k) => format!("relation `{value}` for `{k}`"),
                };
                // `(an aggregator's text: "words")`
                let said = match (other.kind, &other.quote) {
                    (Some(k), Some(q)) => format!(" ({}: {q:?})", k.describe()),
                    (Some(k), None) => format!(" ({})", k.describe()),
                    (None, Some(q)) => format!(" ({q:?})"),
                    (None, None) => String::new(),
                };
                let follows_kind =
                    follows_kind.map_or(String::new(), |k| format!(" ({})", k.describe()));
                let follows_citation = follows_citation.as_deref().unwrap_or("no citation");
                push(
                    Some(other_citation),
                    format!(
                        "{what} {}: it says {}{said}, the policy follows {follows_citation}{follows_kind}: {follows}",
                        describe_period(*from, None),
                        other.says,
                    ),
                );
            }
            SourceChange::RuleChanged {
                decision,
                rule,
                what,
            } => push(
                rule.citation.as_ref(),
                if what.iter().any(|w| w.starts_with("period")) {
                    format!(
                        "rule `{}` of `{decision}` changes its {}",
                        rule.name,
                        what.join(", ")
                    )
                } else {
                    format!(
                        "rule `{}` of `{decision}` changes its {}, {}",
                        rule.name,
                        what.join(", "),
                        rule.period
                    )
                },
            ),
        }
    }
    // Relation keys: those that change alike on the line of the first of them.
    let mut done = vec![false; keys.len()];
    let mut lines: Vec<Option<String>> = vec![None; keys.len()];
    for i in 0..keys.len() {
        if done[i] {
            continue;
        }
        let (at, first) = &keys[i];
        let mut alike = vec![format!("`{}`", first.key)];
        for j in i + 1..keys.len() {
            let other = &keys[j].1;
            if !done[j]
                && (other.value, &other.period, &other.change, other.citation)
                    == (first.value, &first.period, &first.change, first.citation)
            {
                alike.push(format!("`{}`", other.key));
                done[j] = true;
            }
        }
        let line = format!(
            "relation `{}` {}: {} for {}",
            first.value,
            first.period,
            first.change,
            names(&alike)
        );
        lines[*at] = Some(line);
    }
    for (_, line) in cited.iter_mut() {
        if let Some(n) = line
            .strip_prefix('\0')
            .and_then(|n| n.parse::<usize>().ok())
        {
            *line = lines[n].take().unwrap_or_default();
        }
    }
    cited.retain(|(_, line)| !line.is_empty());
    // One group per citation, so that the changes read item by item as the source states them.
    let mut out = lead;
    for (c, line) in cited {
        match out.last_mut() {
            Some(last) if c.is_some() && last.citation == c => last.changes.push(line),
            _ => out.push(Group {
                citation: c,
                changes: vec![line],
            }),
        }
    }
    out
}

/// Breaks a line at spaces so that no line is longer than `width` (a word longer than that
/// keeps its own line); the first line starts with `first`, the others with `rest`.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if !empty && !fits {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The groups for a terminal, indented under `in the sources:`: a citation with one change on
/// one line, with several as a heading and the changes below it.
pub fn text(groups: &[Group], width: usize) -> String {
    let mut out = String::new();
    for g in groups {
        match (&g.citation, g.changes.as_slice()) {
            (None, changes) => {
                for c in changes {
                    out.push_str(&wrap(c, width, "  ", "      "));
                }
            }
            (Some(cite), [one]) => {
                out.push_str(&wrap(&format!("{cite}: {one}"), width, "  ", "      "))
            }
            (Some(cite), changes) => {
                out.push_str(&format!("  {cite}:\n"));
                for c in changes {
                    out.push_str(&wrap(c, width, "    ", "        "));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_no_line_is_longer_than_the_width() {
        let text = "relation `transit_stay_limit` from 2024-12-17: 144h → 240h for `beijing_capital`, `shanghai_pudong`, `shanghai_hongqiao`";
        let out = wrap(text, 40, "  ", "      ");
        for line in out.lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
        let words: Vec<&str> = out.split_whitespace().collect();
        assert_eq!(words, text.split_whitespace().collect::<Vec<_>>());
        assert!(out.starts_with("  relation"));
        assert!(out.lines().skip(1).all(|l| l.starts_with("      ")));
    }

    #[test]
    fn a_word_longer_than_the_width_keeps_a_line_of_its_own() {
        let out = wrap("a verylongwordindeed b", 8, "", "  ");
        assert_eq!(out, "a\n  verylongwordindeed\n  b\n");
    }
}
