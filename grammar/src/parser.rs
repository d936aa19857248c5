//! Turns text into a [`ParsedFile`]: chunking, pest parsing of each item, tree building.

use pest::iterators::Pair;
use pest::Parser as _;

use crate::chunk;
use crate::limits::{MAX_EXPR_DEPTH, MAX_FILE_BYTES, MAX_ITEMS, MAX_NESTING, MAX_STRING_BYTES};
use crate::syntax::*;

#[derive(pest_derive::Parser)]
#[grammar = "edict.pest"]
struct EdictParser;

/// Parses a whole file. Never fails: errors are recorded in [`ParsedFile::errors`] and the
/// items that failed become [`ItemKind::Error`], so every intact item is still there.
pub fn parse(text: &str) -> ParsedFile {
    let mut file = ParsedFile::default();
    if text.len() > MAX_FILE_BYTES {
        file.errors.push(SyntaxError {
            kind: SyntaxErrorKind::TooLarge,
            message: format!(
                "this file is {} bytes, more than the {} bytes a policy file may hold",
                text.len(),
                MAX_FILE_BYTES
            ),
            span: Span::new(0, 0),
            item_span: Span::new(0, 0),
            expected: Vec::new(),
        });
        return file;
    }
    let chunks = chunk::split(text, MAX_NESTING);
    file.comments = chunks.comments;
    if chunks.chunks.len() > MAX_ITEMS {
        file.errors.push(SyntaxError {
            kind: SyntaxErrorKind::TooManyItems,
            message: format!(
                "this file has {} items, more than the {MAX_ITEMS} a file may hold",
                chunks.chunks.len()
            ),
            span: Span::new(0, 0),
            item_span: Span::new(0, 0),
            expected: Vec::new(),
        });
        return file;
    }
    for c in &chunks.chunks {
        let chunk_text = &text[c.span.range()];
        let base = c.span.start as usize;
        let trimmed_len = trimmed_item_len(chunk_text, &file.comments, c.span);
        let item_span = Span::new(base, base + trimmed_len);
        if !c.starts_item {
            file.errors.push(SyntaxError {
                kind: SyntaxErrorKind::StrayText,
                message: "expected an item such as `rule`, `set` or `decision`".to_string(),
                span: Span::new(base, base + first_token_len(chunk_text)),
                item_span,
                expected: chunk::ITEM_KEYWORDS
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect(),
            });
            continue;
        }
        if let Some(at) = c.too_deep_at {
            file.errors.push(SyntaxError {
                kind: SyntaxErrorKind::TooDeep,
                message: format!("brackets are nested more than {MAX_NESTING} levels deep"),
                span: Span::new(at, at + 1),
                item_span,
                expected: Vec::new(),
            });
            file.items.push(Item {
                kind: ItemKind::Error,
                span: item_span,
                doc: None,
            });
            continue;
        }
        let doc = doc_comment_before(text, &file.comments, base);
        match EdictParser::parse(Rule::item_only, chunk_text) {
            Ok(mut pairs) => {
                let Some(top) = pairs.next() else { continue };
                let Some(item_pair) = top.into_inner().next() else {
                    continue;
                };
                let mut b = Builder {
                    base,
                    depth_error: None,
                    long_string: None,
                };
                let span = b.span(&item_pair);
                let kind = b.item(item_pair);
                if let Some(at) = b.long_string {
                    file.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::StringTooLong,
                        message: format!("this string is longer than {MAX_STRING_BYTES} bytes"),
                        span: Span::new(at.start as usize, at.start as usize + 1),
                        item_span: span,
                        expected: Vec::new(),
                    });
                    file.items.push(Item {
                        kind: ItemKind::Error,
                        span,
                        doc,
                    });
                } else if let Some(at) = b.depth_error {
                    file.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::TooDeep,
                        message: format!(
                            "this expression is nested more than {MAX_EXPR_DEPTH} levels deep"
                        ),
                        span: at,
                        item_span: span,
                        expected: Vec::new(),
                    });
                    file.items.push(Item {
                        kind: ItemKind::Error,
                        span,
                        doc,
                    });
                } else {
                    file.items.push(Item { kind, span, doc });
                }
            }
            Err(err) => {
                // A catalogue keeps the entries that parse: one broken entry (or a stray `}`)
                // costs that entry, not the whole catalogue.
                if let Some((kind, errors)) = recover_catalogue(chunk_text, base, item_span) {
                    file.errors.extend(errors);
                    file.items.push(Item {
                        kind,
                        span: item_span,
                        doc,
                    });
                    continue;
                }
                file.errors
                    .push(convert_error(&err, chunk_text, base, item_span));
                file.items.push(Item {
                    kind: ItemKind::Error,
                    span: item_span,
                    doc,
                });
            }
        }
    }
    file
}

