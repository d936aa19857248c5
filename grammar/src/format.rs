//! The formatter: one canonical layout for a file, every comment kept, proven safe.
//!
//! Items are printed from the syntax tree; comments are placed by position: a comment before an
//! element is printed on its own line above it, a comment on the same line after an element
//! stays at the end of that line. An item whose comments cannot all be placed (a comment in the
//! middle of an expression), and every item that does not parse, is kept byte for byte.
//!
//! Safety: the output is parsed again and its tree (without spans) and comments compared with
//! the input's; if anything differs, formatting fails and the caller writes nothing.

use crate::parser::parse;
use crate::print::{expr, type_ref};
use crate::syntax::*;

mod cases;
mod decisions;
mod declarations;
mod members;
mod requests;
mod sets;
mod soundness;
mod values;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// The line width to fit in.
    pub width: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { width: 100 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formatted {
    pub text: String,
    /// Items left exactly as they were: those with syntax errors, and those whose comments
    /// could not be placed.
    pub kept: Vec<Span>,
}

/// Formatting would have changed the meaning or lost a comment: a bug in the formatter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsound(pub String);

impl std::fmt::Display for Unsound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error: formatting would change the file ({}); nothing was written",
            self.0
        )
    }
}

impl std::error::Error for Unsound {}

pub fn format(src: &str, options: FormatOptions) -> Result<Formatted, Unsound> {
    // A byte order mark and the file's line endings (CRLF when its first line ends so) are
    // kept: an editor saves a file with the ones it read, and `fmt --check` must accept what
    // formatting in the editor and saving gives.
    let (bom, body) = match src.strip_prefix('\u{FEFF}') {
        Some(rest) => ('\u{FEFF}'.len_utf8(), rest),
        None => (0, src),
    };
    let crlf = body.find('\n').is_some_and(|i| body[..i].ends_with('\r'));
    let mut formatted = format_lines(body, options)?;
    if crlf {
        formatted.text = formatted.text.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    if bom > 0 {
        formatted.text.insert(0, '\u{FEFF}');
        for span in &mut formatted.kept {
            *span = Span::new(span.start as usize + bom, span.end as usize + bom);
        }
    }
    Ok(formatted)
}

/// [`format`] of a text without a byte order mark; the result has `\n` line endings.
fn format_lines(src: &str, options: FormatOptions) -> Result<Formatted, Unsound> {
    let parsed = parse(src);
    let mut f = Fmt {
        src,
        comments: &parsed.comments,
        next: 0,
        out: String::new(),
        width: options.width,
        last: 0,
        kept: Vec::new(),
    };
    // Items, and stray text that is no item, in source order.
    let mut pieces: Vec<(Span, Option<&Item>)> =
        parsed.items.iter().map(|i| (i.span, Some(i))).collect();
    for e in parsed
        .errors
        .iter()
        .filter(|e| e.kind == SyntaxErrorKind::StrayText)
    {
        pieces.push((e.item_span, None));
    }
    pieces.sort_by_key(|(s, _)| s.start);
    let starts: Vec<usize> = pieces.iter().map(|(s, _)| s.start as usize).collect();
    // An item read in part (a catalogue with a broken entry) is kept as written, like one that
    // does not parse.
    let recovered = |s: Span| parsed.errors.iter().any(|e| e.item_span == s);
    for (i, (span, item)) in pieces.into_iter().enumerate() {
        match item {
            Some(item) if !matches!(item.kind, ItemKind::Error) && !recovered(item.span) => {
                f.item(item)
            }
            _ => {
                // Text that does not parse is kept up to the next item, comments and all, so
                // that formatting it again gives the same text.
                let next = starts.get(i + 1).copied().unwrap_or(src.len());
                let end = span.start as usize + trim_blank(&src[span.start as usize..next]).len();
                f.verbatim(Span::new(span.start as usize, end.max(span.end as usize)));
            }
        }
    }
    f.comments_before(src.len(), 0);
    let mut text = trim_blank(&f.out).to_string();
    if !text.is_empty() {
        text.push('\n');
    }
    soundness::check(&parsed, src, &text)?;
    Ok(Formatted { text, kept: f.kept })
}

struct Fmt<'s> {
    src: &'s str,
    comments: &'s [Comment],
    /// The next comment not yet printed.
    next: usize,
    out: String,
    width: usize,
    /// Where in the source the last printed thing ended (for blank lines).
    last: usize,
    kept: Vec<Span>,
}

