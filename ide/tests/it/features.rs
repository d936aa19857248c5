//! Editor features of `edict-ide`, on the shipped policies plus a scratch file:
//! completion in each context, rename of each kind of name, definitions across files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use edict_compiler::Analysis;
use edict_ide as ide;

fn workspace(scratch: &str) -> Analysis {
    let mut a = analysis_of("policies");
    a.set_file("scratch.edict", scratch.to_string());
    a
}

/// A workspace of the repository (`policies`, `examples/...`), its files named relative to it.
fn analysis_of(folder: &str) -> Analysis {
    let mut a = Analysis::default();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(folder);
    for f in edict_compiler::load::collect_files(std::slice::from_ref(&dir)).unwrap() {
        let name = f.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
        a.set_file(&name, std::fs::read_to_string(&f).unwrap());
    }
    a
}

/// The results of a test as `## what` sections, for one snapshot.
fn sections(out: &[(&str, String)]) -> String {
    let text: Vec<String> = out
        .iter()
        .map(|(what, r)| format!("## {what}\n{r}"))
        .collect();
    text.join("\n\n")
}

/// Completion labels at the `|` of `text` (the bar is removed first).
fn complete(text_with_cursor: &str) -> Vec<String> {
    let offset = text_with_cursor.find('|').unwrap();
    let text = text_with_cursor.replacen('|', "", 1);
    let a = workspace(&text);
    let file = a.file("scratch.edict").unwrap();
    let today = jiff::civil::Date::strptime("%Y-%m-%d", "2026-01-15").unwrap();
    let (_, items) = ide::complete(a.db(), a.workspace(), file, offset, today);
    items.into_iter().map(|i| i.label).collect()
}

fn short(labels: Vec<String>) -> String {
    let n = labels.len();
    let shown: Vec<String> = labels.into_iter().take(12).collect();
    format!("{} ({n})", shown.join(", "))
}

