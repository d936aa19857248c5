//! A page per set and per dated value or relation: a timeline chart, and each version with its
//! date and citation.

use edict_runtime::artifact::{Domain, SetTimeline, ValueTimeline};
use edict_runtime::value::format_date;

use crate::html::{esc, page, scroll_box};
use crate::model::Model;
use crate::svg::{timeline, Bar, Lane};

/// How a member is named to a reader: an entry by its English name when it has one (`Hengqin`,
/// not `hengqin`), an enum value as written.
pub(super) fn member_name(m: &Model, domain: Domain, v: u32) -> String {
    match domain {
        Domain::Entity(t) => {
            let (id, name, _) = m.entity_label(t, v);
            name.unwrap_or(id)
        }
        Domain::Enum(_) => m
            .artifact
            .catalogue
            .member_name(domain, v)
            .unwrap_or_default()
            .to_string(),
    }
}

/// A relation's key as a reader names it: an entry of the key's catalogue by its English name.
fn key_name(m: &Model, v: &ValueTimeline, key: &str) -> String {
    let types = &m.artifact.catalogue.entity_types;
    v.key
        .as_deref()
        .and_then(|ty| types.iter().position(|t| t.name == ty))
        .and_then(|t| {
            let e = types[t].entities.iter().position(|e| e.name == key)?;
            m.entity_label(t as u32, e as u32).1
        })
        .unwrap_or_else(|| key.to_string())
}

pub fn set(m: &Model, s: &SetTimeline) -> String {
    let mut b = format!("<h1>Set <code>{}</code></h1>\n", esc(&s.name));
    let of = match s.domain {
        Domain::Entity(t) => m
            .artifact
            .catalogue
            .entity_types
            .get(t as usize)
            .map_or("?".into(), |t| crate::html::link(1, "catalogues", &t.name)),
        Domain::Enum(e) => m
            .artifact
            .catalogue
            .enums
            .get(e as usize)
            .map_or("?".into(), |e| format!("<code>{}</code>", esc(&e.name))),
    };
    b.push_str(&format!("<p class=\"lead\">A set of {of}.</p>\n"));
    b.push_str(&crate::html::doc(m.doc("set", &s.name)));
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
    b.push_str("<h2>Members over time</h2>\n");
    if s.slices.iter().all(|x| x.from.is_none()) && s.ended.is_none() {
        // No date to draw: a chart of bars with no start and no end says nothing.
        let names: Vec<String> = lanes.iter().map(|l| l.label.clone()).collect();
        b.push_str(&format!(
            "<p>The same {} members throughout: the policy gives the set no start date and no amendment.</p>\n<p class=\"members\">{}</p>\n",
            names.len(),
            esc(&names.join(", "))
        ));
    } else {
        b.push_str("<figure>\n");
        b.push_str(&timeline(
            &format!("Members of {} over time", s.name),
            &lanes,
            &marks,
        ));
        b.push_str("<figcaption>One row per member, a bar while it is in the set; dashed lines are amendments, each dated above the chart or in the versions below.</figcaption>\n</figure>\n");
    }
    b.push_str("<h2>Versions</h2>\n");
    let table = b.len();
    b.push_str("<table>\n<thead><tr><th scope=\"col\">From</th><th scope=\"col\">Cited</th><th scope=\"col\">Listed</th><th scope=\"col\">Announced</th><th scope=\"col\">Change</th></tr></thead>\n<tbody>\n");
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
            change.push(format!("added {}", esc(&added.join(", "))));
        }
        if !removed.is_empty() {
            change.push(format!("removed {}", esc(&removed.join(", "))));
        }
        let announced = match slice.announced {
            Some(n) if slice.partial => format!("{n} (the source lists only some)"),
            Some(n) if n as usize != slice.members.len() => {
                format!("{n} (listed: {})", slice.members.len())
            }
            Some(n) => n.to_string(),
            None => "not stated".into(),
        };
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            slice.from.map_or("the beginning".into(), format_date),
            slice
                .citation
                .as_ref()
                .map_or("—".into(), |c| super::citation_html(c, 1)),
            slice.members.len(),
            esc(&announced),
            change.join("; ")
        ));
        before = slice.members.clone();
    }
    b.push_str("</tbody>\n</table>\n");
    let t = b.split_off(table);
    b.push_str(&scroll_box("Versions", &t));
    page(&format!("Set {}", s.name), 1, &b)
}

