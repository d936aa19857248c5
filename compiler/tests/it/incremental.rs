//! The salsa database re-runs only what an edit touches: editing the body of one rule does
//! not re-check unrelated files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::{Analysis, Database};

use edict_testkit::incremental::{executions as count, rule as rules, CATALOGUE};

#[test]
fn editing_a_rule_body_rechecks_only_its_file() {
    let mut a = Analysis::new(Database::with_execution_log());
    a.set_file("catalogue.edict", CATALOGUE.to_string());
    a.set_file("us.edict", rules("us_rule", "us"));
    a.set_file("jp.edict", rules("jp_rule", "jp"));
    assert!(
        a.diagnostics().iter().all(|d| !d.is_error()),
        "{:?}",
        a.diagnostics()
    );
    let first = a.db().take_execution_log();
    assert_eq!(count(&first, "check_file"), 3, "{first:#?}");

    // Same rule, new condition: a body edit.
    a.set_file(
        "us.edict",
        rules("us_rule", "jp").replace("  cite", "  // moved\n  cite"),
    );
    let diags = a.diagnostics();
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let log = a.db().take_execution_log();
    assert_eq!(count(&log, "parse_file"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "check_file"),
        1,
        "only the edited file is checked again: {log:#?}"
    );
    assert_eq!(
        count(&log, "workspace_index"),
        0,
        "the index is unchanged: {log:#?}"
    );

    // Renaming a declaration does change the index, and everything is checked again.
    a.set_file("us.edict", rules("us_rule_renamed", "us"));
    a.diagnostics();
    let log = a.db().take_execution_log();
    assert_eq!(count(&log, "workspace_index"), 1, "{log:#?}");
    assert_eq!(count(&log, "check_file"), 3, "{log:#?}");
}

#[test]
fn an_edit_that_breaks_a_name_reports_it_in_the_user_file() {
    let mut a = Analysis::default();
    a.set_file("catalogue.edict", CATALOGUE.to_string());
    a.set_file("us.edict", rules("us_rule", "us"));
    assert!(a.diagnostics().iter().all(|d| !d.is_error()));
    a.set_file(
        "catalogue.edict",
        CATALOGUE
            .replace(" us { name", " usa { name")
            .replace("{ us, jp }", "{ usa, jp }"),
    );
    let errors: Vec<_> = a
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].primary.file, "us.edict");
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `usa`?"));
}

/// What the language server relies on: setting an input cancels queries running on a
/// snapshot in another thread, which unwind with `salsa::Cancelled` and drop the snapshot.
#[test]
fn an_edit_cancels_queries_running_on_a_snapshot() {
    let mut a = Analysis::default();
    a.set_file("catalogue.edict", CATALOGUE.to_string());
    a.set_file("us.edict", rules("us_rule", "us"));
    let snapshot = a.db().clone();
    let (ws, file) = (a.workspace(), a.file("us.edict").unwrap());
    let (started, running) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        salsa::Cancelled::catch(std::panic::AssertUnwindSafe(|| {
            let _ = started.send(());
            // Fetching a query checks for a pending write; loop until one arrives.
            loop {
                edict_compiler::file_diagnostics(&snapshot, ws, file);
            }
        }))
    });
    running.recv().unwrap();
    // This blocks until the worker has unwound and dropped its snapshot.
    a.set_file("us.edict", rules("us_rule", "jp"));
    let outcome = worker.join().unwrap();
    assert!(outcome.is_err(), "the worker was not cancelled");
    assert!(a.diagnostics().iter().all(|d| !d.is_error()));
}

