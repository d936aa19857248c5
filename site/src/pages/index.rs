//! The index page, and the search index every page's search box reads.

use serde_json::json;

use crate::html::{esc, page};
use crate::lang::Lang;
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
    let l = m.lang;
    let rules: usize = a
        .decisions
        .iter()
        .map(|d| {
            let mut names: Vec<&str> = d.rules.iter().map(|r| r.name.as_str()).collect();
            names.dedup();
            names.len()
        })
        .sum();
    let mut b = format!("<h1>{}</h1>\n", l.tr("The policy", "政策"));
    b.push_str(&match l {
        Lang::En => format!(
            "<p>{} decisions, {rules} rules, {} sets, {} dated values and relations, from {} source(s). Every rule cites the item of the source it implements.</p>\n",
            a.decisions.len(), a.sets.len(), a.values.len(), a.sources.len()
        ),
        Lang::Zh => format!(
            "<p>{} 项决定、{rules} 条规则、{} 份名单、{} 项随日期变化的数值与对应关系，出自 {} 份来源。每条规则都注明其依据的来源条目。</p>\n",
            a.decisions.len(), a.sets.len(), a.values.len(), a.sources.len()
        ),
    });
    b.push_str(&format!(
        "<h2 id=\"decisions\">{}</h2>\n<ul class=\"items\">\n",
        l.tr("Questions it answers", "可查询的问题")
    ));
    for d in &a.decisions {
        b.push_str(&format!(
            "<li>{} {}</li>\n",
            link_to(m, "decisions", &d.name),
            if l == Lang::En {
                first_line(m.doc("decision", &d.name))
            } else {
                String::new()
            }
        ));
    }
    b.push_str(&format!(
        "</ul>\n<h2 id=\"changes\">{}</h2>\n",
        l.tr("What changed, day by day", "逐日变化")
    ));
    b.push_str(&super::changes::list(m, days));
    b.push_str(&format!(
        "<h2 id=\"sources\">{}</h2>\n<ul class=\"items\">\n",
        l.tr("Sources", "来源")
    ));
    for s in &a.sources {
        let (title, other) = match (l, &s.title_zh) {
            (Lang::Zh, Some(z)) => (z.clone(), Some(s.title.clone())),
            (_, z) => (s.title.clone(), z.clone()),
        };
        b.push_str(&format!(
            "<li><a href=\"{}\">{}</a> <span class=\"meta\">{}{}</span></li>\n",
            esc(&crate::html::path("sources", &s.name)),
            esc(&title),
            s.published.map_or(String::new(), |d| match l {
                Lang::En => format!("published {}", l.date(d)),
                Lang::Zh => format!("{}发布", l.date(d)),
            }),
            other.map_or(String::new(), |o| format!(
                " · <span lang=\"{}\">{}</span>",
                l.other().html(),
                esc(&o)
            )),
        ));
    }
    b.push_str(&format!(
        "</ul>\n<h2 id=\"sets\">{}</h2>\n<ul class=\"items\">\n",
        l.tr("Lists: ports, countries, regions", "名单：口岸、国家、地区")
    ));
    for s in &a.sets {
        let now = s.slices.last().map_or(0, |x| x.members.len());
        b.push_str(&format!(
            "<li>{} <span class=\"meta\">{}</span></li>\n",
            link_to(m, "sets", &s.name),
            match l {
                Lang::En => format!("{now} members in its latest version"),
                Lang::Zh => format!("最新版本列有{now}个"),
            }
        ));
    }
    b.push_str(&format!(
        "</ul>\n<h2 id=\"values\">{}</h2>\n",
        l.tr("Values that change by date", "随日期变化的数值")
    ));
    if a.values.is_empty() {
        b.push_str(&format!(
            "<p>{}</p>\n",
            l.tr("None in this policy.", "本政策中没有。")
        ));
    } else {
        b.push_str("<ul class=\"items\">\n");
        for v in &a.values {
            let kind = v
                .key
                .as_ref()
                .map_or(v.ty.to_string(), |k| format!("{k} → {}", v.ty));
            b.push_str(&format!(
                "<li>{} <span class=\"meta\"><code>{}</code></span></li>\n",
                link_to(m, "values", &v.name),
                esc(&kind),
            ));
        }
        b.push_str("</ul>\n");
    }
    b.push_str(&format!(
        "<h2 id=\"catalogues\">{}</h2>\n<ul class=\"items\">\n",
        l.tr("Catalogues", "目录")
    ));
    for t in &a.catalogue.entity_types {
        b.push_str(&format!(
            "<li>{} <span class=\"meta\">{}</span></li>\n",
            link_to(m, "catalogues", &t.name),
            match l {
                Lang::En => format!("{} entries", t.entities.len()),
                Lang::Zh => format!("{} 项", t.entities.len()),
            }
        ));
    }
    b.push_str("</ul>\n");
    page(m, "index.html", l.tr("The policy", "政策"), &b)
}

