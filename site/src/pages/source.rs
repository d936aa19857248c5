//! A page per source: its items' words where the policy quotes them, and what cites each.

use std::collections::BTreeMap;

use edict_runtime::artifact::Source;
use edict_runtime::value::format_date;

use crate::html::{esc, link, page};
use crate::model::Model;

pub fn source(m: &Model, s: &Source) -> String {
    let a = &m.artifact;
    let mut b = format!("<h1>Source <code>{}</code></h1>\n", esc(&s.name));
    b.push_str(&format!("<p class=\"lead\">{}</p>\n", esc(&s.title)));
    if let Some(z) = &s.title_zh {
        b.push_str(&format!("<p class=\"lead\" lang=\"zh\">{}</p>\n", esc(z)));
    }
    b.push_str("<dl class=\"facts\">\n");
    if let Some(p) = s.published {
        b.push_str(&format!("<dt>Published</dt><dd>{}</dd>\n", format_date(p)));
    }
    if let Some(e) = s.effective {
        b.push_str(&format!("<dt>In effect</dt><dd>{}</dd>\n", format_date(e)));
    }
    if let Some(n) = s.items {
        b.push_str(&format!("<dt>Items</dt><dd>{n}</dd>\n"));
    }
    if let Some(u) = &s.url {
        // Only web addresses become links (a `javascript:` one would run in the site).
        if u.starts_with("https://") || u.starts_with("http://") {
            b.push_str(&format!(
                "<dt>Text</dt><dd><a href=\"{0}\" rel=\"noreferrer\">{0}</a></dd>\n",
                esc(u)
            ));
        } else {
            b.push_str(&format!("<dt>Text</dt><dd>{}</dd>\n", esc(u)));
        }
    }
    b.push_str("</dl>\n");
    b.push_str(&crate::html::doc(m.doc("source", &s.name)));
    // What cites it, by item (`None`: the source as a whole).
    let mut by_item: BTreeMap<Option<u32>, Vec<String>> = BTreeMap::new();
    for d in &a.decisions {
        let mut ended = Vec::new();
        for r in &d.rules {
            let Some(c) = r.ended_by.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            if ended.contains(&r.name) {
                continue;
            }
            ended.push(r.name.clone());
            by_item.entry(c.item).or_default().push(format!(
                "the end of rule <code>{}</code> of {}{}",
                esc(&r.name),
                link(1, "decisions", &d.name),
                r.written
                    .1
                    .map_or(String::new(), |u| format!(" on {}", format_date(u)))
            ));
        }
        let mut seen = Vec::new();
        for r in &d.rules {
            let Some(c) = r.citation.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            if seen.contains(&r.name) {
                continue;
            }
            seen.push(r.name.clone());
            by_item.entry(c.item).or_default().push(format!(
                "rule <code>{}</code> of {} ({})",
                esc(&r.name),
                link(1, "decisions", &d.name),
                esc(&super::period(r.from, r.until))
            ));
        }
    }
    for set in &a.sets {
        for (i, slice) in set.slices.iter().enumerate() {
            let Some(c) = slice.citation.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            let what = if i == 0 {
                "the set"
            } else if slice.from.is_some() && slice.from == set.ended {
                "the end of"
            } else {
                "an amendment of"
            };
            by_item.entry(c.item).or_default().push(format!(
                "{what} {}{}: {} members{}",
                link(1, "sets", &set.name),
                slice
                    .from
                    .map_or(String::new(), |f| format!(" from {}", format_date(f))),
                slice.members.len(),
                slice.announced.map_or(String::new(), |n| format!(
                    ", {n} announced{}",
                    if slice.partial {
                        " (the source lists only some)"
                    } else {
                        ""
                    }
                ))
            ));
        }
    }
    for v in &a.values {
        for e in &v.entries {
            let Some(c) = e.ended_by.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            by_item.entry(c.item).or_default().push(format!(
                "the end of {}{} = <code>{}</code>{}",
                link(1, "values", &v.name),
                e.key
                    .as_ref()
                    .map_or(String::new(), |k| format!("[{}]", esc(k))),
                esc(&e.value),
                e.until
                    .map_or(String::new(), |u| format!(" on {}", format_date(u)))
            ));
        }
        for e in &v.entries {
            let Some(c) = e.citation.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            by_item.entry(c.item).or_default().push(format!(
                "{}{} = <code>{}</code> {}",
                link(1, "values", &v.name),
                e.key
                    .as_ref()
                    .map_or(String::new(), |k| format!("[{}]", esc(k))),
                esc(&e.value),
                esc(&super::period(e.from, e.until))
            ));
        }
    }
    let cited = !by_item.is_empty();
    // Items whose words are quoted are shown, cited or not.
    let quoted = s.item_texts.len().max(s.item_texts_zh.len()) as u32;
    for i in 1..=quoted {
        by_item.entry(Some(i)).or_default();
    }
    b.push_str(if quoted > 0 {
        "<h2>Its items, and what cites each</h2>\n"
    } else {
        "<h2>What cites it</h2>\n"
    });
    if !cited {
        b.push_str("<p>Nothing in the policy cites this source yet.</p>\n");
    }
    for (item, things) in by_item {
        match item {
            Some(i) => {
                b.push_str(&format!("<h3 id=\"item-{i}\">Item {i}</h3>\n"));
                b.push_str(&item_words(s, i));
            }
            None => b.push_str("<h3 id=\"whole\">The source as a whole</h3>\n"),
        }
        if things.is_empty() {
            b.push_str("<p class=\"meta\">Nothing in the policy cites this item.</p>\n");
            continue;
        }
        b.push_str("<ul>\n");
        for t in things {
            b.push_str(&format!("<li>{t}</li>\n"));
        }
        b.push_str("</ul>\n");
    }
    page(&format!("Source {}", s.name), 1, &b)
}

/// Item `i`'s words as the source gives them, in English and Chinese, where the policy quotes
/// them.
pub fn item_words(s: &Source, i: u32) -> String {
    let at = |texts: &[String]| {
        texts
            .get((i as usize).checked_sub(1)?)
            .filter(|t| !t.is_empty())
            .cloned()
    };
    // A line of the text is a paragraph (an item's heading, then its words).
    let quote = |t: String, lang: &str| {
        let paragraphs: String = t.lines().map(|l| format!("<p>{}</p>", esc(l))).collect();
        format!("<blockquote class=\"item\"{lang}>{paragraphs}</blockquote>\n")
    };
    let mut out = String::new();
    if let Some(t) = at(&s.item_texts) {
        out.push_str(&quote(t, ""));
    }
    if let Some(t) = at(&s.item_texts_zh) {
        out.push_str(&quote(t, " lang=\"zh\""));
    }
    out
}

/// Item `i`'s heading (the first line of its words), where the policy quotes them.
pub fn item_heading(s: &Source, i: u32) -> Option<String> {
    s.item_texts
        .get((i as usize).checked_sub(1)?)
        .and_then(|t| t.lines().next())
        .map(str::to_string)
}