#[test]
fn completion_follows_the_context() {
    let cases = [
        (
            "a field of the outcome, in `then`",
            "rule r for transit_entry {\n  then { |",
        ),
        (
            "a value of an enum field, in `then`",
            "rule r for transit_entry {\n  then { status: |",
        ),
        (
            "a country, in a test's `given`",
            "test x for transit_entry {\n  given t = { origin: |",
        ),
        (
            "a set of countries, after `in`",
            "rule r for transit_entry {\n  when t.nationality in |",
        ),
        (
            "a set, after `not in`",
            "rule r for transit_entry {\n  when t.nationality not in |",
        ),
        (
            "a prefix narrows",
            "rule r for transit_entry {\n  when t.arrival_port in tr|",
        ),
        (
            "a value of the left side, after `==`",
            "rule r for transit_entry {\n  when t.origin == |",
        ),
        ("a decision, after `for`", "rule r for |"),
        (
            "a source, after `cite`",
            "rule r for transit_entry {\n  cite |",
        ),
        (
            "a rule of the test's decision, after `expect rule`",
            "test x for direct_transit {\n  expect rule |",
        ),
        ("a type, in a record", "record R {\n  when: |"),
        ("a member, in a set", "set s: Country { |"),
        ("a set, after `amend`", "amend |"),
        (
            "an enum value, after its enum",
            "rule r for transit_entry {\n  then { status: EntryStatus.|",
        ),
        ("nothing, in a comment", "// a comment about t.|"),
        ("nothing, in a string", "source s { title: \"t.|"),
        (
            "an input, anywhere in a condition",
            "rule r for transit_entry {\n  when |",
        ),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|(what, text)| format!("{what}: {}", short(complete(text))))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

/// The edits of a rename at the first `needle` of `file`, as `file:line:col` lines.
fn rename(a: &Analysis, file: &str, needle: &str, new_name: &str) -> String {
    let f = a.file(file).unwrap();
    let text = f.text(a.db()).clone();
    let offset = text.find(needle).unwrap();
    match ide::rename(a.db(), a.workspace(), f, offset, new_name) {
        Ok(edits) => edits
            .iter()
            .map(|e| {
                let t = e.file.text(a.db());
                let (line, col) = edict_compiler::render::line_col(t, e.span.start as usize);
                format!(
                    "{}:{line}:{col} {} -> {}",
                    e.file.path(a.db()),
                    &t[e.span.range()],
                    e.text
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("refused: {e}"),
    }
}

#[test]
fn rename_reaches_every_kind_of_use() {
    let a = workspace("");
    let out = [
        (
            "an input (decision, rule conditions, tests' given)",
            rename(&a, "smart_clearance.edict", "a: GateApplicant", "applicant"),
        ),
        (
            "a field (record, conditions, outcomes, expectations)",
            rename(&a, "transit.edict", "max_stay:", "longest_stay"),
        ),
        (
            "an enum value (enum, outcomes, expectations)",
            rename(&a, "transit.edict", "visa_required }", "visa_needed"),
        ),
        (
            "a catalogue entry (catalogue, sets, amendments, tests)",
            rename(&a, "ports.edict", "hzmb", "hk_zhuhai_macao_bridge"),
        ),
        (
            "an entity type (types, catalogue, records)",
            rename(&a, "types.edict", "Zone in Province", "PilotZone"),
        ),
        (
            "an input that would hide a declaration",
            rename(
                &a,
                "transit.edict",
                "t: TransitTraveller",
                "transit_countries",
            ),
        ),
        (
            "a clash with a field",
            rename(&a, "transit.edict", "origin: Country", "nationality"),
        ),
        (
            "a clash with a value",
            rename(&a, "transit.edict", "visa_required }", "visa_free_transit"),
        ),
    ];
    insta::assert_snapshot!(sections(&out));
}

/// Sets made of other sets, sets that end, moves and named conditions: a set named in a
/// formula, after `into` or in a condition, and a condition named in a rule, are uses that
/// rename reaches; hover shows a formula set's members on a day, when a set ended, and a
/// condition's `when`.
#[test]
fn set_formulas_ends_and_moves_in_the_editor() {
    let scratch = "set trial_ports: Port from 2025-11-05 until 2026-01-01 cite nia_2025_11 item 4 { hengqin }\n\
                   set all_transit_ports: Port = transit_ports union trial_ports\n\
                   amend transit_ports from 2025-12-01 cite nia_2025_11 item 4 {\n  move hzmb into trial_ports\n}\n\
                   condition at_trial_port for transit_entry {\n  when t.arrival_port in trial_ports\n}\n\
                   rule trial_rule for transit_entry {\n  cite nia_2025_11 item 4\n  when at_trial_port and t.nationality in transit_countries\n  then { status: visa_free_transit }\n}\n";
    let a = workspace(scratch);
    let renamed = rename(&a, "scratch.edict", "trial_ports:", "pilot_ports");
    assert_eq!(renamed.lines().count(), 4, "{renamed}");
    let condition = rename(&a, "scratch.edict", "at_trial_port for", "at_pilot_port");
    let hover = |needle: &str, on: &str| hover_at(&a, "scratch.edict", needle, on);
    let out = [
        (
            "rename a set used in a formula, a move and a condition",
            renamed,
        ),
        ("rename a named condition", condition),
        (
            "hover on a named condition",
            hover("at_trial_port and", "2025-12-10"),
        ),
        (
            "hover on a formula set, 2025-12-10",
            hover("all_transit_ports", "2025-12-10"),
        ),
        (
            "hover on a set that ended, 2026-02-01",
            hover("trial_ports:", "2026-02-01"),
        ),
    ];
    insta::assert_snapshot!(sections(&out));
}

#[test]
fn dated_values_and_relations_in_the_editor() {
    let scratch = "/// The longest transit stay.\n\
                   value stay_limit: Duration {\n  72h from 2013-01-01 cite nia_2025_11 item 4\n  144h from 2016-01-30 cite nia_2025_11 item 4\n}\n\
                   relation port_limit: Port -> Duration {\n  otherwise 24h\n  hengqin, hzmb: 240h from 2025-11-05 cite nia_2025_11 item 4\n}\n\
                   rule stay_rule for transit_entry {\n  cite nia_2025_11 item 4\n  when t.onward_departure - t.arrival <= stay_limit\n    and t.onward_departure - t.arrival <= port_limit[t.arrival_port]\n  then { status: visa_free_transit, max_stay: stay_limit }\n}\n";
    let a = workspace(scratch);
    let f = a.file("scratch.edict").unwrap();
    let text = f.text(a.db()).clone();
    let hover = |needle: &str, on: &str| hover_at(&a, "scratch.edict", needle, on);
    let hints: Vec<String> = ide::inlay_hints(
        a.db(),
        a.workspace(),
        f,
        edict_grammar::Span::new(0, text.len()),
        day("2020-01-01"),
    )
    .into_iter()
    .filter(|h| h.label.starts_with('='))
    .map(|h| {
        let (line, col) = edict_compiler::render::line_col(&text, h.offset);
        format!(
            "{line}:{col} {} ({})",
            h.label,
            h.tooltip.unwrap_or_default()
        )
    })
    .collect();
    let definition = definition_at(&a, "scratch.edict", "port_limit[");
    let completions = short(complete(&scratch.replace("<= stay_limit\n", "<= sta|\n")));
    let out = [
        (
            "hover on a dated value, 2020-01-01",
            hover("stay_limit\n    and", "2020-01-01"),
        ),
        (
            "hover on a dated value before it has one",
            hover("stay_limit\n    and", "2010-01-01"),
        ),
        (
            "hover on a relation, 2025-12-01",
            hover("port_limit[", "2025-12-01"),
        ),
        ("inlay hints, 2020-01-01", hints.join("\n")),
        ("definition of a relation read", definition),
        (
            "rename a dated value",
            rename(&a, "scratch.edict", "stay_limit:", "transit_limit"),
        ),
        (
            "rename a relation",
            rename(&a, "scratch.edict", "port_limit:", "limit_by_port"),
        ),
        ("completion in a condition", completions),
    ];
    insta::assert_snapshot!(sections(&out));
}

#[test]
fn a_rename_keeps_the_canonical_layout() {
    // `hengqin` is aligned with its neighbours in ports.edict; a longer name must not break the
    // alignment that `edict fmt --check` checks in CI.
    let a = workspace("");
    let f = a.file("ports.edict").unwrap();
    let text = f.text(a.db()).clone();
    let offset = text.find("hengqin in zhuhai").unwrap();
    let edits = ide::rename(a.db(), a.workspace(), f, offset, "hengqin_port").unwrap();
    let mut files: Vec<edict_compiler::SourceFile> = edits.iter().map(|e| e.file).collect();
    files.dedup();
    assert!(files.len() > 1, "the name is used in other files too");
    for file in files {
        let mut t = file.text(a.db()).clone();
        for e in edits.iter().filter(|e| e.file == file).rev() {
            t.replace_range(e.span.range(), &e.text);
        }
        assert!(t.contains("hengqin_port"), "{}", file.path(a.db()));
        let formatted = edict_grammar::format(&t, edict_grammar::FormatOptions::default())
            .unwrap()
            .text;
        assert_eq!(formatted, t, "{} is no longer formatted", file.path(a.db()));
    }
}

fn day(s: &str) -> jiff::civil::Date {
    jiff::civil::Date::strptime("%Y-%m-%d", s).unwrap()
}

/// Where the name at the first `needle` of `file` is defined: `file:line:col name`.
fn definition_at(a: &Analysis, file: &str, needle: &str) -> String {
    let f = a.file(file).unwrap();
    let offset = f.text(a.db()).find(needle).unwrap();
    let symbols = ide::file_symbols(a.db(), a.workspace(), f);
    let target = symbols
        .occurrences
        .iter()
        .find(|o| o.span.contains(offset))
        .map(|o| o.target.clone())
        .unwrap();
    let (file, span) = ide::definition(a.db(), a.workspace(), &target).unwrap();
    let t = file.text(a.db());
    let (line, col) = edict_compiler::render::line_col(t, span.start as usize);
    format!("{}:{line}:{col} {}", file.path(a.db()), &t[span.range()])
}

/// The hover's markdown at the first `needle` of `file`, on day `on`.
fn hover_at(a: &Analysis, file: &str, needle: &str, on: &str) -> String {
    let f = a.file(file).unwrap();
    let offset = f.text(a.db()).find(needle).unwrap();
    ide::hover(a.db(), a.workspace(), f, offset, day(on))
        .map(|h| h.markdown)
        .unwrap_or_default()
}

/// The language's second round in the editor: a relation that covers a set, an end cited to a
/// later announcement, a list mixing provinces and cities, a relation keyed by province read
/// with a port, a port's city, and a shared request. Rename reaches each use, definitions and
/// hovers resolve, completion after `.` offers a port's ancestors.
#[test]
fn second_round_constructs_in_the_editor() {
    let scratch = "source later { title: \"A later notice\", published: 2026-01-01, items: 2 }\n\
                   relation area: Port -> Set<Province> covers transit_ports {\n  otherwise [guangdong, zhuhai, key.city]\n  hengqin: [zhuhai] from 2025-11-05 cite nia_2025_11 item 4\n}\n\
                   relation province_limit: Province -> Duration {\n  guangdong: 240h from 2025-11-05 until 2026-01-01 by later item 1 cite nia_2025_11 item 4\n}\n\
                   rule area_rule for transit_entry {\n  until 2026-01-01 by later item 2\n  cite nia_2025_11 item 4\n  when t.arrival_port.city in area[t.arrival_port]\n    and t.onward_departure - t.arrival <= province_limit[t.arrival_port]\n  then { status: visa_free_transit }\n}\n\
                   request hengqin_visit for transit_entry {\n  given t = { nationality: us, origin: us, arrival_port: hengqin, arrival: 2025-11-10T10:00, onward_destination: jp, onward_departure: 2025-11-15T08:00 }\n}\n\
                   test from_hengqin for transit_entry {\n  given hengqin_visit\n  given t = { onward_departure: 2025-11-12T08:00 }\n  expect rule area_rule\n}\n";
    let a = workspace(scratch);
    let diags: Vec<_> = a
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(diags.is_empty(), "{diags:#?}");
    let definition = |needle: &str| definition_at(&a, "scratch.edict", needle);
    let hover = |needle: &str, on: &str| hover_at(&a, "scratch.edict", needle, on);
    let completions = short(complete(
        &scratch.replace("t.arrival_port.city in", "t.arrival_port.| in"),
    ));
    let out = [
        (
            "definition of the set a relation covers",
            definition("transit_ports {"),
        ),
        (
            "definition of the source that ended an entry",
            definition("later item 1"),
        ),
        (
            "definition of a shared request",
            definition("hengqin_visit\n  given t"),
        ),
        (
            "definition of a city in a mixed list",
            definition("zhuhai]"),
        ),
        (
            "hover on a shared request",
            hover("hengqin_visit for", "2025-11-10"),
        ),
        (
            "hover on a port's city",
            hover("city in area", "2025-11-10"),
        ),
        ("definition of a port's city", definition("city in area")),
        (
            "rename a port's city",
            rename(&a, "scratch.edict", "city in area", "town"),
        ),
        (
            "hover on `key` in a relation's value",
            hover("key.city", "2025-11-10"),
        ),
        (
            "completion after `key.` in a relation's value",
            short(complete(&scratch.replace(
                "otherwise [guangdong, zhuhai, key.city]",
                "otherwise [key.|]",
            ))),
        ),
        (
            "hover on a relation keyed by province",
            hover("province_limit[", "2025-11-10"),
        ),
        (
            "rename the source that ended a rule and an entry",
            rename(&a, "scratch.edict", "later {", "nia_2026_01"),
        ),
        (
            "rename a shared request",
            rename(&a, "scratch.edict", "hengqin_visit for", "visit_at_hengqin"),
        ),
        ("completion after a port's `.`", completions),
        (
            "completion after `given` in a test: inputs and the decision's requests",
            short(complete(
                &scratch.replace("  given hengqin_visit\n", "  given |\n"),
            )),
        ),
        (
            "completion after `covers`",
            short(complete(
                &scratch.replace("covers transit_ports", "covers |"),
            )),
        ),
        (
            "completion after `until .. by`",
            short(complete(&scratch.replace("by later item 2", "by |"))),
        ),
    ];
    insta::assert_snapshot!(sections(&out));
}

/// A relation's history in the editor, on the example workspace: hover lists each key's values
/// in order with their periods and sources; a relation with no value on the day says when each
/// key had one; the inlay hint after a use gives the values on the day.
#[test]
fn relation_history_in_the_editor() {
    let a = analysis_of("examples/visa-free-history");
    let f = a.file("transit.edict").unwrap();
    let text = f.text(a.db()).clone();
    let hints: Vec<String> = ide::inlay_hints(
        a.db(),
        a.workspace(),
        f,
        edict_grammar::Span::new(0, text.len()),
        day("2026-01-15"),
    )
    .into_iter()
    .filter(|h| {
        let before = &text[..h.offset];
        before.ends_with("transit_stay_limit") || before.ends_with("permitted_area")
    })
    .map(|h| {
        let (line, col) = edict_compiler::render::line_col(&text, h.offset);
        format!(
            "{line}:{col} {}\n{}",
            h.label,
            h.tooltip.unwrap_or_default()
        )
    })
    .collect();
    let out = [
        (
            "hover on a relation with a history, 2026-01-15",
            hover_at(&a, "transit.edict", "transit_stay_limit[v", "2026-01-15"),
        ),
        (
            "hover on a relation with no value on 2026-01-15",
            hover_at(&a, "transit.edict", "permitted_area[a", "2026-01-15"),
        ),
        (
            "hover on the same relation, 2016-06-01",
            hover_at(&a, "transit.edict", "permitted_area[a", "2016-06-01"),
        ),
        ("inlay hints after uses, 2026-01-15", hints.join("\n")),
    ];
    insta::assert_snapshot!(sections(&out));
}

/// A condition half typed in the middle of a rule, as an author types it: one syntax error, on
/// the line typed (at the operator left without its operand, not at the next line's `and`),
/// and nothing else anywhere (the rule keeps its name, so the tests that expect it and the sets
/// it reads raise nothing).
#[test]
fn a_half_typed_condition_raises_one_error_where_it_is_typed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let transit = std::fs::read_to_string(dir.join("transit.edict")).unwrap();
    let anchor = "  when t.nationality in transit_countries\n";
    let at = transit.find(anchor).unwrap() + anchor.len();
    let typed_line = transit[..at].lines().count() + 1;
    for fragment in [
        "and t.",
        "and t.arrival_port in ",
        "and t.arrival_port in [",
        "and t.arrival_port in [hengqin, ",
        "and t.arrival_port == ",
        "and (",
        "and not ",
    ] {
        let mut a = workspace("");
        let text = format!("{}    {fragment}\n{}", &transit[..at], &transit[at..]);
        a.set_file("transit.edict", text.clone());
        let diags = a.diagnostics();
        assert_eq!(diags.len(), 1, "{fragment:?}: {diags:#?}");
        let d = &diags[0];
        assert_eq!(d.code.as_str(), "E0001", "{fragment:?}: {d:#?}");
        let (line, _) = edict_compiler::render::line_col(&text, d.primary.span.start as usize);
        assert!(
            d.primary.file == "transit.edict" && line == typed_line,
            "{fragment:?}: at {}:{line}, typed on line {typed_line}: {}",
            d.primary.file,
            d.message
        );
        assert!(
            d.message.starts_with("unfinished: `"),
            "{fragment:?}: {}",
            d.message
        );
    }
}
