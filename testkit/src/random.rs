//! Random small workspaces with varied conditions, and random requests for any decision:
//! the inputs of the differential test (compiled tables against the reference interpreter).

use std::fmt::Write as _;

use edict_runtime::artifact::{Artifact, DecisionTable};
use edict_runtime::value::{parse_date, TypeDesc, Value};

use crate::Rng;

/// A small workspace exercising every condition form the tables compile: membership in sets
/// with amendments, in entities up the hierarchy and in lists mixing places of one hierarchy, relations read through the hierarchy, ancestors of inputs (`t.port.city`) and inputs inside other inputs, a relation that covers a set, relation values that name their key (`[key.city]`), ends cited to a later source, a shared test request, `==`/`!=` with constants and inputs,
/// negation, `or`, ranges, comparisons of differences, flags, optional inputs, every hit
/// policy, `until`.
pub fn random_workspace(seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let mut s = String::new();
    s.push_str("source src { title: \"Random\", published: 2024-01-01, items: 9 }\n");
    s.push_str("enum Kind { k0, k1, k2, k3 }\nenum Status { yes, no, maybe }\n");
    s.push_str("entity Region { name: Text }\nentity Province in Region? { name: Text }\n");
    s.push_str("entity City in Province { name: Text }\nentity Port in City { kind: Kind }\nentity Country { name: Text }\n");
    s.push_str("catalogue Region { r0 { name: \"R0\" }, r1 { name: \"R1\" } }\n");
    s.push_str("catalogue Province {\n");
    for p in 0..4 {
        if p == 3 {
            let _ = writeln!(s, "  p{p} {{ name: \"P{p}\" }}");
        } else {
            let _ = writeln!(s, "  p{p} in r{} {{ name: \"P{p}\" }}", p % 2);
        }
    }
    s.push_str("}\ncatalogue City {\n");
    for c in 0..8 {
        let _ = writeln!(s, "  c{c} in p{} {{ name: \"C{c}\" }}", c % 4);
    }
    s.push_str("}\ncatalogue Port {\n");
    for p in 0..12 {
        let _ = writeln!(s, "  port{p} in c{} {{ kind: k{} }}", p % 8, rng.below(4));
    }
    s.push_str("}\ncatalogue Country {\n");
    for c in 0..6 {
        let _ = writeln!(s, "  n{c} {{ name: \"N{c}\" }}");
    }
    s.push_str("}\n");
    s.push_str("set ports_a: Port { port0, port1, port2, port3 }\n");
    s.push_str("amend ports_a from 2025-01-01 cite src item 1 { add port4, port5 remove port0 }\n");
    s.push_str("set ports_b: Port from 2024-06-01 { port6, port7 }\n");
    s.push_str(
        "set regions: Region { r0 }\namend regions from 2025-06-01 cite src item 2 { add r1 }\n",
    );
    s.push_str("set countries: Country { n0, n1, n2 }\namend countries from 2024-09-01 cite src item 3 { remove n2 add n3 }\n");
    s.push_str("set kinds: Kind { k0, k2 }\n");
    // Sets that together hold every entry of their catalogue (from 2025-01-01 for ports).
    s.push_str("set every_country: Country { n0, n1, n2, n3, n4, n5 }\n");
    s.push_str("set ports_rest: Port { port6, port7, port8, port9, port10, port11 }\n");
    s.push_str("amend ports_rest from 2025-01-01 cite src item 4 { add port0 }\n");
    // A set that ends.
    s.push_str(
        "set ports_c: Port from 2024-03-01 until 2025-03-01 by src item 6 cite src item 5 { port2, port8 }\n",
    );
    s.push_str("amend ports_c from 2024-09-01 cite src item 5 { add port9 }\n");
    // A member moved from one set to another.
    s.push_str("amend ports_b from 2025-02-01 cite src item 6 { move port7 into ports_c }\n");
    // Sets made of others, following every amendment of their parts.
    s.push_str("set ports_formula: Port = ports_a union ports_c except ports_b\n");
    s.push_str("set countries_formula: Country = every_country except (countries intersect every_country)\n");
    // Dated values and relations: a value with eras, relations keyed by entries and by enum
    // values, with and without `otherwise`, with entries that end. Their dates are among the
    // sets' (fewer time slices keep the diff laws quick); the rules' dates are random.
    let dates = [
        "2024-06-01",
        "2024-09-01",
        "2025-01-01",
        "2025-02-01",
        "2025-06-01",
    ];
    let pick = |rng: &mut Rng| dates[rng.below(dates.len())];
    let (d1, d2) = (pick(&mut rng), pick(&mut rng));
    let (d1, d2) = if d1 < d2 {
        (d1, d2)
    } else {
        (d2, "2025-09-01")
    };
    let _ = writeln!(
        s,
        "value stay_limit: Duration {{\n  {}h from {d1} cite src item 7\n  {}h from {d2} cite src item 7\n}}",
        24 * (1 + rng.below(4)),
        24 * (1 + rng.below(8)),
    );
    let otherwise = if rng.below(2) == 0 {
        "  otherwise 24h\n"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "relation port_limit: Port -> Duration {{\n{otherwise}  port0, port3: {}h cite src item 8\n  port1: {}h from 2024-06-01 cite src item 8\n  port1: {}h from 2025-01-01 until 2025-06-01 cite src item 8\n  port{}: {}h from {} cite src item 8\n}}",
        12 * (1 + rng.below(12)),
        12 * (1 + rng.below(12)),
        12 * (1 + rng.below(12)),
        4 + rng.below(8),
        12 * (1 + rng.below(12)),
        pick(&mut rng)
    );
    // Two other ports: one with provinces, one with a province, a city and a port.
    let whole = 3 + rng.below(9);
    let mixed = 3 + (whole - 3 + 1 + rng.below(8)) % 9;
    let _ = writeln!(
        s,
        "set area_ports: Port from 2024-06-01 cite src item 9 {{ port0, port1, port2 }}\nrelation area: Port -> Set<Province> covers area_ports {{\n  port0, port1, port2: [p0, p1] from 2024-06-01 cite src item 9\n  port2: [p{}] from {} cite src item 9\n  port{}: [p2, p3] cite src item 9\n  port{}: [p{}, c{}, port{}] from 2025-02-01 cite src item 9\n}}",
        rng.below(4),
        ["2025-01-01", "2025-06-01"][rng.below(2)],
        whole,
        mixed,
        rng.below(4),
        rng.below(8),
        rng.below(12)
    );
    // Relations keyed by a parent type, read with a port or a city (p3 is in no region).
    let _ = writeln!(
        s,
        "relation province_limit: Province -> Duration {{\n{otherwise}  p0, p2: {}h cite src item 9\n  p1: {}h from 2025-01-01 cite src item 9\n}}\nrelation region_limit: Region -> Duration {{\n{otherwise}  r1: {}h from 2024-09-01 cite src item 9\n}}",
        24 * (1 + rng.below(6)),
        24 * (1 + rng.below(6)),
        24 * (1 + rng.below(6)),
    );
    // Relations whose values name their key: a port's own city and a province; a city's
    // region (p3's cities have none).
    let _ = writeln!(
        s,
        "relation own_area: Port -> Set<Province> {{\n  otherwise [key.city, p{}]\n  port{}: [p{}] from 2024-09-01 cite src item 9\n}}\nrelation city_region: City -> Region {{\n  otherwise key.region\n  c{}: r1 from 2025-01-01 cite src item 9\n}}",
        rng.below(4),
        rng.below(12),
        rng.below(4),
        rng.below(8)
    );
    // A list too long for a line at most widths, mixing provinces and cities.
    s.push_str("relation wide_area: City -> Set<Province> {\n  c0, c1, c2, c3, c4, c5, c6, c7: [p0, p1, p2, p3, c0, c1, c2, c3, c4, c5, c6, c7] from 2024-09-01 cite src item 9\n}\n");
    s.push_str("relation kind_limit: Kind -> Duration {\n  k0: 48h cite src item 9\n  k1: 72h from 2024-09-01 cite src item 9\n  k2: 96h until 2025-02-01 cite src item 9\n}\n");
    let _ = writeln!(
        s,
        "relation home_region: Country -> Region {{\n  otherwise r{}\n  n0, n1: r0 from 2025-06-01 cite src item 9\n  n2: r1 cite src item 9\n}}",
        rng.below(2)
    );
    s.push_str("record Req {\n  nationality: Country\n  origin: Country\n  destination: Country\n  port: Port\n  city: City\n  zone: Province?\n  arrival: DateTime\n  departure: DateTime\n  start: Date\n  end: Date?\n  consent: Bool\n  other: Bool?\n  count: Int\n}\n");
    s.push_str("record Out { status: Status, stay: Duration? }\n");
    let hits = ["unique", "first", "priority", "collect"];
    for d in 0..3 {
        let hit = hits[rng.below(hits.len())];
        let _ = writeln!(s, "decision d{d}(t: Req) -> Out {{\n  as of t.arrival\n  hit {hit}\n  otherwise {{ status: no }}\n}}");
        // A named condition the rules may use, itself using another.
        let _ = writeln!(
            s,
            "condition d{d}_base for d{d} {{\n  when {} or {}\n}}\ncondition d{d}_named for d{d} {{\n  when d{d}_base and {}\n}}",
            condition(&mut rng),
            condition(&mut rng),
            condition(&mut rng)
        );
        for r in 0..(3 + rng.below(5)) {
            let mut conds = Vec::new();
            for _ in 0..(1 + rng.below(3)) {
                conds.push(match rng.below(5) {
                    0 => format!("d{d}_named"),
                    1 => format!("not d{d}_base"),
                    _ => condition(&mut rng),
                });
            }
            let joiner = if rng.below(4) == 0 { " or " } else { " and " };
            let when = conds.join(joiner);
            let from = if rng.below(2) == 0 {
                format!("  from 2024-{:02}-01\n", 1 + rng.below(12))
            } else {
                String::new()
            };
            let until = if rng.below(4) == 0 {
                let by = if rng.below(2) == 0 {
                    " by src item 2"
                } else {
                    ""
                };
                format!("  until 2025-{:02}-15{by}\n", 1 + rng.below(12))
            } else {
                String::new()
            };
            let priority = if hit == "priority" {
                format!("  priority {}\n", rng.below(5))
            } else {
                String::new()
            };
            let status = ["yes", "maybe"][rng.below(2)];
            let stay = match rng.below(6) {
                0 | 1 => format!(", stay: {}h", 24 * (1 + rng.below(6))),
                2 => ", stay: stay_limit".to_string(),
                3 => ", stay: port_limit[t.port]".to_string(),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "rule d{d}_r{r} for d{d} {{\n{from}{until}  cite src item {}\n{priority}  when {when}\n  then {{ status: {status}{stay} }}\n}}",
                1 + rng.below(9)
            );
        }
    }
    // A test with a table of cases (for the formatter's properties; tests are not compiled).
    let _ = writeln!(
        s,
        "test sweep for d0 {{\n  given t = {{ nationality: n0, origin: n1, destination: n2, port: port0, city: c0, arrival: 2025-01-01T10:00, departure: 2025-01-03T10:00, start: 2025-01-01, consent: true, count: 1 }}\n  cases (t.port, t.arrival, t.end) {{\n    port{}, 2024-06-01T10:00, 2025-01-05 => otherwise\n    port2, 2025-06-01T10:00, 2025-01-09 => {{ status: yes }}\n    port3, 2025-07-01T10:00, 2025-01-09 => rule d0_r0\n  }}\n}}",
        rng.below(12)
    );
    // A request tests share, and a test that starts from it, changing one field.
    let _ = writeln!(
        s,
        "request base_visit for d1 {{\n  given t = {{ nationality: n1, origin: n2, destination: n3, port: port1, city: c1, arrival: 2025-02-01T10:00, departure: 2025-02-03T10:00, start: 2025-02-01, consent: false, count: 2 }}\n}}\ntest from_base for d1 {{\n  given base_visit\n  given t = {{ port: port{} }}\n  expect otherwise\n  cases (t.city) {{\n    c{} => otherwise\n  }}\n}}",
        rng.below(12),
        rng.below(8)
    );
    vec![("random.edict".to_string(), s)]
}

