//! A page per decision: the question, its inputs and outcome, each rule in words with its
//! citation and period, the table as of a chosen date, the tests as worked examples, and
//! (served) a form that asks the decision API.

use edict_runtime::artifact::DecisionTable;
use edict_runtime::value::format_date;
use edict_runtime::TypeDesc;
use serde_json::{json, Map, Value as Json};

use super::{citation_html, json_words, type_html};
use crate::html::{esc, page, scroll_box};
use crate::model::Model;

pub fn decision(m: &Model, id: u32, d: &DecisionTable) -> String {
    let a = &m.artifact;
    let mut b = format!("<h1>Decision <code>{}</code></h1>\n", esc(&d.name));
    b.push_str(&crate::html::doc(m.doc("decision", &d.name)));
    // The question: inputs and outcome.
    b.push_str("<h2>The question</h2>\n<dl class=\"facts\">\n");
    for (name, ty) in &d.params {
        b.push_str(&format!(
            "<dt>Input <code>{}</code></dt><dd>{}</dd>\n",
            esc(name),
            type_html(m, ty, 1)
        ));
    }
    let output = a.records.get(d.output as usize);
    b.push_str(&format!(
        "<dt>Outcome</dt><dd><code>{}</code></dd>\n<dt>Decided as of</dt><dd>the day of <code>{}</code>: the rules and sets in force that day apply</dd>\n<dt>When several rules apply</dt><dd>{}</dd>\n</dl>\n",
        esc(output.map_or("?", |r| r.name.as_str())),
        esc(&d.as_of.text),
        match d.hit {
            edict_runtime::artifact::Hit::Unique => "at most one may (<code>hit unique</code>): two at once is a conflict",
            edict_runtime::artifact::Hit::First => "the first written decides (<code>hit first</code>)",
            edict_runtime::artifact::Hit::Priority => "the one of highest priority decides (<code>hit priority</code>)",
            edict_runtime::artifact::Hit::Collect => "all of them are reported (<code>hit collect</code>)",
        }
    ));
    for (name, ty) in &d.params {
        if let TypeDesc::Record(r) = ty {
            if let Some(rec) = a.records.get(*r as usize) {
                let mut t = String::new();
                t.push_str(&format!("<table class=\"fields\">\n<caption><code>{}</code>: <code>{}</code></caption>\n<thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th></tr></thead>\n<tbody>\n", esc(name), esc(&rec.name)));
                for (f, fty) in &rec.fields {
                    t.push_str(&format!(
                        "<tr><td><code>{}.{}</code></td><td>{}</td></tr>\n",
                        esc(name),
                        esc(f),
                        type_html(m, fty, 1)
                    ));
                }
                t.push_str("</tbody>\n</table>\n");
                b.push_str(&scroll_box(&format!("The fields of {name}"), &t));
            }
        }
    }
    // The rules, in words; versions of a rule (one per period of the values it reads) together.
    b.push_str("<h2>The rules</h2>\n");
    let mut names: Vec<&str> = Vec::new();
    for r in &d.rules {
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    for name in names {
        let versions: Vec<(u32, &edict_runtime::artifact::RuleInfo)> = d
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.name == name)
            .map(|(i, r)| (i as u32, r))
            .collect();
        let (first_i, first) = versions[0];
        b.push_str(&format!(
            "<section class=\"rule\" id=\"rule-{0}\">\n<h3>Rule <code>{1}</code></h3>\n",
            crate::html::slug(name),
            esc(name)
        ));
        b.push_str(&crate::html::doc(m.doc("rule", name)));
        let conditions: Vec<String> = first
            .conditions
            .iter()
            .filter(|c| c.selects.is_none())
            .map(|c| format!("<li><code>{}</code></li>", esc(&c.text)))
            .collect();
        if conditions.is_empty() {
            b.push_str("<p>It applies to every request.</p>\n");
        } else {
            b.push_str(&format!(
                "<p>It applies when all of these hold:</p>\n<ul class=\"conditions\">{}</ul>\n",
                conditions.join("")
            ));
        }
        let mut seen = Vec::new();
        for (i, r) in &versions {
            let outcome = json_words(&m.engine.outcome_json(d, Some(*i)));
            let reads: Vec<String> = r
                .bindings
                .iter()
                .map(|bd| {
                    let mut read = format!("<code>{} = {}</code>", esc(&bd.read), esc(&bd.value));
                    if let Some(c) = &bd.citation {
                        read.push_str(&format!(" ({})", citation_html(c, 1)));
                    }
                    // Where another source says otherwise, the reader sees both.
                    for x in &bd.differs {
                        let kind = x
                            .kind
                            .map_or(String::new(), |k| format!(", {}", esc(k.describe())));
                        read.push_str(&format!(
                            " but {}{kind} says <code>{}</code>",
                            citation_html(&x.citation, 1),
                            esc(&x.says)
                        ));
                    }
                    read
                })
                .collect();
            let ended = match &r.ended_by {
                Some(c) if r.until.is_some() && r.until == r.written.1 => {
                    format!(" (ended by {})", citation_html(c, 1))
                }
                _ => String::new(),
            };
            let line = format!(
                "<li>then <strong>{}</strong>; in force {}{ended}{}{}</li>",
                esc(&outcome),
                esc(&super::period(r.from, r.until)),
                if reads.is_empty() {
                    String::new()
                } else {
                    format!("; reads {}", reads.join(", "))
                },
                r.citation.as_ref().map_or(String::new(), |c| format!(
                    "; cites {}",
                    citation_html(c, 1)
                ))
            );
            if !seen.contains(&line) {
                seen.push(line);
            }
        }
        b.push_str(&format!(
            "<ul class=\"versions\">{}</ul>\n",
            seen.join("\n")
        ));
        b.push_str(&format!(
            "<p class=\"meta\">Written at <code>{}:{}</code>.</p>\n</section>\n",
            esc(&first.location.file),
            first.location.line
        ));
        let _ = first_i;
    }
    if d.otherwise.is_some() {
        b.push_str(&format!(
            "<p>When no rule applies: <strong>{}</strong>.</p>\n",
            esc(&json_words(&m.engine.outcome_json(d, None)))
        ));
    } else {
        b.push_str("<p>When no rule applies, the decision says so: it has no <code>otherwise</code>.</p>\n");
    }
    b.push_str(&super::table::table_section(m, id, d));
    b.push_str(&tests_section(m, d));
    b.push_str(&ask_section(m, d));
    page(&format!("Decision {}", d.name), 1, &b)
}

