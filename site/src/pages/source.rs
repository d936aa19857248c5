//! A page per source: its items' words where the policy quotes them, and what cites each.

use std::collections::BTreeMap;

use edict_runtime::artifact::Source;

use crate::html::{esc, page, titled_link};
use crate::lang::capitalize;
use crate::lang::Lang;
use crate::model::Model;
use crate::words::literal_words;

pub fn source(m: &Model, s: &Source) -> String {
    let a = &m.artifact;
    let l = m.lang;
    let (title, other) = match (l, &s.title_zh) {
        (Lang::Zh, Some(z)) => (z.clone(), Some(s.title.clone())),
        (_, z) => (s.title.clone(), z.clone()),
    };
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"meta\">{} <code>{}</code></p>\n",
        esc(&title),
        l.tr("Source", "来源"),
        esc(&s.name)
    );
    if let Some(o) = &other {
        b.push_str(&format!(
            "<p class=\"lead\" lang=\"{}\">{}</p>\n",
            l.other().html(),
            esc(o)
        ));
    }
    b.push_str("<dl class=\"facts\">\n");
    if let Some(p) = s.published {
        b.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            l.tr("Published", "发布日期"),
            l.date(p)
        ));
    }
    if let Some(e) = s.effective {
        b.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            l.tr("In effect", "生效日期"),
            l.date(e)
        ));
    }
    if let Some(n) = s.items {
        b.push_str(&format!(
            "<dt>{}</dt><dd>{n}</dd>\n",
            l.tr("Items", "条目数")
        ));
    }
    if let Some(u) = &s.url {
        // Only web addresses become links (a `javascript:` one would run in the site).
        if u.starts_with("https://") || u.starts_with("http://") {
            b.push_str(&format!(
                "<dt>{1}</dt><dd><a href=\"{0}\" rel=\"noreferrer\">{0}</a></dd>\n",
                esc(u),
                l.tr("Text", "原文")
            ));
        } else {
            b.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>\n",
                l.tr("Text", "原文"),
                esc(u)
            ));
        }
    }
    b.push_str("</dl>\n");
    b.push_str(&super::decision::notes(m, m.doc("source", &s.name)));
    // What cites it, by item (`None`: the source as a whole).
    let mut by_item: BTreeMap<Option<u32>, Vec<String>> = BTreeMap::new();
    for d in &a.decisions {
        let mut ended = Vec::new();
        for r in d.rules.iter() {
            let Some(c) = r.ended_by.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            if ended.contains(&r.name) {
                continue;
            }
            ended.push(r.name.clone());
            let on = r.written.1.map_or(String::new(), |u| l.date(u));
            by_item.entry(c.item).or_default().push(match l {
                Lang::En => format!(
                    "the end of the rule {} of {} on {on}",
                    esc(m.title(&r.name)),
                    titled_link(1, "decisions", &d.name, &capitalize(m.title(&d.name)))
                ),
                Lang::Zh => format!(
                    "{}的规则“{}”于{on}停止适用",
                    titled_link(1, "decisions", &d.name, &capitalize(m.title(&d.name))),
                    esc(m.title(&r.name))
                ),
            });
        }
        let mut seen = Vec::new();
        for r in d.rules.iter() {
            let Some(c) = r.citation.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            if seen.contains(&r.name) {
                continue;
            }
            seen.push(r.name.clone());
            let period = esc(&super::period(l, r.from, r.until));
            by_item.entry(c.item).or_default().push(match l {
                Lang::En => format!(
                    "the rule {} of {} ({period})",
                    esc(m.title(&r.name)),
                    titled_link(1, "decisions", &d.name, &capitalize(m.title(&d.name)))
                ),
                Lang::Zh => format!(
                    "{}的规则“{}”（{period}）",
                    titled_link(1, "decisions", &d.name, &capitalize(m.title(&d.name))),
                    esc(m.title(&r.name))
                ),
            });
        }
    }
    for set in &a.sets {
        for (i, slice) in set.slices.iter().enumerate() {
            let Some(c) = slice.citation.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            let what = if i == 0 {
                l.tr("the list", "名单")
            } else if slice.from.is_some() && slice.from == set.ended {
                l.tr("the end of the list", "名单终止：")
            } else {
                l.tr("an amendment of the list", "名单修订：")
            };
            let from = slice.from.map_or(String::new(), |f| match l {
                Lang::En => format!(" from {}", l.date(f)),
                Lang::Zh => format!("，自{}起", l.date(f)),
            });
            let n = slice.members.len();
            let announced = slice
                .announced
                .map_or(String::new(), |a| match (l, slice.partial) {
                    (Lang::En, true) => format!(", {a} announced (the source lists only some)"),
                    (Lang::En, false) => format!(", {a} announced"),
                    (Lang::Zh, true) => format!("，公布{a}个（来源只列出部分）"),
                    (Lang::Zh, false) => format!("，公布{a}个"),
                });
            by_item.entry(c.item).or_default().push(match l {
                Lang::En => format!(
                    "{what} {}{from}: {n} members{announced}",
                    titled_link(1, "sets", &set.name, &capitalize(m.title(&set.name)))
                ),
                Lang::Zh => format!(
                    "{what}{}{from}：列有{n}个{announced}",
                    titled_link(1, "sets", &set.name, &capitalize(m.title(&set.name)))
                ),
            });
        }
    }
    for v in &a.values {
        for e in &v.entries {
            let Some(c) = e.ended_by.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            let key = e.key.as_ref().map_or(String::new(), |k| {
                format!(" ({})", esc(&super::timeline::key_name(m, k)))
            });
            let on = e.until.map_or(String::new(), |u| l.date(u));
            by_item.entry(c.item).or_default().push(match l {
                Lang::En => format!(
                    "the end of {}{key} = {} on {on}",
                    titled_link(1, "values", &v.name, &capitalize(m.title(&v.name))),
                    literal_words(l, &e.value)
                ),
                Lang::Zh => format!(
                    "{}{key}为{}的条目于{on}终止",
                    titled_link(1, "values", &v.name, &capitalize(m.title(&v.name))),
                    literal_words(l, &e.value)
                ),
            });
        }
        for e in &v.entries {
            let Some(c) = e.citation.as_ref().filter(|c| c.source == s.name) else {
                continue;
            };
            let key = e.key.as_ref().map_or(String::new(), |k| {
                format!(" ({})", esc(&super::timeline::key_name(m, k)))
            });
            by_item.entry(c.item).or_default().push(format!(
                "{}{key}{}{} {}",
                titled_link(1, "values", &v.name, &capitalize(m.title(&v.name))),
                l.tr(" = ", "为"),
                literal_words(l, &e.value),
                esc(&super::period(l, e.from, e.until))
            ));
        }
    }
    let cited = !by_item.is_empty();
    // Items whose words are quoted are shown, cited or not.
    let quoted = s.item_texts.len().max(s.item_texts_zh.len()) as u32;
    for i in 1..=quoted {
        by_item.entry(Some(i)).or_default();
    }
    b.push_str(&format!(
        "<h2>{}</h2>\n",
        if quoted > 0 {
            l.tr("Its items, and what cites each", "各条目及引用它们的内容")
        } else {
            l.tr("What cites it", "引用它的内容")
        }
    ));
    if !cited {
        b.push_str(&format!(
            "<p>{}</p>\n",
            l.tr(
                "Nothing in the policy cites this source yet.",
                "政策中尚无内容引用此来源。"
            )
        ));
    }
    for (item, things) in by_item {
        match item {
            Some(i) => {
                b.push_str(&match l {
                    Lang::En => format!("<h3 id=\"item-{i}\">Item {i}</h3>\n"),
                    Lang::Zh => format!("<h3 id=\"item-{i}\">第{i}项</h3>\n"),
                });
                b.push_str(&item_words(l, s, i));
            }
            None => b.push_str(&format!(
                "<h3 id=\"whole\">{}</h3>\n",
                l.tr("The source as a whole", "整份来源")
            )),
        }
        if things.is_empty() {
            b.push_str(&format!(
                "<p class=\"meta\">{}</p>\n",
                l.tr(
                    "Nothing in the policy cites this item.",
                    "政策中没有内容引用此条目。"
                )
            ));
            continue;
        }
        b.push_str("<ul>\n");
        for t in things {
            b.push_str(&format!("<li>{t}</li>\n"));
        }
        b.push_str("</ul>\n");
    }
    page(m, &crate::html::path("sources", &s.name), &title, &b)
}

/// Item `i`'s words as the source gives them, where the policy quotes them: the page's
/// language first.
pub fn item_words(l: Lang, s: &Source, i: u32) -> String {
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
    let en = at(&s.item_texts).map(|t| quote(t, " lang=\"en\""));
    let zh = at(&s.item_texts_zh).map(|t| quote(t, " lang=\"zh-Hans\""));
    let (first, second) = match l {
        Lang::En => (en, zh),
        Lang::Zh => (zh, en),
    };
    first.into_iter().chain(second).collect()
}

/// Item `i`'s heading (the first line of its words, in the page's language where quoted).
pub fn item_heading(l: Lang, s: &Source, i: u32) -> Option<String> {
    let at = |texts: &[String]| {
        texts
            .get((i as usize).checked_sub(1)?)
            .and_then(|t| t.lines().next())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    match l {
        Lang::Zh => at(&s.item_texts_zh).or_else(|| at(&s.item_texts)),
        Lang::En => at(&s.item_texts),
    }
}
