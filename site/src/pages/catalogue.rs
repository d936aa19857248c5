//! A page per catalogue type: its entries as a tree under their parents (region → province →
//! city → port), or as a table, with both languages' names.

use std::collections::BTreeMap;

use edict_runtime::artifact::EntityType;
use edict_runtime::Value;

use crate::html::{esc, page, slug, titled_link};
use crate::lang::{capitalize, Lang};
use crate::model::Model;

/// An entry with its names: `hengqin` (Hengqin Port, 横琴口岸).
fn label(m: &Model, t: u32, e: u32, anchor: bool) -> String {
    let (name, en, zh) = m.entity_label(t, e);
    let id = if anchor {
        format!(" id=\"e-{}\"", slug(&name))
    } else {
        String::new()
    };
    let mut s = format!("<code{id}>{}</code>", esc(&name));
    if let Some(en) = en {
        s.push_str(&format!(" <span lang=\"en\">{}</span>", esc(&en)));
    }
    if let Some(zh) = zh {
        s.push_str(&format!(" <span lang=\"zh-Hans\">{}</span>", esc(&zh)));
    }
    s
}

pub fn catalogue(m: &Model, t: u32, ty: &EntityType) -> String {
    let a = &m.artifact;
    let l = m.lang;
    let link = |name: &str| titled_link(1, "catalogues", name, m.title(name));
    let title = match l {
        Lang::En => format!("Catalogue: {}", capitalize(m.title(&ty.name))),
        Lang::Zh => format!("目录：{}", m.title(&ty.name)),
    };
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"meta\"><code>{}</code></p>\n",
        esc(&title),
        esc(&ty.name)
    );
    b.push_str(&super::decision::notes(m, m.doc("type", &ty.name)));
    let parent = ty
        .parent_type
        .and_then(|p| a.catalogue.entity_types.get(p as usize));
    let children: Vec<&EntityType> = a
        .catalogue
        .entity_types
        .iter()
        .filter(|c| c.parent_type == Some(t))
        .collect();
    b.push_str(&match l {
        Lang::En => format!("<p class=\"lead\">{} entries", ty.entities.len()),
        Lang::Zh => format!("<p class=\"lead\">共{}项", ty.entities.len()),
    });
    if let Some(p) = parent {
        b.push_str(&match l {
            Lang::En => format!(", each in a {}", link(&p.name)),
            Lang::Zh => format!("，各属于一个{}", link(&p.name)),
        });
    }
    if !children.is_empty() {
        let names: Vec<String> = children.iter().map(|c| link(&c.name)).collect();
        b.push_str(&match l {
            Lang::En => format!("; holds {}", names.join(", ")),
            Lang::Zh => format!("；下设{}", names.join("、")),
        });
    }
    b.push_str(l.tr(".</p>\n", "。</p>\n"));
    if !ty.identified_by.is_empty() {
        let ids: Vec<String> = ty
            .identified_by
            .iter()
            .filter_map(|&i| ty.attributes.get(i as usize))
            .map(|(n, _)| format!("<code>{}</code>", esc(n)))
            .collect();
        b.push_str(&match l {
            Lang::En => format!(
                "<p>Requests may name an entry by its name or by its {}.</p>\n",
                ids.join(", ")
            ),
            Lang::Zh => format!("<p>请求可用名称或{}指明条目。</p>\n", ids.join("、")),
        });
    }
    if parent.is_some() {
        // A tree: the ancestors of each entry, outermost first.
        let mut tree: BTreeMap<Vec<(u32, u32)>, Vec<u32>> = BTreeMap::new();
        for (e, ent) in ty.entities.iter().enumerate() {
            let mut chain = Vec::new();
            let (mut pt, mut pe) = (ty.parent_type, ent.parent);
            while let (Some(ct), Some(ce)) = (pt, pe) {
                chain.push((ct, ce));
                let cty = a.catalogue.entity_types.get(ct as usize);
                pt = cty.and_then(|x| x.parent_type);
                pe = cty
                    .and_then(|x| x.entities.get(ce as usize))
                    .and_then(|x| x.parent);
                if chain.len() > 16 {
                    break;
                }
            }
            chain.reverse();
            tree.entry(chain).or_default().push(e as u32);
        }
        b.push_str(&format!(
            "<h2>{}</h2>\n<ul class=\"tree\">\n",
            l.tr("By place", "按地区")
        ));
        let mut open: Vec<(u32, u32)> = Vec::new();
        for (chain, entries) in &tree {
            let common = open.iter().zip(chain).take_while(|(x, y)| x == y).count();
            for _ in common..open.len() {
                b.push_str("</ul></li>\n");
            }
            open.truncate(common);
            for &(ct, ce) in &chain[common..] {
                let tname = a
                    .catalogue
                    .entity_types
                    .get(ct as usize)
                    .map_or("", |x| x.name.as_str());
                b.push_str(&format!(
                    "<li><span class=\"kind\">{}</span> {}<ul>\n",
                    esc(m.title(tname)),
                    label(m, ct, ce, false)
                ));
                open.push((ct, ce));
            }
            for &e in entries {
                b.push_str(&format!("<li>{}</li>\n", label(m, t, e, true)));
            }
        }
        for _ in 0..open.len() {
            b.push_str("</ul></li>\n");
        }
        if tree.keys().any(|c| c.is_empty()) {
            b.push_str("<!-- entries with no parent are listed at the top -->\n");
        }
        b.push_str("</ul>\n");
    } else {
        b.push_str(&format!(
            "<h2>{0}</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{0}\"><table>\n<thead><tr><th scope=\"col\">{1}</th>",
            l.tr("Entries", "条目"),
            l.tr("Entry", "条目")
        ));
        for (n, _) in &ty.attributes {
            b.push_str(&format!("<th scope=\"col\">{}</th>", esc(n)));
        }
        b.push_str("</tr></thead>\n<tbody>\n");
        for ent in &ty.entities {
            b.push_str(&format!(
                "<tr><th scope=\"row\"><code id=\"e-{}\">{}</code></th>",
                slug(&ent.name),
                esc(&ent.name)
            ));
            for (i, (n, _)) in ty.attributes.iter().enumerate() {
                let v = match ent.attributes.get(i) {
                    Some(Value::Text(s)) => s.clone(),
                    Some(Value::Absent) | None => String::new(),
                    Some(other) => m.engine.value_json(other).to_string(),
                };
                let lang = if n.ends_with("_zh") {
                    " lang=\"zh-Hans\""
                } else if n == "name" {
                    " lang=\"en\""
                } else {
                    ""
                };
                b.push_str(&format!("<td{lang}>{}</td>", esc(&v)));
            }
            b.push_str("</tr>\n");
        }
        b.push_str("</tbody>\n</table></div>\n");
    }
    page(m, &crate::html::path("catalogues", &ty.name), &title, &b)
}