fn tests_section(m: &Model, d: &DecisionTable) -> String {
    let tests: Vec<_> = m.tests.iter().filter(|t| t.decision == d.name).collect();
    let mut s = String::from("<h2 id=\"examples\">Worked examples</h2>\n");
    if tests.is_empty() {
        s.push_str("<p>No test asks this decision yet.</p>\n");
        return s;
    }
    s.push_str("<p>The policy's tests of this decision, as written; each is run when the site is made.</p>\n");
    for t in tests {
        s.push_str(&format!(
            "<section class=\"example\" id=\"test-{}\">\n<h3><code>{}</code> <span class=\"{}\">{}</span></h3>\n",
            crate::html::slug(&t.name),
            esc(&t.name),
            if t.passed { "pass" } else { "fail" },
            if t.passed { "passes" } else { "fails" }
        ));
        s.push_str(&crate::html::doc(t.doc.as_deref()));
        s.push_str(&scroll_box(
            &format!("The test {} as written", t.name),
            &format!("<pre><code>{}</code></pre>\n", esc(&t.text)),
        ));
        s.push_str(&format!(
            "<p class=\"meta\"><code>{}:{}</code>{}</p>\n</section>\n",
            esc(&t.file),
            t.line,
            if t.cases > 0 {
                format!(", {} cases", t.cases)
            } else {
                String::new()
            }
        ));
    }
    s
}

