//! Lowering the catalogue (entity types, entries, enums) and the set timelines.

use edict_grammar::ItemKind;
use edict_runtime::artifact::{
    Catalogue, Citation, Domain, Entity, EntityType, EnumType, SetSlice, SetTimeline,
};
use edict_runtime::value::{date_to_days, Value};

use super::*;
use crate::check::ty_of;
use crate::db::SourceFile;
use crate::decls::DeclKind;
use crate::types::Ty;

impl<'a> Lowerer<'a> {
    pub(crate) fn catalogue(
        &self,
        items: &[(SourceFile, std::sync::Arc<edict_grammar::ParsedFile>)],
        errors: &mut Vec<LowerError>,
    ) -> Catalogue {
        let mut entity_types = Vec::new();
        for t in &self.names.entity_types {
            let (parent, attributes) = match self.index.kind(t) {
                Some(DeclKind::EntityType { parent, fields, .. }) => {
                    (parent.clone(), fields.clone())
                }
                _ => (None, Vec::new()),
            };
            let parent_type = parent
                .as_ref()
                .and_then(|p| self.names.entity_type_ix.get(&p.name).copied());
            let attributes: Vec<(String, Ty)> = attributes
                .iter()
                .map(|(n, t)| (n.clone(), ty_of(self.index, t)))
                .collect();
            let descs: Vec<(String, edict_runtime::value::TypeDesc)> = attributes
                .iter()
                .filter_map(|(n, t)| Some((n.clone(), self.type_desc(t)?)))
                .collect();
            let identified_by = match self.index.kind(t) {
                Some(DeclKind::EntityType { identified_by, .. }) => identified_by
                    .iter()
                    .filter_map(|id| descs.iter().position(|(n, _)| n == id).map(|i| i as u32))
                    .collect(),
                _ => Vec::new(),
            };
            entity_types.push(EntityType {
                name: t.clone(),
                parent_type,
                identified_by,
                attributes: descs,
                entities: Vec::new(),
            });
        }
        let mut slots: Vec<Vec<Option<Entity>>> = entity_types.iter().map(|_| Vec::new()).collect();
        for (t, name) in self.names.entity_types.iter().enumerate() {
            let n = self
                .names
                .entities
                .values()
                .filter(|(tt, _)| *tt as usize == t)
                .count();
            slots[t] = vec![None; n];
            let _ = name;
        }
        for (file, parsed) in items {
            for item in &parsed.items {
                let ItemKind::Catalogue(c) = &item.kind else {
                    continue;
                };
                let Some(&t) = self.names.entity_type_ix.get(&c.ty.name) else {
                    continue;
                };
                let attrs = self.fields(&c.ty.name);
                for entry in &c.entries {
                    let Some(&(et, ei)) = self.names.entities.get(&entry.name.name) else {
                        continue;
                    };
                    if et != t {
                        continue;
                    }
                    let parent = entry
                        .parent
                        .as_ref()
                        .and_then(|p| self.names.entities.get(&p.name))
                        .map(|(_, i)| *i);
                    let mut values = Vec::new();
                    for (n, ty) in attrs.iter() {
                        let v = match entry.fields.iter().find(|f| f.name.name == *n) {
                            Some(f) => self.constant(&f.value, ty),
                            None => Some(Value::Absent),
                        };
                        match v {
                            Some(v) => values.push(v),
                            None => {
                                errors.push(self.err(
                                    *file,
                                    entry.span,
                                    format!(
                                        "cannot compile attribute `{n}` of `{}`",
                                        entry.name.name
                                    ),
                                ));
                                values.push(Value::Absent);
                            }
                        }
                    }
                    if let Some(slot) = slots[t as usize].get_mut(ei as usize) {
                        if slot.is_none() {
                            *slot = Some(Entity {
                                name: entry.name.name.clone(),
                                parent,
                                attributes: values,
                            });
                        }
                    }
                }
            }
        }
        for (t, s) in slots.into_iter().enumerate() {
            entity_types[t].entities = s.into_iter().flatten().collect();
        }
        let enums = self
            .names
            .enums
            .iter()
            .map(|e| EnumType {
                name: e.clone(),
                variants: match self.index.kind(e) {
                    Some(DeclKind::Enum { variants }) => variants.clone(),
                    _ => Vec::new(),
                },
            })
            .collect();
        Catalogue {
            entity_types,
            enums,
        }
    }

