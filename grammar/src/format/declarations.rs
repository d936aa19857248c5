//! Formatting declarations: sources, enums, entities, records and catalogues (a catalogue's
//! entries one per line, their fields aligned where they fit).

use super::*;

impl Fmt<'_> {
    pub(super) fn source_item(&mut self, item: &Item, s: &SourceDecl) -> bool {
        self.open(format!("source {}", s.name.name), s.name.span.end as usize);
        let elems: Option<Vec<Elem>> = s
            .fields
            .iter()
            .map(|f| {
                self.value_elem(&format!("{}: ", f.name.name), &f.value, 1)
                    .map(|e| Elem {
                        span: f.name.span.cover(e.span),
                        ..e
                    })
            })
            .collect();
        let Some(elems) = elems else { return false };
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    /// Each entry on a line of its own, its texts inline when they fit, else one per line.
    pub(super) fn labels_item(&mut self, item: &Item, l: &LabelsDecl) -> bool {
        let kw_end = item.span.start as usize + "labels".len();
        self.open("labels".to_string(), kw_end);
        let mut elems = Vec::new();
        for e in &l.entries {
            if self.comments_inside(e.span) {
                return false;
            }
            let head = format!("{} ", e.path());
            let Some(text) = self.record(&e.texts, e.span, &head, 1) else {
                return false;
            };
            elems.push(Elem { text, span: e.span });
        }
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    pub(super) fn enum_item(&mut self, item: &Item, e: &EnumDecl) -> bool {
        let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
        let inline = format!("enum {} {{ {} }}", e.name.name, names.join(", "));
        if self.fits(0, &inline) && !self.comments_inside(item.span) {
            self.out.push_str(&inline);
            self.end_line(item.span.end as usize);
        } else {
            self.open(format!("enum {}", e.name.name), e.name.span.end as usize);
            let elems: Vec<Elem> = e
                .variants
                .iter()
                .map(|v| Elem {
                    text: format!("{},", v.name),
                    span: v.span,
                })
                .collect();
            self.elems(1, &elems);
            self.close(item, 0);
        }
        true
    }

    pub(super) fn entity_item(&mut self, item: &Item, e: &EntityDecl) -> bool {
        let start = item.span.start as usize;
        let mut header = format!("entity {}", e.name.name);
        if let Some(p) = &e.parent {
            header.push_str(&format!(" in {}", type_ref(p)));
        }
        if !e.identified_by.is_empty() {
            header.push_str(&format!(
                " identified by {}",
                names(&e.identified_by).join(", ")
            ));
        }
        let has_body = self
            .src
            .get(start..item.span.end as usize)
            .is_some_and(|t| t.trim_end().ends_with('}'));
        if !has_body {
            self.out.push_str(&header);
            self.end_line(item.span.end as usize);
            return true;
        }
        let end = e
            .identified_by
            .last()
            .map(|i| i.span.end)
            .or(e.parent.as_ref().map(|p| p.span.end))
            .unwrap_or(e.name.span.end) as usize;
        self.open(header, end);
        let elems = field_elems(&e.fields);
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    pub(super) fn record_item(&mut self, item: &Item, r: &RecordDecl) -> bool {
        self.open(format!("record {}", r.name.name), r.name.span.end as usize);
        let elems = field_elems(&r.fields);
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    pub(super) fn catalogue_item(&mut self, item: &Item, c: &CatalogueDecl) -> bool {
        self.open(format!("catalogue {}", c.ty.name), c.ty.span.end as usize);
        let heads: Vec<String> = c
            .entries
            .iter()
            .map(|e| match &e.parent {
                Some(p) => format!("{} in {}", e.name.name, p.name),
                None => e.name.name.clone(),
            })
            .collect();
        let record_of = |e: &CatalogueEntry| -> Option<String> {
            let rspan = Span::new(e.name.span.end as usize, e.span.end as usize);
            (!e.fields.is_empty()
                || self
                    .src
                    .get(e.span.range())
                    .is_some_and(|t| t.trim_end().ends_with('}')))
            .then(|| {
                expr(
                    &Expr {
                        kind: ExprKind::Record(e.fields.clone()),
                        span: rspan,
                    },
                    Some(self.src),
                )
            })
        };
        // Each entry on its own, never aligned with its neighbours: adding or changing
        // one entry changes only its lines. One that does not fit is broken over lines.
        let mut elems = Vec::new();
        for (e, h) in c.entries.iter().zip(&heads) {
            if self.comments_inside(e.span) {
                return false;
            }
            let text = match record_of(e) {
                Some(r) if self.fits(1, &format!("{h} {r}")) => format!("{h} {r}"),
                Some(_) => match self.record(&e.fields, e.span, &format!("{h} "), 1) {
                    Some(t) => t,
                    None => return false,
                },
                None => h.clone(),
            };
            elems.push(Elem { text, span: e.span });
        }
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }
}
