//! The index page, and the search index every page's search box reads.

use serde_json::json;

use crate::html::{esc, link, page};
use crate::model::Model;

fn first_line(doc: Option<&str>) -> String {
    doc.and_then(|d| d.split("\n\n").next())
        .map(|p| crate::html::inline(p.trim()).replace('\n', " "))
        .unwrap_or_default()
}

/// The index; `days`: the days the policy changes, each with a page of its own.
pub fn index(
    m: &Model,
    days: &std::collections::BTreeMap<i64, Vec<super::changes::Change>>,
) -> String {
    let a = &m.artifact;
    let mut b = String::from("<h1>The policy</h1>\n");
    b.push_str(&format!(
        "<p>{} decisions, {} rules, {} sets, {} dated values and relations, from {} source(s). Every rule cites the item of the source it implements.</p>\n",
        a.decisions.len(),
        a.decisions.iter().map(|d| {
            let mut names: Vec<&str> = d.rules.iter().map(|r| r.name.as_str()).collect();
            names.dedup();
            names.len()
        }).sum::<usize>(),
        a.sets.len(),
        a.values.len(),
        a.sources.len()
    ));
    b.push_str("<h2 id=\"sources\">Sources</h2>\n<ul class=\"items\">\n");
    for s in &a.sources {
        b.push_str(&format!(
            "<li>{} <span class=\"meta\">{}{}</span><br>{}</li>\n",
            link(0, "sources", &s.name),
            s.published.map_or(String::new(), |d| format!(
                "published {}",
                edict_runtime::value::format_date(d)
            )),
            s.title_zh.as_ref().map_or(String::new(), |z| format!(
                " · <span lang=\"zh\">{}</span>",
                esc(z)
            )),
            esc(&s.title)
        ));
    }
    b.push_str("</ul>\n<h2 id=\"changes\">What changed, day by day</h2>\n");
    b.push_str(&super::changes::list(days));
    b.push_str("<h2 id=\"decisions\">Decisions</h2>\n<ul class=\"items\">\n");
    for d in &a.decisions {
        b.push_str(&format!(
            "<li>{} {}</li>\n",
            link(0, "decisions", &d.name),
            first_line(m.doc("decision", &d.name))
        ));
    }
    b.push_str("</ul>\n<h2 id=\"sets\">Sets</h2>\n<ul class=\"items\">\n");
    for s in &a.sets {
        let now = s.slices.last().map_or(0, |x| x.members.len());
        b.push_str(&format!(
            "<li>{} <span class=\"meta\">{now} members in its latest version</span> {}</li>\n",
            link(0, "sets", &s.name),
            first_line(m.doc("set", &s.name))
        ));
    }
    b.push_str("</ul>\n<h2 id=\"values\">Dated values and relations</h2>\n");
    if a.values.is_empty() {
        b.push_str("<p>None in this policy.</p>\n");
    } else {
        b.push_str("<ul class=\"items\">\n");
        for v in &a.values {
            let kind = v
                .key
                .as_ref()
                .map_or(format!("value of type {}", v.ty), |k| {
                    format!("relation {k} → {}", v.ty)
                });
            b.push_str(&format!(
                "<li>{} <span class=\"meta\">{}</span> {}</li>\n",
                link(0, "values", &v.name),
                esc(&kind),
                first_line(m.doc("value", &v.name))
            ));
        }
        b.push_str("</ul>\n");
    }
    b.push_str("<h2 id=\"catalogues\">Catalogues</h2>\n<ul class=\"items\">\n");
    for t in &a.catalogue.entity_types {
        b.push_str(&format!(
            "<li>{} <span class=\"meta\">{} entries</span> {}</li>\n",
            link(0, "catalogues", &t.name),
            t.entities.len(),
            first_line(m.doc("type", &t.name))
        ));
    }
    b.push_str("</ul>\n");
    page("The policy", 0, &b)
}

/// `window.EDICT_INDEX`: every named thing with its Chinese name and page, for the search box
/// (a script, so that it loads from `file://` too).
/// The search index; `paged`: the entries with a page of their own.
pub fn search_index(m: &Model, paged: &std::collections::BTreeSet<(u32, u32)>) -> String {
    let a = &m.artifact;
    let mut items = Vec::new();
    let mut add = |name: &str, zh: Option<String>, kind: &str, url: String, codes: Vec<String>| {
        let mut item = json!({ "n": name, "z": zh, "k": kind, "u": url });
        if !codes.is_empty() {
            item["c"] = json!(codes);
        }
        items.push(item);
    };
    for s in &a.sources {
        add(
            &s.name,
            s.title_zh.clone(),
            "source",
            crate::html::path("sources", &s.name),
            Vec::new(),
        );
    }
    for d in &a.decisions {
        add(
            &d.name,
            None,
            "decision",
            crate::html::path("decisions", &d.name),
            Vec::new(),
        );
    }
    for s in &a.sets {
        let url = crate::html::path("sets", &s.name);
        add(&s.name, None, "set", url, Vec::new());
    }
    for v in &a.values {
        let url = crate::html::path("values", &v.name);
        add(&v.name, None, "value", url, Vec::new());
    }
    // An entry leads to its own page when it has one, else to its line in the catalogue; its
    // codes (`USA`) find it too.
    for (t, ty) in a.catalogue.entity_types.iter().enumerate() {
        let page = crate::html::path("catalogues", &ty.name);
        add(&ty.name, None, "catalogue", page.clone(), Vec::new());
        for (e, ent) in ty.entities.iter().enumerate() {
            let (name, en, zh) = m.entity_label(t as u32, e as u32);
            let label = match en {
                Some(en) => format!("{name} ({en})"),
                None => name.clone(),
            };
            let url = if paged.contains(&(t as u32, e as u32)) {
                super::entry::path(m, t as u32, e as u32)
            } else {
                format!("{page}#e-{}", crate::html::slug(&name))
            };
            let codes = ty
                .attributes
                .iter()
                .zip(&ent.attributes)
                .filter(|((n, _), _)| n != "name" && n != "name_zh")
                .filter_map(|(_, v)| match v {
                    edict_runtime::Value::Text(c) if !c.is_empty() => Some(c.clone()),
                    _ => None,
                })
                .collect();
            add(&label, zh, &ty.name, url, codes);
        }
    }
    format!(
        "window.EDICT_INDEX = {};\n",
        serde_json::Value::Array(items)
    )
}