fn condition(rng: &mut Rng) -> String {
    let base = match rng.below(42) {
        39 => "t.city in own_area[t.port]".to_string(),
        40 => "t.zone in own_area[t.port]".to_string(),
        41 => "t.port in city_region[t.city]".to_string(),
        38 => "t.city in wide_area[t.city]".to_string(),
        36 => format!("t.zone.region == r{}", rng.below(2)),
        37 => "t.city in t.zone".to_string(),
        // Ancestors of an input, and one input inside another's ancestor.
        30 => format!("t.port.city in [c{}, c{}]", rng.below(8), rng.below(8)),
        31 => format!("t.port.province == p{}", rng.below(4)),
        32 => format!("t.port.region != r{}", rng.below(2)),
        33 => "t.city.region in regions".to_string(),
        34 => "t.city in t.port.province".to_string(),
        35 => "t.zone == t.city.province".to_string(),
        28 => "t.departure - t.arrival <= province_limit[t.port]".to_string(),
        29 => "t.departure - t.arrival > region_limit[t.city]".to_string(),
        // Places of one hierarchy in one list: a province, a city and a port.
        27 => format!(
            "t.port in [p{}, c{}, port{}]",
            rng.below(4),
            rng.below(8),
            rng.below(12)
        ),
        25 => format!("t.end - t.start <= {}d", rng.below(10)),
        26 => format!("t.end - t.start > {}h", 12 * rng.below(10)),
        19 => "t.departure - t.arrival <= stay_limit".to_string(),
        20 => "t.departure - t.arrival <= port_limit[t.port]".to_string(),
        21 => "t.zone in area[t.port]".to_string(),
        22 => "t.city in area[t.port]".to_string(),
        23 => "t.departure - t.arrival > kind_limit[t.port.kind]".to_string(),
        24 => "t.city in home_region[t.nationality]".to_string(),
        17 => "t.port in ports_formula".to_string(),
        18 => "t.nationality in countries_formula".to_string(),
        16 => "t.port in ports_c".to_string(),
        14 => "t.origin in every_country".to_string(),
        15 => "t.port in ports_rest".to_string(),
        0 => "t.port in ports_a".to_string(),
        1 => "t.port in ports_b".to_string(),
        2 => "t.port in regions".to_string(),
        3 => "t.city in regions".to_string(),
        4 => format!("t.port in p{}", rng.below(4)),
        5 => "t.nationality in countries".to_string(),
        6 => "t.destination != t.origin".to_string(),
        7 => format!("t.departure - t.arrival <= {}h", 12 * (1 + rng.below(20))),
        8 => "t.consent".to_string(),
        9 => "t.zone in regions".to_string(),
        10 => format!("t.port.kind == k{}", rng.below(4)),
        11 => format!("t.count in {}..{}", rng.below(5), 3 + rng.below(5)),
        12 => format!("t.nationality == n{}", rng.below(6)),
        _ => "(t.other or t.port.kind in kinds)".to_string(),
    };
    if rng.below(5) == 0 {
        format!("not ({base})")
    } else {
        base
    }
}

