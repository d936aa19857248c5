//! Lowering one decision: its rules, each into rows of atoms, and its time boundaries.

use std::collections::HashMap;

use edict_grammar::{DecisionDecl, Expr, ExprKind, RuleDecl};
use edict_runtime::artifact::{
    Atom, Citation, Column, Condition, DecisionTable, Domain, Hit, Row, RuleInfo, Test, ZoneSpec,
};
use edict_runtime::value::date_to_days;

use super::table::{product, TableBuilder};
use super::*;
use crate::db::SourceFile;
use crate::time::parse_date;
use crate::types::Ty;

impl<'a> Lowerer<'a> {
    pub(crate) fn decision(
        &self,
        file: SourceFile,
        d: &DecisionDecl,
        rules: &[(SourceFile, &RuleDecl)],
    ) -> Result<DecisionTable, Vec<LowerError>> {
        let params: Vec<(String, Ty)> = d
            .params
            .iter()
            .map(|p| (p.name.name.clone(), self.resolve_ty(&p.ty)))
            .collect();
        let output_ty = self.resolve_ty(&d.output);
        let Ty::Record(out_name) = &output_ty else {
            return Err(vec![self.err(
                file,
                d.output.span,
                "the outcome must be a record",
            )]);
        };
        let output = self.names.record_ix.get(out_name).copied().unwrap_or(0);
        let mut cx = TableBuilder {
            lw: self,
            params: &params,
            columns: Vec::new(),
            column_ix: HashMap::new(),
            file,
            conditions: 0,
        };
        let as_of = match d.as_of.as_ref().map(|e| cx.path(e)) {
            Some(Some((p, _))) => p,
            _ => {
                return Err(vec![self.err(
                    file,
                    d.name.span,
                    "the decision needs an `as of` input",
                )])
            }
        };
        let zone = match &d.zone {
            None => None,
            Some(z) => Some(match &z.kind {
                ExprKind::Text(name) if edict_runtime::zone::is_time_zone(name) => {
                    ZoneSpec::Named(name.clone())
                }
                _ => match cx.path(z) {
                    Some((path, ty)) if matches!(ty.strip_optional(), Ty::Text) => {
                        ZoneSpec::Attribute(path)
                    }
                    _ => {
                        return Err(vec![cx.err(
                        z,
                        "`zone` must name an IANA time zone or read a text attribute of an input",
                    )])
                    }
                },
            }),
        };
        let otherwise = d
            .otherwise
            .as_ref()
            .and_then(|o| self.constant(o, &output_ty));
        let hit = match d.hit.map(|h| h.0).unwrap_or_default() {
            edict_grammar::HitPolicy::Unique => Hit::Unique,
            edict_grammar::HitPolicy::First => Hit::First,
            edict_grammar::HitPolicy::Priority => Hit::Priority,
            edict_grammar::HitPolicy::Collect => Hit::Collect,
        };
        let mut infos = Vec::new();
        let mut rows = Vec::new();
        let mut boundaries = Vec::new();
        let mut errors = Vec::new();
        for (rfile, r) in rules {
            cx.file = *rfile;
            let date = |e: &Option<Expr>| match e.as_ref().map(|e| &e.kind) {
                Some(ExprKind::Date(t)) => parse_date(t).ok().map(date_to_days),
                _ => None,
            };
            let (from, until) = (date(&r.from), date(&r.until));
            let citation_of = |c: &edict_grammar::Citation| Citation {
                source: c.source.name.clone(),
                title: self.source_title(&c.source.name),
                item: c.item.as_ref().and_then(|n| n.text.parse().ok()),
            };
            let citation = r.cite.as_ref().map(citation_of);
            let ended_by = r.ended_by.as_ref().map(citation_of);
            let priority = r
                .priority
                .as_ref()
                .and_then(|p| p.text.parse().ok())
                .unwrap_or(0);
            let versions = match self.versions(*rfile, r, &params, from, until) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            // The written conditions, for explanations; each version tests its own.
            let written: Vec<&Expr> = r.when.as_ref().map(conjuncts).unwrap_or_default();
            for version in versions {
                boundaries.extend(version.from);
                boundaries.extend(version.until);
                let outcome = match version
                    .then
                    .as_ref()
                    .and_then(|t| self.constant(t, &output_ty))
                {
                    Some(v) => v,
                    None => {
                        errors.push(self.err(
                            *rfile,
                            r.name.span,
                            "the outcome of this rule cannot be compiled",
                        ));
                        break;
                    }
                };
                let rule_ix = infos.len() as u32;
                let mut conditions = Vec::new();
                let mut dnf: Dnf = vec![Vec::new()];
                if let Some(w) = &version.when {
                    for (i, conj) in conjuncts(w).into_iter().enumerate() {
                        match cx.dnf(conj, false) {
                            Ok(c) => {
                                // A condition written twice (`c and c`) is `c` once: the rows
                                // already hold it, and multiplying them by it again would only
                                // make rows that say the same.
                                let again = conditions.iter().any(|k: &Condition| k.dnf == c);
                                let multiplied = if again { Some(dnf) } else { product(&dnf, &c) };
                                dnf = match multiplied {
                                    Some(p) => p,
                                    None => {
                                        errors.push(self.err(*rfile, w.span, format!("this condition expands to more than {MAX_ROWS_PER_RULE} table rows")));
                                        Vec::new()
                                    }
                                };
                                let text = written
                                    .get(i)
                                    .map_or_else(|| conj.to_string(), |e| e.to_string());
                                conditions.push(Condition {
                                    text,
                                    dnf: c,
                                    selects: None,
                                });
                            }
                            Err(e) => errors.push(e),
                        }
                    }
                }
                for (key, test, text, read) in &version.keys {
                    let Some((path, ty)) = cx.path(key) else {
                        errors.push(cx.err(
                            key,
                            "the key of a relation must be an input, such as `t.arrival_port`",
                        ));
                        continue;
                    };
                    let domain = match ty.strip_optional() {
                        Ty::Entity(n) => {
                            self.names.entity_type_ix.get(n).map(|t| Domain::Entity(*t))
                        }
                        Ty::Enum(n) => self.names.enum_ix.get(n).map(|t| Domain::Enum(*t)),
                        _ => None,
                    };
                    let Some(domain) = domain else {
                        errors.push(cx.err(
                            key,
                            "the key of a relation must be a catalogue entry or an enum value",
                        ));
                        continue;
                    };
                    let c = cx.column(Column::Category { path, domain });
                    let atom = Atom {
                        column: c,
                        test: test.clone(),
                        absent: false,
                    };
                    for row in &mut dnf {
                        row.push(atom.clone());
                    }
                    conditions.push(Condition {
                        text: text.clone(),
                        dnf: vec![vec![atom]],
                        selects: Some(read.clone()),
                    });
                }
                // A row whose tests of one column contradict each other (a relation's key
                // test and a condition spelt out over the same input) can never hold.
                for atoms in dnf.into_iter().filter_map(super::table::tidy_row) {
                    rows.push(Row {
                        rule: rule_ix,
                        atoms,
                    });
                }
                infos.push(RuleInfo {
                    name: r.name.name.clone(),
                    citation: citation.clone(),
                    location: self.location(*rfile, r.name.span),
                    from: version.from,
                    until: version.until,
                    written: (from, until),
                    ended_by: ended_by.clone(),
                    priority,
                    outcome,
                    conditions,
                    bindings: version.bindings,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Set amendments change membership: their dates split time too.
        for row in &rows {
            for a in &row.atoms {
                if let Test::Member { set, .. } = a.test {
                    if let Some(s) = self
                        .names
                        .sets
                        .get(set as usize)
                        .and_then(|n| self.timelines.sets.get(n))
                    {
                        boundaries
                            .extend(s.slices.iter().filter_map(|sl| sl.from.map(date_to_days)));
                    }
                }
            }
        }
        boundaries.sort_unstable();
        boundaries.dedup();
        Ok(DecisionTable {
            zone,
            name: d.name.name.clone(),
            params: params
                .iter()
                .filter_map(|(n, t)| Some((n.clone(), self.type_desc(t)?)))
                .collect(),
            output,
            as_of,
            hit,
            rules: infos.into(),
            otherwise,
            columns: cx.columns,
            rows,
            boundaries,
        })
    }
}
