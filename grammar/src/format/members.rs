//! Formatting member lists (of sets and amendments): members filled over lines, a run broken
//! where a comment or a blank line stands between two members.

use super::*;

impl Fmt<'_> {
    /// Members filled over lines. A comment or a blank line between two members starts a new
    /// line there: a comment on its own line stays between the members around it, one at the
    /// end of a line stays after the member before it, and the author's groups stay apart.
    pub(super) fn member_lines(&self, members: &[Ident], word: &str, indent: usize) -> Vec<Elem> {
        let mut lines: Vec<Elem> = Vec::new();
        let mut start = 0;
        for i in 0..members.len() {
            let apart = members.get(i + 1).is_some_and(|next| {
                let gap = Span::new(members[i].span.end as usize, next.span.start as usize);
                self.comments_inside(gap)
                    || self.blank_line_between(gap.start as usize, gap.end as usize)
            });
            if apart || i + 1 == members.len() {
                let word = if start == 0 {
                    word.to_string()
                } else {
                    " ".repeat(word.len())
                };
                let last = i + 1 == members.len();
                lines.extend(self.fill_members(&members[start..=i], &word, indent, last));
                start = i + 1;
            }
        }
        lines
    }

    /// One run of members filled over lines, the first after `word`; each but the list's
    /// last (`last`: this run ends the list) followed by a comma. One element, so that a
    /// comment at the end of the run's last source line stays after its last member.
    fn fill_members(&self, members: &[Ident], word: &str, indent: usize, last: bool) -> Vec<Elem> {
        let Some(first) = members.first() else {
            return Vec::new();
        };
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::from(word);
        let cont = " ".repeat(word.len());
        for (i, m) in members.iter().enumerate() {
            let piece = if i + 1 < members.len() || !last {
                format!("{},", m.name)
            } else {
                m.name.clone()
            };
            let candidate = if current.ends_with(' ') || current.is_empty() {
                format!("{current}{piece}")
            } else {
                format!("{current} {piece}")
            };
            if self.fits(indent, &candidate) || current.trim().is_empty() {
                current = candidate;
            } else {
                lines.push(current);
                current = format!("{cont}{piece}");
            }
        }
        lines.push(current);
        let span = members
            .last()
            .map_or(first.span, |l| first.span.cover(l.span));
        vec![Elem {
            text: lines.join("\n"),
            span,
        }]
    }
}
