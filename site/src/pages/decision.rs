//! A page per decision: the question, its inputs and outcome, each rule in words with its
//! citation and period, the table as of a chosen date, the tests as worked examples, and
//! (served) a form that asks the decision API.

use edict_runtime::artifact::DecisionTable;
use edict_runtime::TypeDesc;
use serde_json::{json, Map, Value as Json};

use edict_runtime::artifact::Hit;

use super::{citation_html, json_words, type_html};
use crate::html::{esc, page, scroll_box};
use crate::lang::{capitalize, Lang};
use crate::model::Model;
use crate::words::Words;

pub fn decision(m: &Model, id: u32, d: &DecisionTable) -> String {
    let a = &m.artifact;
    let l = m.lang;
    let words = Words::new(m, d, 1);
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"meta\">{} <code>{}</code></p>\n",
        esc(m.title(&d.name)),
        l.tr("Decision", "决定"),
        esc(&d.name)
    );
    b.push_str(&notes(m, m.doc("decision", &d.name)));
    // The question in words: what it asks about, what it answers.
    b.push_str(&format!(
        "<h2>{}</h2>\n",
        l.tr("What it asks", "需要回答的问题")
    ));
    let mut asked = Vec::new();
    for (_, ty) in &d.params {
        if let TypeDesc::Record(r) = ty {
            if let Some(rec) = a.records.get(*r as usize) {
                for (f, _) in &rec.fields {
                    let label = m
                        .label(&format!("{}.{f}", rec.name))
                        .map_or_else(|| f.replace('_', " "), str::to_string);
                    asked.push(format!("<li>{}</li>", esc(&capitalize(&label))));
                }
            }
        }
    }
    b.push_str(&format!(
        "<p>{}</p>\n<ul class=\"asked\">{}</ul>\n",
        l.tr(
            "It is answered from what the traveller or applicant states:",
            "根据旅客或申请人提供的以下信息作答："
        ),
        asked.join("")
    ));
    b.push_str(&format!(
        "<p>{}</p>\n",
        l.tr(
            "The rules in force on that day apply, with the sets and values of that day.",
            "适用当日有效的规则，以及当日的名单与数值。"
        )
    ));
    if let Some(form) = super::trip::trip_section(m, d) {
        b.push_str(&form);
    }
    // The rules, in words; versions of a rule (one per period of the values it reads) together.
    b.push_str(&format!("<h2>{}</h2>\n", l.tr("The rules", "规则")));
    let mut names: Vec<&str> = Vec::new();
    for r in d.rules.iter() {
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
        let first = versions[0].1;
        b.push_str(&format!(
            "<section class=\"rule\" id=\"rule-{}\">\n<h3>{}</h3>\n",
            crate::html::slug(name),
            esc(m.title(name))
        ));
        // When it applies, in sentences.
        match m.whens.get(name) {
            Some(when) => b.push_str(&format!(
                "<p>{}</p>\n<ul class=\"conditions\">{}</ul>\n",
                l.tr(
                    "It applies when all of these hold:",
                    "同时满足以下各项时适用："
                ),
                words
                    .conditions(when)
                    .iter()
                    .map(|c| format!("<li>{c}</li>"))
                    .collect::<String>()
            )),
            None => b.push_str(&format!(
                "<p>{}</p>\n",
                l.tr("It applies to every request.", "适用于所有请求。")
            )),
        }
        // What it answers, and when, on whose authority: one line per distinct version.
        let mut seen = Vec::new();
        for (i, r) in &versions {
            let outcome = outcome_html(l, &words.outcome(&m.engine.outcome_json(d, Some(*i))));
            let cites = r.citation.as_ref().map_or(String::new(), |c| {
                format!(
                    "; {} {}",
                    l.tr("on the authority of", "依据"),
                    citation_html(l, c, 1)
                )
            });
            let ended = match &r.ended_by {
                Some(c) if r.until.is_some() && r.until == r.written.1 => format!(
                    " ({} {})",
                    l.tr("ended by", "终止依据"),
                    citation_html(l, c, 1)
                ),
                _ => String::new(),
            };
            let line = format!(
                "<li>{} <strong>{outcome}</strong>; {}{ended}{cites}</li>",
                l.tr("Then:", "结果："),
                esc(&super::period(l, r.from, r.until)),
            );
            if !seen.contains(&line) {
                seen.push(line);
            }
        }
        b.push_str(&format!(
            "<ul class=\"versions\">{}</ul>\n",
            seen.join("\n")
        ));
        b.push_str(&notes(m, m.doc("rule", name)));
        b.push_str(&code_view(m, d, name, &versions));
        b.push_str("</section>\n");
        let _ = first;
    }
    if d.otherwise.is_some() {
        b.push_str(&format!(
            "<p>{} <strong>{}</strong>.</p>\n",
            l.tr("When no rule applies:", "不适用任何规则时："),
            outcome_html(l, &words.outcome(&m.engine.outcome_json(d, None)))
        ));
    } else {
        b.push_str(&format!(
            "<p>{}</p>\n",
            l.tr(
                "When no rule applies, the decision says so: it has no <code>otherwise</code>.",
                "不适用任何规则时，决定即如此说明（未写 <code>otherwise</code>）。"
            )
        ));
    }
    b.push_str(&officials(m, d));
    b.push_str(&super::table::table_section(m, id, d));
    b.push_str(&tests_section(m, d));
    b.push_str(&ask_section(m, d));
    page(
        m,
        &crate::html::path("decisions", &d.name),
        m.title(&d.name),
        &b,
    )
}

