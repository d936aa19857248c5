//! Formatting a test's tables of cases: one row per line, cells aligned in columns, comments
//! between rows kept.

use super::*;
use crate::syntax::{CaseTable, Expect};

impl Fmt<'_> {
    /// Prints a table at `indent`; `false` when a comment sits inside a row (the test is then
    /// kept as written).
    pub(super) fn case_table(&mut self, t: &CaseTable, indent: usize) -> bool {
        if t.rows.iter().any(|r| self.comments_inside(r.span)) {
            return false;
        }
        let columns: Vec<String> = t.columns.iter().map(|c| self.e(c)).collect();
        let cells: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.values.iter().map(|v| self.e(v)).collect())
            .collect();
        // Each cell padded to its column's widest, commas included.
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
        let header_end = t.rows.first().map_or(t.span.end, |r| r.span.start) as usize;
        let header = Span::new(t.span.start as usize, header_end);
        self.elem(
            indent,
            &Elem {
                text: format!("cases ({}) {{", columns.join(", ")),
                span: Span::new(header.start as usize, header.start as usize + 1),
            },
        );
        for (row, cells) in t.rows.iter().zip(&cells) {
            let mut line = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let last = i + 1 == cells.len();
                let w = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(usize::from(last));
                let cell = if last {
                    cell.clone()
                } else {
                    format!("{cell},")
                };
                line.push_str(&format!("{cell:<w$}"));
                if !last {
                    line.push(' ');
                }
            }
            let expect = match &row.expect {
                Expect::Outcome(e) => self.e(e),
                Expect::Rule(r) => format!("rule {}", r.name),
                Expect::Otherwise(_) => "otherwise".to_string(),
            };
            line.push_str(&format!(" => {expect}"));
            self.elem(
                indent + 1,
                &Elem {
                    text: line.trim_end().to_string(),
                    span: row.span,
                },
            );
        }
        self.comments_before(t.span.end as usize - 1, indent + 1);
        self.push_line(indent, "}");
        self.end_line(t.span.end as usize);
        true
    }
}
