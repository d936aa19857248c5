//! A page per set and per dated value or relation: a timeline chart, and each version with its
//! date and citation.

use edict_runtime::artifact::{Domain, SetTimeline, ValueTimeline};

use crate::html::{esc, page, scroll_box};
use crate::lang::{capitalize, Lang};
use crate::model::Model;
use crate::svg::{timeline, Bar, Lane};
use crate::words::{literal_plain, literal_words};

/// How a member is named to a reader: an entry by its English name when it has one (`Hengqin`,
/// not `hengqin`), an enum value as written.
pub(super) fn member_name(m: &Model, domain: Domain, v: u32) -> String {
    match domain {
        Domain::Entity(t) => m.entity_name(t, v),
        Domain::Enum(e) => {
            let value = m
                .artifact
                .catalogue
                .member_name(domain, v)
                .unwrap_or_default();
            let en = m
                .artifact
                .catalogue
                .enums
                .get(e as usize)
                .map_or("", |e| e.name.as_str());
            m.label(&format!("{en}.{value}"))
                .unwrap_or(value)
                .to_string()
        }
    }
}

/// A relation's key as a reader names it: an entry of the key's catalogue by its English name.
pub(super) fn key_name(m: &Model, key: &str) -> String {
    match m.entries.get(key) {
        Some(&(t, e)) => m.entity_name(t, e),
        None => key.to_string(),
    }
}

