//! Building dated values (`value`) and relations (`relation`): one declaration, with or
//! without a key type.

use super::*;

impl Builder {
    pub(super) fn value(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut types = Vec::new();
        let mut entries = Vec::new();
        let mut otherwise = None;
        let mut covers = None;
        let mut repeated = Vec::new();
        let relation = p.as_rule() == Rule::relation_decl;
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => types.push(self.type_ref(c)),
                Rule::value_entry | Rule::relation_entry => entries.push(self.value_entry(c)),
                Rule::otherwise_clause => {
                    set_once(&mut otherwise, self.clause_expr(c), span, &mut repeated)
                }
                Rule::covers_clause => {
                    covers = c
                        .into_inner()
                        .find(|i| i.as_rule() == Rule::ident)
                        .map(|i| self.ident(i));
                }
                _ => {}
            }
        }
        let mut types = types.into_iter();
        let (key, ty) = match (relation, types.next(), types.next()) {
            (false, Some(ty), _) => (None, ty),
            (true, Some(key), Some(ty)) => (Some(key), ty),
            _ => return ItemKind::Error,
        };
        match name {
            Some(name) => ItemKind::Value(ValueDecl {
                name,
                key,
                ty,
                entries,
                otherwise,
                covers,
                repeated,
            }),
            None => ItemKind::Error,
        }
    }

    pub(super) fn value_entry(&mut self, p: P<'_>) -> ValueEntry {
        let span = self.span(&p);
        let mut keys = Vec::new();
        let mut value = None;
        let mut from = None;
        let mut until = None;
        let mut ended_by = None;
        let mut cite = None;
        let mut differs = Vec::new();
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::ident => keys.push(self.ident(c)),
                Rule::expr => value = Some(self.expr(c)),
                Rule::from_clause => set_once(&mut from, self.clause_expr(c), cspan, &mut repeated),
                Rule::until_clause => {
                    ended_by = self.ended_by(&c);
                    set_once(&mut until, self.clause_expr(c), cspan, &mut repeated)
                }
                Rule::cite_clause => {
                    set_once(&mut cite, Some(self.citation(c)), cspan, &mut repeated)
                }
                Rule::but_clause => differs.push(self.differs(c)),
                _ => {}
            }
        }
        ValueEntry {
            keys,
            value: value.unwrap_or_else(|| error_expr(span)),
            from,
            until,
            ended_by,
            cite,
            differs,
            span,
            repeated,
        }
    }

    /// `but src item 4 says 144h "words"`.
    fn differs(&mut self, p: P<'_>) -> Differs {
        let span = self.span(&p);
        let mut source = Citation {
            source: Ident {
                name: String::new(),
                span,
            },
            item: None,
            span,
        };
        let mut says = None;
        let mut quote = None;
        for c in p.into_inner() {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::ident => {
                    source.source = self.ident(c);
                    source.span = cspan;
                }
                Rule::int => {
                    source.item = Some(self.number(c));
                    source.span = source.span.cover(cspan);
                }
                Rule::expr => says = Some(self.expr(c)),
                Rule::string => {
                    let raw = c.into_inner().next().map(|b| b.as_str()).unwrap_or("");
                    quote = Some(Expr {
                        kind: ExprKind::Text(unescape(raw)),
                        span: cspan,
                    });
                }
                _ => {}
            }
        }
        Differs {
            source,
            says: says.unwrap_or_else(|| error_expr(span)),
            quote,
            span,
        }
    }
}
