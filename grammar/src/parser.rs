//! Turns text into a [`ParsedFile`]: chunking, pest parsing of each item, tree building.

use pest::iterators::Pair;
use pest::Parser as _;

use std::collections::HashMap;

use crate::chunk;
use crate::limits::{MAX_EXPR_DEPTH, MAX_FILE_BYTES, MAX_ITEMS, MAX_NESTING, MAX_STRING_BYTES};
use crate::shift::Shift;
use crate::syntax::*;

mod decisions;
mod declarations;
mod exprs;
mod sets;
mod values;

#[derive(pest_derive::Parser)]
#[grammar = "edict.pest"]
struct EdictParser;

/// Parses a whole file. Never fails: errors are recorded in [`ParsedFile::errors`] and the
/// items that failed become [`ItemKind::Error`], so every intact item is still there.
pub fn parse(text: &str) -> ParsedFile {
    parse_reusing(text, None)
}

/// Parses a whole file as [`parse`] does, taking from `previous` (an earlier text of the file
/// and its parse) every item whose text is unchanged, moved to where it now stands, instead of
/// parsing it again: after an edit, only the items it touched are parsed. The result is the
/// one [`parse`] gives (a property test holds the two equal over random edits).
pub fn parse_reusing(text: &str, previous: Option<(&str, &ParsedFile)>) -> ParsedFile {
    let reusable = previous.map(|(old_text, old)| Reusable::new(old_text, old));
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
        if let Some((old_base, old)) = reusable.as_ref().and_then(|r| r.items.get(chunk_text)) {
            let delta = base as i64 - i64::from(*old_base);
            let (mut kind, mut span) = (old.kind.clone(), old.span);
            kind.shift(delta);
            span.shift(delta);
            file.items.push(Item { kind, span, doc });
            continue;
        }
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

/// The items of an earlier parse that a re-parse may take as they are: by the text of their
/// chunk, with where that chunk started. Only a chunk that gave exactly one item, parsed
/// without error and with no syntax error of its own, is taken (an item's tree depends on its
/// chunk's text alone, and on where it starts only by that offset); its doc comment, which
/// comes from the text before it, is read again.
struct Reusable<'a> {
    items: HashMap<&'a str, (u32, &'a Item)>,
}

impl<'a> Reusable<'a> {
    fn new(old_text: &'a str, old: &'a ParsedFile) -> Reusable<'a> {
        let mut items = HashMap::new();
        if old_text.len() > MAX_FILE_BYTES {
            return Reusable { items };
        }
        let chunks = chunk::split(old_text, MAX_NESTING).chunks;
        // The chunks a syntax error overlaps, each found by a binary search over the chunks
        // (in file order, not overlapping): a file of many broken items costs no more than
        // its errors.
        let mut erred = vec![false; chunks.len()];
        for e in &old.errors {
            for span in [e.span, e.item_span] {
                let mut i = chunks.partition_point(|c| c.span.end <= span.start);
                while chunks.get(i).is_some_and(|c| c.span.start < span.end) {
                    erred[i] |= overlaps(chunks[i].span, span);
                    i += 1;
                }
            }
        }
        let within =
            |inner: Span, outer: Span| inner.start >= outer.start && inner.end <= outer.end;
        let mut next = 0;
        for (c, erred) in chunks.iter().zip(erred) {
            if erred || !c.starts_item || c.too_deep_at.is_some() {
                continue;
            }
            // The items are in the order of their chunks.
            while old
                .items
                .get(next)
                .is_some_and(|i| i.span.end <= c.span.start)
            {
                next += 1;
            }
            let mut inside = old.items[next..]
                .iter()
                .take_while(|i| within(i.span, c.span));
            let (Some(item), None) = (inside.next(), inside.next()) else {
                continue;
            };
            if matches!(item.kind, ItemKind::Error) {
                continue;
            }
            let Some(chunk_text) = old_text.get(c.span.range()) else {
                continue;
            };
            items.entry(chunk_text).or_insert((c.span.start, item));
        }
        Reusable { items }
    }
}