pub fn set(m: &Model, s: &SetTimeline) -> String {
    let l = m.lang;
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"meta\">{} <code>{}</code></p>\n",
        esc(&capitalize(m.title(&s.name))),
        l.tr("List", "名单"),
        esc(&s.name)
    );
    let of = match s.domain {
        Domain::Entity(t) => m
            .artifact
            .catalogue
            .entity_types
            .get(t as usize)
            .map_or("?".into(), |t| {
                crate::html::titled_link(1, "catalogues", &t.name, m.title(&t.name))
            }),
        Domain::Enum(e) => m
            .artifact
            .catalogue
            .enums
            .get(e as usize)
            .map_or("?".into(), |e| format!("<code>{}</code>", esc(&e.name))),
    };
    b.push_str(&match l {
        Lang::En => format!("<p class=\"lead\">A list of entries of the catalogue {of}.</p>\n"),
        Lang::Zh => format!("<p class=\"lead\">取自目录{of}的名单。</p>\n"),
    });
    b.push_str(&super::decision::notes(m, m.doc("set", &s.name)));
    // Membership periods, member by member, in order of first appearance.
    let mut order: Vec<u32> = Vec::new();
    let mut periods: Vec<(u32, Option<i64>, Option<i64>)> = Vec::new();
    let mut open: Vec<(u32, Option<i64>)> = Vec::new();
    for (i, slice) in s.slices.iter().enumerate() {
        let next = s.slices.get(i + 1).and_then(|n| n.from);
        for &mem in &slice.members {
            if !order.contains(&mem) {
                order.push(mem);
            }
            if !open.iter().any(|(o, _)| *o == mem) {
                open.push((mem, slice.from));
            }
        }
        let gone: Vec<(u32, Option<i64>)> = open
            .iter()
            .copied()
            .filter(|(o, _)| !slice.members.contains(o))
            .collect();
        for (o, from) in gone {
            periods.push((o, from, slice.from));
            open.retain(|(x, _)| *x != o);
        }
        let _ = next;
    }
    for (o, from) in open {
        periods.push((o, from, None));
    }
    let lanes: Vec<Lane> = order
        .iter()
        .map(|&mem| Lane {
            label: member_name(m, s.domain, mem),
            bars: periods
                .iter()
                .filter(|p| p.0 == mem)
                .map(|p| Bar {
                    from: p.1,
                    until: p.2,
                    text: None,
                })
                .collect(),
        })
        .collect();
    let marks: Vec<(i64, String)> = s
        .slices
        .iter()
        .filter_map(|x| {
            Some((
                x.from?,
                x.citation
                    .as_ref()
                    .map_or(String::new(), |c| c.source.clone()),
            ))
        })
        .collect();
    b.push_str(&format!(
        "<h2>{}</h2>\n",
        l.tr("Members over time", "成员变化")
    ));
    if s.slices.iter().all(|x| x.from.is_none()) && s.ended.is_none() {
        // No date to draw: a chart of bars with no start and no end says nothing.
        let names: Vec<String> = lanes.iter().map(|l| l.label.clone()).collect();
        b.push_str(&format!(
            "<p>{}</p>\n<p class=\"members\">{}</p>\n",
            match l {
                Lang::En => format!("The same {} members throughout: the policy gives the list no start date and no amendment.", names.len()),
                Lang::Zh => format!("始终为同样的{}个成员：政策未给出起始日期，也无修订。", names.len()),
            },
            esc(&names.join(l.tr(", ", "、")))
        ));
    } else {
        b.push_str("<figure>\n");
        b.push_str(&timeline(
            &match l {
                Lang::En => format!("Members of {} over time", m.title(&s.name)),
                Lang::Zh => format!("{}的成员变化", m.title(&s.name)),
            },
            &lanes,
            &marks,
        ));
        b.push_str(&format!(
            "<figcaption>{}</figcaption>\n</figure>\n",
            l.tr(
                "One row per member, a bar while it is in the list; dashed lines are amendments, each dated above the chart or in the versions below.",
                "每个成员一行，横条表示其在名单中的时段；虚线为修订，日期标在图上方或列于下方版本表。"
            )
        ));
    }
    b.push_str(&format!("<h2>{}</h2>\n", l.tr("Versions", "版本")));
    let table = b.len();
    b.push_str(&format!(
        "<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        l.tr("From", "起始"),
        l.tr("On the authority of", "依据"),
        l.tr("Listed", "列出"),
        l.tr("Announced", "公布数量"),
        l.tr("Change", "变化")
    ));
    let mut before: Vec<u32> = Vec::new();
    for slice in &s.slices {
        let added: Vec<String> = slice
            .members
            .iter()
            .filter(|x| !before.contains(x))
            .map(|&x| member_name(m, s.domain, x))
            .collect();
        let removed: Vec<String> = before
            .iter()
            .filter(|x| !slice.members.contains(x))
            .map(|&x| member_name(m, s.domain, x))
            .collect();
        let mut change = Vec::new();
        if !added.is_empty() {
            change.push(format!(
                "{} {}",
                l.tr("added", "新增"),
                esc(&added.join(l.tr(", ", "、")))
            ));
        }
        if !removed.is_empty() {
            change.push(format!(
                "{} {}",
                l.tr("removed", "移除"),
                esc(&removed.join(l.tr(", ", "、")))
            ));
        }
        let announced = match (l, slice.announced) {
            (Lang::En, Some(n)) if slice.partial => format!("{n} (the source lists only some)"),
            (Lang::Zh, Some(n)) if slice.partial => format!("{n}（来源只列出部分）"),
            (Lang::En, Some(n)) if n as usize != slice.members.len() => {
                format!("{n} (listed: {})", slice.members.len())
            }
            (Lang::Zh, Some(n)) if n as usize != slice.members.len() => {
                format!("{n}（列出：{}）", slice.members.len())
            }
            (_, Some(n)) => n.to_string(),
            (_, None) => l.tr("not stated", "未说明").into(),
        };
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            slice
                .from
                .map_or(l.tr("the beginning", "起初").into(), |d| l.date(d)),
            slice
                .citation
                .as_ref()
                .map_or("—".into(), |c| super::citation_html(l, c, 1)),
            slice.members.len(),
            esc(&announced),
            change.join("; ")
        ));
        before = slice.members.clone();
    }
    b.push_str("</tbody>\n</table>\n");
    let t = b.split_off(table);
    b.push_str(&scroll_box(l.tr("Versions", "版本"), &t));
    page(
        m,
        &crate::html::path("sets", &s.name),
        &capitalize(m.title(&s.name)),
        &b,
    )
}