/// Checking on several threads gives exactly what one thread gives, errors included: every
/// file's queries run once whichever thread gets there first, and the results are read in
/// path order.
#[test]
fn a_check_on_several_threads_reports_what_one_thread_reports() {
    let mut files = edict_testkit::generate(&edict_testkit::Shape::with_rules(2_000));
    assert!(files.len() >= 20, "{} files", files.len());
    // Errors in some files: an unknown name, a syntax error, a duplicate.
    for (i, (_, text)) in files.iter_mut().enumerate() {
        match i % 7 {
            1 => text.push_str("\nrule stray for no_such_decision { when true then { } }\n"),
            4 => text.push_str("\nrule {\n"),
            _ => {}
        }
    }
    let load = |threads: usize| {
        let mut a = Analysis::default();
        a.set_threads(threads);
        for (name, text) in &files {
            a.set_file(name, text.clone());
        }
        a
    };
    let one = load(1).diagnostics();
    assert!(one.iter().filter(|d| d.is_error()).count() >= 4, "{one:#?}");
    for threads in [2, 4] {
        assert_eq!(load(threads).diagnostics(), one, "{threads} threads");
    }
}

/// Lowering on several threads builds the artifact one thread builds, byte for byte: each
/// decision's table is one query, whichever thread runs it, and `compile` reads them in name
/// order. Errors a table cannot hold are reported alike.
#[test]
fn tables_lowered_on_several_threads_are_those_of_one_thread() {
    let files = edict_testkit::generate(&edict_testkit::Shape::with_rules(2_000));
    let load = |threads: usize, files: &[(String, String)]| {
        let mut a = Analysis::default();
        a.set_threads(threads);
        for (name, text) in files {
            a.set_file(name, text.clone());
        }
        a
    };
    let one = load(1, &files).build().unwrap();
    assert!(
        one.decisions.len() >= 4,
        "{} decisions",
        one.decisions.len()
    );
    let bytes = serde_json::to_string(&one).unwrap();
    for threads in [2, 4] {
        let many = load(threads, &files).build().unwrap();
        assert_eq!(
            serde_json::to_string(&many).unwrap(),
            bytes,
            "{threads} threads"
        );
    }
    // A decision of its own whose rule no table can hold (a text compared with a constant):
    // the same E0601 whatever the threads.
    let mut files = files;
    let rule = "record Visitor { name: Text, arrival: DateTime }\ndecision by_name(v: Visitor) -> Entry {\n  as of v.arrival\n  otherwise { status: visa_required }\n}\nrule ada for by_name {\n  cite gen item 1\n  when v.name == \"Ada\"\n  then { status: visa_free }\n}\n";
    files.last_mut().unwrap().1.push_str(rule);
    let one = load(1, &files).check();
    assert!(
        one.iter().any(|d| d.code == edict_compiler::Code::E0601),
        "{one:#?}"
    );
    for threads in [2, 4] {
        assert_eq!(load(threads, &files).check(), one, "{threads} threads");
    }
}

/// Each decision's table is a query of its own: editing a rule of one decision lowers that
/// decision again and not the others.
#[test]
fn editing_a_rule_lowers_only_its_decision_again() {
    let mut a = Analysis::new(Database::with_execution_log());
    a.set_file(
        "catalogue.edict",
        format!(
            "{CATALOGUE}\ndecision other(t: Traveller) -> Entry {{ as of t.arrival  otherwise {{ status: visa_required }} }}\n"
        ),
    );
    a.set_file("us.edict", rules("us_rule", "us"));
    a.set_file(
        "jp.edict",
        rules("jp_rule", "jp").replace("for entry", "for other"),
    );
    assert!(a.build().is_ok(), "{:#?}", a.check());
    let first = a.db().take_execution_log();
    assert_eq!(count(&first, "decision_table"), 2, "{first:#?}");
    a.set_file("us.edict", rules("us_rule", "jp"));
    assert!(a.build().is_ok());
    let log = a.db().take_execution_log();
    assert_eq!(count(&log, "compile"), 1, "{log:#?}");
    assert_eq!(
        count(&log, "decision_table"),
        1,
        "only the edited rule's decision is lowered again: {log:#?}"
    );
}
