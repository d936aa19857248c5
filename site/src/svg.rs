//! Timeline charts drawn by Edict as SVG: one lane per member or key, a bar for each period,
//! a dashed line for each amendment or change.

use crate::html::esc;
use edict_runtime::value::format_date;

/// One row of a chart.
pub struct Lane {
    pub label: String,
    pub bars: Vec<Bar>,
}

/// A period (days since 1970-01-01; `None` is open), with an optional text inside.
pub struct Bar {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub text: Option<String>,
}

/// The width of the plot, right of the lane labels.
const PLOT: f64 = 570.0;
/// About the width of a character of a lane label (11 px system font).
const CHAR: f64 = 6.0;
/// Lane labels longer than this many characters are cut, with the whole label in the lane's
/// title.
const LABEL_CHARS: usize = 52;
const LANE: f64 = 22.0;
const TOP: f64 = 34.0;
/// The width of a date written over a mark (`2025-11-05`, centred on it).
const DATE_LABEL: f64 = 66.0;

/// A chart of `lanes` with change `marks` (day, label); `title` names it for screen readers.
pub fn timeline(title: &str, lanes: &[Lane], marks: &[(i64, String)]) -> String {
    let days: Vec<i64> = lanes
        .iter()
        .flat_map(|l| l.bars.iter().flat_map(|b| [b.from, b.until]))
        .flatten()
        .chain(marks.iter().map(|m| m.0))
        .collect();
    let (lo, hi) = match (days.iter().min(), days.iter().max()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => (20_000, 20_400),
    };
    // Room before the first date and after the last, for open periods.
    let span = (hi - lo).max(60);
    let (start, end) = (lo - span / 8 - 15, hi + span / 8 + 15);
    // The label column fits the longest label (cut at LABEL_CHARS).
    let longest = lanes
        .iter()
        .map(|l| l.label.chars().count().min(LABEL_CHARS + 1))
        .max()
        .unwrap_or(0);
    let label = (longest as f64 * CHAR + 12.0).max(120.0);
    let width = label + PLOT;
    let x = |d: i64| label + (PLOT - 10.0) * (d - start) as f64 / (end - start) as f64;
    let height = TOP + LANE * lanes.len() as f64 + 24.0;
    let mut s = format!(
        "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" aria-labelledby=\"t-{id}\">\n<title id=\"t-{id}\">{t}</title>\n",
        id = crate::html::slug(title),
        t = esc(title)
    );
    // Year ticks; a chart within one year names it at its start.
    let (y0, y1) = (year(start), year(end));
    if y0 == y1 {
        s.push_str(&format!(
            "<text class=\"year\" x=\"{:.1}\" y=\"{:.1}\">{y0}</text>\n",
            label + 14.0,
            height - 6.0
        ));
    }
    for y in y0..=y1 {
        let d = edict_runtime::value::parse_date(&format!("{y:04}-01-01")).unwrap_or(start);
        if d < start || d > end {
            continue;
        }
        let px = x(d);
        s.push_str(&format!(
            "<line class=\"tick\" x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{:.1}\"/><text class=\"year\" x=\"{px:.1}\" y=\"{:.1}\">{y}</text>\n",
            height - 20.0,
            height - 6.0
        ));
    }
    // Each mark's date on one of two rows of labels, where it does not run into the label
    // before it on that row; else only the line (its title names the date).
    let mut ends = [f64::NEG_INFINITY; 2];
    for (d, label) in marks {
        let px = x(*d);
        s.push_str(&format!(
            "<line class=\"mark\" x1=\"{px:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\"><title>{}</title></line>",
            TOP - 6.0,
            height - 20.0,
            esc(&format!("{} {label}", format_date(*d))),
        ));
        if let Some(row) = (0..2).find(|&r| px - ends[r] >= DATE_LABEL) {
            ends[row] = px;
            s.push_str(&format!(
                "<text class=\"mark\" x=\"{px:.1}\" y=\"{:.1}\">{}</text>",
                12.0 + 11.0 * row as f64,
                esc(&format_date(*d))
            ));
        }
        s.push('\n');
    }
    for (i, lane) in lanes.iter().enumerate() {
        let y = TOP + LANE * i as f64;
        let shown = if lane.label.chars().count() > LABEL_CHARS {
            let cut: String = lane.label.chars().take(LABEL_CHARS - 1).collect();
            format!(
                "{}…<title>{}</title>",
                esc(cut.trim_end()),
                esc(&lane.label)
            )
        } else {
            esc(&lane.label)
        };
        s.push_str(&format!(
            "<text class=\"lane\" x=\"{:.1}\" y=\"{:.1}\">{shown}</text>\n",
            label - 8.0,
            y + LANE * 0.68,
        ));
        for b in &lane.bars {
            let (a, z) = (x(b.from.unwrap_or(start)), x(b.until.unwrap_or(end)));
            let w = (z - a).max(2.0);
            let period = format!(
                "{}: {} to {}",
                lane.label,
                b.from.map_or("the beginning".into(), format_date),
                b.until.map_or("now".into(), format_date)
            );
            s.push_str(&format!(
                "<rect class=\"bar{}\" x=\"{a:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" rx=\"3\"><title>{}</title></rect>\n",
                if b.until.is_none() { " open" } else { "" },
                y + 3.0,
                LANE - 6.0,
                esc(&match &b.text {
                    Some(t) => format!("{period}: {t}"),
                    None => period,
                })
            ));
            if let Some(t) = &b.text {
                if w > 8.0 * t.chars().count() as f64 {
                    s.push_str(&format!(
                        "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
                        a + 5.0,
                        y + LANE * 0.68,
                        esc(t)
                    ));
                }
            }
        }
    }
    s.push_str("</svg>\n");
    crate::html::scroll_box(title, &s)
}

fn year(days: i64) -> i64 {
    format_date(days)
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(1970)
}