/// An outcome's parts as "Heading: value; Heading: value" ("标题：值；标题：值").
pub fn outcome_html(l: Lang, parts: &[(String, String)]) -> String {
    parts
        .iter()
        .map(|(h, v)| format!("{}{}{}", esc(h), l.tr(": ", "："), esc(v)))
        .collect::<Vec<_>>()
        .join(l.tr("; ", "；"))
}

/// A doc comment: officials' notes, in English; on a Chinese page marked as English.
pub fn notes(m: &Model, doc: Option<&str>) -> String {
    let html = crate::html::doc(doc);
    if html.is_empty() || m.lang == Lang::En {
        return html;
    }
    format!(
        "<div class=\"notes\" lang=\"en\"><p class=\"meta\" lang=\"zh-Hans\">政策编写说明（英文）：</p>\n{html}</div>\n"
    )
}

/// A rule as written, one click away: its conditions as code, the values each version reads
/// with their citations, where it is written.
fn code_view(
    m: &Model,
    d: &DecisionTable,
    name: &str,
    versions: &[(u32, &edict_runtime::artifact::RuleInfo)],
) -> String {
    let l = m.lang;
    let first = versions[0].1;
    let mut s = format!(
        "<details class=\"code\"><summary>{} <code>{}</code></summary>\n",
        l.tr("The rule as written:", "规则原文："),
        esc(name)
    );
    let conditions: Vec<String> = first
        .conditions
        .iter()
        .filter(|c| c.selects.is_none())
        .map(|c| format!("<li><code>{}</code></li>", esc(&c.text)))
        .collect();
    if !conditions.is_empty() {
        s.push_str(&format!(
            "<ul class=\"conditions\">{}</ul>\n",
            conditions.join("")
        ));
    }
    let mut seen = Vec::new();
    for (i, r) in versions {
        let outcome = json_words(&m.engine.outcome_json(d, Some(*i)));
        let reads: Vec<String> = r
            .bindings
            .iter()
            .map(|bd| {
                let mut read = format!("<code>{} = {}</code>", esc(&bd.read), esc(&bd.value));
                if let Some(c) = &bd.citation {
                    read.push_str(&format!(" ({})", citation_html(l, c, 1)));
                }
                // Where another source says otherwise, the reader sees both.
                for x in &bd.differs {
                    let kind = x.kind.map_or(String::new(), |k| {
                        format!("{}{}", l.tr(", ", "，"), esc(l.source_kind(k)))
                    });
                    read.push_str(&format!(
                        " {} {}{kind} {} <code>{}</code>",
                        l.tr("but", "但"),
                        citation_html(l, &x.citation, 1),
                        l.tr("says", "称"),
                        esc(&x.says)
                    ));
                }
                read
            })
            .collect();
        let line = format!(
            "<li><code>then {}</code>; {}{}{}</li>",
            esc(&outcome),
            esc(&super::period(l, r.from, r.until)),
            if reads.is_empty() {
                String::new()
            } else {
                format!("; {} {}", l.tr("reads", "读取"), reads.join(", "))
            },
            r.citation.as_ref().map_or(String::new(), |c| format!(
                "; cite {}",
                citation_html(l, c, 1)
            ))
        );
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    s.push_str(&format!(
        "<ul class=\"versions\">{}</ul>\n",
        seen.join("\n")
    ));
    s.push_str(&format!(
        "<p class=\"meta\">{} <code>{}:{}</code>.</p>\n</details>\n",
        l.tr("Written at", "位于"),
        esc(&first.location.file),
        first.location.line
    ));
    s
}

/// The question as the service reads it: inputs and outcome by type, the as-of input, the hit
/// policy; the fields of each input.
fn officials(m: &Model, d: &DecisionTable) -> String {
    let a = &m.artifact;
    let l = m.lang;
    let mut b = format!(
        "<h2>{}</h2>\n<dl class=\"facts\">\n",
        l.tr(
            "For officials: the question as the service reads it",
            "供官员参考：服务读取的问题"
        )
    );
    for (name, ty) in &d.params {
        b.push_str(&format!(
            "<dt>{} <code>{}</code></dt><dd>{}</dd>\n",
            l.tr("Input", "输入"),
            esc(name),
            type_html(m, ty, 1)
        ));
    }
    let output = a.records.get(d.output as usize);
    b.push_str(&format!(
        "<dt>{}</dt><dd><code>{}</code></dd>\n<dt>{}</dt><dd>{} <code>{}</code></dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n",
        l.tr("Outcome", "结果"),
        esc(output.map_or("?", |r| r.name.as_str())),
        l.tr("Decided as of", "判定日期"),
        l.tr("the day of", "取自"),
        esc(&d.as_of.text),
        l.tr("When several rules apply", "多条规则同时适用时"),
        match (l, d.hit) {
            (Lang::En, Hit::Unique) => "at most one may (<code>hit unique</code>): two at once is a conflict",
            (Lang::En, Hit::First) => "the first written decides (<code>hit first</code>)",
            (Lang::En, Hit::Priority) => "the one of highest priority decides (<code>hit priority</code>)",
            (Lang::En, Hit::Collect) => "all of them are reported (<code>hit collect</code>)",
            (Lang::Zh, Hit::Unique) => "至多一条适用（<code>hit unique</code>）：两条同时适用即为冲突",
            (Lang::Zh, Hit::First) => "以先写的一条为准（<code>hit first</code>）",
            (Lang::Zh, Hit::Priority) => "以优先级最高的一条为准（<code>hit priority</code>）",
            (Lang::Zh, Hit::Collect) => "全部列出（<code>hit collect</code>）",
        }
    ));
    for (name, ty) in &d.params {
        if let TypeDesc::Record(r) = ty {
            if let Some(rec) = a.records.get(*r as usize) {
                let mut t = String::new();
                t.push_str(&format!(
                    "<table class=\"fields\">\n<caption><code>{}</code>: <code>{}</code></caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                    esc(name),
                    esc(&rec.name),
                    l.tr("Field", "字段"),
                    l.tr("Type", "类型"),
                    l.tr("Shown as", "显示为"),
                ));
                for (f, fty) in &rec.fields {
                    t.push_str(&format!(
                        "<tr><td><code>{}.{}</code></td><td>{}</td><td>{}</td></tr>\n",
                        esc(name),
                        esc(f),
                        type_html(m, fty, 1),
                        esc(m.label(&format!("{}.{f}", rec.name)).unwrap_or(""))
                    ));
                }
                t.push_str("</tbody>\n</table>\n");
                b.push_str(&scroll_box(
                    &format!("{} {name}", l.tr("The fields of", "字段：")),
                    &t,
                ));
            }
        }
    }
    b
}

fn tests_section(m: &Model, d: &DecisionTable) -> String {
    let l = m.lang;
    let tests: Vec<_> = m.tests.iter().filter(|t| t.decision == d.name).collect();
    let mut s = format!(
        "<h2 id=\"examples\">{}</h2>\n",
        l.tr("Worked examples", "示例")
    );
    if tests.is_empty() {
        s.push_str(&format!(
            "<p>{}</p>\n",
            l.tr("No test asks this decision yet.", "尚无测试用例。")
        ));
        return s;
    }
    s.push_str(&format!(
        "<p>{}</p>\n",
        l.tr(
            "The policy's tests of this decision, as written; each is run when the site is made.",
            "政策为此决定编写的测试（原文）；生成本站时逐一运行。"
        )
    ));
    for t in tests {
        s.push_str(&format!(
            "<section class=\"example\" id=\"test-{}\">\n<h3><code>{}</code> <span class=\"{}\">{}</span></h3>\n",
            crate::html::slug(&t.name),
            esc(&t.name),
            if t.passed { "pass" } else { "fail" },
            if t.passed {
                l.tr("passes", "通过")
            } else {
                l.tr("fails", "未通过")
            }
        ));
        s.push_str(&notes(m, t.doc.as_deref()));
        s.push_str(&scroll_box(
            &format!("{} {}", l.tr("The test as written:", "测试原文："), t.name),
            &format!("<pre><code>{}</code></pre>\n", esc(&t.text)),
        ));
        s.push_str(&format!(
            "<p class=\"meta\"><code>{}:{}</code>{}</p>\n</section>\n",
            esc(&t.file),
            t.line,
            if t.cases > 0 {
                match l {
                    Lang::En => format!(", {} cases", t.cases),
                    Lang::Zh => format!("，{} 个用例", t.cases),
                }
            } else {
                String::new()
            }
        ));
    }
    s
}

/// The shape of a request, every value left to fill in (an empty text; `null` where the
/// input may be absent): nothing that would answer on its own.
fn sample(m: &Model, ty: &TypeDesc) -> Json {
    match ty {
        TypeDesc::Optional(_) => Json::Null,
        TypeDesc::Record(r) => {
            let mut o = Map::new();
            if let Some(rec) = m.artifact.records.get(*r as usize) {
                for (f, fty) in &rec.fields {
                    o.insert(f.clone(), sample(m, fty));
                }
            }
            Json::Object(o)
        }
        _ => json!(""),
    }
}

fn ask_section(m: &Model, d: &DecisionTable) -> String {
    let mut req = Map::new();
    for (name, ty) in &d.params {
        req.insert(name.clone(), sample(m, ty));
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
    // The outcome's fields and enum values in the page's words, for the answer.
    let l = m.lang;
    let mut labels = Map::new();
    if let Some(rec) = m.artifact.records.get(d.output as usize) {
        for (f, ty) in &rec.fields {
            let heading = m
                .label(&format!("{}.{f}", rec.name))
                .map_or_else(|| f.clone(), capitalize);
            let mut values = Map::new();
            let ty = match ty {
                TypeDesc::Optional(t) => t.as_ref(),
                t => t,
            };
            if let TypeDesc::Enum(e) = ty {
                if let Some(en) = m.artifact.catalogue.enums.get(*e as usize) {
                    for v in &en.variants {
                        if let Some(w) = m.label(&format!("{}.{v}", en.name)) {
                            values.insert(v.clone(), json!(w));
                        }
                    }
                }
            }
            labels.insert(f.clone(), json!({ "heading": heading, "values": values }));
        }
    }
    // The rules by their titles and the sources by their titles, in the page's language.
    let rules: Map<String, Json> = d
        .rules
        .iter()
        .map(|r| (r.name.clone(), json!(m.title(&r.name))))
        .collect();
    let sources: Map<String, Json> = m
        .artifact
        .sources
        .iter()
        .map(|s| {
            let title = match (l, &s.title_zh) {
                (Lang::Zh, Some(z)) => z.clone(),
                _ => s.title.clone(),
            };
            (s.name.clone(), json!(title))
        })
        .collect();
    labels.insert("_rules".into(), Json::Object(rules));
    labels.insert("_sources".into(), Json::Object(sources));
    let labels = Json::Object(labels).to_string().replace("</", "<\\/");
    format!(
        "<h2 id=\"ask\">{ask}</h2>\n<form id=\"ask-form\" data-decision=\"{name}\">\n<p class=\"note\" id=\"ask-note\">{note}</p>\n<label for=\"ask-request\">{request}</label>\n<textarea id=\"ask-request\" rows=\"{rows}\" spellcheck=\"false\">{text}</textarea>\n<label for=\"ask-token\">{token}</label>\n<input type=\"password\" id=\"ask-token\" autocomplete=\"off\" spellcheck=\"false\">\n<p><button type=\"submit\" id=\"ask-button\">{button} <code>{name}</code></button></p>\n<div id=\"ask-answer\" aria-live=\"polite\"></div>\n</form>\n<script type=\"application/json\" id=\"ask-words\">{words}</script>\n<script type=\"application/json\" id=\"ask-labels\">{labels}</script>\n",
        ask = l.tr("For officials: ask with a request in JSON", "供官员参考：以 JSON 请求查询"),
        note = match l {
            Lang::En => format!("Served by <code>edict serve --docs</code>, this form asks the decision service and shows its answer and explanation. Opened from disk, it cannot ask: run <code>edict eval --decision {}</code> with the same request instead.", esc(&d.name)),
            Lang::Zh => format!("由 <code>edict serve --docs</code> 提供时，此表单会向决定服务查询并显示答复与解释。从本地文件打开时无法查询：请改用 <code>edict eval --decision {}</code> 提交同一请求。", esc(&d.name)),
        },
        request = l.tr("Request (JSON)", "请求（JSON）"),
        token = l.tr("Bearer token, only if the service asks for one", "Bearer 令牌（仅当服务要求时）"),
        button = l.tr("Ask", "查询"),
        name = esc(&d.name),
        rows = text.lines().count() + 1,
        text = esc(&text)
    )
}