/// A catalogue that does not parse as a whole, read entry by entry: `catalogue NAME {`, then
/// pieces of the body split at lines where the braces balance, each parsed as one entry. Each
/// piece that is no entry (a stray `}`, a broken record) is a syntax error of its own. `None`
/// when the chunk is no catalogue or its header does not parse.
fn recover_catalogue(
    chunk: &str,
    base: usize,
    item_span: Span,
) -> Option<(ItemKind, Vec<SyntaxError>)> {
    let header_end = chunk.find('{')?;
    let mut words = chunk[..header_end].split_whitespace();
    if words.next() != Some("catalogue") {
        return None;
    }
    let name = words.next()?;
    if words.next().is_some() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let name_at = chunk.find(name)?;
    let body_end = chunk.rfind('}').filter(|e| *e > header_end)?;
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    // Pieces: from a line start, up to the end of the line where the braces balance again.
    let mut start = header_end + 1;
    let mut depth: i64 = 0;
    let mut i = start;
    let bytes = chunk.as_bytes();
    let piece = |from: usize,
                 to: usize,
                 entries: &mut Vec<CatalogueEntry>,
                 errors: &mut Vec<SyntaxError>| {
        let text = &chunk[from..to];
        let code = text.split("//").next().unwrap_or("").trim();
        if code.is_empty() || code == "," {
            return;
        }
        match EdictParser::parse(Rule::catalogue_entry_only, text) {
            Ok(mut pairs) => {
                let entry = pairs.next().and_then(|top| {
                    top.into_inner()
                        .find(|p| p.as_rule() == Rule::catalogue_entry)
                });
                if let Some(e) = entry {
                    let mut eb = Builder {
                        base: base + from,
                        depth_error: None,
                        long_string: None,
                    };
                    entries.push(eb.catalogue_entry(e));
                }
            }
            Err(err) => errors.push(convert_error(&err, text, base + from, item_span)),
        }
    };
    while i < body_end {
        match bytes[i] {
            b'"' => {
                // Skip a string (escapes included) on its line.
                i += 1;
                while i < body_end && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < body_end && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'{' => depth += 1,
            b'}' if depth == 0 => {
                // A stray `}`: what comes before it on the line is read as an entry.
                piece(start, i, &mut entries, &mut errors);
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::Unexpected,
                    message: "unexpected `}`: it closes nothing".to_string(),
                    span: Span::new(base + i, base + i + 1),
                    item_span,
                    expected: vec!["a catalogue entry".to_string()],
                });
                start = i + 1;
            }
            b'}' => depth -= 1,
            b'\n' if depth <= 0 => {
                piece(start, i, &mut entries, &mut errors);
                start = i + 1;
                depth = 0;
            }
            _ => {}
        }
        i += 1;
    }
    piece(start, body_end, &mut entries, &mut errors);
    if errors.is_empty() {
        return None;
    }
    let ty = Ident {
        name: name.to_string(),
        span: Span::new(base + name_at, base + name_at + name.len()),
    };
    Some((ItemKind::Catalogue(CatalogueDecl { ty, entries }), errors))
}

/// The length of a chunk without the whitespace and comments that trail it.
fn trimmed_item_len(chunk_text: &str, comments: &[Comment], span: Span) -> usize {
    let mut end = span.end as usize;
    loop {
        let before = end;
        let slice = &chunk_text[..end - span.start as usize];
        end = span.start as usize + slice.trim_end().len();
        if let Some(c) = comments
            .iter()
            .find(|c| c.span.end as usize == end && c.span.start >= span.start)
        {
            end = c.span.start as usize;
        }
        if end == before {
            break;
        }
    }
    end - span.start as usize
}

fn first_token_len(text: &str) -> usize {
    text.char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(i, _)| i)
        .max(text.chars().next().map_or(0, char::len_utf8))
}