/// Do two spans share a byte (an empty span: does it stand strictly inside the other)?
fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
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
        R::ended_by => "`by`",
        R::given_base => "`given`",
        R::covers_clause => "`covers`",
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
        R::zone_clause => "`zone`",
        R::kw_zone => "`zone`",
        R::hit_clause => "`hit`",
        R::otherwise_clause => "`otherwise`",
        R::given_clause => "`given`",
        R::expect_clause => "`expect`",
        R::parent_type => "`in`",
        R::catalogue_entry => "an entry name",
        R::optional_mark => "`?`",
        R::bool => "`true` or `false`",
        R::index => "`[`",
        R::identified_clause => "`identified by`",
        R::list_lit => "a list such as `[a, b]`",
        R::value_entry => "a value such as `144h from 2016-01-30`",
        R::relation_entry => "an entry such as `hengqin: 144h from 2025-11-05`",
        R::cases_clause => "`cases`",
        R::case_column => "an input such as `t.arrival`",
        R::case_row => "a case such as `2025-11-04T10:00 => otherwise`",
        R::case_expect => "an outcome, `rule r` or `otherwise`",
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
    // An expression left unfinished at the end of a line (`and t.arrival_port in ` typed, the
    // next line not yet): the error is where the author stopped, not on the next line.
    if let Some(err) = unfinished_line(chunk_text, pos, base, item_span, &expected) {
        return err;
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

/// The operators and openers after which an expression needs more on the same line.
const OPEN_AT_LINE_END: &[&str] = &[
    "==", "!=", "<=", ">=", "<", ">", "+", "-", "..", ".", "[", "(", ",", "in", "and", "or", "not",
];

/// When the parser stopped at the start of a line and the line before ends with an operator
/// that needs an operand (`in`, `==`, `and`, `.`, `[`, ...), the error at that operator.
fn unfinished_line(
    chunk_text: &str,
    pos: usize,
    base: usize,
    item_span: Span,
    expected: &[String],
) -> Option<SyntaxError> {
    let before = chunk_text[..pos].trim_end_matches([' ', '\t']);
    if !before.ends_with('\n') {
        return None;
    }
    // Only where the next line starts as a well-formed line would (a clause or a bracket
    // closing): a mistake of its own there is reported where it is.
    const NEXT: &[&str] = &[
        "and",
        "or",
        "then",
        "when",
        "cite",
        "from",
        "until",
        "otherwise",
        "expect",
        "given",
        "priority",
        "}",
        ")",
        "]",
    ];
    let next = &chunk_text[pos..];
    let starts_clause = NEXT.iter().any(|k| {
        next.starts_with(k)
            && (!k.starts_with(|c: char| c.is_ascii_alphabetic())
                || !next[k.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    });
    if !starts_clause {
        return None;
    }
    let line = before.trim_end();
    let op = OPEN_AT_LINE_END.iter().find(|op| {
        line.ends_with(*op)
            && (!op.starts_with(|c: char| c.is_ascii_alphabetic())
                || !line[..line.len() - op.len()]
                    .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    })?;
    // `..` before `.`, `<=` before `<`: the longest operator that ends the line.
    let op = OPEN_AT_LINE_END
        .iter()
        .filter(|o| line.ends_with(*o) && o.len() > op.len())
        .max_by_key(|o| o.len())
        .unwrap_or(op);
    let start = line.len() - op.len();
    let what = if expected.is_empty() {
        "more".to_string()
    } else {
        expected.join(", ")
    };
    Some(SyntaxError {
        kind: SyntaxErrorKind::Unexpected,
        message: format!("unfinished: `{op}` at the end of this line needs {what} after it"),
        span: Span::new(base + start, base + line.len()),
        item_span,
        expected: expected.to_vec(),
    })
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
            Rule::labels_decl => self.labels(p),
            Rule::enum_decl => self.enum_decl(p),
            Rule::entity_decl => self.entity(p),
            Rule::record_decl => self.record(p),
            Rule::catalogue_decl => self.catalogue(p),
            Rule::set_decl => self.set(p),
            Rule::amend_decl => self.amend(p),
            Rule::decision_decl => self.decision(p),
            Rule::rule_decl => self.rule(p),
            Rule::condition_decl => self.condition(p),
            Rule::test_decl => self.test(p),
            Rule::request_decl => self.request(p),
            Rule::value_decl | Rule::relation_decl => self.value(p),
            _ => ItemKind::Error,
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
