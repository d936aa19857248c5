//! Checks of each kind of item: declarations, catalogues, sets, amendments, decisions, rules
//! and tests; and the facts of the checked model.

use edict_grammar::{
    Citation, EntityDecl, Expect, Expr, ExprKind, HitPolicy, Item, ItemKind, Number, RuleDecl,
    Span, TestDecl,
};
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
        ("published", Ty::Date, true),
        ("items", Ty::Int, false),
        ("url", Ty::Text, false),
    ]
}

impl Checker<'_> {
    pub(crate) fn item(&mut self, ix: usize, item: &Item) {
        self.duplicates(ix, item);
        match &item.kind {
            ItemKind::Source(s) => {
                let declared = source_fields();
                let scope = Scope::default();
                let mut seen = Vec::new();
                for f in &s.fields {
                    match declared.iter().find(|(n, _, _)| *n == f.name.name) {
                        Some((_, ty, _)) => {
                            let place = format!("field `{}`", f.name.name);
                            self.check_against(&f.value, &scope, ty, &place);
                            seen.push(f.name.name.as_str());
                        }
                        None => {
                            let names: Vec<&str> = declared.iter().map(|(n, _, _)| *n).collect();
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
                        .help("a source needs at least `title` and `published`");
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
            ItemKind::Set(s) => {
                let elem = self.resolve_type(&s.ty);
                let elem_ok = match &elem {
                    Ty::Entity(_) | Ty::Enum(_) | Ty::Error => true,
                    other => {
                        let d = self
                            .diag(
                                Code::E0208,
                                s.ty.span,
                                format!("a set cannot hold {}", other.describe()),
                            )
                            .label("sets hold catalogue entries or enum values")
                            .help("use an entity type (declared with `entity`) or an enum");
                        self.emit(d);
                        false
                    }
                };
                let from = self.literal_date(s.from.as_ref(), "the `from` of a set");
                let until = self.literal_date(s.until.as_ref(), "the `until` of a set");
                if let (Some(f), Some(u), Some(ue)) = (from, until, &s.until) {
                    if u <= f {
                        let d = self
                            .diag(Code::E0304, ue.span, format!("`until {u}` is not after `from {f}`"))
                            .label("the set would never exist")
                            .help("`until` is the first day the set no longer exists; it must come after `from`");
                        self.emit(d);
                    }
                }
                if let Some(c) = &s.cite {
                    self.citation(c);
                }
                self.announced(s.announced.as_ref());
                self.repeated(&s.repeated);
                if elem_ok && !elem.is_error() {
                    for m in &s.members {
                        self.member(m, &elem, &s.name.name);
                    }
                }
                if let Some(f) = &s.formula {
                    self.formula_parts(f, &elem, &s.name.name);
                }
                let facts = self.set_facts(&s.name.name, &elem, from);
                self.fact("set", &s.name.name, facts);
            }
            ItemKind::Amend(a) => {
                let elem = match self.index.kind(&a.set.name) {
                    Some(DeclKind::Set { elem, .. }) => Some(self.ty_of(elem)),
                    Some(other) => {
                        let noun = other.with_article();
                        let d = self
                            .diag(
                                Code::E0104,
                                a.set.span,
                                format!("`{}` is {noun}, not a set", a.set.name),
                            )
                            .label("only sets can be amended");
                        self.emit(d);
                        None
                    }
                    None => {
                        let names = self.names_where(|k| matches!(k, DeclKind::Set { .. }));
                        self.unknown(&a.set, "set", names);
                        None
                    }
                };
                let from = self.literal_date(a.from.as_ref(), "the `from` of an amendment");
                if a.from.is_none() {
                    let d = self
                        .diag(
                            Code::E0107,
                            a.set.span,
                            format!("the amendment of `{}` has no `from` date", a.set.name),
                        )
                        .label("when does it take effect?")
                        .help("write `from 2025-11-05` (the date the change takes effect)");
                    self.emit(d);
                }
                if let Some(c) = &a.cite {
                    self.citation(c);
                }
                self.announced(a.announced.as_ref());
                self.repeated(&a.repeated);
                if let Some(elem) = elem.filter(|e| !e.is_error()) {
                    for m in a.ops.iter().flat_map(|op| &op.members) {
                        self.member(m, &elem, &a.set.name);
                    }
                    for into in a.ops.iter().filter_map(|op| op.into.as_ref()) {
                        self.set_part(into, &elem, &a.set.name);
                    }
                }
                let mut facts = Vec::new();
                if let Some(d) = from {
                    facts.push(format!("from: {d}"));
                }
                for op in &a.ops {
                    let names: Vec<&str> = op.members.iter().map(|m| m.name.as_str()).collect();
                    facts.push(format!("{:?}: {}", op.action, names.join(", ")).to_lowercase());
                }
                self.fact("amend", &a.set.name, facts);
            }
            ItemKind::Decision(d) => self.decision(d),
            ItemKind::Rule(r) => self.rule(r),
            ItemKind::Condition(c) => self.condition(c),
            ItemKind::Test(t) => self.test(t),
            ItemKind::Error => {}
        }
    }

    fn duplicates(&mut self, ix: usize, item: &Item) {
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

    fn entity_type(&mut self, e: &EntityDecl) {
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
        self.fact("entity", &e.name.name, facts);
    }

    fn type_chain(&self, start: &str) -> String {
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

    fn field_names_unique(&mut self, fields: &[edict_grammar::FieldDecl]) {
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
    fn record_cycle(&mut self, name: &str, span: Span) {
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

    fn catalogue(&mut self, c: &edict_grammar::CatalogueDecl) {
        let (ty_name, parent_ty, parent_optional) = match self.index.kind(&c.ty.name) {
            Some(DeclKind::EntityType { parent, .. }) => (
                c.ty.name.clone(),
                parent.as_ref().map(|p| p.name.clone()),
                parent.as_ref().is_some_and(|p| p.optional),
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
        let facts = vec![format!("entries: {}", c.entries.len())];
        self.fact("catalogue", &c.ty.name, facts);
    }

    /// Checks one set member (in a `set` or an `amend`) against the element type.
    fn member(&mut self, m: &edict_grammar::Ident, elem: &Ty, set: &str) {
        let ok = match (elem, self.index.kind(&m.name)) {
            (Ty::Entity(t), Some(DeclKind::Entity { ty, .. })) => {
                if ty != t {
                    let d = self
                        .diag(
                            Code::E0205,
                            m.span,
                            format!("`{}` is a `{ty}`, but `{set}` holds `{t}`", m.name),
                        )
                        .label(format!("this is a `{ty}`"))
                        .help("a set holds members of one type only");
                    self.emit(d);
                }
                return;
            }
            (Ty::Enum(e), _) => self
                .index
                .variants
                .get(&m.name)
                .is_some_and(|o| o.contains(e)),
            (_, Some(kind)) => {
                let noun = kind.with_article();
                let d = self
                    .diag(
                        Code::E0205,
                        m.span,
                        format!("`{}` is {noun}, but `{set}` holds `{elem}`", m.name),
                    )
                    .label(format!("not a `{elem}`"));
                self.emit(d);
                return;
            }
            _ => false,
        };
        if !ok {
            let candidates: Vec<String> = match elem {
                Ty::Enum(e) => match self.index.kind(e) {
                    Some(DeclKind::Enum { variants }) => variants.clone(),
                    _ => Vec::new(),
                },
                Ty::Entity(t) => self
                    .names_where(|k| matches!(k, DeclKind::Entity { ty, .. } if ty == t))
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            let what = format!("`{elem}`");
            self.unknown(m, &what, candidates.iter().map(String::as_str).collect());
        }
    }

    /// The sets a formula combines: each a set, of the formula's set's type.
    fn formula_parts(&mut self, f: &edict_grammar::SetExpr, elem: &Ty, set: &str) {
        for part in f.sets() {
            self.set_part(part, elem, set);
        }
    }

    /// A set named beside `set` (a part of its formula, the target of a `move`): a set of the
    /// same type.
    fn set_part(&mut self, part: &edict_grammar::Ident, elem: &Ty, set: &str) {
        match self.index.kind(&part.name) {
            Some(DeclKind::Set { elem: pe, .. }) => {
                let pt = self.ty_of(pe);
                if !elem.is_error() && !pt.is_error() && pt != *elem {
                    let d = self
                        .diag(
                            Code::E0201,
                            part.span,
                            format!(
                                "`{}` holds {}, but `{set}` holds {}",
                                part.name,
                                pt.describe(),
                                elem.describe()
                            ),
                        )
                        .label("a set of another type")
                        .help("only sets of one type combine, or exchange members");
                    self.emit(d);
                }
            }
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(
                        Code::E0104,
                        part.span,
                        format!("`{}` is {noun}, not a set", part.name),
                    )
                    .label("a set is expected here");
                self.emit(d);
            }
            None => {
                let names = self.names_where(|k| matches!(k, DeclKind::Set { .. }));
                self.unknown(part, "set", names);
            }
        }
    }

    fn set_facts(&self, name: &str, elem: &Ty, from: Option<Date>) -> Vec<String> {
        let mut facts = vec![format!("holds: {elem}")];
        if let Some(d) = from {
            facts.push(format!("exists from: {d}"));
        }
        if let Some(t) = self.timelines.sets.get(name) {
            for s in &t.slices {
                let when = s.from.map_or("always".to_string(), |d| format!("from {d}"));
                let announced = match (s.announced, s.partial) {
                    (Some(n), true) => format!(" (announced {n}, listed in part)"),
                    (Some(n), false) => format!(" (announced {n})"),
                    (None, _) => String::new(),
                };
                facts.push(format!("{when}: {} members{announced}", s.members.len()));
            }
        }
        facts
    }

    /// A `from`/`until` value: a date literal, validated.
    fn literal_date(&mut self, e: Option<&Expr>, what: &str) -> Option<Date> {
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

    fn number(&mut self, n: &Number, what: &str) -> Option<u64> {
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

    fn announced(&mut self, n: Option<&Number>) {
        if let Some(n) = n {
            self.number(n, "the announced count");
        }
    }

    fn repeated(&mut self, spans: &[Span]) {
        for &span in spans {
            let d = self
                .diag(Code::E0106, span, "this clause is written twice")
                .label("written again here")
                .help("keep one of them");
            self.emit(d);
        }
    }

    fn citation(&mut self, c: &Citation) -> Option<String> {
        match self.index.kind(&c.source.name) {
            Some(DeclKind::Source { items }) => {
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

    fn decision_scope(&self, decision: &str) -> Option<(Scope, Ty, HitPolicy)> {
        let Some(DeclKind::Decision {
            params,
            output,
            hit,
        }) = self.index.kind(decision)
        else {
            return None;
        };
        let params = params
            .iter()
            .map(|(n, t)| (n.clone(), self.ty_of(t)))
            .collect();
        Some((
            Scope {
                params,
                decision: Some(decision.to_string()),
            },
            self.ty_of(output),
            *hit,
        ))
    }

    fn decision(&mut self, d: &edict_grammar::DecisionDecl) {
        let mut params = Vec::new();
        for (i, p) in d.params.iter().enumerate() {
            let t = self.resolve_type(&p.ty);
            if d.params[..i].iter().any(|q| q.name.name == p.name.name) {
                let diag = self
                    .diag(
                        Code::E0102,
                        p.name.span,
                        format!("input `{}` is declared twice", p.name.name),
                    )
                    .label("declared again here");
                self.emit(diag);
            }
            params.push((p.name.name.clone(), t));
        }
        let output = self.resolve_type(&d.output);
        if !matches!(output, Ty::Record(_) | Ty::Error) {
            let diag = self
                .diag(
                    Code::E0208,
                    d.output.span,
                    format!(
                        "a decision's outcome must be a record, not {}",
                        output.describe()
                    ),
                )
                .label("not a record type")
                .help("declare the outcome with `record Name { field: Type, ... }`");
            self.emit(diag);
        }
        let mut facts: Vec<String> = params
            .iter()
            .map(|(n, t)| format!("input {n}: {t}"))
            .collect();
        facts.push(format!("outcome: {output}"));
        let hit = d.hit.map(|h| h.0).unwrap_or_default();
        facts.push(format!("hit: {}", hit.as_str()));
        let scope = Scope {
            params,
            decision: Some(d.name.name.clone()),
        };
        match &d.as_of {
            Some(e) => {
                let t = self.infer(e, &scope, None);
                if !t.is_error() && !matches!(t.strip_optional(), Ty::Date | Ty::DateTime) {
                    let diag = self
                        .diag(Code::E0208, e.span, format!("`as of` must be a date or date-time, found {}", t.describe()))
                        .label(format!("this is {}", t.describe()))
                        .help("name the input that fixes the day the rules are read at, such as `t.arrival`");
                    self.emit(diag);
                }
                facts.push(format!("as of: {}", crate::render::expr_text(e)));
            }
            None => {
                let diag = self
                    .diag(Code::E0107, d.name.span, format!("decision `{}` has no `as of`", d.name.name))
                    .label("which date are its rules and sets read at?")
                    .help("add `as of t.arrival` (a Date or DateTime input) inside the decision's braces");
                self.emit(diag);
            }
        }
        if let Some(o) = &d.otherwise {
            self.check_against(o, &scope, &output, "the `otherwise` outcome");
            facts.push(format!("otherwise: {}", crate::render::expr_text(o)));
        }
        self.repeated(&d.repeated);
        self.fact("decision", &d.name.name, facts);
    }

    fn condition(&mut self, c: &edict_grammar::ConditionDecl) {
        let facts = vec![format!("for: {}", c.decision.name)];
        let scope = match self.decision_scope(&c.decision.name) {
            Some((scope, _, _)) => scope,
            None => {
                self.not_a_decision(&c.decision);
                Scope::default()
            }
        };
        match &c.when {
            Some(w) => {
                self.check_against(w, &scope, &Ty::Bool, "the condition");
                if let Some(path) = self.condition_cycle(&c.name.name) {
                    let d = self
                        .diag(
                            Code::E0401,
                            c.name.span,
                            format!("`{}` is made of itself: {}", c.name.name, path.join(" → ")),
                        )
                        .label("this condition comes back to itself")
                        .help("a condition may use only conditions that do not use it");
                    self.emit(d);
                }
            }
            None => {
                let d = self
                    .diag(
                        Code::E0107,
                        c.name.span,
                        format!("condition `{}` has no `when`", c.name.name),
                    )
                    .label("what must hold?")
                    .help("write `when` and the condition, as in a rule");
                self.emit(d);
            }
        }
        self.repeated(&c.repeated);
        self.fact("condition", &c.name.name, facts);
    }

    /// The conditions a named condition's `when` uses by name.
    fn conditions_used(&self, name: &str) -> Vec<String> {
        let Some(def) = self.index.get(name) else {
            return Vec::new();
        };
        let parsed = crate::syntax::parse_file(self.db, def.file);
        let Some(ItemKind::Condition(c)) =
            parsed.items.get(def.decl.item as usize).map(|i| &i.kind)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(w) = &c.when {
            w.walk(&mut |e| {
                if let edict_grammar::ExprKind::Name(n) = &e.kind {
                    if matches!(self.index.kind(&n.name), Some(DeclKind::Condition { .. })) {
                        out.push(n.name.clone());
                    }
                }
            });
        }
        out
    }

    /// A way from a condition back to itself through the conditions it uses.
    fn condition_cycle(&self, start: &str) -> Option<Vec<String>> {
        let mut stack = vec![vec![start.to_string()]];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = path.last()?.clone();
            for next in self.conditions_used(&last) {
                let mut longer = path.clone();
                longer.push(next.clone());
                if next == start {
                    return Some(longer);
                }
                if seen.insert(next) {
                    stack.push(longer);
                }
            }
        }
        None
    }

    fn rule(&mut self, r: &RuleDecl) {
        let mut facts = vec![format!("for: {}", r.decision.name)];
        let (scope, output, hit) = match self.decision_scope(&r.decision.name) {
            Some(s) => s,
            None => {
                self.not_a_decision(&r.decision);
                (Scope::default(), Ty::Error, HitPolicy::Unique)
            }
        };
        let from = self.literal_date(r.from.as_ref(), "the `from` of a rule");
        let until = self.literal_date(r.until.as_ref(), "the `until` of a rule");
        if let (Some(f), Some(u), Some(ue)) = (from, until, &r.until) {
            if u <= f {
                let d = self
                    .diag(Code::E0304, ue.span, format!("`until {u}` is not after `from {f}`"))
                    .label("the rule would never be in force")
                    .help("`until` is the first day the rule no longer applies; it must come after `from`");
                self.emit(d);
            }
        }
        facts.push(format!(
            "in force: {} .. {}",
            from.map_or("always".to_string(), |d| d.to_string()),
            until.map_or("open".to_string(), |d| d.to_string())
        ));
        match &r.cite {
            Some(c) => {
                if let Some(c) = self.citation(c) {
                    facts.push(format!("cites: {c}"));
                }
            }
            None => {
                let d = self
                    .diag(Code::W0502, r.name.span, format!("rule `{}` cites no source", r.name.name))
                    .label("where does this rule come from?")
                    .help("add `cite <source> item <n>` so decisions can say which announcement item applies");
                self.emit(d);
            }
        }
        match (&r.priority, hit) {
            (Some(p), HitPolicy::Priority) => {
                if let Some(v) = self.number(p, "the priority") {
                    facts.push(format!("priority: {v}"));
                }
            }
            (Some(p), other) if !output.is_error() => {
                let d = self
                    .diag(
                        Code::E0109,
                        p.span,
                        format!(
                            "decision `{}` uses `hit {}`, which ignores priorities",
                            r.decision.name,
                            other.as_str()
                        ),
                    )
                    .label("this priority has no effect")
                    .help("remove it, or declare `hit priority` in the decision");
                self.emit(d);
            }
            (None, HitPolicy::Priority) => {
                let d = self
                    .diag(
                        Code::E0109,
                        r.name.span,
                        format!("rule `{}` needs a priority", r.name.name),
                    )
                    .label(format!(
                        "decision `{}` uses `hit priority`",
                        r.decision.name
                    ))
                    .help("add `priority <n>`; the highest matching priority wins");
                self.emit(d);
            }
            _ => {}
        }
        if let Some(w) = &r.when {
            self.expect_bool(w, &scope, "a `when` clause is a condition: true or false");
            facts.push(format!("when: {}", crate::render::expr_text(w)));
        }
        match &r.then {
            Some(t) => {
                self.check_against(t, &scope, &output, "the `then` outcome");
                facts.push(format!("then: {}", crate::render::expr_text(t)));
            }
            None => {
                let d = self
                    .diag(
                        Code::E0107,
                        r.name.span,
                        format!("rule `{}` has no `then`", r.name.name),
                    )
                    .label("what does this rule decide?")
                    .help("add `then { ... }` with the decision's outcome");
                self.emit(d);
            }
        }
        self.repeated(&r.repeated);
        self.fact("rule", &r.name.name, facts);
    }

    fn not_a_decision(&mut self, ident: &edict_grammar::Ident) {
        match self.index.kind(&ident.name) {
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(
                        Code::E0104,
                        ident.span,
                        format!("`{}` is {noun}, not a decision", ident.name),
                    )
                    .label("a decision is expected here");
                self.emit(d);
            }
            None => {
                let names = self.names_where(|k| matches!(k, DeclKind::Decision { .. }));
                self.unknown(ident, "decision", names);
            }
        }
    }

    fn test(&mut self, t: &TestDecl) {
        let mut facts = vec![format!("for: {}", t.decision.name)];
        let Some((scope, output, _)) = self.decision_scope(&t.decision.name) else {
            self.not_a_decision(&t.decision);
            return;
        };
        let empty = Scope::default();
        for g in &t.givens {
            match scope.get(&g.param.name) {
                Some(ty) => {
                    let ty = ty.clone();
                    let place = format!("input `{}`", g.param.name);
                    self.check_against(&g.value, &empty, &ty, &place);
                }
                None => {
                    let names: Vec<String> = scope.params.iter().map(|(n, _)| n.clone()).collect();
                    let what = format!("input of `{}`", t.decision.name);
                    self.unknown_field(&g.param, &what, names.iter().map(String::as_str).collect());
                }
            }
        }
        for (name, _) in &scope.params {
            let count = t.givens.iter().filter(|g| g.param.name == *name).count();
            if count == 0 {
                let d = self
                    .diag(
                        Code::E0105,
                        t.name.span,
                        format!("test `{}` gives no value for input `{name}`", t.name.name),
                    )
                    .label("incomplete test")
                    .help(format!("add `given {name} = {{ ... }}`"));
                self.emit(d);
            }
            for g in t.givens.iter().filter(|g| g.param.name == *name).skip(1) {
                let d = self
                    .diag(
                        Code::E0106,
                        g.span,
                        format!("input `{name}` is given twice"),
                    )
                    .label("given again here");
                self.emit(d);
            }
        }
        if t.expects.is_empty() {
            let d = self
                .diag(
                    Code::E0107,
                    t.name.span,
                    format!("test `{}` expects nothing", t.name.name),
                )
                .label("a test needs at least one `expect`")
                .help("add `expect { field: value }`, `expect rule <name>` or `expect otherwise`");
            self.emit(d);
        }
        for e in &t.expects {
            match e {
                Expect::Outcome(x) => match (&x.kind, &output) {
                    (ExprKind::Record(fields), Ty::Record(name)) => {
                        let name = name.clone();
                        self.record_literal(fields, x.span, &name, &empty, true);
                        facts.push(format!("expect: {}", crate::render::expr_text(x)));
                    }
                    (_, Ty::Error) => {}
                    _ => self.check_against(x, &empty, &output, "the expected outcome"),
                },
                Expect::Rule(r) => {
                    match self.index.kind(&r.name) {
                        Some(DeclKind::Rule { decision }) if *decision == t.decision.name => {}
                        Some(DeclKind::Rule { decision }) => {
                            let d = self
                                .diag(
                                    Code::E0111,
                                    r.span,
                                    format!(
                                        "rule `{}` belongs to decision `{decision}`, not `{}`",
                                        r.name, t.decision.name
                                    ),
                                )
                                .label("this rule can never answer this test");
                            self.emit(d);
                        }
                        _ => {
                            let dec = t.decision.name.clone();
                            let names = self.names_where(
                                |k| matches!(k, DeclKind::Rule { decision } if *decision == dec),
                            );
                            self.unknown(r, "rule", names);
                        }
                    }
                    facts.push(format!("expect rule: {}", r.name));
                }
                Expect::Otherwise(_) => facts.push("expect: otherwise".to_string()),
            }
        }
        self.fact("test", &t.name.name, facts);
    }
}

fn literal_text(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Text(t) => format!("{t:?}"),
        _ => crate::render::expr_text(e),
    }
}
