//! Cedar and Rego agree with Edict's tables: on the shipped transit decision (the hand-written
//! policies, 10,000 varied requests) and on the generated scaling family (translated policies).
//! Needs the `compare` feature: `cargo test -p edict-bench --features compare`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_bench::compare::Side;

#[test]
fn transit_agrees_on_10000_varied_requests() {
    let mut side = Side::transit(10_000, 7).unwrap();
    let agreement = side.check_agreement(None).unwrap();
    assert_eq!(agreement.requests, 10_000);
    // Varied: eligible and not, in good measure.
    assert!((1_000..9_000).contains(&agreement.matched), "{agreement:?}");
}

#[test]
fn transit_edge_cases_agree() {
    // The scenarios of policies/transit.edict, through all three engines.
    let mut side = Side::transit(2_000, 11).unwrap();
    let a = side.engine.artifact().clone();
    let d = side.engine.decision(side.decision).unwrap().clone();
    let json = edict_runtime::value::parse_datetime;
    for (arrival, departure, port, dest, expect) in [
        (
            "2025-11-10T10:00",
            "2025-11-15T08:00",
            "hengqin",
            "jp",
            true,
        ),
        (
            "2025-11-04T10:00",
            "2025-11-09T08:00",
            "hengqin",
            "jp",
            false,
        ),
        (
            "2025-11-04T23:59",
            "2025-11-09T08:00",
            "hengqin",
            "jp",
            false,
        ),
        (
            "2025-11-05T00:00",
            "2025-11-09T08:00",
            "hengqin",
            "jp",
            true,
        ),
        (
            "2025-11-04T10:00",
            "2025-11-09T08:00",
            "beijing_capital",
            "jp",
            true,
        ),
        (
            "2025-11-10T10:00",
            "2025-11-15T08:00",
            "hengqin",
            "us",
            false,
        ),
        (
            "2025-11-10T10:00",
            "2025-11-15T08:00",
            "hengqin",
            "cn",
            false,
        ),
        (
            "2025-11-10T10:00",
            "2025-11-16T10:01",
            "hengqin",
            "jp",
            true,
        ),
        (
            "2025-11-10T10:00",
            "2025-11-20T10:00",
            "hengqin",
            "jp",
            true,
        ),
        (
            "2025-11-10T10:00",
            "2025-11-20T10:01",
            "hengqin",
            "jp",
            false,
        ),
        (
            "2024-12-16T10:00",
            "2024-12-20T10:00",
            "beijing_capital",
            "jp",
            false,
        ),
        (
            "2024-12-17T00:00",
            "2024-12-20T10:00",
            "beijing_capital",
            "jp",
            true,
        ),
        (
            "2025-11-10T10:00",
            "2025-11-10T10:00",
            "hengqin",
            "jp",
            false,
        ),
    ] {
        let entity = |ty: &str, name: &str| {
            let t = edict_bench::transit::entity_type(&a, ty).unwrap();
            let e = a.catalogue.entity_types[t as usize]
                .entities
                .iter()
                .position(|e| e.name == name)
                .unwrap();
            edict_runtime::Value::Entity(t, e as u32)
        };
        let field = |n: &str| edict_bench::transit::field(&a, &d, n).unwrap();
        let mut fields = vec![edict_runtime::Value::Absent; 6];
        fields[field("nationality")] = entity("Country", "us");
        fields[field("origin")] = entity("Country", "us");
        fields[field("arrival_port")] = entity("Port", port);
        fields[field("arrival")] = edict_runtime::Value::DateTime(json(arrival).unwrap());
        fields[field("onward_destination")] = entity("Country", dest);
        fields[field("onward_departure")] =
            edict_runtime::Value::DateTime(json(departure).unwrap());
        let request = vec![edict_runtime::Value::Record(fields)];
        side.requests = vec![request.clone()];
        side.cedar_requests = vec![edict_bench::cedar::request(&a, &d, &request).unwrap()];
        side.rego_inputs = vec![edict_bench::rego::input(&a, &d, &request).unwrap()];
        let agreement = side.check_agreement(None).unwrap();
        assert_eq!(
            agreement.matched == 1,
            expect,
            "{arrival} → {departure} at {port} to {dest}"
        );
    }
}

#[test]
fn family_agrees_at_10_100_and_1000_rules() {
    for (rules, n) in [(10, 1_000), (100, 500), (1_000, 100)] {
        let mut side = Side::family(rules, n, 3).unwrap();
        let agreement = side.check_agreement(None).unwrap();
        assert_eq!(agreement.requests, n);
        assert!(agreement.matched > 0, "{rules} rules: nothing matched");
    }
}
