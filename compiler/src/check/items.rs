//! Checks of each kind of item: declarations, catalogues, sets, amendments, decisions, rules
//! and tests; and the facts of the checked model.

use edict_grammar::{Citation, EntityDecl, Expr, ExprKind, Item, ItemKind, Number, Span};
use jiff::civil::Date;

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::time::parse_date;
use crate::types::Ty;

fn source_fields() -> Vec<(&'static str, Ty, bool)> {
    vec![
        ("title", Ty::Text, true),
        ("title_zh", Ty::Text, false),
        ("published", Ty::Date, false),
        ("effective", Ty::Date, false),
        ("items", Ty::Int, false),
        ("url", Ty::Text, false),
    ]
}

/// The fields that give each item's words, in English and in Chinese: a list of texts, item 1
/// first.
const ITEM_TEXTS: [&str; 2] = ["item_texts", "item_texts_zh"];

impl Checker<'_> {
    pub(crate) fn item(&mut self, ix: usize, item: &Item) {
        self.duplicates(ix, item);
        match &item.kind {
            ItemKind::Source(s) => {
                let declared = source_fields();
                let scope = Scope::default();
                let mut seen = Vec::new();
                let items = s.fields.iter().find(|f| f.name.name == "items");
                for f in &s.fields {
                    if f.name.name == "kind" {
                        self.source_kind(&f.value);
                        seen.push("kind");
                        continue;
                    }
                    if ITEM_TEXTS.contains(&f.name.name.as_str()) {
                        self.item_texts(f, items);
                        seen.push(f.name.name.as_str());
                        continue;
                    }
                    match declared.iter().find(|(n, _, _)| *n == f.name.name) {
                        Some((_, ty, _)) => {
                            let place = format!("field `{}`", f.name.name);
                            self.check_against(&f.value, &scope, ty, &place);
                            seen.push(f.name.name.as_str());
                        }
                        None => {
                            let mut names: Vec<&str> =
                                declared.iter().map(|(n, _, _)| *n).collect();
                            names.push("kind");
                            names.extend(ITEM_TEXTS);
                            self.unknown_field(&f.name, "field of a source", names);
                        }
                    }
                }
                let missing: Vec<String> = declared
                    .iter()
                    .filter(|(n, _, required)| *required && !seen.contains(n))
                    .map(|(n, t, _)| format!("`{n}: {t}`"))
                    .collect();
                if !missing.is_empty() {
                    let d = self
                        .diag(
                            Code::E0105,
                            s.name.span,
                            format!("source `{}` is missing {}", s.name.name, missing.join(", ")),
                        )
                        .label("declared here")
                        .help("a source needs at least a `title`; give `published` when the day it was published is known");
                    self.emit(d);
                }
                let mut facts = Vec::new();
                for f in &s.fields {
                    facts.push(format!("{}: {}", f.name.name, literal_text(&f.value)));
                }
                self.fact("source", &s.name.name, facts);
            }
            ItemKind::Enum(e) => {
                let mut seen: Vec<&str> = Vec::new();
                for v in &e.variants {
                    if seen.contains(&v.name.as_str()) {
                        let d = self
                            .diag(
                                Code::E0102,
                                v.span,
                                format!("`{}` is listed twice in enum `{}`", v.name, e.name.name),
                            )
                            .label("listed again here");
                        self.emit(d);
                    }
                    seen.push(&v.name);
                }
                let facts = vec![format!("values: {}", seen.join(", "))];
                self.fact("enum", &e.name.name, facts);
            }
            ItemKind::Entity(e) => self.entity_type(e),
            ItemKind::Record(r) => {
                let mut facts = Vec::new();
                for f in &r.fields {
                    let t = self.resolve_type(&f.ty);
                    facts.push(format!("{}: {t}", f.name.name));
                }
                self.field_names_unique(&r.fields);
                self.record_cycle(&r.name.name, r.name.span);
                self.fact("record", &r.name.name, facts);
            }
            ItemKind::Catalogue(c) => self.catalogue(c),
            ItemKind::Set(s) => self.set(s),
            ItemKind::Amend(a) => self.amend(a),
            ItemKind::Value(v) => self.value(v),
            ItemKind::Decision(d) => self.decision(d),
            ItemKind::Rule(r) => self.rule(r),
            ItemKind::Condition(c) => self.condition(c),
            ItemKind::Test(t) => self.test(t),
            ItemKind::Request(r) => self.request(r),
            ItemKind::Labels(l) => self.labels(l),
            ItemKind::Error => {}
        }
    }

    pub(crate) fn duplicates(&mut self, ix: usize, item: &Item) {
        let mut names = Vec::new();
        match &item.kind {
            ItemKind::Catalogue(c) => names.extend(c.entries.iter().map(|e| &e.name)),
            _ => names.extend(item.name()),
        }
        for ident in names {
            let Some(defs) = self.index.defs.get(&ident.name) else {
                continue;
            };
            let Some(first) = defs.first() else { continue };
            let first_is_here = first.file.path(self.db) == self.path
                && first.decl.item as usize == ix
                && match &item.kind {
                    ItemKind::Catalogue(c) => first
                        .decl
                        .entry
                        .and_then(|e| c.entries.get(e as usize))
                        .is_some_and(|e| e.name.span == ident.span),
                    _ => true,
                };
            if defs.len() < 2 || first_is_here {
                continue;
            }
            let (file, span) = self.def_location(first);
            let noun = first.decl.kind.with_article();
            let d = self
                .diag(
                    Code::E0102,
                    ident.span,
                    format!("`{}` is defined more than once", ident.name),
                )
                .label("defined again here")
                .related(&file, span, format!("first defined here, as {noun}"))
                .help("every name in a workspace must be unique; rename one of them");
            self.emit(d);
        }
    }

    pub(crate) fn entity_type(&mut self, e: &EntityDecl) {
        let mut facts = Vec::new();
        if let Some(p) = &e.parent {
            let pt = self.resolve_type(p);
            match pt.strip_optional() {
                Ty::Entity(parent) => {
                    let optional = if p.optional { " (optional)" } else { "" };
                    facts.push(format!("in: {parent}{optional}"));
                    if self.index.type_within(parent, &e.name.name) {
                        let chain = self.type_chain(&e.name.name);
                        let d = self
                            .diag(
                                Code::E0401,
                                p.span,
                                format!("entity type `{}` is inside itself", e.name.name),
                            )
                            .label(format!("the hierarchy goes round: {chain}"))
                            .help("a hierarchy must end at a type with no `in`");
                        self.emit(d);
                    }
                }
                Ty::Error => {}
                other => {
                    let d = self
                        .diag(
                            Code::E0208,
                            p.span,
                            format!(
                                "`{}` can only be inside an entity type, not {}",
                                e.name.name,
                                other.describe()
                            ),
                        )
                        .label("not an entity type");
                    self.emit(d);
                }
            }
        }
        for f in &e.fields {
            let t = self.resolve_type(&f.ty);
            facts.push(format!("{}: {t}", f.name.name));
        }
        self.field_names_unique(&e.fields);
        for id in &e.identified_by {
            match e.fields.iter().find(|f| f.name.name == id.name) {
                Some(f) if f.ty.name.name == "Text" && f.ty.arg.is_none() => {
                    facts.push(format!("identified by: {}", id.name));
                }
                Some(f) => {
                    let d = self
                        .diag(
                            Code::E0208,
                            id.span,
                            format!("`{}` is not text, so it cannot name entries", id.name),
                        )
                        .label(format!("declared as `{}`", edict_grammar::print::type_ref(&f.ty)))
                        .help("an attribute that identifies entries is `Text` or `Text?`, such as a code");
                    self.emit(d);
                }
                None => {
                    let names: Vec<&str> = e.fields.iter().map(|f| f.name.name.as_str()).collect();
                    let what = format!("attribute of `{}`", e.name.name);
                    self.unknown_field(id, &what, names);
                }
            }
        }
        self.fact("entity", &e.name.name, facts);
    }

    pub(crate) fn type_chain(&self, start: &str) -> String {
        let mut chain = vec![start.to_string()];
        let mut current = start.to_string();
        while let Some(p) = self.index.parent_type(&current) {
            chain.push(p.to_string());
            if p == start || chain.len() > 16 {
                break;
            }
            current = p.to_string();
        }
        chain.join(" in ")
    }

    pub(crate) fn field_names_unique(&mut self, fields: &[edict_grammar::FieldDecl]) {
        for (i, f) in fields.iter().enumerate() {
            if fields[..i].iter().any(|g| g.name.name == f.name.name) {
                let d = self
                    .diag(
                        Code::E0102,
                        f.name.span,
                        format!("field `{}` is declared twice", f.name.name),
                    )
                    .label("declared again here");
                self.emit(d);
            }
        }
    }

    /// A record that contains itself (through non-optional fields) has no finite value.
    pub(crate) fn record_cycle(&mut self, name: &str, span: Span) {
        let mut stack = vec![(name.to_string(), vec![name.to_string()])];
        let mut visited = std::collections::BTreeSet::new();
        while let Some((current, path)) = stack.pop() {
            for (_, t) in self.fields_of(&current).unwrap_or_default() {
                if let Ty::Record(r) = &t {
                    if r == name {
                        let chain = format!("{} → {name}", path.join(" → "));
                        let d = self
                            .diag(
                                Code::E0401,
                                span,
                                format!("record `{name}` contains itself"),
                            )
                            .label(chain)
                            .help("make one of the fields optional with `?`, or break the cycle");
                        self.emit(d);
                        return;
                    }
                    if visited.insert(r.clone()) {
                        let mut p = path.clone();
                        p.push(r.clone());
                        stack.push((r.clone(), p));
                    }
                }
            }
        }
    }

    pub(crate) fn catalogue(&mut self, c: &edict_grammar::CatalogueDecl) {
        let (ty_name, parent_ty, parent_optional, identified_by) = match self.index.kind(&c.ty.name)
        {
            Some(DeclKind::EntityType {
                parent,
                identified_by,
                ..
            }) => (
                c.ty.name.clone(),
                parent.as_ref().map(|p| p.name.clone()),
                parent.as_ref().is_some_and(|p| p.optional),
                identified_by.clone(),
            ),
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(
                        Code::E0104,
                        c.ty.span,
                        format!("`{}` is {noun}, not an entity type", c.ty.name),
                    )
                    .label("catalogues list entries of an entity type")
                    .help("declare the type with `entity`");
                self.emit(d);
                return;
            }
            None => {
                let names = self.names_where(|k| matches!(k, DeclKind::EntityType { .. }));
                self.unknown(&c.ty, "entity type", names);
                return;
            }
        };
        let scope = Scope::default();
        for entry in &c.entries {
            match (&entry.parent, &parent_ty) {
                (Some(p), Some(pt)) => match self.index.kind(&p.name) {
                    Some(DeclKind::Entity { ty, .. }) if ty == pt => {
                        let ancestors = self.index.entity_ancestors(&p.name);
                        if p.name == entry.name.name || ancestors.contains(&entry.name.name) {
                            let d = self
                                .diag(
                                    Code::E0401,
                                    p.span,
                                    format!("`{}` is inside itself", entry.name.name),
                                )
                                .label("the chain of `in` comes back here");
                            self.emit(d);
                        }
                    }
                    Some(DeclKind::Entity { ty, .. }) => {
                        let d = self
                            .diag(
                                Code::E0208,
                                p.span,
                                format!(
                                    "a `{ty_name}` must be in a `{pt}`, but `{}` is a `{ty}`",
                                    p.name
                                ),
                            )
                            .label(format!("this is a `{ty}`"))
                            .help(format!(
                                "`entity {ty_name} in {pt}` says where each `{ty_name}` lies"
                            ));
                        self.emit(d);
                    }
                    _ => {
                        let pt = pt.clone();
                        let names = self
                            .names_where(|k| matches!(k, DeclKind::Entity { ty, .. } if *ty == pt));
                        let what = format!("`{pt}`");
                        self.unknown(p, &what, names);
                    }
                },
                (Some(p), None) => {
                    let d = self
                        .diag(
                            Code::E0208,
                            p.span,
                            format!("a `{ty_name}` is not inside anything"),
                        )
                        .label("remove this `in`")
                        .help(format!(
                            "declare `entity {ty_name} in T` to place each `{ty_name}` in a `T`"
                        ));
                    self.emit(d);
                }
                (None, Some(pt)) if !parent_optional => {
                    let d = self
                        .diag(
                            Code::E0105,
                            entry.name.span,
                            format!("`{}` must say which `{pt}` it is in", entry.name.name),
                        )
                        .label(format!("missing `in <{pt}>`"))
                        .help(format!("write `{} in <name of a {pt}>`", entry.name.name));
                    self.emit(d);
                }
                _ => {}
            }
            self.record_literal(&entry.fields, entry.span, &ty_name, &scope, false);
        }
        self.identifiers_unique(c, &identified_by);
        let facts = vec![format!("entries: {}", c.entries.len())];
        self.fact("catalogue", &c.ty.name, facts);
    }

    /// The values of identifying attributes name one entry each: no two alike (ignoring case),
    /// and none like the name of another entry (`E0112`).
    fn identifiers_unique(&mut self, c: &edict_grammar::CatalogueDecl, identified_by: &[String]) {
        if identified_by.is_empty() {
            return;
        }
        // lower-case text → (entry, span of the first to use it)
        let mut seen: std::collections::HashMap<String, (String, Span)> = c
            .entries
            .iter()
            .map(|e| {
                (
                    e.name.name.to_lowercase(),
                    (e.name.name.clone(), e.name.span),
                )
            })
            .collect();
        for entry in &c.entries {
            for f in entry
                .fields
                .iter()
                .filter(|f| identified_by.contains(&f.name.name))
            {
                let ExprKind::Text(text) = &f.value.kind else {
                    continue;
                };
                let key = text.to_lowercase();
                match seen.get(&key) {
                    Some((owner, _)) if *owner == entry.name.name => {}
                    Some((owner, first)) => {
                        let d = self
                            .diag(
                                Code::E0112,
                                f.value.span,
                                format!(
                                    "`{text}` would name both `{}` and `{owner}`",
                                    entry.name.name
                                ),
                            )
                            .label(format!("`{text}` names `{}` here", entry.name.name))
                            .secondary(*first, format!("and `{owner}` here"))
                            .help("a request names an entry by its name or by these attributes, ignoring case: each must name one entry only");
                        self.emit(d);
                    }
                    None => {
                        seen.insert(key, (entry.name.name.clone(), f.value.span));
                    }
                }
            }
        }
    }

    /// A `from`/`until` value: a date literal, validated.
    pub(crate) fn literal_date(&mut self, e: Option<&Expr>, what: &str) -> Option<Date> {
        let e = e?;
        match &e.kind {
            ExprKind::Date(text) => match parse_date(text) {
                Ok(d) => Some(d),
                Err(msg) => {
                    let d = self.diag(Code::E0203, e.span, msg).label("no such day");
                    self.emit(d);
                    None
                }
            },
            _ => {
                let d = self
                    .diag(
                        Code::E0208,
                        e.span,
                        format!("{what} must be a date such as `2025-11-05`"),
                    )
                    .label("not a date");
                self.emit(d);
                None
            }
        }
    }

    pub(crate) fn number(&mut self, n: &Number, what: &str) -> Option<u64> {
        match n.text.parse::<u64>() {
            Ok(v) if v <= u64::from(u32::MAX) => Some(v),
            _ => {
                let d = self
                    .diag(
                        Code::E0207,
                        n.span,
                        format!("{what} `{}` is too large", n.text),
                    )
                    .label("out of range");
                self.emit(d);
                None
            }
        }
    }

    /// A source's `kind`: one of the words of [`SourceKind`].
    fn source_kind(&mut self, e: &Expr) {
        use edict_runtime::artifact::SourceKind;
        let words: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
        match &e.kind {
            ExprKind::Name(n) if SourceKind::parse(&n.name).is_some() => {}
            ExprKind::Name(n) => self.unknown(n, "kind of source", words),
            _ => {
                let d = self
                    .diag(
                        Code::E0208,
                        e.span,
                        "a source's `kind` is one of `notice`, `report`, `translation`, `aggregator`",
                    )
                    .label("not a kind of source")
                    .help("write the word alone, as in `kind: report`");
                self.emit(d);
            }
        }
    }

    /// `item_texts: ["...", ...]`: a text per item, as many as the source's `items`.
    fn item_texts(
        &mut self,
        f: &edict_grammar::FieldInit,
        items: Option<&edict_grammar::FieldInit>,
    ) {
        let field = &f.name.name;
        let ExprKind::List(texts) = &f.value.kind else {
            let d = self
                .diag(
                    Code::E0201,
                    f.value.span,
                    format!("`{field}` is a list of texts, one per item"),
                )
                .label("not a list")
                .help(format!(
                    "write `{field}: [\"the words of item 1\", \"item 2\"]`"
                ));
            self.emit(d);
            return;
        };
        for t in texts {
            if !matches!(t.kind, ExprKind::Text(_)) {
                let d = self
                    .diag(Code::E0201, t.span, "an item's words are a text")
                    .label("not a text")
                    .help("quote the item's words as the source gives them");
                self.emit(d);
            }
        }
        let count = |k: usize| if k == 1 { "item" } else { "items" };
        let Some(items) = items else {
            let d = self
                .diag(
                    Code::E0114,
                    f.name.span,
                    format!(
                        "`{field}` gives the words of {} {}, but the source does not say how many items it has",
                        texts.len(),
                        count(texts.len())
                    ),
                )
                .label("texts of items")
                .help(format!("add `items: {}` to the source", texts.len()));
            self.emit(d);
            return;
        };
        let ExprKind::Int(n) = &items.value.kind else {
            return; // reported as the wrong type
        };
        if n.parse::<usize>().ok() != Some(texts.len()) {
            let d = self
                .diag(
                    Code::E0114,
                    f.value.span,
                    format!(
                        "`{field}` gives the words of {} {}, but the source has {n}",
                        texts.len(),
                        count(texts.len())
                    ),
                )
                .label(format!("{} {}", texts.len(), count(texts.len())))
                .secondary(items.value.span, "the number of items")
                .help("give one text per item, in order from item 1; quote an item the corpus does not use as well, so that the numbers match the source");
            self.emit(d);
        }
    }

    pub(crate) fn announced(&mut self, n: Option<&Number>) {
        if let Some(n) = n {
            self.number(n, "the announced count");
        }
    }

    pub(crate) fn repeated(&mut self, spans: &[Span]) {
        for &span in spans {
            let d = self
                .diag(Code::E0106, span, "this clause is written twice")
                .label("written again here")
                .help("keep one of them");
            self.emit(d);
        }
    }

    pub(crate) fn citation(&mut self, c: &Citation) -> Option<String> {
        match self.index.kind(&c.source.name) {
            Some(DeclKind::Source { items, .. }) => {
                let items = *items;
                let item = c
                    .item
                    .as_ref()
                    .and_then(|n| self.number(n, "the item number"));
                if let (Some(item), Some(max), Some(n)) = (item, items, &c.item) {
                    if item == 0 || item > max {
                        let d = self
                            .diag(
                                Code::E0108,
                                n.span,
                                format!(
                                    "source `{}` has items 1 to {max}, not {item}",
                                    c.source.name
                                ),
                            )
                            .label("no such item")
                            .help("check the number against the announcement");
                        self.emit(d);
                    }
                }
                Some(match item {
                    Some(i) => format!("{} item {i}", c.source.name),
                    None => c.source.name.clone(),
                })
            }
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(Code::E0104, c.source.span, format!("`{}` is {noun}, not a source", c.source.name))
                    .label("`cite` names a source")
                    .help("declare the announcement with `source name { title: \"...\", published: 2025-11-05 }`");
                self.emit(d);
                None
            }
            None => {
                let names = self.names_where(|k| matches!(k, DeclKind::Source { .. }));
                self.unknown(&c.source, "source", names);
                None
            }
        }
    }
}

pub(crate) fn literal_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Text(t) => format!("{t:?}"),
        _ => e.to_string(),
    }
}
