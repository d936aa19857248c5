//! A page per day the policy changes (`changes/DATE.html`): what began, ended or was amended
//! that day, grouped by the item of the source that did it, with the item's words.

use std::collections::BTreeMap;

use edict_runtime::artifact::{Citation, Domain};
use edict_runtime::value::format_date;

use super::{citation_html, json_words, source::item_heading, timeline::member_name};
use crate::html::{esc, link, page};
use crate::model::Model;

/// One change on a day, in words, and the citation of what made it.
pub struct Change {
    pub html: String,
    pub citation: Option<Citation>,
}

/// The page of a day.
pub fn path(day: i64) -> String {
    format!("changes/{}.html", format_date(day))
}

/// Every day something changes, with its changes: sets begun, amended or ended; rules that
/// begin or end; dated values and relation entries that begin or end.
pub fn days(m: &Model) -> BTreeMap<i64, Vec<Change>> {
    let a = &m.artifact;
    let mut days: BTreeMap<i64, Vec<Change>> = BTreeMap::new();
    let mut add = |day: i64, html: String, citation: Option<&Citation>| {
        days.entry(day).or_default().push(Change {
            html,
            citation: citation.cloned(),
        });
    };
    for set in &a.sets {
        let mut before: &[u32] = &[];
        for (i, slice) in set.slices.iter().enumerate() {
            // Members by name, each linked to its page (every member of a set has one).
            let names = |members: Vec<u32>| -> String {
                let names: Vec<String> = members
                    .into_iter()
                    .map(|x| {
                        let name = esc(&member_name(m, set.domain, x));
                        match set.domain {
                            Domain::Entity(t) => format!(
                                "<a href=\"../{}\">{name}</a>",
                                esc(&super::entry::path(m, t, x))
                            ),
                            Domain::Enum(_) => name,
                        }
                    })
                    .collect();
                names.join(", ")
            };
            if let Some(day) = slice.from {
                let added: Vec<u32> = slice
                    .members
                    .iter()
                    .copied()
                    .filter(|x| !before.contains(x))
                    .collect();
                let removed: Vec<u32> = before
                    .iter()
                    .copied()
                    .filter(|x| !slice.members.contains(x))
                    .collect();
                let set_link = link(1, "sets", &set.name);
                let html = if Some(day) == set.ended {
                    format!("Set {set_link} ends.")
                } else if i == 0 {
                    format!(
                        "Set {set_link} begins with {} members{}: {}.",
                        slice.members.len(),
                        announced(slice.announced, slice.members.len()),
                        names(added)
                    )
                } else {
                    let mut parts = Vec::new();
                    if !added.is_empty() {
                        parts.push(format!("adds {}", names(added)));
                    }
                    if !removed.is_empty() {
                        parts.push(format!("removes {}", names(removed)));
                    }
                    format!(
                        "Set {set_link} {}; {} members from this day{}.",
                        parts.join(" and "),
                        slice.members.len(),
                        announced(slice.announced, slice.members.len())
                    )
                };
                add(day, html, slice.citation.as_ref());
            }
            before = &slice.members;
        }
    }
    for d in &a.decisions {
        let mut seen: Vec<&str> = Vec::new();
        for (i, r) in d.rules.iter().enumerate() {
            if seen.contains(&r.name.as_str()) {
                continue;
            }
            seen.push(&r.name);
            let rule = format!(
                "<code>{}</code> of {}",
                esc(&r.name),
                link(1, "decisions", &d.name)
            );
            if let Some(day) = r.written.0 {
                let outcome = json_words(&m.engine.outcome_json(d, Some(i as u32)));
                add(
                    day,
                    format!("Rule {rule} begins: <strong>{}</strong>.", esc(&outcome)),
                    r.citation.as_ref(),
                );
            }
            if let Some(day) = r.written.1 {
                let by = r.ended_by.as_ref().or(r.citation.as_ref());
                add(day, format!("Rule {rule} ends."), by);
            }
        }
    }
    for v in &a.values {
        for e in &v.entries {
            let what = format!(
                "{}{}",
                link(1, "values", &v.name),
                e.key
                    .as_ref()
                    .map_or(String::new(), |k| format!(" for <code>{}</code>", esc(k)))
            );
            if let Some(day) = e.from {
                add(
                    day,
                    format!("{what} is <code>{}</code>.", esc(&e.value)),
                    e.citation.as_ref(),
                );
            }
            if let Some(day) = e.until {
                let by = e.ended_by.as_ref().or(e.citation.as_ref());
                add(
                    day,
                    format!("{what} is no longer <code>{}</code>.", esc(&e.value)),
                    by,
                );
            }
        }
    }
    days
}

pub fn day(m: &Model, day: i64, changes: &[Change]) -> String {
    let date = format_date(day);
    let mut b = format!("<h1>What changed on {date}</h1>\n");
    b.push_str(&format!(
        "<p class=\"lead\">{} {} in the policy, by the item of the source that made {}.</p>\n",
        changes.len(),
        if changes.len() == 1 {
            "change"
        } else {
            "changes"
        },
        if changes.len() == 1 { "it" } else { "each" }
    ));
    // Grouped by what made them: a source's item, a source as a whole, or nothing cited.
    let mut groups: BTreeMap<(Option<&str>, Option<u32>), Vec<&Change>> = BTreeMap::new();
    for c in changes {
        let key = c
            .citation
            .as_ref()
            .map_or((None, None), |c| (Some(c.source.as_str()), c.item));
        groups.entry(key).or_default().push(c);
    }
    for (_, group) in groups {
        match group.first().and_then(|c| c.citation.as_ref()) {
            Some(c) => {
                b.push_str(&format!("<h2>{}</h2>\n", citation_html(c, 1)));
                let heading = c.item.and_then(|i| {
                    let src = m.artifact.sources.iter().find(|s| s.name == c.source)?;
                    item_heading(src, i)
                });
                match heading {
                    Some(h) => b.push_str(&format!("<p><q>{}</q></p>\n", esc(&h))),
                    None => b.push_str(&format!("<p>{}</p>\n", esc(&c.title))),
                }
            }
            None => b.push_str("<h2>Not cited</h2>\n"),
        }
        b.push_str("<ul>\n");
        for c in group {
            b.push_str(&format!("<li>{}</li>\n", c.html));
        }
        b.push_str("</ul>\n");
    }
    page(&format!("What changed on {date}"), 1, &b)
}

/// The days that have a page, as links, for the index.
pub fn list(days: &BTreeMap<i64, Vec<Change>>) -> String {
    let mut b = String::from("<ul class=\"items\">\n");
    for (day, changes) in days {
        let mut sources: Vec<&str> = changes
            .iter()
            .filter_map(|c| c.citation.as_ref().map(|c| c.source.as_str()))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        b.push_str(&format!(
            "<li><a href=\"{}\">{}</a> <span class=\"meta\">{} {}{}</span></li>\n",
            esc(&path(*day)),
            format_date(*day),
            changes.len(),
            if changes.len() == 1 {
                "change"
            } else {
                "changes"
            },
            if sources.is_empty() {
                String::new()
            } else {
                format!(", citing {}", esc(&sources.join(", ")))
            }
        ));
    }
    b.push_str("</ul>\n");
    b
}

/// The count the source announced, where it differs from the members listed.
fn announced(announced: Option<u64>, listed: usize) -> String {
    match announced {
        Some(n) if n as usize != listed => format!(" listed (the source announces {n})"),
        _ => String::new(),
    }
}
