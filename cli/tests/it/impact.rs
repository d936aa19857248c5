//! `edict impact`, `edict sql` and `edict traffic` from a shell: the shipped traffic under the
//! corpus before the announcement of 2025-11-05 and after it, every format and file, and bad
//! tables (a missing or mistyped column, a truncated JSON lines file).

use crate::common::{corpus_before_the_announcement, edict, root, tempdir};

const TRAFFIC: &str = "examples/traffic/crossings-2025q4.parquet";

/// `edict impact policies --old-before 2025-11-05 --traffic TRAFFIC` and more arguments.
pub fn announcement(more: &[&str]) -> (i32, String, String) {
    announcement_over(TRAFFIC, more)
}

/// The same over other traffic.
pub fn announcement_over(traffic: &str, more: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "impact",
        "policies",
        "--old-before",
        "2025-11-05",
        "--traffic",
        traffic,
    ];
    args.extend_from_slice(more);
    edict(&args)
}

/// The README's third example: what the announcement did to the shipped traffic, each changed
/// group of crossings with the item that changed it.
#[test]
fn the_announcement_changes_crossings_at_the_five_ports_by_item_4() {
    let (code, out, err) = announcement(&[
        "--decision",
        "transit_entry",
        "--by",
        "t.arrival_port,t.nationality",
        "--top",
        "8",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("nia_2025_11 item 4"), "{out}");
    for port in ["hengqin", "hzmb", "west_kowloon"] {
        assert!(out.contains(port), "{port}: {out}");
    }
    insta::assert_snapshot!("announcement_human", out);
    // The same as against the corpus written as it stood before the announcement.
    let before = corpus_before_the_announcement("impact-before");
    let b = before.join("before");
    let (code, against, err) = edict(&[
        "impact",
        b.to_str().unwrap(),
        "policies",
        "--traffic",
        TRAFFIC,
        "--decision",
        "transit_entry",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, cut, _) = announcement(&["--decision", "transit_entry", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_str(&against).unwrap();
    let c: serde_json::Value = serde_json::from_str(&cut).unwrap();
    assert_eq!(a["changed"], c["changed"], "{against}\n{cut}");
    assert_eq!(a["total"], c["total"]);
}

/// The README's example prints what the README shows.
#[test]
fn the_readme_shows_what_impact_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## What a change does to traffic")
        .nth(1)
        .unwrap();
    let shown = section
        .split("```text\n")
        .nth(1)
        .and_then(|t| t.split("```").next())
        .unwrap();
    let (code, out, err) = announcement(&["--by", "t.arrival_port,t.nationality", "--top", "6"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, shown, "README.md's impact example is out of date");
}

#[test]
fn every_format_and_file() {
    let dir = tempdir("impact-files");
    let rows = dir.join("changed.parquet");
    let chart = dir.join("changed.svg");
    let (rows_arg, chart_arg) = (rows.to_str().unwrap(), chart.to_str().unwrap());
    let (code, md, err) = announcement(&[
        "--format",
        "md",
        "--changed-rows",
        rows_arg,
        "--chart",
        chart_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("announcement_md", md);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("2025-11"), "{svg}");
    // The changed rows read back with SQL: as many as the report counts, each with its cause.
    let (code, json, err) = announcement(&["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let table = format!("c={}", rows.display());
    let (code, counted, err) = edict(&[
        "sql",
        "select count(*) as n, count(distinct edict_because) as causes from c",
        "--table",
        &table,
        "--policy",
        "policies",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let n: serde_json::Value = serde_json::from_str(counted.trim()).unwrap();
    assert_eq!(n["n"], v["changed"]["rows"], "{counted}");
    let (code, csv, err) = announcement(&["--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(csv
        .starts_with("decision,before,after,region,where,citations,breakdown,group,rows,weight\n"));
    assert!(csv.contains("nia_2025_11 item 4"), "{csv}");
}

/// `decide` in SQL answers as `eval` does, with the rule and citation.
#[test]
fn sql_decides_with_the_policy() {
    let table = format!("t={TRAFFIC}");
    let (code, out, err) = edict(&[
        "sql",
        "select decide('transit_entry', nationality, origin, arrival_port, arrival, \
         onward_destination, onward_departure)['verdict'] as verdict, count(*) as n \
         from t group by 1 order by 1",
        "--table",
        &table,
        "--policy",
        "policies",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("decided") && out.contains("otherwise"),
        "{out}"
    );
    let (code, listing, err) = edict(&["sql", "--policy", "policies"]);
    assert_eq!(code, 0, "{err}");
    assert!(listing.contains("decide('transit_entry',"), "{listing}");
    insta::assert_snapshot!("sql_inputs", listing);
}

/// A table the decision cannot read is an error naming the column and the input; a JSON
/// lines file cut off mid-line is an error naming the file, not a crash.
#[test]
fn bad_tables_are_clear_errors() {
    let dir = tempdir("impact-bad");
    let csv = dir.join("crossings.csv");
    std::fs::write(
        &csv,
        "nationality,origin,arrival_port,arrival,onward_destination,onward_departure\n\
         us,us,hengqin,20251110,jp,2025-11-15T08:00:00\n",
    )
    .unwrap();
    let run = |path: &std::path::Path| {
        edict(&[
            "impact",
            "policies",
            "--old-before",
            "2025-11-05",
            "--traffic",
            path.to_str().unwrap(),
            "--decision",
            "transit_entry",
        ])
    };
    let (code, _, err) = run(&csv);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("column `arrival`") && err.contains("`t.arrival`"),
        "{err}"
    );
    let missing = dir.join("missing.csv");
    std::fs::write(&missing, "nationality,origin\nus,us\n").unwrap();
    let (code, _, err) = run(&missing);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no column feeds the input `t.arrival_port`"),
        "{err}"
    );
    let cut = dir.join("cut.jsonl");
    std::fs::write(
        &cut,
        "{\"nationality\":\"us\",\"origin\":\"us\",\"arrival_port\":\"hengqin\",\
         \"arrival\":\"2025-11-10T10:00\",\"onward_destination\":\"jp\",\
         \"onward_departure\":\"2025-11-15T08:00\"}\n{\"nationality\":\"u",
    )
    .unwrap();
    let (code, out, err) = run(&cut);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("error: cannot read `") && err.contains("cut.jsonl` as JSON lines"),
        "{err}"
    );
    let (code, _, err) = edict(&[
        "impact",
        "policies",
        "--old-before",
        "2025-11-05",
        "--traffic",
        "nowhere.parquet",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("`nowhere.parquet` does not exist"), "{err}");
}

/// Parquet files with a column missing or of the wrong type (written by DataFusion itself,
/// through `edict sql` and `COPY`): without `--decision`, the error names the decision the
/// table comes closest to feeding and what it lacks.
#[test]
fn bad_parquet_files_name_the_column_and_the_input() {
    let dir = tempdir("impact-bad-parquet");
    let copy = |select: &str, name: &str| {
        let out = dir.join(name);
        let query = format!(
            "COPY ({select} FROM c) TO '{}' STORED AS PARQUET",
            out.display()
        );
        let table = format!("c={TRAFFIC}");
        let (code, _, err) = edict(&["sql", &query, "--table", &table, "--policy", "policies"]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let missing = copy(
        "SELECT nationality, origin, arrival_port, onward_destination, onward_departure",
        "missing.parquet",
    );
    let mistyped = copy(
        "SELECT nationality, origin, arrival_port, CAST(arrival AS BIGINT) AS arrival, \
         onward_destination, onward_departure",
        "mistyped.parquet",
    );
    let mut errors = String::new();
    for file in [&missing, &mistyped] {
        let (code, out, err) = edict(&[
            "impact",
            "policies",
            "--old-before",
            "2025-11-05",
            "--traffic",
            file.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{out}{err}");
        assert!(out.is_empty(), "{out}");
        for line in err.lines().filter(|l| !l.starts_with("checked:")) {
            errors.push_str(line);
            errors.push('\n');
        }
    }
    insta::assert_snapshot!("bad_parquet", errors);
}

/// The shipped traffic file is what `edict traffic` writes from the shipped mix.
#[test]
fn the_shipped_traffic_is_generated_from_the_shipped_mix() {
    let dir = tempdir("traffic");
    let out = dir.join("t.parquet");
    let (code, _, err) = edict(&[
        "traffic",
        "--mix",
        "examples/traffic/mix.json",
        "--from",
        "2025-10-01",
        "--days",
        "92",
        "--rows",
        "20000",
        "--seed",
        "1",
        "--policy",
        "policies",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(root().join(TRAFFIC)).unwrap(),
        "regenerate examples/traffic/crossings-2025q4.parquet with the command in examples/traffic/README.md"
    );
    // A name the catalogue lacks is refused before anything is written.
    let bad = dir.join("mix.json");
    let text = std::fs::read_to_string(root().join("examples/traffic/mix.json"))
        .unwrap()
        .replace("\"hengqin\"", "\"hengqin_port\"");
    std::fs::write(&bad, text).unwrap();
    let (code, _, err) = edict(&[
        "traffic",
        "--mix",
        bad.to_str().unwrap(),
        "--from",
        "2025-10-01",
        "--policy",
        "policies",
        "-o",
        dir.join("u.parquet").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("hengqin_port"), "{err}");
    assert!(!dir.join("u.parquet").exists());
}
