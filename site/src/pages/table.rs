//! The decision table on a decision's page: one table for every day, each row with the
//! stretch of days it is part of, and a date control that shows the rows of one day.
//!
//! The table changes on its boundaries, but most rows do not: a row is written once for each
//! stretch in which its text stays the same (a rule reading a set whose members change gets a
//! row per stretch), so the page grows with the rows, not with rows times boundaries.

use edict_runtime::artifact::{DecisionTable, RuleInfo};
use edict_runtime::value::format_date;

use crate::html::esc;
use crate::model::Model;
use crate::svg::{timeline, Bar, Lane};

/// One row of the page's table: its cells, and the stretches (by index) it covers.
struct Row {
    cells: Vec<String>,
    first: usize,
    last: usize,
    /// Where the rule stands among the decision's rules, then the row's place in its rule.
    rank: (usize, usize),
}

/// A stretch of days on which the table does not change: `[from, until)`, `None` unbounded.
type Stretch = (Option<i64>, Option<i64>);

/// The stretches between the days a decision's table changes, in order.
fn stretches(d: &DecisionTable) -> Vec<Stretch> {
    let mut starts: Vec<Option<i64>> = vec![None];
    starts.extend(d.boundaries.iter().map(|b| Some(*b)));
    (0..starts.len())
        .map(|i| (starts[i], starts.get(i + 1).copied().flatten()))
        .collect()
}

/// The day a stretch is read on: its first, or for the first stretch the day before it ends.
fn day_of((from, until): Stretch) -> i64 {
    from.or(until.map(|u| u - 1)).unwrap_or(0)
}

