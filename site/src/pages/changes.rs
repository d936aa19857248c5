//! A page per day the policy changes (`changes/DATE.html`): what began, ended or was amended
//! that day, grouped by the item of the source that did it, with the item's words.

use std::collections::BTreeMap;

use edict_runtime::artifact::{Citation, Domain};
use edict_runtime::value::format_date;

use super::decision::outcome_html;
use super::{citation_html, source::item_heading, timeline::member_name};
use crate::html::{esc, page, titled_link};
use crate::lang::Lang;
use crate::model::Model;
use crate::words::{literal_words, outcome_words};

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
    let l = m.lang;
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
                names.join(l.tr(", ", "、"))
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
                let set_link = titled_link(1, "sets", &set.name, m.title(&set.name));
                let n = slice.members.len();
                let said = announced(l, slice.announced, n);
                let html = if Some(day) == set.ended {
                    match l {
                        Lang::En => format!("The list {set_link} ends."),
                        Lang::Zh => format!("名单{set_link}停止适用。"),
                    }
                } else if i == 0 {
                    match l {
                        Lang::En => format!(
                            "The list {set_link} begins with {n}{said}: {}.",
                            names(added)
                        ),
                        Lang::Zh => {
                            format!(
                                "名单{set_link}开始适用，列有{n}个{said}：{}。",
                                names(added)
                            )
                        }
                    }
                } else {
                    let mut parts = Vec::new();
                    if !added.is_empty() {
                        parts.push(format!("{} {}", l.tr("adds", "新增"), names(added)));
                    }
                    if !removed.is_empty() {
                        parts.push(format!("{} {}", l.tr("removes", "移除"), names(removed)));
                    }
                    match l {
                        Lang::En => format!(
                            "The list {set_link} {}; {n} from this day{said}.",
                            parts.join(" and ")
                        ),
                        Lang::Zh => format!(
                            "名单{set_link}{}；自当日起列有{n}个{said}。",
                            parts.join(",")
                        ),
                    }
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
                "<a href=\"../{}#rule-{}\">{}</a>",
                esc(&crate::html::path("decisions", &d.name)),
                crate::html::slug(&r.name),
                esc(m.title(&r.name))
            );
            if let Some(day) = r.written.0 {
                let outcome = outcome_html(
                    m.lang,
                    &outcome_words(m, d, &m.engine.outcome_json(d, Some(i as u32))),
                );
                add(
                    day,
                    match l {
                        Lang::En => format!("The rule {rule} begins: <strong>{outcome}</strong>."),
                        Lang::Zh => format!("规则“{rule}”开始适用：<strong>{outcome}</strong>。"),
                    },
                    r.citation.as_ref(),
                );
            }
            if let Some(day) = r.written.1 {
                let by = r.ended_by.as_ref().or(r.citation.as_ref());
                add(
                    day,
                    match l {
                        Lang::En => format!("The rule {rule} ends."),
                        Lang::Zh => format!("规则“{rule}”停止适用。"),
                    },
                    by,
                );
            }
        }
    }
    for v in &a.values {
        for e in &v.entries {
            let what = format!(
                "{}{}",
                titled_link(1, "values", &v.name, m.title(&v.name)),
                e.key.as_ref().map_or(String::new(), |k| match l {
                    Lang::En => format!(" for {}", esc(&super::timeline::key_name(m, k))),
                    Lang::Zh => format!("（{}）", esc(&super::timeline::key_name(m, k))),
                })
            );
            let value = literal_words(l, &e.value);
            if let Some(day) = e.from {
                add(
                    day,
                    match l {
                        Lang::En => format!("The {what} is <strong>{value}</strong>."),
                        Lang::Zh => format!("{what}为<strong>{value}</strong>。"),
                    },
                    e.citation.as_ref(),
                );
            }
            if let Some(day) = e.until {
                let by = e.ended_by.as_ref().or(e.citation.as_ref());
                add(
                    day,
                    match l {
                        Lang::En => format!("The {what} is no longer {value}."),
                        Lang::Zh => format!("{what}不再为{value}。"),
                    },
                    by,
                );
            }
        }
    }
    days
}

pub fn day(m: &Model, day: i64, changes: &[Change]) -> String {
    let l = m.lang;
    let date = l.date(day);
    let title = match l {
        Lang::En => format!("What changed on {date}"),
        Lang::Zh => format!("{date}的变化"),
    };
    let mut b = format!("<h1>{title}</h1>\n");
    let n = changes.len();
    b.push_str(&match l {
        Lang::En => format!(
            "<p class=\"lead\">{n} {} in the policy, by the item of the source that made {}.</p>\n",
            if n == 1 { "change" } else { "changes" },
            if n == 1 { "it" } else { "each" }
        ),
        Lang::Zh => {
            format!("<p class=\"lead\">政策共有 {n} 处变化，按作出变化的来源条目分列。</p>\n")
        }
    });
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
                b.push_str(&format!("<h2>{}</h2>\n", citation_html(l, c, 1)));
                let heading = c.item.and_then(|i| {
                    let src = m.artifact.sources.iter().find(|s| s.name == c.source)?;
                    item_heading(l, src, i)
                });
                match heading {
                    Some(h) => b.push_str(&format!("<p><q>{}</q></p>\n", esc(&h))),
                    None => b.push_str(&format!("<p>{}</p>\n", esc(&c.title))),
                }
            }
            None => b.push_str(&format!("<h2>{}</h2>\n", l.tr("Not cited", "未注明来源"))),
        }
        b.push_str("<ul>\n");
        for c in group {
            b.push_str(&format!("<li>{}</li>\n", c.html));
        }
        b.push_str("</ul>\n");
    }
    page(m, &path(day), &title, &b)
}

/// The days that have a page, as links, for the index.
pub fn list(m: &Model, days: &BTreeMap<i64, Vec<Change>>) -> String {
    let l = m.lang;
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
            l.date(*day),
            changes.len(),
            match (l, changes.len()) {
                (Lang::Zh, _) => "处变化",
                (_, 1) => "change",
                _ => "changes",
            },
            if sources.is_empty() {
                String::new()
            } else {
                format!(
                    "{} {}",
                    l.tr(", citing", "，依据"),
                    esc(&sources.join(", "))
                )
            }
        ));
    }
    b.push_str("</ul>\n");
    b
}

/// The count the source announced, where it differs from the members listed.
fn announced(l: Lang, announced: Option<u64>, listed: usize) -> String {
    match (l, announced) {
        (Lang::En, Some(n)) if n as usize != listed => {
            format!(" listed (the source announces {n})")
        }
        (Lang::Zh, Some(n)) if n as usize != listed => format!("（来源公布共{n}个）"),
        _ => String::new(),
    }
}
