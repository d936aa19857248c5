//! Building declarations: sources, types, catalogue entries, and the clauses items share.

use super::*;

impl Builder {
    pub(super) fn enum_decl(&mut self, p: P<'_>) -> ItemKind {
        let mut it = p.into_inner().skip(1);
        let name = it.next().map(|p| self.ident(p));
        let variants = it.map(|p| self.ident(p)).collect();
        match name {
            Some(name) => ItemKind::Enum(EnumDecl { name, variants }),
            None => ItemKind::Error,
        }
    }

    pub(super) fn entity(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut parent = None;
        let mut identified_by = Vec::new();
        let mut fields = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::parent_type => {
                    parent = c.into_inner().nth(1).map(|t| self.type_ref(t));
                }
                Rule::identified_clause => {
                    identified_by = self.members(c);
                }
                Rule::field_decls => fields = self.field_decls(c),
                _ => {}
            }
        }
        match name {
            Some(name) => ItemKind::Entity(EntityDecl {
                name,
                parent,
                identified_by,
                fields,
            }),
            None => ItemKind::Error,
        }
    }

    pub(super) fn record(&mut self, p: P<'_>) -> ItemKind {
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

    pub(super) fn catalogue(&mut self, p: P<'_>) -> ItemKind {
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

    pub(super) fn source(&mut self, p: P<'_>) -> ItemKind {
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

    pub(super) fn labels(&mut self, p: P<'_>) -> ItemKind {
        let entries = p
            .into_inner()
            .filter(|c| c.as_rule() == Rule::label_entry)
            .map(|c| self.label_entry(c))
            .collect();
        ItemKind::Labels(LabelsDecl { entries })
    }

    fn label_entry(&mut self, p: P<'_>) -> LabelEntry {
        let span = self.span(&p);
        let mut names = Vec::new();
        let mut texts = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::label_target => {
                    names.extend(c.into_inner().map(|n| self.ident(n)));
                }
                Rule::field_init => texts.push(self.field_init(c)),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        let target = names.next().unwrap_or(Ident {
            name: String::new(),
            span,
        });
        LabelEntry {
            target,
            member: names.next(),
            texts,
            span,
        }
    }

    pub(super) fn field_decls(&mut self, p: P<'_>) -> Vec<FieldDecl> {
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

    pub(super) fn type_ref(&mut self, p: P<'_>) -> TypeRef {
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

    pub(super) fn catalogue_entry(&mut self, p: P<'_>) -> CatalogueEntry {
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

    pub(super) fn field_init(&mut self, p: P<'_>) -> FieldInit {
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

    pub(super) fn citation(&mut self, p: P<'_>) -> Citation {
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

    /// The `by SOURCE item N` of an `until` clause: the announcement that ended the thing.
    pub(super) fn ended_by(&mut self, p: &P<'_>) -> Option<Citation> {
        p.clone()
            .into_inner()
            .find(|c| c.as_rule() == Rule::ended_by)
            .map(|c| self.citation(c))
    }

    /// The expression inside a `from`/`until`/`when`/... clause.
    pub(super) fn clause_expr(&mut self, p: P<'_>) -> Option<Expr> {
        p.into_inner()
            .find(|c| c.as_rule() == Rule::expr)
            .map(|e| self.expr(e))
    }

    /// The `partial` of an `announced N partial` clause.
    pub(super) fn partial_mark(&mut self, p: &P<'_>) -> Option<Span> {
        p.clone()
            .into_inner()
            .find(|c| c.as_rule() == Rule::kw_partial)
            .map(|c| self.span(&c))
    }

    pub(super) fn clause_number(&mut self, p: P<'_>) -> Option<Number> {
        p.into_inner()
            .find(|c| c.as_rule() == Rule::int)
            .map(|n| self.number(n))
    }

    pub(super) fn members(&mut self, p: P<'_>) -> Vec<Ident> {
        p.into_inner()
            .filter(|c| c.as_rule() == Rule::ident)
            .map(|c| self.ident(c))
            .collect()
    }
}