/// The `///` lines directly above `offset`, markers stripped, joined by newlines.
fn doc_comment_before(text: &str, comments: &[Comment], offset: usize) -> Option<String> {
    let mut lines = Vec::new();
    let mut cursor = offset;
    for c in comments
        .iter()
        .rev()
        .filter(|c| (c.span.end as usize) <= offset)
    {
        let between = &text[c.span.end as usize..cursor];
        if !between.trim().is_empty() || between.matches('\n').count() > 1 {
            break;
        }
        if c.kind != CommentKind::Doc {
            break;
        }
        // Trailing spaces are not part of the documentation (the formatter drops them).
        let body = c.text.trim_start_matches("///").trim_end();
        lines.push(body.strip_prefix(' ').unwrap_or(body).to_string());
        cursor = c.span.start as usize;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

fn describe(rule: &Rule) -> String {
    use Rule as R;
    let s = match rule {
        R::ident => "a name",
        R::string | R::string_body => "a string",
        R::int => "a number",
        R::date => "a date such as `2025-11-05`",
        R::datetime => "a date-time such as `2025-11-05T10:00`",
        R::duration => "a duration such as `144h`",
        R::duration_unit => "a unit (`min`, `h`, `d`, `w`, `mo`, `y`)",
        R::expr
        | R::or_expr
        | R::and_expr
        | R::not_expr
        | R::cmp_expr
        | R::range_expr
        | R::add_expr
        | R::postfix
        | R::paren => "an expression",
        R::record_lit => "`{`",
        R::field_init => "a field such as `name: value`",
        R::field_decl => "a field such as `name: Text`",
        R::field_decls => "`{`",
        R::type_expr => "a type",
        R::cmp_op => "a comparison",
        R::add_op => "`+` or `-`",
        R::hit_policy => "`unique`, `first`, `priority` or `collect`",
        R::member_list => "a member name",
        R::member_block => "`{`",
        R::amend_op => "`add`, `remove` or `move`",
        R::amend_list => "a member name",
        R::kw_into => "`into`",
        R::param => "a parameter such as `t: Traveller`",
        R::decision_body => "`{`",
        R::from_clause => "`from`",
        R::until_clause => "`until`",
        R::cite_clause => "`cite`",
        R::announced_clause => "`announced`",
        R::kw_partial => "`partial`",
        R::set_formula => "`=`",
        R::set_op => "`union`, `intersect` or `except`",
        R::set_expr => "a set",
        R::priority_clause => "`priority`",
        R::when_clause => "`when`",
        R::then_clause => "`then`",
        R::as_of_clause => "`as of`",
        R::hit_clause => "`hit`",
        R::otherwise_clause => "`otherwise`",
        R::given_clause => "`given`",
        R::expect_clause => "`expect`",
        R::parent_type => "`in`",
        R::catalogue_entry => "an entry name",
        R::optional_mark => "`?`",
        R::bool => "`true` or `false`",
        R::EOI => "the end of the item",
        other => {
            let name = format!("{other:?}");
            return match name.strip_prefix("kw_") {
                Some(kw) => format!("`{kw}`"),
                None => name.replace('_', " "),
            };
        }
    };
    s.to_string()
}

fn convert_error(
    err: &pest::error::Error<Rule>,
    chunk_text: &str,
    base: usize,
    item_span: Span,
) -> SyntaxError {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let found_len = chunk_text[pos..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(chunk_text.len() - pos, |(i, _)| i);
    let found_len = if found_len == 0 {
        chunk_text[pos..].chars().next().map_or(0, char::len_utf8)
    } else {
        found_len
    };
    let found = &chunk_text[pos..pos + found_len];
    let mut expected: Vec<String> = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(describe).collect()
        }
        pest::error::ErrorVariant::CustomError { message } => vec![message.clone()],
    };
    expected.sort();
    expected.dedup();
    let rest_of_line = chunk_text[pos..].split('\n').next().unwrap_or("");
    let unterminated = found.starts_with('"') && !rest_of_line[1..].contains('"');
    // `240 h`: digits, blanks, then a unit where the parser stopped.
    let before = chunk_text[..pos].trim_end_matches([' ', '\t']);
    let digits = &before[before
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1)..];
    let spaced_unit = before.len() < pos
        && !digits.is_empty()
        && ["min", "h", "d", "w", "mo", "y"].contains(&found);
    if spaced_unit {
        let start = pos - (chunk_text[..pos].len() - before.len()) - digits.len();
        return SyntaxError {
            kind: SyntaxErrorKind::SpacedUnit,
            message: format!("`{digits} {found}`: a number and its unit are written together"),
            span: Span::new(base + start, base + pos + found_len),
            item_span,
            expected: vec![format!("`{digits}{found}`")],
        };
    }
    let (kind, message, found_len) = if unterminated {
        let len = rest_of_line.trim_end().len();
        (
            SyntaxErrorKind::UnterminatedString,
            "this string is not closed".to_string(),
            len,
        )
    } else if found.is_empty() {
        (
            SyntaxErrorKind::Unexpected,
            "unexpected end of item".to_string(),
            found_len,
        )
    } else {
        (
            SyntaxErrorKind::Unexpected,
            format!("unexpected `{found}`"),
            found_len,
        )
    };
    SyntaxError {
        kind,
        message,
        span: Span::new(base + pos, base + pos + found_len),
        item_span,
        expected,
    }
}