/// A link from the root to an item's page, named by its label (`capitalize`d) with the
/// identifier for officials.
fn link_to(m: &Model, kind: &str, name: &str) -> String {
    let title = crate::lang::capitalize(m.title(name));
    let id = if title != name {
        format!(" <code class=\"id\">{}</code>", esc(name))
    } else {
        String::new()
    };
    format!("{}{id}", crate::html::titled_link(0, kind, name, &title))
}

/// `window.EDICT_INDEX`: every named thing with its Chinese name and page, for the search box
/// (a script, so that it loads from `file://` too).
/// The search index; `paged`: the entries with a page of their own.
pub fn search_index(m: &Model, paged: &std::collections::BTreeSet<(u32, u32)>) -> String {
    let a = &m.artifact;
    let l = m.lang;
    let mut items = Vec::new();
    // `n`: the name shown, in the page's language; `z`: the other language's; `i`: the
    // identifier; `c`: codes matched whole (`USA`).
    let mut add = |name: String,
                   other: Option<String>,
                   id: &str,
                   kind: &str,
                   url: String,
                   codes: Vec<String>| {
        let mut item = json!({ "n": name, "z": other, "i": id, "k": kind, "u": url });
        if !codes.is_empty() {
            item["c"] = json!(codes);
        }
        items.push(item);
    };
    let both = |name: &str| -> (String, Option<String>) {
        let here = crate::lang::capitalize(m.title(name));
        let other = m
            .labels
            .get(name)
            .and_then(|t| t.get(l.other().tag()))
            .map(crate::lang::capitalize)
            .filter(|o| *o != here);
        (here, other)
    };
    for s in &a.sources {
        let (title, other) = match (l, &s.title_zh) {
            (Lang::Zh, Some(z)) => (z.clone(), Some(s.title.clone())),
            (_, z) => (s.title.clone(), z.clone()),
        };
        add(
            title,
            other,
            &s.name,
            l.tr("source", "来源"),
            crate::html::path("sources", &s.name),
            Vec::new(),
        );
    }
    for d in &a.decisions {
        let (n, z) = both(&d.name);
        add(
            n,
            z,
            &d.name,
            l.tr("question", "问题"),
            crate::html::path("decisions", &d.name),
            Vec::new(),
        );
    }
    for s in &a.sets {
        let (n, z) = both(&s.name);
        add(
            n,
            z,
            &s.name,
            l.tr("list", "名单"),
            crate::html::path("sets", &s.name),
            Vec::new(),
        );
    }
    for v in &a.values {
        let (n, z) = both(&v.name);
        add(
            n,
            z,
            &v.name,
            l.tr("value", "数值"),
            crate::html::path("values", &v.name),
            Vec::new(),
        );
    }
    // An entry leads to its own page when it has one, else to its line in the catalogue; its
    // codes (`USA`) find it too.
    for (t, ty) in a.catalogue.entity_types.iter().enumerate() {
        let page = crate::html::path("catalogues", &ty.name);
        let (n, z) = both(&ty.name);
        add(
            n.clone(),
            z,
            &ty.name,
            l.tr("catalogue", "目录"),
            page.clone(),
            Vec::new(),
        );
        let kind = m.title(&ty.name).to_string();
        for (e, ent) in ty.entities.iter().enumerate() {
            let (id, en, zh) = m.entity_label(t as u32, e as u32);
            let (here, other) = match l {
                Lang::En => (en.clone().unwrap_or_else(|| id.clone()), zh),
                Lang::Zh => (zh.clone().or(en.clone()).unwrap_or_else(|| id.clone()), en),
            };
            let url = if paged.contains(&(t as u32, e as u32)) {
                super::entry::path(m, t as u32, e as u32)
            } else {
                format!("{page}#e-{}", crate::html::slug(&id))
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
            add(
                here,
                other.filter(|o| !o.is_empty()),
                &id,
                &kind,
                url,
                codes,
            );
        }
    }
    format!(
        "window.EDICT_INDEX = {};\n",
        serde_json::Value::Array(items)
    )
}
