//! The shipped corpus: it checks without errors, and each file's checked model is snapshotted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use edict_compiler::load::collect_files;
use edict_compiler::{Analysis, Code};

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

#[test]
fn the_only_warnings_are_announced_counts_the_text_does_not_fill() {
    let (analysis, _) = corpus();
    let warnings: Vec<String> = analysis
        .diagnostics()
        .into_iter()
        .map(|d| {
            assert_eq!(d.code, Code::E0305, "unexpected {d:?}");
            d.message
        })
        .collect();
    insta::assert_yaml_snapshot!(warnings);
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