/// One random edit of a workspace made by [`random_workspace`], as a reviewer would see in a
/// pull request: a condition, an outcome, a period, an amendment's date or a set's members
/// changed, or a rule removed. The result may not check (a rule left without conditions is
/// fine; a removed member may be one an amendment removes too); callers skip those.
pub fn random_edit(text: &str, rng: &mut Rng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let editable: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = lines[i];
            l.starts_with("  when ")
                || l.starts_with("  then ")
                || l.starts_with("  from ")
                || l.starts_with("  until ")
                || l.starts_with("amend ")
                || l.starts_with("set ")
                || l.starts_with("rule ")
        })
        .collect();
    let Some(&at) = editable.get(rng.below(editable.len().max(1))) else {
        return text.to_string();
    };
    let line = lines[at];
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if line.starts_with("  when ") {
        out[at] = format!("  when {}", condition(rng));
    } else if line.starts_with("  then ") {
        // A longer stay where there is one (half the time), else the other status.
        let stay = line.find("stay: ").map(|p| p + 6);
        out[at] = match stay {
            Some(p) if rng.below(2) == 0 => {
                let digits: String = line[p..].chars().take_while(char::is_ascii_digit).collect();
                let hours: u64 = digits.parse().unwrap_or(0);
                format!("{}{}{}", &line[..p], hours + 24, &line[p + digits.len()..])
            }
            _ if line.contains("yes") => line.replace("yes", "maybe"),
            _ => line.replace("maybe", "yes"),
        };
    } else if line.starts_with("  from ") {
        out[at] = format!(
            "  from 2024-{:02}-{:02}",
            1 + rng.below(12),
            1 + rng.below(28)
        );
    } else if line.starts_with("  until ") {
        out[at] = format!(
            "  until 2025-{:02}-{:02}",
            1 + rng.below(12),
            1 + rng.below(28)
        );
    } else if line.starts_with("amend ") {
        let date = format!("2025-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
        out[at] = match line.find(" from ") {
            Some(p) => format!("{}{date}{}", &line[..p + 6], &line[p + 16..]),
            None => line.to_string(),
        };
    } else if line.starts_with("set ") {
        // Drop the last member listed, or add one of the catalogue's.
        if let (Some(open), Some(close)) = (line.find('{'), line.rfind('}')) {
            let members: Vec<&str> = line[open + 1..close]
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .collect();
            let kept = if rng.below(2) == 0 && members.len() > 1 {
                members[..members.len() - 1].join(", ")
            } else {
                members.join(", ")
            };
            out[at] = format!("{}{{ {kept} }}", &line[..open]);
        }
    } else if line.starts_with("rule ") {
        // Remove the rule: its lines up to the closing brace.
        let end = (at..lines.len()).find(|&i| lines[i] == "}").unwrap_or(at);
        out.drain(at..=end);
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// Random inputs for a decision, drawn from the artifact's catalogue.
pub fn random_inputs(a: &Artifact, d: &DecisionTable, rng: &mut Rng) -> Vec<Value> {
    let base = parse_date("2024-01-01").unwrap_or(0);
    let arrival = (base + rng.below(900) as i64) * 86_400 + (rng.below(24) as i64) * 3600;
    d.params
        .iter()
        .map(|(_, t)| value(a, t, rng, arrival, 0))
        .collect()
}

fn value(a: &Artifact, t: &TypeDesc, rng: &mut Rng, arrival: i64, depth: usize) -> Value {
    match t {
        TypeDesc::Optional(inner) => {
            if rng.below(5) == 0 {
                Value::Absent
            } else {
                value(a, inner, rng, arrival, depth)
            }
        }
        TypeDesc::Bool => Value::Bool(rng.below(2) == 0),
        TypeDesc::Int => Value::Int(rng.below(10) as i64),
        TypeDesc::Text => Value::Text(format!("text{}", rng.below(3))),
        TypeDesc::Date => Value::Date(arrival.div_euclid(86_400) + rng.below(30) as i64),
        // The first date-time is the arrival; others lie up to 12 days after it.
        TypeDesc::DateTime => {
            if depth == 0 {
                Value::DateTime(arrival)
            } else {
                Value::DateTime(arrival + rng.below(300) as i64 * 3600)
            }
        }
        TypeDesc::Duration => Value::Duration(rng.below(300) as i64 * 3600),
        TypeDesc::Period => Value::Period(rng.below(72) as i64),
        TypeDesc::Range(inner) => Value::Range(
            Box::new(value(a, inner, rng, arrival, 1)),
            Box::new(value(a, inner, rng, arrival, 1)),
        ),
        TypeDesc::Entity(e) => {
            let n = a
                .catalogue
                .entity_types
                .get(*e as usize)
                .map_or(0, |t| t.entities.len());
            if n == 0 {
                Value::Absent
            } else {
                Value::Entity(*e, rng.below(n) as u32)
            }
        }
        TypeDesc::Enum(e) => {
            let n = a
                .catalogue
                .enums
                .get(*e as usize)
                .map_or(0, |t| t.variants.len());
            if n == 0 {
                Value::Absent
            } else {
                Value::Enum(*e, rng.below(n) as u32)
            }
        }
        TypeDesc::Record(r) => {
            let Some(rec) = a.records.get(*r as usize) else {
                return Value::Absent;
            };
            let mut first_datetime = true;
            Value::Record(
                rec.fields
                    .iter()
                    .map(|(_, ft)| {
                        let is_dt = matches!(ft, TypeDesc::DateTime);
                        let d = if is_dt && first_datetime { 0 } else { 1 };
                        if is_dt {
                            first_datetime = false;
                        }
                        value(a, ft, rng, arrival, d.max(depth.min(1)) * d)
                    })
                    .collect(),
            )
        }
    }
}

/// A policy history: the workspace of [`random_workspace`] and `steps` announcements after it,
/// each a version of the text. An announcement does what real ones do: adds ports to the
/// catalogue and designates them in the same change, adds a country and makes it eligible,
/// ends a member, changes a dated value from a date, gives a relation's key a new value from a
/// date, adds a rule or ends one, or (as [`random_edit`]) changes a condition, an outcome or a
/// date. `accepts` says whether a version checks: an announcement whose version does not
/// is drawn again (a few tries), so that every version of the history is a policy.
pub fn random_history(seed: u64, steps: usize, accepts: impl Fn(&str) -> bool) -> Vec<String> {
    let mut rng = Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut versions = vec![random_workspace(seed)[0].1.clone()];
    for step in 0..steps {
        let last = versions.last().cloned().unwrap_or_default();
        let next = (0..8)
            .map(|_| announcement(&last, step, &mut rng))
            .find(|t| accepts(t));
        if let Some(next) = next {
            versions.push(next);
        }
    }
    versions
}

/// A date from 2024-02-01 to 2026-12-28, on the first, eighth, fifteenth or 22nd of a month.
fn some_date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2024 + rng.below(3),
        1 + rng.below(12),
        1 + 7 * rng.below(4)
    )
}