/// A sample request from the input types: the first entry of each catalogue, the day the
/// table last changed.
fn sample(m: &Model, d: &DecisionTable, ty: &TypeDesc) -> Json {
    let a = &m.artifact;
    let day = d.boundaries.last().copied().unwrap_or(20_397);
    match ty {
        TypeDesc::Bool => json!(false),
        TypeDesc::Int => json!(0),
        TypeDesc::Text => json!(""),
        TypeDesc::Date => json!(format_date(day)),
        TypeDesc::DateTime => json!(format!("{}T10:00", format_date(day))),
        TypeDesc::Duration => json!("24h"),
        TypeDesc::Period => json!("1y"),
        TypeDesc::Range(t) => {
            let one = sample(m, d, t);
            json!(format!(
                "{}..{}",
                one.as_str().unwrap_or(""),
                one.as_str().unwrap_or("")
            ))
        }
        TypeDesc::Optional(_) => Json::Null,
        TypeDesc::Entity(t) => json!(a
            .catalogue
            .entity_types
            .get(*t as usize)
            .and_then(|t| t.entities.first())
            .map_or("", |e| e.name.as_str())),
        TypeDesc::Enum(e) => json!(a
            .catalogue
            .enums
            .get(*e as usize)
            .and_then(|e| e.variants.first())
            .cloned()
            .unwrap_or_default()),
        TypeDesc::Record(r) => {
            let mut o = Map::new();
            if let Some(rec) = a.records.get(*r as usize) {
                for (f, fty) in &rec.fields {
                    o.insert(f.clone(), sample(m, d, fty));
                }
            }
            Json::Object(o)
        }
    }
}

fn ask_section(m: &Model, d: &DecisionTable) -> String {
    let mut req = Map::new();
    for (name, ty) in &d.params {
        req.insert(name.clone(), sample(m, d, ty));
    }
    let text = serde_json::to_string_pretty(&Json::Object(req)).unwrap_or_default();
    // The words of each item the decision's rules cite, for the answer to quote: keyed by
    // `SOURCE ITEM`; `</` written `<\/` so that a text cannot end the script.
    let mut words = Map::new();
    for c in d.rules.iter().filter_map(|r| r.citation.as_ref()) {
        let (Some(i), Some(src)) = (
            c.item,
            m.artifact.sources.iter().find(|s| s.name == c.source),
        ) else {
            continue;
        };
        let at = |texts: &[String]| texts.get((i as usize).checked_sub(1)?).cloned();
        if let Some(en) = at(&src.item_texts) {
            words.insert(
                format!("{} {i}", c.source),
                json!({ "en": en, "zh": at(&src.item_texts_zh) }),
            );
        }
    }
    let words = Json::Object(words).to_string().replace("</", "<\\/");
    format!(
        "<h2 id=\"ask\">Ask</h2>\n<form id=\"ask-form\" data-decision=\"{name}\">\n<p class=\"note\" id=\"ask-note\">Served by <code>edict serve --docs</code>, this form asks the decision service and shows its answer and explanation. Opened from disk, it cannot ask: run <code>edict eval --decision {name}</code> with the same request instead.</p>\n<label for=\"ask-request\">Request (JSON)</label>\n<textarea id=\"ask-request\" rows=\"{rows}\" spellcheck=\"false\">{text}</textarea>\n<label for=\"ask-token\">Bearer token, only if the service asks for one</label>\n<input type=\"password\" id=\"ask-token\" autocomplete=\"off\" spellcheck=\"false\">\n<p><button type=\"submit\" id=\"ask-button\">Ask <code>{name}</code></button></p>\n<div id=\"ask-answer\" aria-live=\"polite\"></div>\n</form>\n<script type=\"application/json\" id=\"ask-words\">{words}</script>\n",
        name = esc(&d.name),
        rows = text.lines().count() + 1,
        text = esc(&text)
    )
}