pub fn table_section(m: &Model, id: u32, d: &DecisionTable) -> String {
    let stretches = stretches(d);
    let rules = rules_by_name(d);
    let l = m.lang;
    let mut s = format!(
        "<h2 id=\"table\">{}</h2>\n",
        l.tr("For officials: the decision table", "供官员参考：决策表")
    );
    let mut headers: Vec<String> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    // The row written last for each label, to extend while its text stays the same.
    let mut open: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let rule_rank: std::collections::HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, i))
        .collect();
    for (i, stretch) in stretches.iter().enumerate() {
        let day = day_of(*stretch);
        let Ok(g) = edict_runtime::table::grid(&m.engine, id, Some(&format_date(day))) else {
            continue;
        };
        if headers.is_empty() {
            headers = g.headers;
        }
        for (k, cells) in g.rows.into_iter().enumerate() {
            let label = cells.first().cloned().unwrap_or_default();
            if let Some(&r) = open.get(&label) {
                if rows[r].last + 1 == i && rows[r].cells == cells {
                    rows[r].last = i;
                    continue;
                }
            }
            // `name` or `name (2/3)`; the otherwise row comes last.
            let name = label.split(" (").next().unwrap_or(&label);
            let rank = (rule_rank.get(name).copied().unwrap_or(usize::MAX), k);
            open.insert(label, rows.len());
            rows.push(Row {
                cells,
                first: i,
                last: i,
                rank,
            });
        }
    }
    rows.sort_by_key(|r| (r.rank.0, r.first, r.rank.1));
    let dated = stretches.len() > 1;
    if dated {
        s.push_str(&rules_timeline(m, d, &rules, &stretches));
        s.push_str(&format!(
            "<p>{}</p>\n<ul class=\"changes\">\n",
            l.tr("The table changes on these days:", "决策表在以下日期变化：")
        ));
        for b in &d.boundaries {
            s.push_str(&format!(
                "<li><a href=\"#table\" data-asof=\"{0}\">{2}</a>: {1}</li>\n",
                format_date(*b),
                changes_on(m, d, &rules, *b).join("; "),
                l.date(*b)
            ));
        }
        s.push_str(&format!(
            "</ul>\n<p>{}</p>\n",
            l.tr(
                "Each row of the table says on which days it is part of it; a rule whose sets or values change has a row for each stretch.",
                "表中每一行注明其适用的日期；名单或数值发生变化的规则，每一时段各占一行。"
            )
        ));
        s.push_str(&format!(
            "<p class=\"control\"><label for=\"asof\">{}</label> <input type=\"date\" id=\"asof\" value=\"{}\"> <span id=\"asof-shown\" aria-live=\"polite\"></span></p>\n",
            l.tr("Show the table as of", "显示该日期的决策表"),
            d.boundaries.last().copied().map(format_date).unwrap_or_default()
        ));
    } else {
        s.push_str(&format!(
            "<p>{}</p>\n",
            l.tr("The table is the same on every day.", "决策表每天相同。")
        ));
    }
    if headers.is_empty() {
        return s;
    }
    let bounds = d
        .boundaries
        .iter()
        .map(|b| format_date(*b))
        .collect::<Vec<_>>()
        .join(" ");
    s.push_str(&format!(
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\"><table class=\"grid\" id=\"grid\" data-boundaries=\"{bounds}\">\n<thead><tr>",
        l.tr("The decision table", "决策表")
    ));
    for h in &headers {
        s.push_str(&format!("<th scope=\"col\">{}</th>", esc(h)));
    }
    if dated {
        s.push_str(&format!(
            "<th scope=\"col\">{}</th>",
            l.tr("days in the table", "适用日期")
        ));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in &rows {
        let (from, until) = (stretches[r.first].0, stretches[r.last].1);
        let date = |d: Option<i64>| d.map(format_date).unwrap_or_default();
        s.push_str(&format!(
            "<tr data-from=\"{}\" data-until=\"{}\">",
            date(from),
            date(until)
        ));
        for (ci, c) in r.cells.iter().enumerate() {
            if ci == 0 {
                s.push_str(&format!("<th scope=\"row\">{}</th>", esc(c)));
            } else {
                s.push_str(&format!("<td>{}</td>", esc(c)));
            }
        }
        if dated {
            s.push_str(&format!("<td>{}</td>", esc(&super::period(l, from, until))));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table></div>\n");
    s
}

/// The most rules drawn one lane each on a decision's timeline.
const LANES: usize = 40;

/// When each rule is in force, one lane per rule (each version a bar, with the values it reads),
/// and a dashed line on each day the table changes; nothing for decisions of many rules.
fn rules_timeline(
    m: &Model,
    d: &DecisionTable,
    rules: &[(&str, Vec<&RuleInfo>)],
    stretches: &[Stretch],
) -> String {
    if rules.is_empty() || rules.len() > LANES {
        return String::new();
    }
    let lanes: Vec<Lane> = rules
        .iter()
        .map(|(name, versions)| {
            let mut bars: Vec<Bar> = Vec::new();
            for &(from, until) in stretches {
                let day = day_of((from, until));
                let active: Vec<_> = versions
                    .iter()
                    .filter(|r| r.from.is_none_or(|f| f <= day) && r.until.is_none_or(|u| day < u))
                    .collect();
                if active.is_empty() {
                    continue;
                }
                // The values read in the stretch, each once (one per key group of a relation).
                let mut values: Vec<&str> = Vec::new();
                for b in active.iter().flat_map(|r| &r.bindings) {
                    if !values.contains(&b.value.as_str()) {
                        values.push(&b.value);
                    }
                }
                let text = (!values.is_empty()).then(|| values.join(" / "));
                match bars.last_mut() {
                    Some(last) if last.until == from && last.text == text => last.until = until,
                    _ => bars.push(Bar { from, until, text }),
                }
            }
            Lane {
                label: m.title(name).to_string(),
                bars,
            }
        })
        .collect();
    let marks: Vec<(i64, String)> = d
        .boundaries
        .iter()
        .map(|b| (*b, m.lang.tr("the table changes", "决策表变化").to_string()))
        .collect();
    format!(
        "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n",
        timeline(
            &match m.lang {
                crate::lang::Lang::En => format!("When the rules of {} are in force", m.title(&d.name)),
                crate::lang::Lang::Zh => format!("{}各规则的有效期", m.title(&d.name)),
            },
            &lanes,
            &marks
        ),
        m.lang.tr(
            "One row per rule, a bar while it is in force (with the values it reads); dashed lines are the days the table changes, listed below.",
            "每条规则一行，横条表示其有效期（及所读取的数值）；虚线为决策表变化的日期，列于下方。"
        )
    )
}

/// A decision's rules by name, in order, each with its versions.
fn rules_by_name(d: &DecisionTable) -> Vec<(&str, Vec<&RuleInfo>)> {
    let mut out: Vec<(&str, Vec<&RuleInfo>)> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in d.rules.iter() {
        match at.get(r.name.as_str()) {
            Some(&i) => out[i].1.push(r),
            None => {
                at.insert(&r.name, out.len());
                out.push((&r.name, vec![r]));
            }
        }
    }
    out
}

/// `rule <code>a</code>` or `rules <code>a</code>, <code>b</code>`, then the verb in the
/// singular or plural.
fn rules_that(m: &Model, names: &[&str], one: &str, many: &str, zh: &str) -> Option<String> {
    let listed: Vec<String> = names.iter().map(|n| esc(m.title(n))).collect();
    match (m.lang, listed.len()) {
        (_, 0) => None,
        (crate::lang::Lang::Zh, _) => Some(format!("规则{}{zh}", listed.join("、"))),
        (_, 1) => Some(format!("rule {} {one}", listed[0])),
        _ => Some(format!("rules {} {many}", listed.join(", "))),
    }
}

/// Why the table changes on `day`: rules that begin or end, rules that read new values, sets
/// the decision tests that are amended, begin or end.
fn changes_on(
    m: &Model,
    d: &DecisionTable,
    rules: &[(&str, Vec<&RuleInfo>)],
    day: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    let (mut begin, mut end, mut change): (Vec<&str>, Vec<&str>, Vec<&str>) = Default::default();
    for (name, versions) in rules {
        let on = |day: i64| {
            versions
                .iter()
                .any(|v| v.from.is_none_or(|f| f <= day) && v.until.is_none_or(|u| day < u))
        };
        let starting: Vec<_> = versions.iter().filter(|v| v.from == Some(day)).collect();
        let ending = versions.iter().any(|v| v.until == Some(day));
        // The values the versions starting that day read, each once.
        let mut reads: Vec<String> = Vec::new();
        for b in starting.iter().flat_map(|v| &v.bindings) {
            let keys = match (&b.keys, m.lang) {
                (Some(k), l) if k.len() <= 3 => {
                    let names: Vec<String> =
                        k.iter().map(|k| super::timeline::key_name(m, k)).collect();
                    match l {
                        crate::lang::Lang::En => format!(" for {}", names.join(", ")),
                        crate::lang::Lang::Zh => format!("（适用于{}）", names.join("、")),
                    }
                }
                (Some(k), crate::lang::Lang::En) => format!(" for {} keys", k.len()),
                (Some(k), crate::lang::Lang::Zh) => format!("（适用于{}个键）", k.len()),
                (None, _) => String::new(),
            };
            let text = format!(
                "<code>{} = {}</code>{}",
                esc(&b.read),
                esc(&b.value),
                esc(&keys)
            );
            if !reads.contains(&text) {
                reads.push(text);
            }
        }
        match (on(day - 1), on(day)) {
            (false, true) if !reads.is_empty() => out.push(match m.lang {
                crate::lang::Lang::En => format!(
                    "rule {} begins, reading {}",
                    esc(m.title(name)),
                    reads.join(", ")
                ),
                crate::lang::Lang::Zh => {
                    format!(
                        "规则{}开始适用，读取{}",
                        esc(m.title(name)),
                        reads.join("、")
                    )
                }
            }),
            (false, true) => begin.push(name),
            (true, false) => end.push(name),
            (true, true) if !reads.is_empty() => out.push(match m.lang {
                crate::lang::Lang::En => {
                    format!("rule {} reads {}", esc(m.title(name)), reads.join(", "))
                }
                crate::lang::Lang::Zh => {
                    format!("规则{}读取{}", esc(m.title(name)), reads.join("、"))
                }
            }),
            (true, true) if !starting.is_empty() || ending => change.push(name),
            _ => {}
        }
    }
    out.extend(rules_that(m, &begin, "begins", "begin", "开始适用"));
    out.extend(rules_that(m, &end, "ends", "end", "停止适用"));
    out.extend(rules_that(m, &change, "changes", "change", "变化"));
    // The sets the decision's rows test.
    let mut tested: Vec<u32> = d
        .rows
        .iter()
        .flat_map(|row| &row.atoms)
        .filter_map(|a| match &a.test {
            edict_runtime::artifact::Test::Member { set, .. } => Some(*set),
            _ => None,
        })
        .collect();
    tested.sort_unstable();
    tested.dedup();
    for id in tested {
        let Some(set) = m.artifact.sets.get(id as usize) else {
            continue;
        };
        let Some(slice) = set.slices.iter().find(|x| x.from == Some(day)) else {
            continue;
        };
        let cite = slice.citation.as_ref().map_or(String::new(), |c| {
            format!(" ({})", super::citation_html(m.lang, c, 1))
        });
        let link = crate::html::titled_link(1, "sets", &set.name, m.title(&set.name));
        out.push(match m.lang {
            crate::lang::Lang::En => format!("{link} has {} members{cite}", slice.members.len()),
            crate::lang::Lang::Zh => format!("{link}列有{}个{cite}", slice.members.len()),
        });
    }
    if out.is_empty() {
        out.push(
            m.lang
                .tr(
                    "a dated value or set the rules read changes",
                    "规则读取的数值或名单发生变化",
                )
                .into(),
        );
    }
    out
}
