//! The changed decisions over time as an SVG bar chart: one bar per day (up to 92 days) or per
//! month, with the value axis and every month labelled; no script, no remote fonts.

use std::collections::BTreeMap;

use edict_runtime::value::format_date;

use crate::impact::Report;
use crate::render::number;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A value axis's top: 1, 2 or 5 times a power of ten, at least `max`.
fn nice(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

/// The chart of `report`'s changed rows (or weight) by as-of day or month.
pub fn svg(report: &Report) -> String {
    let weighted = report.weight_column.is_some();
    let amount = |t: &crate::Tally| if weighted { t.weight } else { t.rows as f64 };
    let days = &report.changed_by_day;
    let span = match (days.keys().next(), days.keys().next_back()) {
        (Some(a), Some(b)) => b - a + 1,
        _ => 0,
    };
    // Bars: (label, first day, amount).
    let mut bars: Vec<(String, i64, f64)> = Vec::new();
    if span <= 92 {
        if let (Some(&first), Some(&last)) = (days.keys().next(), days.keys().next_back()) {
            for d in first..=last {
                let v = days.get(&d).map_or(0.0, amount);
                bars.push((format_date(d), d, v));
            }
        }
    } else {
        let mut months: BTreeMap<String, (i64, f64)> = BTreeMap::new();
        for (d, t) in days {
            let m: String = format_date(*d).chars().take(7).collect();
            let e = months.entry(m).or_insert((*d, 0.0));
            e.1 += amount(t);
        }
        bars = months.into_iter().map(|(m, (d, v))| (m, d, v)).collect();
    }
    let (w, h) = (720.0, 320.0);
    let (left, right, top, bottom) = (72.0, 16.0, 40.0, 56.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max = nice(bars.iter().map(|b| b.2).fold(0.0, f64::max));
    let what = if weighted {
        format!(
            "changed decisions (weight: {})",
            report.weight_column.as_deref().unwrap_or("")
        )
    } else {
        "changed decisions (rows)".to_string()
    };
    let per = if span <= 92 { "day" } else { "month" };
    let title = format!("{}: {what} per {per}", report.decision);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
         role=\"img\" aria-labelledby=\"t d\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <title id=\"t\">{}</title>\n<desc id=\"d\">{}</desc>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\n\
         <text x=\"{left}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        escape(&title),
        escape(&bars
            .iter()
            .filter(|b| b.2 > 0.0)
            .map(|b| format!("{}: {}", b.0, number(b.2)))
            .collect::<Vec<_>>()
            .join("; ")),
        escape(&title),
    );
    // Value axis: five lines.
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = top + plot_h - plot_h * f64::from(i) / 4.0;
        out.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ccc\"/>\n\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            left + plot_w,
            left - 6.0,
            y + 4.0,
            number(v)
        ));
    }
    if bars.is_empty() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no decision changes</text>\n",
            left + plot_w / 2.0,
            top + plot_h / 2.0
        ));
    }
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.8).max(1.0);
    let mut last_month = String::new();
    for (i, (label, day, v)) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let bh = if max > 0.0 { plot_h * v / max } else { 0.0 };
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{bh:.1}\" fill=\"#1d70b8\"><title>{}: {}</title></rect>\n",
            top + plot_h - bh,
            escape(label),
            number(*v)
        ));
        // Month labels under the axis: every month (per-month bars), or where a month starts.
        let month: String = format_date(*day).chars().take(7).collect();
        if month != last_month {
            out.push_str(&format!(
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\"/>\n\
                 <text x=\"{x:.1}\" y=\"{:.1}\">{}</text>\n",
                top + plot_h,
                top + plot_h + 6.0,
                top + plot_h + 20.0,
                escape(&month)
            ));
            last_month = month;
        }
    }
    out.push_str(&format!(
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\"/>\n",
        left + plot_w,
        top + plot_h,
        top + plot_h
    ));
    out.push_str("</svg>\n");
    out
}
