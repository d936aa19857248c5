//! Lowering's queries: what every decision's lowering shares (names, source titles, each file's
//! line starts, where each decision and its rules are), one decision's table, and each file's
//! lengths of time as written.
//!
//! A decision's table is a query of its own so that an edit re-lowers only the decisions whose
//! rules it touched, and so that [`crate::Analysis`] can lower the decisions of a large
//! workspace on several threads (each with a clone of the database) before `compile` reads
//! them: salsa records the tables as `compile`'s dependencies either way.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use edict_grammar::{Expr, ExprKind, ItemKind, RuleDecl};
use edict_runtime::artifact::DecisionTable;
use edict_runtime::value::exact_unit_seconds;

use super::{LowerError, Lowerer, Names};
use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{workspace_index, DeclKind};
use crate::render::LineIndex;
use crate::syntax::parse_file;

/// The name → index maps of a workspace's entity types, entities, enums, records and sets.
#[salsa::tracked(returns(ref))]
pub(super) fn names(db: &dyn Db, ws: Workspace) -> Arc<Names> {
    let index = workspace_index(db, ws);
    let mut entity_types: Vec<String> = Vec::new();
    let mut enums = Vec::new();
    let mut records = Vec::new();
    let mut sets = Vec::new();
    for (name, defs) in &index.defs {
        match defs.first().map(|d| &d.decl.kind) {
            Some(DeclKind::EntityType { .. }) => entity_types.push(name.clone()),
            Some(DeclKind::Enum { .. }) => enums.push(name.clone()),
            Some(DeclKind::Record { .. }) => records.push(name.clone()),
            Some(DeclKind::Set { .. }) => sets.push(name.clone()),
            _ => {}
        }
    }
    let ix = |v: &[String]| {
        v.iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect::<HashMap<_, _>>()
    };
    let entity_type_ix = ix(&entity_types);
    // Entities of each type, sorted by name.
    let mut per_type: Vec<Vec<String>> = vec![Vec::new(); entity_types.len()];
    for (name, defs) in &index.defs {
        if let Some(DeclKind::Entity { ty, .. }) = defs.first().map(|d| &d.decl.kind) {
            if let Some(&t) = entity_type_ix.get(ty) {
                per_type[t as usize].push(name.clone());
            }
        }
    }
    let mut entities = HashMap::new();
    for (t, names) in per_type.iter().enumerate() {
        for (i, n) in names.iter().enumerate() {
            entities.insert(n.clone(), (t as u32, i as u32));
        }
    }
    Arc::new(Names {
        enum_ix: ix(&enums),
        record_ix: ix(&records),
        set_ix: ix(&sets),
        entity_types,
        entity_type_ix,
        entities,
        enums,
        records,
        sets,
    })
}

/// Each source's title by name (the first source of a name in workspace order): every cited
/// rule's citation carries it.
#[salsa::tracked(returns(ref))]
pub(super) fn source_titles(db: &dyn Db, ws: Workspace) -> Arc<HashMap<String, String>> {
    let mut titles = HashMap::new();
    for &file in ws.files(db) {
        for item in &parse_file(db, file).items {
            if let ItemKind::Source(s) = &item.kind {
                let title =
                    s.fields
                        .iter()
                        .find(|f| f.name.name == "title")
                        .map_or(String::new(), |f| match &f.value.kind {
                            ExprKind::Text(t) => t.clone(),
                            _ => String::new(),
                        });
                titles.entry(s.name.name.clone()).or_insert(title);
            }
        }
    }
    Arc::new(titles)
}

/// Each exact length of time a file's rules, decisions, conditions and values write, with its
/// spelling (`72h`), in the order written: the artifact keeps the spelling written most often
/// for each length, for answers to say it as the policy does.
#[salsa::tracked(returns(ref))]
pub fn file_durations(db: &dyn Db, file: SourceFile) -> Arc<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for item in &parse_file(db, file).items {
        let exprs: Vec<&Expr> = match &item.kind {
            ItemKind::Rule(r) => r.when.iter().chain(&r.then).collect(),
            ItemKind::Decision(d) => d.otherwise.iter().collect(),
            ItemKind::Condition(c) => c.when.iter().collect(),
            ItemKind::Value(v) => v
                .entries
                .iter()
                .map(|e| &e.value)
                .chain(&v.otherwise)
                .collect(),
            _ => Vec::new(),
        };
        for e in exprs {
            e.walk(&mut |e| {
                if let ExprKind::Duration(amount, unit) = &e.kind {
                    if let (Ok(n), Some(secs)) =
                        (amount.parse::<i64>(), exact_unit_seconds(unit.suffix()))
                    {
                        out.push((n.saturating_mul(secs), format!("{amount}{}", unit.suffix())));
                    }
                }
            });
        }
    }
    Arc::new(out)
}

/// Where a file's lines start: every rule's location is looked up in it.
#[salsa::tracked(returns(ref))]
pub(super) fn line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// Where each decision and its rules are written: a file and the item's index in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecisionSites {
    /// Each decision by name: its declaration (the first in workspace order).
    pub decisions: BTreeMap<String, (SourceFile, u32)>,
    /// The rules of each declared decision, in workspace order.
    pub rules: BTreeMap<String, Vec<(SourceFile, u32)>>,
}

/// Where each decision and its rules are. Rules for a decision nobody declares are left out
/// (checking reports them).
#[salsa::tracked(returns(ref))]
pub fn decision_sites(db: &dyn Db, ws: Workspace) -> Arc<DecisionSites> {
    let mut sites = DecisionSites::default();
    let mut rules: BTreeMap<String, Vec<(SourceFile, u32)>> = BTreeMap::new();
    for &file in ws.files(db) {
        for (i, item) in parse_file(db, file).items.iter().enumerate() {
            match &item.kind {
                ItemKind::Decision(d) => {
                    sites
                        .decisions
                        .entry(d.name.name.clone())
                        .or_insert((file, i as u32));
                }
                ItemKind::Rule(r) => rules
                    .entry(r.decision.name.clone())
                    .or_default()
                    .push((file, i as u32)),
                _ => {}
            }
        }
    }
    rules.retain(|name, _| sites.decisions.contains_key(name));
    sites.rules = rules;
    Arc::new(sites)
}

/// One decision lowered into its table, or what its rules hold that a table cannot (a name
/// that no decision declares gives no table and no error: `compile` asks only for declared
/// ones).
#[salsa::tracked(returns(ref))]
pub fn decision_table(
    db: &dyn Db,
    ws: Workspace,
    name: String,
) -> Arc<Result<DecisionTable, Vec<LowerError>>> {
    let sites = decision_sites(db, ws);
    let item = |&(file, i): &(SourceFile, u32)| {
        parse_file(db, file)
            .items
            .get(i as usize)
            .map(|item| (file, &item.kind))
    };
    let Some((file, ItemKind::Decision(decl))) = sites.decisions.get(&name).and_then(item) else {
        return Arc::new(Err(Vec::new()));
    };
    let rules: Vec<(SourceFile, &RuleDecl)> = sites
        .rules
        .get(&name)
        .into_iter()
        .flatten()
        .filter_map(|site| match item(site) {
            Some((file, ItemKind::Rule(r))) => Some((file, r)),
            _ => None,
        })
        .collect();
    Arc::new(Lowerer::new(db, ws).decision(file, decl, &rules))
}
