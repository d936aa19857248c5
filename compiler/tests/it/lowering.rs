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

/// Ancestors of an input (`v.entry_port.city`), one input inside another, and a relation's
/// value naming its key (`otherwise [key.city]`) are spelt out over the catalogue; the tables answer as the language says, including for a port whose province
/// has no region (`in Region?`): its `.region` is absent, so `==` and `!=` are false.
#[test]
fn ancestors_and_inputs_inside_inputs_compile() {
    let text = r#"
source s { title: "S", published: 2025-01-01, items: 2 }
enum Answer { yes, no }
entity Region { name: Text }
entity Province in Region? { name: Text }
entity City in Province { name: Text }
entity Port in City { name: Text }
catalogue Region { delta { name: "Delta" } }
catalogue Province { jiangsu in delta { name: "Jiangsu" }, yunnan { name: "Yunnan" } }
catalogue City { suzhou in jiangsu { name: "Suzhou" }, kunming in yunnan { name: "Kunming" } }
catalogue Port { suzhou_port in suzhou { name: "Suzhou" }, changshui in kunming { name: "Changshui" } }
record Req { port: Port, destination: City, day: Date }
record Out { answer: Answer }
decision own_city(t: Req) -> Out { as of t.day  otherwise { answer: no } }
decision same_province(t: Req) -> Out { as of t.day  otherwise { answer: no } }
decision delta_port(t: Req) -> Out { as of t.day  otherwise { answer: no } }
decision not_delta(t: Req) -> Out { as of t.day  otherwise { answer: no } }
rule r1 for own_city { cite s item 1  when t.destination in t.port.city  then { answer: yes } }
rule r2 for same_province { cite s item 1  when t.destination.province == t.port.province  then { answer: yes } }
rule r3 for delta_port { cite s item 1  when t.port.region == delta  then { answer: yes } }
rule r4 for not_delta { cite s item 1  when t.port.region != delta  then { answer: yes } }
relation area: Port -> Set<Province> {
  otherwise [key.city]
  suzhou_port: [jiangsu] cite s item 2
}
decision in_area(t: Req) -> Out { as of t.day  otherwise { answer: no } }
rule r5 for in_area { cite s item 2  when t.destination in area[t.port]  then { answer: yes } }
"#;
    let mut a = Analysis::default();
    a.set_file("x.edict", text.to_string());
    let diags = a.check();
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let engine = Engine::new(a.build().unwrap()).unwrap();
    let ask = |decision: &str, port: &str, destination: &str| {
        let decision = engine.decision_id(decision).unwrap();
        let req = serde_json::json!({"t": {"port": port, "destination": destination, "day": "2025-06-01"}});
        let inputs = engine.parse_request(decision, &req).unwrap();
        engine.decide(decision, &inputs).unwrap().verdict != Verdict::Otherwise
    };
    assert!(ask("own_city", "changshui", "kunming"));
    assert!(!ask("own_city", "changshui", "suzhou"));
    assert!(ask("same_province", "suzhou_port", "suzhou"));
    assert!(!ask("same_province", "suzhou_port", "kunming"));
    assert!(ask("delta_port", "suzhou_port", "kunming"));
    assert!(!ask("delta_port", "changshui", "kunming"));
    // Yunnan is in no region: `!=` is false there too.
    assert!(!ask("not_delta", "changshui", "kunming"));
    assert!(!ask("not_delta", "suzhou_port", "kunming"));
    // `otherwise [key.city]`: a port's own city where the relation states nothing.
    assert!(ask("in_area", "changshui", "kunming"));
    assert!(!ask("in_area", "changshui", "suzhou"));
    assert!(ask("in_area", "suzhou_port", "suzhou"));
    // Every row of the tables can hold: none tests two different ports on one column.
    for d in &engine.artifact().decisions {
        for row in &d.rows {
            let mut seen = std::collections::BTreeSet::new();
            for atom in &row.atoms {
                if matches!(
                    atom.test,
                    edict_runtime::artifact::Test::OneOf { negate: false, .. }
                ) {
                    assert!(
                        seen.insert(atom.column),
                        "{} tests a column twice: {row:?}",
                        d.name
                    );
                }
            }
        }
    }
}