    pub(crate) fn sets(&self) -> Vec<SetTimeline> {
        self.names
            .sets
            .iter()
            .filter_map(|name| {
                let t = self.timelines.sets.get(name)?;
                let elem = ty_of(self.index, &t.elem);
                let domain = match &elem {
                    Ty::Entity(n) => Domain::Entity(*self.names.entity_type_ix.get(n)?),
                    Ty::Enum(n) => Domain::Enum(*self.names.enum_ix.get(n)?),
                    _ => return None,
                };
                let slices = t
                    .slices
                    .iter()
                    .map(|s| {
                        let mut members: Vec<u32> = s
                            .members
                            .iter()
                            .filter_map(|m| match domain {
                                Domain::Entity(_) => self.names.entities.get(m).map(|(_, i)| *i),
                                Domain::Enum(_) => match self.variant(elem_name(&elem), m)? {
                                    Value::Enum(_, v) => Some(v),
                                    _ => None,
                                },
                            })
                            .collect();
                        members.sort_unstable();
                        SetSlice {
                            from: s.from.map(date_to_days),
                            members,
                            announced: s.announced,
                            partial: s.partial,
                            citation: self.citation_of(s.cite.as_ref()),
                        }
                    })
                    .collect();
                Some(SetTimeline {
                    name: name.clone(),
                    domain,
                    slices,
                    ended: t.ended.map(date_to_days),
                    formula: t.formula.clone(),
                })
            })
            .collect()
    }

    /// The dated values and relations as written, in name order.
    pub(crate) fn value_infos(&self) -> Vec<edict_runtime::artifact::ValueTimeline> {
        use edict_runtime::artifact::{ValueEntry, ValueTimeline};
        self.values
            .values
            .iter()
            .map(|(name, tl)| ValueTimeline {
                name: name.clone(),
                key: tl.key.as_ref().map(|k| k.name.clone()),
                ty: tl.ty.to_string(),
                entries: tl
                    .keys
                    .iter()
                    .flat_map(|(k, eras)| {
                        eras.iter().map(move |era| ValueEntry {
                            key: (!k.is_empty()).then(|| k.clone()),
                            value: era.value.to_string(),
                            from: era.from.map(date_to_days),
                            until: era.until.map(date_to_days),
                            citation: self.citation_of(era.cite.as_ref()),
                            ended_by: self.citation_of(era.ended_by.as_ref()),
                            differs: self.disagreements(era),
                        })
                    })
                    .collect(),
                otherwise: tl.otherwise.as_ref().map(ToString::to_string),
            })
            .collect()
    }

    /// The `but` clauses of an entry, as the artifact holds them.
    pub(crate) fn disagreements(
        &self,
        era: &crate::values::Era,
    ) -> Vec<edict_runtime::artifact::Disagreement> {
        era.differs
            .iter()
            .map(|d| edict_runtime::artifact::Disagreement {
                citation: Citation {
                    source: d.source.clone(),
                    title: self.source_title(&d.source),
                    item: d.item,
                },
                kind: self.source_kind(&d.source),
                says: d.says.to_string(),
                quote: d.quote.clone(),
            })
            .collect()
    }

    /// A citation as the artifact holds it, with the source's title.
    pub(crate) fn citation_of(&self, cite: Option<&(String, Option<u32>)>) -> Option<Citation> {
        cite.map(|(source, item)| Citation {
            source: source.clone(),
            title: self.source_title(source),
            item: *item,
        })
    }
}
