//! The editor's queries are salsa queries like the compiler's: an edit re-runs them only for the
//! file it touches, and a comment-only edit re-runs nothing downstream of parsing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::{Analysis, Database};

use edict_testkit::incremental::{executions as count, rule as rules, CATALOGUE};

#[test]
fn editor_queries_and_lowering_rerun_only_for_the_edited_file() {
    let mut a = Analysis::new(Database::with_execution_log());
    a.set_file("catalogue.edict", CATALOGUE.to_string());
    a.set_file("us.edict", rules("us_rule", "us"));
    a.set_file("jp.edict", rules("jp_rule", "jp"));
    let symbols = |a: &Analysis| {
        for p in ["catalogue.edict", "us.edict", "jp.edict"] {
            let f = a.file(p).unwrap();
            edict_ide::file_symbols(a.db(), a.workspace(), f);
        }
        assert!(a.build().is_ok());
    };
    symbols(&a);
    let first = a.db().take_execution_log();
    assert_eq!(count(&first, "file_symbols"), 3, "{first:#?}");
    assert_eq!(count(&first, "compile"), 1, "{first:#?}");
    a.set_file("us.edict", rules("us_rule", "jp"));
    symbols(&a);
    let log = a.db().take_execution_log();
    assert_eq!(
        count(&log, "file_symbols"),
        1,
        "only the edited file's names are resolved again: {log:#?}"
    );
    assert_eq!(
        count(&log, "compile"),
        1,
        "the tables depend on the edited rule: {log:#?}"
    );
    // A comment-only edit leaves the tree equal: nothing downstream runs, not even lowering.
    a.set_file("us.edict", format!("// note\n{}", rules("us_rule", "jp")));
    symbols(&a);
    let log = a.db().take_execution_log();
    assert_eq!(count(&log, "parse_file"), 1, "{log:#?}");
    assert_eq!(count(&log, "check_file"), 1, "{log:#?}");
}