pub fn value(m: &Model, v: &ValueTimeline) -> String {
    let l = m.lang;
    let kind = match (l, v.key.is_some()) {
        (Lang::En, true) => "Relation",
        (Lang::En, false) => "Dated value",
        (Lang::Zh, true) => "对应关系",
        (Lang::Zh, false) => "随日期变化的数值",
    };
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"meta\">{kind} <code>{}</code></p>\n",
        esc(&capitalize(m.title(&v.name))),
        esc(&v.name)
    );
    b.push_str(&format!(
        "<p class=\"lead\">{}</p>\n",
        esc(&match (l, &v.key) {
            (Lang::En, Some(k)) =>
                format!("For each {}: a value that changes by date.", m.title(k)),
            (Lang::En, None) => "A value that changes by date.".to_string(),
            (Lang::Zh, Some(k)) => format!("每个{}对应一个随日期变化的数值。", m.title(k)),
            (Lang::Zh, None) => "随日期变化的数值。".to_string(),
        })
    ));
    b.push_str(&super::decision::notes(m, m.doc("value", &v.name)));
    let mut keys: Vec<Option<String>> = Vec::new();
    for e in &v.entries {
        if !keys.contains(&e.key) {
            keys.push(e.key.clone());
        }
    }
    let lanes: Vec<Lane> = keys
        .iter()
        .map(|k| Lane {
            label: k
                .as_deref()
                .map_or_else(|| m.title(&v.name).to_string(), |k| key_name(m, k)),
            bars: v
                .entries
                .iter()
                .filter(|e| e.key == *k)
                .map(|e| Bar {
                    from: e.from,
                    until: e.until,
                    text: Some(literal_plain(l, &e.value)),
                })
                .collect(),
        })
        .collect();
    let mut marks: Vec<(i64, String)> = v
        .entries
        .iter()
        .filter_map(|e| Some((e.from?, literal_plain(l, &e.value))))
        .collect();
    marks.sort();
    marks.dedup_by_key(|m| m.0);
    b.push_str(&format!(
        "<h2>{}</h2>\n<figure>\n",
        l.tr("Values over time", "数值变化")
    ));
    b.push_str(&timeline(
        &match l {
            Lang::En => format!("Values of {} over time", m.title(&v.name)),
            Lang::Zh => format!("{}的数值变化", m.title(&v.name)),
        },
        &lanes,
        &marks,
    ));
    b.push_str(&format!(
        "<figcaption>{}</figcaption>\n</figure>\n",
        l.tr(
            "One row per key; each bar is a value and the period it holds.",
            "每个键一行；每个横条为一个数值及其适用时段。"
        )
    ));
    if let Some(o) = &v.otherwise {
        b.push_str(&format!(
            "<p>{} <strong>{}</strong>.</p>\n",
            l.tr(
                "Any other key, or a day no entry covers:",
                "其他键或无条目覆盖的日期："
            ),
            literal_words(l, o)
        ));
    } else if v.key.is_some() {
        b.push_str(&format!(
            "<p>{}</p>\n",
            l.tr(
                "A key or a day no entry covers has no value, and a rule that reads it does not apply.",
                "无条目覆盖的键或日期没有数值，读取它的规则不适用。"
            )
        ));
    }
    b.push_str(&format!("<h2>{}</h2>\n", l.tr("Entries", "条目")));
    let table = b.len();
    b.push_str("<table>\n<thead><tr>");
    if v.key.is_some() {
        b.push_str(&format!("<th scope=\"col\">{}</th>", l.tr("Key", "键")));
    }
    b.push_str(&format!(
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        l.tr("Value", "数值"),
        l.tr("Period", "时段"),
        l.tr("On the authority of", "依据")
    ));
    for e in &v.entries {
        b.push_str("<tr>");
        if v.key.is_some() {
            b.push_str(&format!(
                "<td>{}</td>",
                esc(&e.key.as_deref().map(|k| key_name(m, k)).unwrap_or_default())
            ));
        }
        let mut cited = e
            .citation
            .as_ref()
            .map_or("—".into(), |c| super::citation_html(l, c, 1));
        // Sources that say otherwise, after the one followed.
        for d in &e.differs {
            let kind = d.kind.map_or(String::new(), |k| match l {
                Lang::En => format!(" ({})", esc(l.source_kind(k))),
                Lang::Zh => format!("（{}）", esc(l.source_kind(k))),
            });
            let quote = d
                .quote
                .as_ref()
                .map_or(String::new(), |q| format!(": <q>{}</q>", esc(q)));
            cited.push_str(&format!(
                "<p class=\"differs\">{} {}{kind} {} <strong>{}</strong>{quote}</p>",
                l.tr("but", "但"),
                super::citation_html(l, &d.citation, 1),
                l.tr("says", "称"),
                literal_words(l, &d.says)
            ));
        }
        b.push_str(&format!(
            "<td><strong>{}</strong> <code>{}</code></td><td>{}</td><td>{cited}</td></tr>\n",
            literal_words(l, &e.value),
            esc(&e.value),
            esc(&super::period(l, e.from, e.until)),
        ));
    }
    b.push_str("</tbody>\n</table>\n");
    let t = b.split_off(table);
    b.push_str(&scroll_box(l.tr("Entries", "条目"), &t));
    page(
        m,
        &crate::html::path("values", &v.name),
        &capitalize(m.title(&v.name)),
        &b,
    )
}
