//! "Check your trip": a decision's question as a form a traveller can fill in, in the page's
//! language: one labelled control per input (a searchable list of the catalogue's entries for a
//! port or a country, a date or date-time picker, yes/no, a choice of values), nothing filled
//! in beforehand, the answer in words with its citation and the item's text. Served, it asks
//! the decision service; from disk, it shows the request and the command that answers it.

use std::collections::BTreeSet;

use edict_runtime::artifact::DecisionTable;
use edict_runtime::TypeDesc;
use serde_json::{json, Map, Value as Json};

use crate::html::esc;
use crate::lang::{capitalize, Lang};
use crate::model::Model;

/// The form of a decision whose inputs are records of plain fields; `None` for one whose
/// inputs the form cannot ask (a nested record), which keeps the JSON form only.
pub fn trip_section(m: &Model, d: &DecisionTable) -> Option<String> {
    let l = m.lang;
    let a = &m.artifact;
    let mut fields = String::new();
    // The entity types the form offers, each once as a list of names.
    let mut lists: BTreeSet<u32> = BTreeSet::new();
    for (param, ty) in &d.params {
        let TypeDesc::Record(r) = ty else {
            return None;
        };
        let rec = a.records.get(*r as usize)?;
        for (f, fty) in &rec.fields {
            let (inner, optional) = match fty {
                TypeDesc::Optional(t) => (t.as_ref(), true),
                t => (t, false),
            };
            let path = format!("{param}.{f}");
            let id = format!("trip-{}", crate::html::slug(&path.replace('.', "-")));
            let label = capitalize(
                m.label(&format!("{}.{f}", rec.name))
                    .unwrap_or(&f.replace('_', " ")),
            );
            let hint = if optional {
                format!(
                    " <span class=\"meta\">{}</span>",
                    l.tr("(leave empty if none)", "（没有可不填）")
                )
            } else {
                String::new()
            };
            let required = if optional { "" } else { " required" };
            let data = format!("data-path=\"{}\"", esc(&path));
            let control = match inner {
                TypeDesc::Entity(t) => {
                    lists.insert(*t);
                    let ty_name = a
                        .catalogue
                        .entity_types
                        .get(*t as usize)
                        .map_or("", |t| t.name.as_str());
                    format!(
                        "<label for=\"{id}\">{}{hint}</label>\n<input id=\"{id}\" {data} data-kind=\"entity\" data-type=\"{}\" list=\"trip-list-{t}\" autocomplete=\"off\"{required} placeholder=\"{}\">\n",
                        esc(&label),
                        esc(ty_name),
                        l.tr("type to search", "输入以搜索")
                    )
                }
                TypeDesc::Date => format!(
                    "<label for=\"{id}\">{}{hint}</label>\n<input id=\"{id}\" {data} data-kind=\"date\" type=\"date\"{required}>\n",
                    esc(&label)
                ),
                TypeDesc::DateTime => format!(
                    "<label for=\"{id}\">{}{hint}</label>\n<input id=\"{id}\" {data} data-kind=\"datetime\" type=\"datetime-local\"{required}>\n",
                    esc(&label)
                ),
                TypeDesc::Bool => format!(
                    "<fieldset id=\"{id}\" {data} data-kind=\"bool\"><legend>{}{hint}</legend>\n<label><input type=\"radio\" name=\"{id}\" value=\"true\"{required}> {}</label> <label><input type=\"radio\" name=\"{id}\" value=\"false\"> {}</label></fieldset>\n",
                    esc(&label),
                    l.tr("Yes", "是"),
                    l.tr("No", "否")
                ),
                TypeDesc::Enum(e) => {
                    let en = a.catalogue.enums.get(*e as usize)?;
                    let options: String = en
                        .variants
                        .iter()
                        .map(|v| {
                            let words = m
                                .label(&format!("{}.{v}", en.name))
                                .unwrap_or(v.as_str());
                            format!(
                                "<option value=\"{}\">{}</option>",
                                esc(v),
                                esc(&capitalize(words))
                            )
                        })
                        .collect();
                    format!(
                        "<label for=\"{id}\">{}{hint}</label>\n<select id=\"{id}\" {data} data-kind=\"enum\"{required}><option value=\"\">{}</option>{options}</select>\n",
                        esc(&label),
                        l.tr("Choose…", "请选择…")
                    )
                }
                TypeDesc::Duration | TypeDesc::Period | TypeDesc::Int | TypeDesc::Text => {
                    format!(
                        "<label for=\"{id}\">{}{hint}</label>\n<input id=\"{id}\" {data} data-kind=\"text\"{required}>\n",
                        esc(&label)
                    )
                }
                TypeDesc::Record(_) | TypeDesc::Range(_) | TypeDesc::Optional(_) => return None,
            };
            fields.push_str(&format!("<div class=\"field\">\n{control}<p class=\"error\" id=\"{id}-error\" hidden></p></div>\n"));
        }
    }
    // A list of names per entity type (the page's language first, then the other, then the
    // identifier and codes), and the map from each back to the entry.
    let mut datalists = String::new();
    let mut names = Map::new();
    for &t in &lists {
        let Some(ty) = a.catalogue.entity_types.get(t as usize) else {
            continue;
        };
        let mut options: Vec<String> = Vec::new();
        let mut map = Map::new();
        for (e, ent) in ty.entities.iter().enumerate() {
            let (id, en, zh) = m.entity_label(t, e as u32);
            let shown = m.entity_name(t, e as u32);
            let other = match l {
                Lang::En => zh,
                Lang::Zh => en.clone(),
            };
            let option = match &other {
                Some(o) if *o != shown => format!("{shown} ({o})"),
                _ => shown.clone(),
            };
            options.push(format!("<option value=\"{}\"></option>", esc(&option)));
            for key in [Some(option), Some(shown), other, en, Some(id.clone())]
                .into_iter()
                .flatten()
            {
                map.insert(key.to_lowercase(), json!(id));
            }
            // Codes (`USA`, `US`) name it too.
            for v in &ent.attributes {
                if let edict_runtime::Value::Text(c) = v {
                    if c.len() <= 3 && c.chars().all(|c| c.is_ascii_alphanumeric()) {
                        map.entry(c.to_lowercase()).or_insert(json!(id));
                    }
                }
            }
        }
        options.sort();
        datalists.push_str(&format!(
            "<datalist id=\"trip-list-{t}\">{}</datalist>\n",
            options.join("")
        ));
        names.insert(ty.name.clone(), Json::Object(map));
    }
    let names = Json::Object(names).to_string().replace("</", "<\\/");
    Some(format!(
        "<h2 id=\"trip\">{title}</h2>\n<form id=\"trip-form\" data-decision=\"{decision}\" novalidate>\n<p>{intro}</p>\n{fields}<p><button type=\"submit\" id=\"trip-button\">{button}</button></p>\n<div id=\"trip-answer\" aria-live=\"polite\"></div>\n</form>\n{datalists}<script type=\"application/json\" id=\"trip-names\">{names}</script>\n",
        title = match l {
            Lang::En => format!("Check your trip: {}", m.title(&d.name)),
            Lang::Zh => format!("查询您的行程：{}", m.title(&d.name)),
        },
        decision = esc(&d.name),
        intro = l.tr(
            "Answer each question; the answer says what applies, on whose authority, with the words of the announcement.",
            "请逐项填写；答复将说明适用的结果、依据，并引用公告原文。"
        ),
        button = l.tr("Check", "查询"),
    ))
}
