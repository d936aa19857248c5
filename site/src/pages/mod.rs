//! One module per kind of page, and what they share: types and outcomes in words, citations
//! as links.

mod catalogue;
pub mod changes;
mod decision;
pub mod entry;
mod index;
mod source;
mod table;
mod timeline;
mod trip;

pub use catalogue::catalogue;
pub use decision::decision;
pub use entry::entry;
pub use index::{index, search_index};
pub use source::source;
pub use timeline::{set, value};

use edict_runtime::artifact::Citation;
use edict_runtime::TypeDesc;
use serde_json::Value as Json;

use crate::html::esc;
use crate::lang::Lang;
use crate::model::Model;

/// A type as the policy writes it: `Port`, `Date`, `Country?`, `Range<Date>`.
pub fn type_text(m: &Model, ty: &TypeDesc) -> String {
    let a = &m.artifact;
    match ty {
        TypeDesc::Bool => "Bool".into(),
        TypeDesc::Int => "Int".into(),
        TypeDesc::Text => "Text".into(),
        TypeDesc::Date => "Date".into(),
        TypeDesc::DateTime => "DateTime".into(),
        TypeDesc::Duration => "Duration".into(),
        TypeDesc::Period => "Period".into(),
        TypeDesc::Range(t) => format!("Range<{}>", type_text(m, t)),
        TypeDesc::Optional(t) => format!("{}?", type_text(m, t)),
        TypeDesc::Entity(t) => a
            .catalogue
            .entity_types
            .get(*t as usize)
            .map_or("?".into(), |t| t.name.clone()),
        TypeDesc::Enum(e) => a
            .catalogue
            .enums
            .get(*e as usize)
            .map_or("?".into(), |e| e.name.clone()),
        TypeDesc::Record(r) => a
            .records
            .get(*r as usize)
            .map_or("?".into(), |r| r.name.clone()),
    }
}

/// A type, linked to its catalogue page when it is a catalogue's.
pub fn type_html(m: &Model, ty: &TypeDesc, depth: usize) -> String {
    match ty {
        TypeDesc::Entity(t) => m
            .artifact
            .catalogue
            .entity_types
            .get(*t as usize)
            .map_or("?".into(), |t| {
                crate::html::link(depth, "catalogues", &t.name)
            }),
        TypeDesc::Optional(t) => format!("{}?", type_html(m, t, depth)),
        _ => format!("<code>{}</code>", esc(&type_text(m, ty))),
    }
}

/// An outcome's JSON in words: `status: visa_free_transit, max_stay: 144h`.
pub fn json_words(j: &Json) -> String {
    match j {
        Json::Object(o) => o
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", json_words(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Json::String(s) => s.clone(),
        Json::Null => "nothing".into(),
        other => other.to_string(),
    }
}

/// A citation as a link to its source's item.
pub fn citation_html(l: Lang, c: &Citation, depth: usize) -> String {
    let up = "../".repeat(depth);
    let item = c.item.map_or(String::new(), |i| match l {
        Lang::En => format!(" item {i}"),
        Lang::Zh => format!(" 第{i}项"),
    });
    let anchor = c.item.map_or(String::new(), |i| format!("#item-{i}"));
    format!(
        "<a href=\"{up}{}{anchor}\" title=\"{}\">{}{item}</a>",
        esc(&crate::html::path("sources", &c.source)),
        esc(&c.title),
        esc(&c.source)
    )
}

/// A period in words: "from 5 November 2025", "until 1 January 2026 (not on that day)",
/// "always"; "自2025年11月5日起".
pub fn period(l: Lang, from: Option<i64>, until: Option<i64>) -> String {
    match (l, from, until) {
        (Lang::En, None, None) => "always".into(),
        (Lang::En, Some(f), None) => format!("from {}", l.date(f)),
        (Lang::En, None, Some(u)) => format!("until {} (not on that day)", l.date(u)),
        (Lang::En, Some(f), Some(u)) => {
            format!("from {} until {} (not on that day)", l.date(f), l.date(u))
        }
        (Lang::Zh, None, None) => "一直有效".into(),
        (Lang::Zh, Some(f), None) => format!("自{}起", l.date(f)),
        (Lang::Zh, None, Some(u)) => format!("至{}前（不含当日）", l.date(u)),
        (Lang::Zh, Some(f), Some(u)) => {
            format!("自{}起至{}前（不含当日）", l.date(f), l.date(u))
        }
    }
}