/// Inserts `line` before the closing brace of the block that `header` opens.
fn insert_in_block(text: &str, header: &str, line: &str) -> String {
    let Some(start) = text.find(header) else {
        return text.to_string();
    };
    let Some(close) = text[start..].find("\n}").map(|p| start + p) else {
        return text.to_string();
    };
    format!("{}\n{line}{}", &text[..close], &text[close..])
}

/// One announcement's change to the text of a workspace.
fn announcement(text: &str, step: usize, rng: &mut Rng) -> String {
    let date = some_date(rng);
    let mut s = text.to_string();
    match rng.below(8) {
        // New ports, designated in the same change (the normal shape of an announcement).
        0 | 1 => {
            let n = 1 + rng.below(2);
            let mut names = Vec::new();
            for k in 0..n {
                let name = format!("port_s{step}_{k}");
                s = insert_in_block(
                    &s,
                    "catalogue Port {",
                    &format!(
                        "  {name} in c{} {{ kind: k{} }}",
                        rng.below(8),
                        rng.below(4)
                    ),
                );
                names.push(name);
            }
            let set = ["ports_a", "ports_rest"][rng.below(2)];
            let _ = writeln!(
                s,
                "amend {set} from {date} cite src item 1 {{ add {} }}",
                names.join(", ")
            );
        }
        // A new country, eligible from a date.
        2 => {
            let name = format!("n_s{step}");
            s = insert_in_block(
                &s,
                "catalogue Country {",
                &format!("  {name} {{ name: \"N{step}\" }}"),
            );
            let _ = writeln!(
                s,
                "amend countries from {date} cite src item 3 {{ add {name} }}"
            );
        }
        // A member ends.
        3 => {
            let _ = writeln!(
                s,
                "amend ports_a from {date} cite src item 1 {{ remove port{} }}",
                1 + rng.below(5)
            );
        }
        // A dated value changes from a date.
        4 => {
            s = insert_in_block(
                &s,
                "value stay_limit: Duration {",
                &format!(
                    "  {}h from {date} cite src item 7",
                    24 * (1 + rng.below(10))
                ),
            );
        }
        // A relation's key gets a new value from a date.
        5 => {
            s = insert_in_block(
                &s,
                "relation port_limit: Port -> Duration {",
                &format!(
                    "  port{}: {}h from {date} cite src item 8",
                    rng.below(12),
                    12 * (1 + rng.below(12))
                ),
            );
        }
        // A rule ends (an `until` it did not have), or a new rule.
        6 => {
            let lines: Vec<&str> = s.lines().collect();
            let rules: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].starts_with("rule ") && !lines[i + 1].starts_with("  until"))
                .collect();
            if let Some(&at) = rules.get(rng.below(rules.len().max(1))) {
                let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                out.insert(at + 1, format!("  until {date}"));
                s = out.join("\n");
                s.push('\n');
            }
        }
        _ => {
            let d = rng.below(3);
            let priority = if s.contains(&format!(
                "decision d{d}(t: Req) -> Out {{\n  as of t.arrival\n  hit priority"
            )) {
                format!("  priority {}\n", rng.below(5))
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "rule d{d}_s{step} for d{d} {{\n  from {date}\n  cite src item {}\n{priority}  when {}\n  then {{ status: {} }}\n}}",
                1 + rng.below(9),
                condition(rng),
                ["yes", "maybe"][rng.below(2)]
            );
        }
    }
    s
}