pub fn value(m: &Model, v: &ValueTimeline) -> String {
    let kind = if v.key.is_some() {
        "Relation"
    } else {
        "Dated value"
    };
    let mut b = format!("<h1>{kind} <code>{}</code></h1>\n", esc(&v.name));
    b.push_str(&format!(
        "<p class=\"lead\">{}</p>\n",
        esc(&match &v.key {
            Some(k) => format!("For each {k}: a {} that changes by date.", v.ty),
            None => format!("A {} that changes by date.", v.ty),
        })
    ));
    b.push_str(&crate::html::doc(m.doc("value", &v.name)));
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
                .map_or_else(|| v.name.clone(), |k| key_name(m, v, k)),
            bars: v
                .entries
                .iter()
                .filter(|e| e.key == *k)
                .map(|e| Bar {
                    from: e.from,
                    until: e.until,
                    text: Some(e.value.clone()),
                })
                .collect(),
        })
        .collect();
    let mut marks: Vec<(i64, String)> = v
        .entries
        .iter()
        .filter_map(|e| Some((e.from?, e.value.clone())))
        .collect();
    marks.sort();
    marks.dedup_by_key(|m| m.0);
    b.push_str("<h2>Values over time</h2>\n<figure>\n");
    b.push_str(&timeline(
        &format!("Values of {} over time", v.name),
        &lanes,
        &marks,
    ));
    b.push_str("<figcaption>One row per key; each bar is a value and the period it holds.</figcaption>\n</figure>\n");
    if let Some(o) = &v.otherwise {
        b.push_str(&format!(
            "<p>Any other key, or a day no entry covers: <code>{}</code>.</p>\n",
            esc(o)
        ));
    } else if v.key.is_some() {
        b.push_str("<p>A key or a day no entry covers has no value, and a rule that reads it does not apply.</p>\n");
    }
    b.push_str("<h2>Entries</h2>\n");
    let table = b.len();
    b.push_str("<table>\n<thead><tr>");
    if v.key.is_some() {
        b.push_str("<th scope=\"col\">Key</th>");
    }
    b.push_str("<th scope=\"col\">Value</th><th scope=\"col\">Period</th><th scope=\"col\">Cited</th></tr></thead>\n<tbody>\n");
    for e in &v.entries {
        b.push_str("<tr>");
        if v.key.is_some() {
            b.push_str(&format!("<td>{}</td>", esc(e.key.as_deref().unwrap_or(""))));
        }
        let mut cited = e
            .citation
            .as_ref()
            .map_or("—".into(), |c| super::citation_html(c, 1));
        // Sources that say otherwise, after the one followed.
        for d in &e.differs {
            let kind = d
                .kind
                .map_or(String::new(), |k| format!(" ({})", esc(k.describe())));
            let quote = d
                .quote
                .as_ref()
                .map_or(String::new(), |q| format!(": <q>{}</q>", esc(q)));
            cited.push_str(&format!(
                "<p class=\"differs\">but {}{kind} says <code>{}</code>{quote}</p>",
                super::citation_html(&d.citation, 1),
                esc(&d.says)
            ));
        }
        b.push_str(&format!(
            "<td><code>{}</code></td><td>{}</td><td>{cited}</td></tr>\n",
            esc(&e.value),
            esc(&super::period(e.from, e.until)),
        ));
    }
    b.push_str("</tbody>\n</table>\n");
    let t = b.split_off(table);
    b.push_str(&scroll_box("Entries", &t));
    page(&format!("{kind} {}", v.name), 1, &b)
}
