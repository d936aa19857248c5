//! Checks of sets (listed members, formulas, `until`) and of their amendments.

use jiff::civil::Date;

use super::Checker;
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::types::Ty;

impl Checker<'_> {
    pub(crate) fn set(&mut self, s: &edict_grammar::SetDecl) {
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
        for c in s.cite.iter().chain(&s.ended_by) {
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

    pub(crate) fn amend(&mut self, a: &edict_grammar::AmendDecl) {
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

    /// Checks one set member (in a `set` or an `amend`) against the element type.
    pub(crate) fn member(&mut self, m: &edict_grammar::Ident, elem: &Ty, set: &str) {
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
            if let Some((entry, display)) = self.entry_named(&m.name) {
                let d = self
                    .diag(Code::E0101, m.span, format!("unknown {what} `{}`", m.name))
                    .label(format!("no {what} is called `{}`", m.name))
                    .help(format!("did you mean `{entry}` ({display})?"))
                    .suggest(m.span, entry);
                self.emit(d);
                return;
            }
            self.unknown(m, &what, candidates.iter().map(String::as_str).collect());
        }
    }

    /// The sets a formula combines: each a set, of the formula's set's type.
    pub(crate) fn formula_parts(&mut self, f: &edict_grammar::SetExpr, elem: &Ty, set: &str) {
        for part in f.sets() {
            self.set_part(part, elem, set);
        }
    }

    /// A set named beside `set` (a part of its formula, the target of a `move`): a set of the
    /// same type.
    pub(crate) fn set_part(&mut self, part: &edict_grammar::Ident, elem: &Ty, set: &str) {
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

    pub(crate) fn set_facts(&self, name: &str, elem: &Ty, from: Option<Date>) -> Vec<String> {
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
}
