//! The words readers see for declared names: every `labels` item of a workspace, by the name
//! each labels (`transit_entry`, `TransitTraveller.nationality`, `EntryStatus.visa_required`).
//!
//! A policy's identifiers are for its authors; the published site shows readers these labels
//! instead, in English and in Simplified Chinese. `check/labels.rs` checks what each entry
//! names and what it says; `analysis/labels.rs` is the lint that asks for a label wherever
//! the site shows a name (`missing_labels` in `edict.toml`).

use std::collections::BTreeMap;
use std::sync::Arc;

use edict_grammar::{ExprKind, ItemKind, Span};

use crate::db::{Db, Workspace};
use crate::syntax::parse_file;

/// The language tags a label may be given in: English, Simplified Chinese.
pub const LANGUAGES: [&str; 2] = ["en", "zh"];

/// A label in each language it is given in.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LabelTexts {
    pub en: Option<String>,
    pub zh: Option<String>,
}

impl LabelTexts {
    /// The label in `lang` (`"en"` or `"zh"`).
    pub fn get(&self, lang: &str) -> Option<&str> {
        match lang {
            "en" => self.en.as_deref(),
            "zh" => self.zh.as_deref(),
            _ => None,
        }
    }

    /// The languages of [`LANGUAGES`] it has no text in.
    pub fn missing(&self) -> Vec<&'static str> {
        LANGUAGES
            .into_iter()
            .filter(|l| self.get(l).is_none())
            .collect()
    }
}

/// Where a label was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSite {
    pub file: String,
    pub span: Span,
}

/// Every label of a workspace. A name labelled twice keeps the first (in file order); the
/// checker reports the second.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    pub by_path: BTreeMap<String, LabelTexts>,
    pub sites: BTreeMap<String, LabelSite>,
}

impl Labels {
    pub fn get(&self, path: &str) -> Option<&LabelTexts> {
        self.by_path.get(path)
    }
}

/// The labels of every file of the workspace.
#[salsa::tracked(returns(ref))]
pub fn workspace_labels(db: &dyn Db, ws: Workspace) -> Arc<Labels> {
    let mut out = Labels::default();
    for &file in ws.files(db) {
        let parsed = parse_file(db, file);
        for item in &parsed.items {
            let ItemKind::Labels(l) = &item.kind else {
                continue;
            };
            for entry in &l.entries {
                let path = entry.path();
                if out.by_path.contains_key(&path) {
                    continue;
                }
                let mut texts = LabelTexts::default();
                for t in &entry.texts {
                    let ExprKind::Text(s) = &t.value.kind else {
                        continue;
                    };
                    if s.trim().is_empty() {
                        continue;
                    }
                    let slot = match t.name.name.as_str() {
                        "en" => &mut texts.en,
                        "zh" => &mut texts.zh,
                        _ => continue,
                    };
                    slot.get_or_insert_with(|| s.clone());
                }
                out.sites.insert(
                    path.clone(),
                    LabelSite {
                        file: file.path(db).clone(),
                        span: entry.span,
                    },
                );
                out.by_path.insert(path, texts);
            }
        }
    }
    Arc::new(out)
}