/// One line-level element of a block: its text and where it was in the source.
struct Elem {
    text: String,
    span: Span,
}

impl<'s> Fmt<'s> {
    fn blank_line_between(&self, from: usize, to: usize) -> bool {
        self.src
            .get(from.min(to)..to)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    fn push_line(&mut self, indent: usize, text: &str) {
        self.out.push_str(&"  ".repeat(indent));
        self.out.push_str(text);
    }

    /// Prints the comments that start before `pos` on lines of their own.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start as usize >= pos {
                break;
            }
            if self.blank_line_between(self.last, c.span.start as usize)
                && !self.out.is_empty()
                && !self.out.ends_with("{\n")
            {
                self.out.push('\n');
            }
            self.push_line(indent, c.text.trim_end());
            self.out.push('\n');
            self.last = c.span.end as usize;
            self.next += 1;
        }
    }

    /// Ends the current line, keeping a comment that stood after `end` on the same line.
    fn end_line(&mut self, end: usize) {
        if let Some(c) = self.comments.get(self.next) {
            let start = c.span.start as usize;
            if start >= end
                && !self
                    .src
                    .get(end..start)
                    .is_some_and(|gap| gap.contains('\n'))
            {
                self.out.push(' ');
                self.out.push_str(c.text.trim_end());
                self.last = c.span.end as usize;
                self.next += 1;
            }
        }
        self.out.push('\n');
        self.last = self.last.max(end);
    }

    /// Prints one element on its own line(s), with the comments around it.
    fn elem(&mut self, indent: usize, e: &Elem) {
        self.comments_before(e.span.start as usize, indent);
        if self.blank_line_between(self.last, e.span.start as usize)
            && !self.out.is_empty()
            && !self.out.ends_with("{\n")
        {
            self.out.push('\n');
        }
        let mut lines = e.text.lines().peekable();
        while let Some(line) = lines.next() {
            self.push_line(indent, line);
            if lines.peek().is_some() {
                self.out.push('\n');
            }
        }
        self.end_line(e.span.end as usize);
    }

    fn comments_inside(&self, span: Span) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.span.start > span.start && c.span.end <= span.end)
    }

    fn verbatim(&mut self, span: Span) {
        self.comments_before(span.start as usize, 0);
        if self.blank_line_between(self.last, span.start as usize) && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push_str(self.src.get(span.range()).unwrap_or(""));
        while self
            .comments
            .get(self.next)
            .is_some_and(|c| c.span.start < span.end)
        {
            self.next += 1;
        }
        self.last = span.end as usize;
        self.end_line(span.end as usize);
        self.kept.push(span);
    }

    fn item(&mut self, item: &Item) {
        // Format into a scratch state; fall back to the original text when a comment inside
        // the item could not be placed.
        let saved = (self.out.len(), self.next, self.last);
        self.comments_before(item.span.start as usize, 0);
        if self.blank_line_between(self.last, item.span.start as usize) && !self.out.is_empty() {
            self.out.push('\n');
        }
        let before_item = (self.out.len(), self.next, self.last);
        let ok = self.item_body(item);
        let leftover = self.comments[self.next..]
            .iter()
            .any(|c| c.span.start < item.span.end);
        if ok && !leftover {
            return;
        }
        self.out.truncate(before_item.0);
        self.next = before_item.1;
        self.last = before_item.2;
        let _ = saved;
        self.out
            .push_str(self.src.get(item.span.range()).unwrap_or(""));
        while self
            .comments
            .get(self.next)
            .is_some_and(|c| c.span.start < item.span.end)
        {
            self.next += 1;
        }
        self.end_line(item.span.end as usize);
        self.kept.push(item.span);
    }

    fn e(&self, e: &Expr) -> String {
        expr(e, Some(self.src))
    }

    /// Opens a block: prints `header {` and returns the indent inside.
    fn open(&mut self, header: String, end_of_header: usize) {
        self.out.push_str(&header);
        self.out.push_str(" {");
        self.end_line(end_of_header);
    }

    fn close(&mut self, item: &Item, indent: usize) {
        self.comments_before(item.span.end as usize - 1, indent + 1);
        self.push_line(indent, "}");
        self.end_line(item.span.end as usize);
    }

    /// A record literal inline if it fits and holds no comment, else one field per line.
    fn record(
        &self,
        fields: &[FieldInit],
        span: Span,
        prefix: &str,
        indent: usize,
    ) -> Option<String> {
        let inline = format!(
            "{prefix}{}",
            expr(
                &Expr {
                    kind: ExprKind::Record(fields.to_vec()),
                    span
                },
                Some(self.src)
            )
        );
        if self.fits(indent, &inline) && !self.comments_inside(span) {
            return Some(inline);
        }
        if self.comments_inside(span) {
            return None;
        }
        let mut s = format!("{prefix}{{\n");
        for f in fields {
            s.push_str(&format!("  {}: {}\n", f.name.name, self.e(&f.value)));
        }
        s.push('}');
        Some(s)
    }

    /// A list inline if it fits and holds no comment, else one element per line (a source's
    /// `item_texts`).
    fn list(&self, items: &[Expr], e: &Expr, prefix: &str, indent: usize) -> Option<String> {
        if self.comments_inside(e.span) {
            return None;
        }
        let inline = format!("{prefix}{}", self.e(e));
        if self.fits(indent, &inline) || items.is_empty() {
            return Some(inline);
        }
        let mut s = format!("{prefix}[\n");
        for item in items {
            s.push_str(&format!("  {},\n", self.e(item)));
        }
        s.push(']');
        Some(s)
    }

    fn fits(&self, indent: usize, text: &str) -> bool {
        text.lines()
            .all(|l| indent * 2 + l.chars().count() <= self.width)
    }

    /// Prints elements inside a block at `indent`.
    fn elems(&mut self, indent: usize, elems: &[Elem]) {
        for e in elems {
            self.elem(indent, e);
        }
    }

    fn value_elem(&self, prefix: &str, e: &Expr, indent: usize) -> Option<Elem> {
        let text = match &e.kind {
            ExprKind::Record(fields) => self.record(fields, e.span, prefix, indent)?,
            ExprKind::List(items) => self.list(items, e, prefix, indent)?,
            _ => {
                if self.comments_inside(e.span) {
                    return None;
                }
                format!("{prefix}{}", self.e(e))
            }
        };
        Some(Elem { text, span: e.span })
    }

    /// Prints an item by its kind (one module per kind of construct); `false` when it is to be
    /// kept as written.
    fn item_body(&mut self, item: &Item) -> bool {
        // A clause written twice is an error the checker reports; the tree keeps only the
        // first, so the item is kept as written rather than lose the second.
        let repeated = match &item.kind {
            ItemKind::Set(s) => !s.repeated.is_empty(),
            ItemKind::Amend(a) => !a.repeated.is_empty(),
            ItemKind::Decision(d) => !d.repeated.is_empty(),
            ItemKind::Rule(r) => !r.repeated.is_empty(),
            ItemKind::Condition(c) => !c.repeated.is_empty(),
            _ => false,
        };
        if repeated {
            return false;
        }
        match &item.kind {
            ItemKind::Source(s) => self.source_item(item, s),
            ItemKind::Enum(e) => self.enum_item(item, e),
            ItemKind::Entity(e) => self.entity_item(item, e),
            ItemKind::Record(r) => self.record_item(item, r),
            ItemKind::Catalogue(c) => self.catalogue_item(item, c),
            ItemKind::Set(s) => self.set_item(item, s),
            ItemKind::Amend(a) => self.amend_item(item, a),
            ItemKind::Decision(d) => self.decision_item(item, d),
            ItemKind::Rule(r) => self.rule_item(item, r),
            ItemKind::Condition(c) => self.condition_item(item, c),
            ItemKind::Test(t) => self.test_item(item, t),
            ItemKind::Request(r) => self.request_item(item, r),
            ItemKind::Value(v) => self.value_item(item, v),
            ItemKind::Labels(l) => self.labels_item(item, l),
            ItemKind::Error => false,
        }
    }

    /// A `when` clause: one line if it fits, else one operand of its top-level `and`/`or`
    /// per line, comments between operands kept.
    fn when(&mut self, w: Option<&Expr>, indent: usize) -> bool {
        let Some(w) = w else { return true };
        let one = format!("when {}", self.e(w));
        if self.fits(indent, &one) && !self.comments_inside(w.span) {
            self.elem(
                indent,
                &Elem {
                    text: one,
                    span: w.span,
                },
            );
            return true;
        }
        let (op, operands) = match &w.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), ..) => (*op, chain(w, *op)),
            _ => (BinOp::And, vec![w]),
        };
        for (i, o) in operands.iter().enumerate() {
            if self.comments_inside(o.span) {
                return false;
            }
            let (text, ind) = if i == 0 {
                (format!("when {}", self.e(o)), indent)
            } else {
                (format!("{} {}", op.as_str(), self.e(o)), indent + 1)
            };
            self.elem(ind, &Elem { text, span: o.span });
        }
        true
    }

    /// `prefix` and a set formula, on as many lines as it needs: a line breaks before an
    /// operator outside brackets, and continues indented.
    fn wrap_formula(&self, prefix: &str, formula: &str) -> String {
        // Pieces: the first operand, then each operator with its operand.
        let mut pieces: Vec<String> = Vec::new();
        let mut depth = 0i32;
        for word in formula.split(' ') {
            let is_op = matches!(word, "union" | "intersect" | "except");
            match pieces.last_mut() {
                Some(last) if !(is_op && depth == 0) => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => pieces.push(word.to_string()),
            }
            depth += word.matches('(').count() as i32 - word.matches(')').count() as i32;
        }
        let mut out = String::new();
        let mut line = prefix.to_string();
        for (i, piece) in pieces.iter().enumerate() {
            let candidate = if i == 0 {
                format!("{line}{piece}")
            } else {
                format!("{line} {piece}")
            };
            if i == 0 || self.fits(0, &candidate) || line.trim().is_empty() {
                line = candidate;
            } else {
                out.push_str(&line);
                out.push('\n');
                line = format!("  {piece}");
            }
        }
        out.push_str(&line);
        out
    }
}

