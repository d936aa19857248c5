//! Lowering edge cases: what compiles into tables exactly, and what is refused with E0601.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::{Analysis, Code};
use edict_runtime::{Engine, Verdict};

const BASE: &str = r#"
source s { title: "S", published: 2025-01-01, items: 2 }
enum Answer { yes, no }
record Req { arrival: DateTime, departure: DateTime, date: Date, expiry: Date }
record Out { answer: Answer }
decision d(t: Req) -> Out { as of t.arrival  otherwise { answer: no } }
"#;

fn analysis(rule: &str) -> Analysis {
    let mut a = Analysis::default();
    a.set_file(
        "x.edict",
        format!(
            "{BASE}rule r for d {{\n  cite s item 1\n  when {rule}\n  then {{ answer: yes }}\n}}\n"
        ),
    );
    a
}

#[test]
fn a_difference_tested_against_a_range_compiles() {
    let a = analysis("t.departure - t.arrival in 1h..24h");
    let engine = Engine::new(a.build().unwrap()).unwrap();
    for (departure, expected) in [
        ("2025-06-01T10:30", false),
        ("2025-06-01T11:00", true),
        ("2025-06-02T10:00", true),
        ("2025-06-02T10:01", false),
    ] {
        let req = serde_json::json!({"t": {"arrival": "2025-06-01T10:00", "departure": departure, "date": "2025-06-01", "expiry": "2025-06-01"}});
        let inputs = engine.parse_request(0, &req).unwrap();
        let v = engine.decide(0, &inputs).unwrap().verdict;
        assert_eq!(v == Verdict::Rule(0), expected, "departure {departure}");
    }
}

#[test]
fn calendar_arithmetic_on_dates_is_refused_not_miscompiled() {
    let a = analysis("t.expiry - 6mo >= t.date");
    assert!(a.diagnostics().iter().all(|d| !d.is_error()), "it checks");
    let errors = a.build().unwrap_err();
    assert_eq!(errors[0].code, Code::E0601, "{errors:?}");
}
