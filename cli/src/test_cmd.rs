//! `edict test`: run the `test` blocks next to the rules; human, JSON or JUnit output.

use std::path::{Path, PathBuf};

use edict_compiler::testing::{run_tests, TestResult};
use edict_runtime::Engine;

use crate::check::load_all;
use crate::output::{stderr, stdout};
use crate::Outcome;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
    /// GitHub Actions annotations on failing tests.
    Github,
    /// A SARIF 2.1.0 log of failing tests.
    Sarif,
}

pub fn run(paths: &[PathBuf], format: TestFormat, color: bool) -> Outcome {
    let loaded = match load_all(paths) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let several = loaded.len() > 1;
    // Each result with its file written from where the command runs.
    let mut results: Vec<TestResult> = Vec::new();
    let mut failed = false;
    for l in &loaded {
        let analysis = &l.analysis;
        let artifact = match analysis.build() {
            Ok(a) => a,
            Err(diags) => {
                stderr(&edict_compiler::render::render_human(
                    &l.narrow(diags.clone()),
                    &analysis.sources(),
                    color,
                ));
                stderr(&format!("{}\n", l.summary(&diags, several)));
                failed = true;
                continue;
            }
        };
        let engine = match Engine::new(artifact) {
            Ok(e) => e,
            Err(e) => {
                stderr(&format!("error: {e}\n"));
                failed = true;
                continue;
            }
        };
        let lowerer = analysis.lowerer();
        let root = Path::new(&lowerer.root);
        let mine: Vec<TestResult> = run_tests(&lowerer, &engine)
            .into_iter()
            .map(|mut r| {
                r.file = root.join(&r.file).display().to_string();
                r
            })
            .filter(|r| l.workspace.reports_on(Path::new(&r.file)))
            .collect();
        if format == TestFormat::Human {
            if several {
                stdout(&format!("`{}`:\n", l.workspace.name()));
            }
            stdout(&human(&mine));
        }
        results.extend(mine);
    }
    match format {
        TestFormat::Human if several => {
            let passed = results.iter().filter(|r| r.passed()).count();
            stdout(&format!(
                "{} workspaces: {passed} passed, {} failed\n",
                loaded.len(),
                results.len() - passed
            ));
        }
        TestFormat::Human => {}
        TestFormat::Json => stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "version": 1,
                "tests": results,
                "passed": results.iter().filter(|r| r.passed()).count(),
                "failed": results.iter().filter(|r| !r.passed()).count(),
            }))
            .unwrap_or_default()
        )),
        TestFormat::Junit => stdout(&junit(&results)),
        TestFormat::Github => stdout(&github(&results)),
        TestFormat::Sarif => stdout(&format!("{}\n", sarif(&results))),
    }
    if !failed && results.iter().all(TestResult::passed) {
        Outcome::Ok
    } else {
        Outcome::PolicyErrors
    }
}

pub fn human(results: &[TestResult]) -> String {
    let mut out = String::new();
    for r in results {
        if r.passed() {
            let cases = match r.cases {
                0 => String::new(),
                1 => ", 1 case".to_string(),
                n => format!(", {n} cases"),
            };
            out.push_str(&format!("ok      {} ({}{cases})\n", r.name, r.decision));
        } else {
            out.push_str(&format!(
                "FAILED  {} ({}) at {}:{}:{}\n",
                r.name, r.decision, r.file, r.line, r.column
            ));
            for f in &r.failures {
                out.push_str(&format!(
                    "          {}: expected {}, got {}\n",
                    f.what, f.expected, f.actual
                ));
            }
        }
    }
    let passed = results.iter().filter(|r| r.passed()).count();
    out.push_str(&format!(
        "{passed} passed, {} failed\n",
        results.len() - passed
    ));
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn junit(results: &[TestResult]) -> String {
    let failed = results.iter().filter(|r| !r.passed()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"edict\" tests=\"{}\" failures=\"{failed}\">\n",
        results.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"edict\" tests=\"{}\" failures=\"{failed}\">\n",
        results.len()
    ));
    for r in results {
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
            xml(&r.name),
            xml(&r.decision),
            xml(&r.file),
            r.line
        ));
        if r.passed() {
            out.push_str("/>\n");
        } else {
            out.push_str(">\n");
            for f in &r.failures {
                let msg = format!("{}: expected {}, got {}", f.what, f.expected, f.actual);
                out.push_str(&format!(
                    "      <failure message=\"{}\">{}</failure>\n",
                    xml(&msg),
                    xml(&msg)
                ));
            }
            out.push_str("    </testcase>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn failure_text(r: &TestResult) -> String {
    r.failures
        .iter()
        .map(|f| format!("{}: expected {}, got {}", f.what, f.expected, f.actual))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn github(results: &[TestResult]) -> String {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for r in results.iter().filter(|r| !r.passed()) {
        let file = r.file.clone();
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            prop(&file),
            r.line,
            r.column,
            prop(&format!("test {} ({}) failed", r.name, r.decision)),
            esc(&failure_text(r))
        ));
    }
    out
}

pub fn sarif(results: &[TestResult]) -> String {
    let failed: Vec<serde_json::Value> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| {
            serde_json::json!({
                "ruleId": "test-failed",
                "level": "error",
                "message": { "text": format!("test `{}` of `{}` failed\n{}", r.name, r.decision, failure_text(r)) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": r.file },
                    "region": { "startLine": r.line, "startColumn": r.column }
                }}]
            })
        })
        .collect();
    edict_compiler::render::sarif_log(
        "edict test",
        vec![
            serde_json::json!({ "id": "test-failed", "shortDescription": { "text": "a policy test failed" } }),
        ],
        failed,
    )
}