/// Drops the blanks the grammar skips (space, tab, CR, LF) from the end, and nothing else: a
/// vertical tab or a no-break space is text, and must survive.
fn trim_blank(s: &str) -> &str {
    s.trim_end_matches([' ', '\t', '\r', '\n'])
}

/// One `name: Type` line per declared field.
fn field_elems(fields: &[FieldDecl]) -> Vec<Elem> {
    fields
        .iter()
        .map(|f| Elem {
            text: format!("{}: {}", f.name.name, type_ref(&f.ty)),
            span: f.name.span.cover(f.ty.span),
        })
        .collect()
}

fn chain(e: &Expr, op: BinOp) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary(o, a, b) if *o == op => {
            let mut v = chain(a, op);
            v.push(b);
            v
        }
        _ => vec![e],
    }
}

/// A set formula in canonical form: one space around each operator, parentheses kept.
fn set_expr(e: &SetExpr) -> String {
    match &e.kind {
        SetExprKind::Set(i) => i.name.clone(),
        SetExprKind::Op(op, a, b) => format!("{} {} {}", set_expr(a), op.as_str(), set_expr(b)),
        SetExprKind::Paren(inner) => format!("({})", set_expr(inner)),
    }
}

fn names(members: &[Ident]) -> Vec<&str> {
    members.iter().map(|m| m.name.as_str()).collect()
}

/// ` by SOURCE item N` after an `until`, or nothing.
pub(crate) fn ended_by(c: Option<&Citation>) -> String {
    match c {
        Some(Citation {
            source,
            item: Some(n),
            ..
        }) => format!(" by {} item {}", source.name, n.text),
        Some(c) => format!(" by {}", c.source.name),
        None => String::new(),
    }
}

fn cite(c: &Citation) -> String {
    match &c.item {
        Some(n) => format!("cite {} item {}", c.source.name, n.text),
        None => format!("cite {}", c.source.name),
    }
}

/// `announced 12`, or `announced 12 partial`.
fn announced(n: &Number, partial: Option<Span>) -> String {
    match partial {
        Some(_) => format!("announced {} partial", n.text),
        None => format!("announced {}", n.text),
    }
}

fn clauses_end(first: Span, spans: &[Option<Span>]) -> usize {
    spans
        .iter()
        .flatten()
        .map(|s| s.end)
        .max()
        .unwrap_or(first.end)
        .max(first.end) as usize
}
