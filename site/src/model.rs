//! What the pages are made from: the compiled artifact and its engine, the doc comment of
//! every item, and the tests with their text and results.

use std::collections::HashMap;

use edict_compiler::labels::Labels;
use edict_compiler::Analysis;
use edict_grammar::{Expr, ItemKind};

use crate::lang::Lang;
use edict_runtime::{Artifact, Engine};

/// A test as written, and whether it passes.
pub struct TestPage {
    pub name: String,
    pub decision: String,
    pub file: String,
    pub line: u32,
    /// The test's text, from its keyword to its closing brace.
    pub text: String,
    pub doc: Option<String>,
    pub passed: bool,
    pub cases: usize,
}

/// What every page of one language reads: the policy, and the language.
pub struct Model<'p> {
    /// The language of the pages being made.
    pub lang: Lang,
    pub policy: &'p Policy,
}

impl std::ops::Deref for Model<'_> {
    type Target = Policy;
    fn deref(&self) -> &Policy {
        self.policy
    }
}

/// The policy as the pages show it, the same in both languages.
pub struct Policy {
    /// Every catalogue entry by its name: (entity type, entity).
    pub entries: HashMap<String, (u32, u32)>,
    /// The words readers see for declared names, by name (`TransitTraveller.nationality`).
    pub labels: Labels,
    /// The `when` of each rule and named condition, for sentences in plain words.
    pub whens: HashMap<String, Expr>,
    pub conditions: HashMap<String, Expr>,
    pub artifact: Artifact,
    pub engine: Engine,
    /// Doc comments by (kind, name): `("set", "transit_ports")`.
    pub docs: HashMap<(String, String), String>,
    pub tests: Vec<TestPage>,
}

impl Policy {
    pub fn new(analysis: &Analysis) -> Result<Policy, String> {
        let artifact = analysis.build().map_err(|diags| {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            format!("the policy does not compile ({errors} errors): run `edict check`")
        })?;
        let engine = Engine::new(artifact.clone()).map_err(|e| e.to_string())?;
        let mut docs = HashMap::new();
        let mut texts: HashMap<String, (String, String, Option<String>)> = HashMap::new();
        let mut whens = HashMap::new();
        let mut conditions = HashMap::new();
        for (path, text) in analysis.sources() {
            let parsed = edict_grammar::parse(&text);
            for item in &parsed.items {
                match &item.kind {
                    ItemKind::Rule(r) => {
                        if let Some(w) = &r.when {
                            whens.insert(r.name.name.clone(), w.clone());
                        }
                    }
                    ItemKind::Condition(c) => {
                        if let Some(w) = &c.when {
                            conditions.insert(c.name.name.clone(), w.clone());
                        }
                    }
                    _ => {}
                }
                let kind = match &item.kind {
                    ItemKind::Source(_) => "source",
                    ItemKind::Enum(_) | ItemKind::Entity(_) | ItemKind::Record(_) => "type",
                    ItemKind::Catalogue(_) => "catalogue",
                    ItemKind::Set(_) => "set",
                    ItemKind::Decision(_) => "decision",
                    ItemKind::Rule(_) => "rule",
                    ItemKind::Value(_) => "value",
                    ItemKind::Test(_) => "test",
                    _ => continue,
                };
                let Some(name) = item.name().map(|n| n.name.clone()) else {
                    continue;
                };
                if let Some(d) = &item.doc {
                    docs.entry((kind.to_string(), name.clone()))
                        .or_insert_with(|| d.clone());
                }
                if kind == "test" {
                    let body = text.get(item.span.range()).unwrap_or("").to_string();
                    let file = std::path::Path::new(&path)
                        .file_name()
                        .map_or(path.clone(), |f| f.to_string_lossy().into_owned());
                    texts.insert(name, (file, body, item.doc.clone()));
                }
            }
        }
        let results = edict_compiler::testing::run_tests(&analysis.lowerer(), &engine);
        let tests = results
            .into_iter()
            .map(|r| {
                let (file, text, doc) = texts.remove(&r.name).unwrap_or_default();
                TestPage {
                    passed: r.failures.is_empty(),
                    name: r.name,
                    decision: r.decision,
                    file: if file.is_empty() { r.file } else { file },
                    line: r.line,
                    text,
                    doc,
                    cases: r.cases,
                }
            })
            .collect();
        let mut entries = HashMap::new();
        for (t, ty) in artifact.catalogue.entity_types.iter().enumerate() {
            for (e, ent) in ty.entities.iter().enumerate() {
                entries
                    .entry(ent.name.clone())
                    .or_insert((t as u32, e as u32));
            }
        }
        Ok(Policy {
            entries,
            labels: analysis.labels(),
            whens,
            conditions,
            artifact,
            engine,
            docs,
            tests,
        })
    }

    pub fn doc(&self, kind: &str, name: &str) -> Option<&str> {
        self.docs
            .get(&(kind.to_string(), name.to_string()))
            .map(String::as_str)
    }

    /// An entity's names: its own, and its English and Chinese names when it has them.
    pub fn entity_label(&self, t: u32, e: u32) -> (String, Option<String>, Option<String>) {
        let Some(ty) = self.artifact.catalogue.entity_types.get(t as usize) else {
            return (String::new(), None, None);
        };
        let Some(ent) = ty.entities.get(e as usize) else {
            return (String::new(), None, None);
        };
        let attr = |want: &str| {
            ty.attributes
                .iter()
                .position(|(n, _)| n == want)
                .and_then(|i| ent.attributes.get(i))
                .and_then(|v| match v {
                    edict_runtime::Value::Text(s) => Some(s.clone()),
                    _ => None,
                })
        };
        (ent.name.clone(), attr("name"), attr("name_zh"))
    }
}

impl Model<'_> {
    /// The label of a declared name (`transit_entry`, `TransitTraveller.nationality`) in the
    /// page's language, else in the other one.
    pub fn label(&self, path: &str) -> Option<&str> {
        let l = self.labels.get(path)?;
        l.get(self.lang.tag())
            .or_else(|| l.get(self.lang.other().tag()))
    }

    /// A declared name as readers see it: its label, else the name.
    pub fn title<'a>(&'a self, name: &'a str) -> &'a str {
        self.label(name).unwrap_or(name)
    }

    /// An entry's name in the page's language: `Hengqin`, `横琴`; the other language's, or
    /// the identifier, when it has none.
    pub fn entity_name(&self, t: u32, e: u32) -> String {
        let (id, en, zh) = self.entity_label(t, e);
        let (first, second) = match self.lang {
            Lang::En => (en, zh),
            Lang::Zh => (zh, en),
        };
        first.or(second).unwrap_or(id)
    }
}