/// Builds syntax nodes from pest pairs, shifting spans by the chunk's offset.
struct Builder {
    base: usize,
    depth_error: Option<Span>,
    long_string: Option<Span>,
}

type P<'a> = Pair<'a, Rule>;

impl Builder {
    fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        let len = content_len(p.as_str());
        Span::new(self.base + s.start(), self.base + s.start() + len)
    }

    fn ident(&self, p: P<'_>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn number(&self, p: P<'_>) -> Number {
        Number {
            text: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn item(&mut self, p: P<'_>) -> ItemKind {
        match p.as_rule() {
            Rule::source_decl => self.source(p),
            Rule::enum_decl => {
                let mut it = p.into_inner().skip(1);
                let name = it.next().map(|p| self.ident(p));
                let variants = it.map(|p| self.ident(p)).collect();
                match name {
                    Some(name) => ItemKind::Enum(EnumDecl { name, variants }),
                    None => ItemKind::Error,
                }
            }
            Rule::entity_decl => {
                let mut name = None;
                let mut parent = None;
                let mut fields = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident => name = Some(self.ident(c)),
                        Rule::parent_type => {
                            parent = c.into_inner().nth(1).map(|t| self.type_ref(t));
                        }
                        Rule::field_decls => fields = self.field_decls(c),
                        _ => {}
                    }
                }
                match name {
                    Some(name) => ItemKind::Entity(EntityDecl {
                        name,
                        parent,
                        fields,
                    }),
                    None => ItemKind::Error,
                }
            }
            Rule::record_decl => {
                let mut name = None;
                let mut fields = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident => name = Some(self.ident(c)),
                        Rule::field_decls => fields = self.field_decls(c),
                        _ => {}
                    }
                }
                match name {
                    Some(name) => ItemKind::Record(RecordDecl { name, fields }),
                    None => ItemKind::Error,
                }
            }
            Rule::catalogue_decl => {
                let mut ty = None;
                let mut entries = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::ident => ty = Some(self.ident(c)),
                        Rule::catalogue_entry => entries.push(self.catalogue_entry(c)),
                        _ => {}
                    }
                }
                match ty {
                    Some(ty) => ItemKind::Catalogue(CatalogueDecl { ty, entries }),
                    None => ItemKind::Error,
                }
            }
            Rule::set_decl => self.set(p),
            Rule::amend_decl => self.amend(p),
            Rule::decision_decl => self.decision(p),
            Rule::rule_decl => self.rule(p),
            Rule::condition_decl => self.condition(p),
            Rule::test_decl => self.test(p),
            _ => ItemKind::Error,
        }
    }

    fn source(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut fields = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::field_init => fields.push(self.field_init(c)),
                _ => {}
            }
        }
        match name {
            Some(name) => ItemKind::Source(SourceDecl { name, fields }),
            None => ItemKind::Error,
        }
    }

    fn field_decls(&mut self, p: P<'_>) -> Vec<FieldDecl> {
        p.into_inner()
            .filter(|c| c.as_rule() == Rule::field_decl)
            .filter_map(|c| {
                let mut it = c.into_inner();
                let name = self.ident(it.next()?);
                let ty = self.type_ref(it.next()?);
                Some(FieldDecl { name, ty })
            })
            .collect()
    }

    fn type_ref(&mut self, p: P<'_>) -> TypeRef {
        let span = self.span(&p);
        let mut name = Ident {
            name: String::new(),
            span,
        };
        let mut arg = None;
        let mut optional = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = self.ident(c),
                Rule::type_expr => arg = Some(Box::new(self.type_ref(c))),
                Rule::optional_mark => optional = true,
                _ => {}
            }
        }
        TypeRef {
            name,
            arg,
            optional,
            span,
        }
    }

    fn catalogue_entry(&mut self, p: P<'_>) -> CatalogueEntry {
        let span = self.span(&p);
        let mut name = None;
        let mut parent = None;
        let mut fields = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident if name.is_none() => name = Some(self.ident(c)),
                Rule::ident => parent = Some(self.ident(c)),
                Rule::record_lit => {
                    fields = c.into_inner().map(|f| self.field_init(f)).collect();
                }
                _ => {}
            }
        }
        CatalogueEntry {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span,
            }),
            parent,
            fields,
            span,
        }
    }

    fn field_init(&mut self, p: P<'_>) -> FieldInit {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = it.next().map_or(
            Ident {
                name: String::new(),
                span,
            },
            |n| self.ident(n),
        );
        let value = match it.next() {
            Some(v) => self.expr(v),
            None => Expr {
                kind: ExprKind::Record(Vec::new()),
                span,
            },
        };
        FieldInit { name, value }
    }

    fn citation(&mut self, p: P<'_>) -> Citation {
        let span = self.span(&p);
        let mut source = Ident {
            name: String::new(),
            span,
        };
        let mut item = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => source = self.ident(c),
                Rule::int => item = Some(self.number(c)),
                _ => {}
            }
        }
        Citation { source, item, span }
    }

    /// The expression inside a `from`/`until`/`when`/... clause.
    fn clause_expr(&mut self, p: P<'_>) -> Option<Expr> {
        p.into_inner()
            .find(|c| c.as_rule() == Rule::expr)
            .map(|e| self.expr(e))
    }

    /// The `partial` of an `announced N partial` clause.
    fn partial_mark(&mut self, p: &P<'_>) -> Option<Span> {
        p.clone()
            .into_inner()
            .find(|c| c.as_rule() == Rule::kw_partial)
            .map(|c| self.span(&c))
    }

    fn clause_number(&mut self, p: P<'_>) -> Option<Number> {
        p.into_inner()
            .find(|c| c.as_rule() == Rule::int)
            .map(|n| self.number(n))
    }

    fn members(&mut self, p: P<'_>) -> Vec<Ident> {
        p.into_inner()
            .filter(|c| c.as_rule() == Rule::ident)
            .map(|c| self.ident(c))
            .collect()
    }

    fn set(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut ty = None;
        let mut from = None;
        let mut until = None;
        let mut announced = None;
        let mut partial = None;
        let mut cite = None;
        let mut members = Vec::new();
        let mut formula = None;
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => ty = Some(self.type_ref(c)),
                Rule::from_clause => set_once(&mut from, self.clause_expr(c), span, &mut repeated),
                Rule::until_clause => {
                    set_once(&mut until, self.clause_expr(c), span, &mut repeated)
                }
                Rule::announced_clause => {
                    partial = self.partial_mark(&c);
                    set_once(&mut announced, self.clause_number(c), span, &mut repeated);
                }
                Rule::cite_clause => {
                    set_once(&mut cite, Some(self.citation(c)), span, &mut repeated)
                }
                Rule::member_block => {
                    if let Some(list) = c.into_inner().next() {
                        members = self.members(list);
                    }
                }
                Rule::set_formula => {
                    formula = c.into_inner().next().map(|e| self.set_expr(e));
                }
                _ => {}
            }
        }
        match (name, ty) {
            (Some(name), Some(ty)) => ItemKind::Set(SetDecl {
                name,
                ty,
                from,
                until,
                announced,
                partial,
                cite,
                members,
                formula,
                repeated,
            }),
            _ => ItemKind::Error,
        }
    }

    /// `a union (b except c)`: operands left to right.
    fn set_expr(&mut self, p: P<'_>) -> SetExpr {
        let span = self.span(&p);
        let mut parts = p.into_inner();
        let term = |b: &mut Self, t: P<'_>| -> SetExpr {
            let span = b.span(&t);
            match t.as_rule() {
                Rule::set_paren => {
                    let inner = t.into_inner().next();
                    let e = inner.map_or_else(
                        || SetExpr {
                            kind: SetExprKind::Set(Ident {
                                name: String::new(),
                                span,
                            }),
                            span,
                        },
                        |i| b.set_expr(i),
                    );
                    SetExpr {
                        kind: SetExprKind::Paren(Box::new(e)),
                        span,
                    }
                }
                _ => SetExpr {
                    kind: SetExprKind::Set(b.ident(t)),
                    span,
                },
            }
        };
        let Some(first) = parts.next() else {
            return SetExpr {
                kind: SetExprKind::Set(Ident {
                    name: String::new(),
                    span,
                }),
                span,
            };
        };
        let mut acc = term(self, first);
        while let (Some(op), Some(t)) = (parts.next(), parts.next()) {
            let op = match op.into_inner().next().map(|k| k.as_rule()) {
                Some(Rule::kw_intersect) => SetOp::Intersect,
                Some(Rule::kw_except) => SetOp::Except,
                _ => SetOp::Union,
            };
            let rhs = term(self, t);
            let span = Span::new(acc.span.start as usize, rhs.span.end as usize);
            acc = SetExpr {
                kind: SetExprKind::Op(op, Box::new(acc), Box::new(rhs)),
                span,
            };
        }
        acc
    }

    fn amend(&mut self, p: P<'_>) -> ItemKind {
        let mut set = None;
        let mut from = None;
        let mut announced = None;
        let mut partial = None;
        let mut cite = None;
        let mut ops = Vec::new();
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => set = Some(self.ident(c)),
                Rule::from_clause => set_once(&mut from, self.clause_expr(c), span, &mut repeated),
                Rule::announced_clause => {
                    partial = self.partial_mark(&c);
                    set_once(&mut announced, self.clause_number(c), span, &mut repeated);
                }
                Rule::cite_clause => {
                    set_once(&mut cite, Some(self.citation(c)), span, &mut repeated)
                }
                Rule::amend_op => {
                    let mut it = c.into_inner();
                    let action = match it.next().map(|k| k.as_rule()) {
                        Some(Rule::kw_remove) => AmendAction::Remove,
                        Some(Rule::kw_move) => AmendAction::Move,
                        _ => AmendAction::Add,
                    };
                    let members = it.next().map(|l| self.members(l)).unwrap_or_default();
                    let into = it
                        .find(|p| p.as_rule() == Rule::ident)
                        .map(|p| self.ident(p));
                    ops.push(AmendOp {
                        action,
                        members,
                        into,
                        span,
                    });
                }
                _ => {}
            }
        }
        match set {
            Some(set) => ItemKind::Amend(AmendDecl {
                set,
                from,
                announced,
                partial,
                cite,
                ops,
                repeated,
            }),
            None => ItemKind::Error,
        }
    }

    fn decision(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut params = Vec::new();
        let mut output = None;
        let mut as_of = None;
        let mut hit = None;
        let mut otherwise = None;
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::param => {
                    let mut it = c.into_inner();
                    if let (Some(n), Some(t)) = (it.next(), it.next()) {
                        let name = self.ident(n);
                        let ty = self.type_ref(t);
                        params.push(Param { name, ty });
                    }
                }
                Rule::type_expr => output = Some(self.type_ref(c)),
                Rule::decision_body => {
                    for clause in c.into_inner() {
                        let span = self.span(&clause);
                        match clause.as_rule() {
                            Rule::as_of_clause => {
                                let e = self.clause_expr(clause);
                                set_once(&mut as_of, e, span, &mut repeated);
                            }
                            Rule::hit_clause => {
                                let h = clause.into_inner().nth(1).map(|h| {
                                    let policy = match h.as_str() {
                                        "first" => HitPolicy::First,
                                        "priority" => HitPolicy::Priority,
                                        "collect" => HitPolicy::Collect,
                                        _ => HitPolicy::Unique,
                                    };
                                    (policy, self.span(&h))
                                });
                                set_once(&mut hit, h, span, &mut repeated);
                            }
                            Rule::otherwise_clause => {
                                let e = self.clause_expr(clause);
                                set_once(&mut otherwise, e, span, &mut repeated);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        match (name, output) {
            (Some(name), Some(output)) => ItemKind::Decision(DecisionDecl {
                name,
                params,
                output,
                as_of,
                hit,
                otherwise,
                repeated,
            }),
            _ => ItemKind::Error,
        }
    }

    fn rule(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut r = RuleDecl {
            name: Ident {
                name: String::new(),
                span: Span::default(),
            },
            decision: Ident {
                name: String::new(),
                span: Span::default(),
            },
            from: None,
            until: None,
            cite: None,
            priority: None,
            when: None,
            then: None,
            repeated: Vec::new(),
        };
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::from_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.from, e, span, &mut r.repeated);
                }
                Rule::until_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.until, e, span, &mut r.repeated);
                }
                Rule::cite_clause => {
                    let e = Some(self.citation(c));
                    set_once(&mut r.cite, e, span, &mut r.repeated);
                }
                Rule::priority_clause => {
                    let e = self.clause_number(c);
                    set_once(&mut r.priority, e, span, &mut r.repeated);
                }
                Rule::when_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.when, e, span, &mut r.repeated);
                }
                Rule::then_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.then, e, span, &mut r.repeated);
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => {
                r.name = name;
                r.decision = decision;
                ItemKind::Rule(r)
            }
            _ => ItemKind::Error,
        }
    }

    fn condition(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut when = None;
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::when_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut when, e, span, &mut repeated);
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => ItemKind::Condition(ConditionDecl {
                name,
                decision,
                when,
                repeated,
            }),
            _ => ItemKind::Error,
        }
    }

    fn test(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut givens = Vec::new();
        let mut expects = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::given_clause => {
                    let mut param = None;
                    let mut value = None;
                    for g in c.into_inner() {
                        match g.as_rule() {
                            Rule::ident => param = Some(self.ident(g)),
                            Rule::expr => value = Some(self.expr(g)),
                            _ => {}
                        }
                    }
                    if let (Some(param), Some(value)) = (param, value) {
                        givens.push(Given { param, value, span });
                    }
                }
                Rule::expect_clause => {
                    for e in c.into_inner() {
                        match e.as_rule() {
                            Rule::expect_rule => {
                                if let Some(n) = e.into_inner().nth(1) {
                                    expects.push(Expect::Rule(self.ident(n)));
                                }
                            }
                            Rule::expect_otherwise => {
                                let s = self.span(&e);
                                expects.push(Expect::Otherwise(s));
                            }
                            Rule::expr => {
                                let x = self.expr(e);
                                expects.push(Expect::Outcome(x));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => ItemKind::Test(TestDecl {
                name,
                decision,
                givens,
                expects,
            }),
            _ => ItemKind::Error,
        }
    }

    // ---- expressions ----------------------------------------------------------------------

    fn expr(&mut self, p: P<'_>) -> Expr {
        let (e, _) = self.expr_d(p);
        e
    }

    /// Builds an expression and returns its depth, recording an error past the limit.
    fn expr_d(&mut self, p: P<'_>) -> (Expr, usize) {
        let span = self.span(&p);
        let rule = p.as_rule();
        match rule {
            Rule::expr | Rule::paren if rule == Rule::expr => match p.into_inner().next() {
                Some(inner) => self.expr_d(inner),
                None => (error_expr(span), 1),
            },
            Rule::paren => match p.into_inner().next() {
                Some(inner) => {
                    let (e, d) = self.expr_d(inner);
                    self.check_depth(d + 1, span);
                    (
                        Expr {
                            kind: ExprKind::Paren(Box::new(e)),
                            span,
                        },
                        d + 1,
                    )
                }
                None => (error_expr(span), 1),
            },
            Rule::or_expr | Rule::and_expr | Rule::add_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (mut acc, mut depth) = self.expr_d(first);
                while let Some(op) = it.next() {
                    let op = match op.as_rule() {
                        Rule::kw_or => BinOp::Or,
                        Rule::kw_and => BinOp::And,
                        _ if op.as_str() == "+" => BinOp::Add,
                        _ => BinOp::Sub,
                    };
                    let Some(rhs) = it.next() else { break };
                    let (rhs, d) = self.expr_d(rhs);
                    depth = depth.max(d) + 1;
                    let s = acc.span.cover(rhs.span);
                    self.check_depth(depth, s);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                (acc, depth)
            }
            Rule::not_expr => {
                let mut it = p.into_inner();
                match (it.next(), it.next()) {
                    (Some(_kw), Some(inner)) => {
                        let (e, d) = self.expr_d(inner);
                        self.check_depth(d + 1, span);
                        (
                            Expr {
                                kind: ExprKind::Not(Box::new(e)),
                                span,
                            },
                            d + 1,
                        )
                    }
                    (Some(inner), None) => self.expr_d(inner),
                    _ => (error_expr(span), 1),
                }
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (lhs, d1) = self.expr_d(first);
                match (it.next(), it.next()) {
                    (Some(op), Some(rhs)) => {
                        let op = match op.as_str() {
                            "==" => BinOp::Eq,
                            "!=" => BinOp::Ne,
                            "<=" => BinOp::Le,
                            ">=" => BinOp::Ge,
                            "<" => BinOp::Lt,
                            ">" => BinOp::Gt,
                            "in" => BinOp::In,
                            _ => BinOp::NotIn,
                        };
                        let (rhs, d2) = self.expr_d(rhs);
                        let d = d1.max(d2) + 1;
                        self.check_depth(d, span);
                        (
                            Expr {
                                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                                span,
                            },
                            d,
                        )
                    }
                    _ => (lhs, d1),
                }
            }
            Rule::range_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (lo, d1) = self.expr_d(first);
                match it.next() {
                    Some(hi) => {
                        let (hi, d2) = self.expr_d(hi);
                        let d = d1.max(d2) + 1;
                        (
                            Expr {
                                kind: ExprKind::Range(Box::new(lo), Box::new(hi)),
                                span,
                            },
                            d,
                        )
                    }
                    None => (lo, d1),
                }
            }
            Rule::postfix => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (mut acc, mut depth) = self.expr_d(first);
                for field in it {
                    let f = self.ident(field);
                    let s = acc.span.cover(f.span);
                    depth += 1;
                    self.check_depth(depth, s);
                    acc = Expr {
                        kind: ExprKind::Field(Box::new(acc), f),
                        span: s,
                    };
                }
                (acc, depth)
            }
            Rule::record_lit => {
                let mut depth = 1;
                let mut fields = Vec::new();
                for f in p.into_inner() {
                    let fspan = self.span(&f);
                    let mut it = f.into_inner();
                    let name = it.next().map_or(
                        Ident {
                            name: String::new(),
                            span: fspan,
                        },
                        |n| self.ident(n),
                    );
                    let (value, d) = match it.next() {
                        Some(v) => self.expr_d(v),
                        None => (error_expr(fspan), 1),
                    };
                    depth = depth.max(d + 1);
                    fields.push(FieldInit { name, value });
                }
                self.check_depth(depth, span);
                (
                    Expr {
                        kind: ExprKind::Record(fields),
                        span,
                    },
                    depth,
                )
            }
            Rule::ident => (
                Expr {
                    kind: ExprKind::Name(self.ident(p)),
                    span,
                },
                1,
            ),
            Rule::int => (
                Expr {
                    kind: ExprKind::Int(p.as_str().to_string()),
                    span,
                },
                1,
            ),
            Rule::string => {
                let raw = p.into_inner().next().map(|b| b.as_str()).unwrap_or("");
                if raw.len() > MAX_STRING_BYTES && self.long_string.is_none() {
                    self.long_string = Some(span);
                }
                (
                    Expr {
                        kind: ExprKind::Text(unescape(raw)),
                        span,
                    },
                    1,
                )
            }
            Rule::bool => {
                let v = p.as_str().starts_with("true");
                (
                    Expr {
                        kind: ExprKind::Bool(v),
                        span,
                    },
                    1,
                )
            }
            Rule::date => (
                Expr {
                    kind: ExprKind::Date(p.as_str().to_string()),
                    span,
                },
                1,
            ),
            Rule::datetime => (
                Expr {
                    kind: ExprKind::DateTime(p.as_str().to_string()),
                    span,
                },
                1,
            ),
            Rule::duration => {
                let text = p.as_str();
                let split = text
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len());
                let unit = match &text[split..] {
                    "min" => DurationUnit::Minutes,
                    "h" => DurationUnit::Hours,
                    "d" => DurationUnit::Days,
                    "w" => DurationUnit::Weeks,
                    "mo" => DurationUnit::Months,
                    _ => DurationUnit::Years,
                };
                (
                    Expr {
                        kind: ExprKind::Duration(text[..split].to_string(), unit),
                        span,
                    },
                    1,
                )
            }
            _ => (error_expr(span), 1),
        }
    }

    fn check_depth(&mut self, depth: usize, span: Span) {
        if depth > MAX_EXPR_DEPTH && self.depth_error.is_none() {
            self.depth_error = Some(span);
        }
    }
}

/// The length of `text` without the whitespace and comments pest may leave at its end.
fn content_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[line_start..end];
        let Some(comment) = comment_start(line) else {
            return end;
        };
        end = text[..line_start + comment].trim_end().len();
    }
}

/// Where a `//` comment starts in a line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn error_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Record(Vec::new()),
        span,
    }
}

fn set_once<T>(slot: &mut Option<T>, value: Option<T>, span: Span, repeated: &mut Vec<Span>) {
    if slot.is_some() {
        repeated.push(span);
    } else {
        *slot = value;
    }
}

/// Resolves the escapes of a string body; the grammar guarantees they are well formed.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(ch.unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}
