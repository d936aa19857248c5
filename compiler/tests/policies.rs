//! The shipped corpus: it checks without any diagnostic, and each file's checked model is
//! snapshotted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use edict_compiler::load::collect_files;
use edict_compiler::Analysis;

fn corpus() -> (Analysis, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir: PathBuf = root.join("policies");
    let mut analysis = Analysis::default();
    let mut names = Vec::new();
    for f in collect_files(std::slice::from_ref(&dir)).unwrap() {
        let name = f.strip_prefix(root).unwrap().display().to_string();
        analysis.set_file(&name, std::fs::read_to_string(&f).unwrap());
        names.push(name);
    }
    (analysis, names)
}

#[test]
fn the_corpus_has_no_errors() {
    let (analysis, names) = corpus();
    assert!(names.len() >= 5, "{names:?}");
    let errors: Vec<_> = analysis
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Lists the sources name only in part say `partial`, so the corpus has no warning at all and
/// `edict check --deny-warnings` guards it.
#[test]
fn the_shipped_policies_have_no_diagnostic() {
    let (analysis, _) = corpus();
    let diagnostics: Vec<String> = analysis
        .diagnostics()
        .into_iter()
        .map(|d| format!("{:?} {}", d.code, d.message))
        .collect();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn checked_model_of_each_file() {
    let (analysis, names) = corpus();
    for name in names {
        let model = analysis.model(&name);
        let snapshot = name.replace(['/', '.'], "_");
        insta::assert_yaml_snapshot!(snapshot, model);
    }
}
