//! Formatting a test's tables of cases: one row per line, cells aligned in columns.

use super::*;
use crate::syntax::{CaseTable, Expect};

impl Fmt<'_> {
    /// The table as one element of several lines, or `None` when a comment sits inside it
    /// (the test is then kept as written).
    pub(super) fn case_table(&self, t: &CaseTable) -> Option<Elem> {
        if self.comments_inside(t.span) {
            return None;
        }
        let columns: Vec<String> = t.columns.iter().map(|c| self.e(c)).collect();
        let cells: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.values.iter().map(|v| self.e(v)).collect())
            .collect();
        let widths: Vec<usize> = (0..columns.len())
            .map(|i| {
                cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count() + 1)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut text = format!("cases ({}) {{\n", columns.join(", "));
        for (row, cells) in t.rows.iter().zip(&cells) {
            let mut line = String::from("  ");
            for (i, cell) in cells.iter().enumerate() {
                let last = i + 1 == cells.len();
                let cell = if last {
                    cell.clone()
                } else {
                    format!("{cell},")
                };
                let w = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(usize::from(last));
                if last {
                    line.push_str(&format!("{cell:<w$}"));
                } else {
                    line.push_str(&format!("{cell:<w$} "));
                }
            }
            let expect = match &row.expect {
                Expect::Outcome(e) => self.e(e),
                Expect::Rule(r) => format!("rule {}", r.name),
                Expect::Otherwise(_) => "otherwise".to_string(),
            };
            line.push_str(&format!(" => {expect}"));
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text.push('}');
        Some(Elem { text, span: t.span })
    }
}
