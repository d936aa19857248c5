//! The decision table on a decision's page: one table for every day, each row with the
//! stretch of days it is part of, and a date control that shows the rows of one day.
//!
//! The table changes on its boundaries, but most rows do not: a row is written once for each
//! stretch in which its text stays the same (a rule reading a set whose members change gets a
//! row per stretch), so the page grows with the rows, not with rows times boundaries.

use edict_runtime::artifact::DecisionTable;
use edict_runtime::value::format_date;

use crate::html::esc;
use crate::model::Model;

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

pub fn table_section(m: &Model, id: u32, d: &DecisionTable) -> String {
    let mut stretches: Vec<Stretch> = Vec::new();
    let mut starts: Vec<Option<i64>> = vec![None];
    starts.extend(d.boundaries.iter().map(|b| Some(*b)));
    for (i, from) in starts.iter().enumerate() {
        stretches.push((*from, starts.get(i + 1).copied().flatten()));
    }
    let mut s = String::from("<h2 id=\"table\">The decision table</h2>\n");
    let mut headers: Vec<String> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    // The row written last for each label, to extend while its text stays the same.
    let mut open: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let rule_rank: std::collections::HashMap<&str, usize> = d
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    for (i, (from, _)) in stretches.iter().enumerate() {
        let day = match (from, d.boundaries.first()) {
            (Some(day), _) => *day,
            (None, Some(first)) => first - 1,
            (None, None) => 0,
        };
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
        s.push_str(&format!(
            "<p>The table changes on these days: {}. Each row says on which days it is part of \
             the table; a rule whose sets or values change has a row for each stretch.</p>\n",
            d.boundaries
                .iter()
                .map(|b| format!(
                    "<a href=\"#table\" data-asof=\"{0}\">{0}</a>",
                    format_date(*b)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        s.push_str(&format!(
            "<p class=\"control\"><label for=\"asof\">Show the table as of</label> <input type=\"date\" id=\"asof\" value=\"{}\"> <span id=\"asof-shown\" aria-live=\"polite\"></span></p>\n",
            d.boundaries.last().copied().map(format_date).unwrap_or_default()
        ));
    } else {
        s.push_str("<p>The table is the same on every day.</p>\n");
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
        "<div class=\"scroll\"><table class=\"grid\" id=\"grid\" data-boundaries=\"{bounds}\">\n<thead><tr>"
    ));
    for h in &headers {
        s.push_str(&format!("<th scope=\"col\">{}</th>", esc(h)));
    }
    if dated {
        s.push_str("<th scope=\"col\">days in the table</th>");
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
            s.push_str(&format!("<td>{}</td>", esc(&super::period(from, until))));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table></div>\n");
    s
}
