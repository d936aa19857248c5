//! A replay's report: readable text, Markdown, or one JSON document.

use std::fmt::Write;

use serde_json::{json, Value as Json};

use super::{Counted, Location, Report};
use crate::render::number;

fn count(n: u64) -> String {
    number(n as f64)
}

fn lines(n: u64) -> String {
    format!("{} line{}", count(n), if n == 1 { "" } else { "s" })
}

/// `decisions.jsonl:17`
pub fn place(report: &Report, at: Location) -> String {
    let name = report
        .files
        .get(at.file)
        .map(|f| f.path.display().to_string())
        .unwrap_or_default();
    format!("{name}:{}", at.line)
}

fn places(report: &Report, s: &Counted) -> String {
    let shown: Vec<String> = s.examples.iter().map(|&a| place(report, a)).collect();
    let more = s.lines.saturating_sub(shown.len() as u64);
    if more > 0 {
        format!("{} and {} more", shown.join(", "), count(more))
    } else {
        shown.join(", ")
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn replayed_text(r: &Result<Json, String>) -> String {
    match r {
        Ok(j) => j.to_string(),
        Err(why) => format!("refused: {why}"),
    }
}

/// Readable text.
pub fn human(report: &Report) -> String {
    let mut o = String::new();
    let files: Vec<String> = report
        .files
        .iter()
        .map(|f| format!("{} ({})", f.path.display(), lines(f.lines)))
        .collect();
    let _ = writeln!(o, "read {} of {}", lines(report.lines()), files.join(", "));
    let versions: Vec<String> = report
        .versions_in_order()
        .into_iter()
        .map(|(sha, c)| format!("{} ({})", short(sha), lines(c.lines)))
        .collect();
    if !versions.is_empty() {
        let _ = writeln!(o, "  versions named: {}", versions.join(", "));
    }
    let _ = writeln!(o, "  {} answered as logged", lines(report.same));
    if report.differences.is_empty() {
        let _ = writeln!(o, "  no line answered differently");
    } else {
        let _ = writeln!(
            o,
            "  {} answered differently (a bug or an altered log):",
            lines(report.differences.len() as u64)
        );
        for d in &report.differences {
            let _ = writeln!(
                o,
                "    {}  request {}  {}  under {}  differs in {}",
                place(report, d.at),
                d.request_id,
                d.decision,
                short(&d.artifact_sha256),
                d.fields.join(", ")
            );
            let _ = writeln!(o, "      logged:   {}", d.logged);
            let _ = writeln!(o, "      replayed: {}", replayed_text(&d.replayed));
        }
    }
    if report.skipped.is_empty() {
        let _ = writeln!(o, "  every line was replayed");
    } else {
        let _ = writeln!(
            o,
            "  {} could not be replayed:",
            lines(report.skipped_lines())
        );
        for (why, s) in &report.skipped {
            let _ = writeln!(o, "    {}: {why}", lines(s.lines));
            let _ = writeln!(o, "      at {}", places(report, s));
        }
    }
    if let Some(u) = &report.under {
        let _ = writeln!(o, "\nunder the new version {}:", short(&u.artifact_sha256));
        let _ = writeln!(o, "  {} answered alike", lines(u.same));
        if u.changed.is_empty() {
            let _ = writeln!(o, "  no line answered differently");
        } else {
            let _ = writeln!(o, "  {} answered differently:", lines(u.changed_lines()));
            for ((decision, before, after, cause), s) in &u.changed {
                let _ = writeln!(o, "    {}  {decision}", lines(s.lines));
                let _ = writeln!(o, "      before: {before}");
                let _ = writeln!(o, "      after:  {after}");
                if !cause.is_empty() {
                    let _ = writeln!(o, "      because {cause}");
                }
                let _ = writeln!(o, "      e.g. {}", places(report, s));
            }
        }
        for (why, s) in &u.undecided {
            let _ = writeln!(o, "  {} it cannot decide: {why}", lines(s.lines));
            let _ = writeln!(o, "      at {}", places(report, s));
        }
    }
    o
}

/// Markdown, for an audit record or a pull request.
pub fn markdown(report: &Report) -> String {
    let mut o = String::new();
    let verdict = if report.clean() {
        "every line answered as logged"
    } else if report.differences.is_empty() {
        "no line answered differently, but some could not be replayed"
    } else {
        "**some lines were answered differently**"
    };
    let _ = writeln!(o, "### Replay: {verdict}\n");
    let _ = writeln!(o, "| | lines |\n|---|---:|");
    let _ = writeln!(o, "| read | {} |", count(report.lines()));
    let _ = writeln!(o, "| answered as logged | {} |", count(report.same));
    let _ = writeln!(
        o,
        "| answered differently | {} |",
        count(report.differences.len() as u64)
    );
    let _ = writeln!(o, "| not replayed | {} |", count(report.skipped_lines()));
    if !report.differences.is_empty() {
        let _ = writeln!(
            o,
            "\n| line | request | decision | differs in |\n|---|---|---|---|"
        );
        for d in &report.differences {
            let _ = writeln!(
                o,
                "| `{}` | `{}` | `{}` | {} |",
                place(report, d.at),
                d.request_id,
                d.decision,
                d.fields.join(", ")
            );
        }
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(o, "\n| not replayed | lines | at |\n|---|---:|---|");
        for (why, s) in &report.skipped {
            let _ = writeln!(o, "| {why} | {} | {} |", count(s.lines), places(report, s));
        }
    }
    if let Some(u) = &report.under {
        let _ = writeln!(
            o,
            "\n#### Under the new version `{}`\n\n{} answered alike; {} differently; {} not decided.\n",
            short(&u.artifact_sha256),
            lines(u.same),
            lines(u.changed_lines()),
            lines(u.undecided_lines())
        );
        if !u.changed.is_empty() {
            let _ = writeln!(
                o,
                "| lines | decision | before | after | because |\n|---:|---|---|---|---|"
            );
            for ((decision, before, after, cause), s) in &u.changed {
                let _ = writeln!(
                    o,
                    "| {} | `{decision}` | {before} | {after} | {cause} |",
                    count(s.lines)
                );
            }
        }
    }
    o
}

/// One JSON document with every count and every difference.
pub fn json(report: &Report) -> Json {
    let at = |a: Location| place(report, a);
    let skipped = |m: &std::collections::BTreeMap<String, Counted>| -> Vec<Json> {
        m.iter()
            .map(|(why, s)| {
                json!({
                    "reason": why,
                    "lines": s.lines,
                    "examples": s.examples.iter().map(|&a| at(a)).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    let mut j = json!({
        "files": report.files.iter().map(|f| json!({ "path": f.path.display().to_string(), "lines": f.lines })).collect::<Vec<_>>(),
        "lines": report.lines(),
        "same": report.same,
        "versions": report.versions_in_order().into_iter().map(|(sha, c)| json!({
            "artifact_sha256": sha,
            "lines": c.lines,
            "first": c.examples.first().map(|&a| at(a)),
        })).collect::<Vec<_>>(),
        "differences": report.differences.iter().map(|d| json!({
            "at": at(d.at),
            "request_id": d.request_id,
            "time": d.time,
            "decision": d.decision,
            "artifact_sha256": d.artifact_sha256,
            "fields": d.fields,
            "logged": d.logged,
            "replayed": match &d.replayed { Ok(a) => a.clone(), Err(_) => Json::Null },
            "refused": match &d.replayed { Err(why) => Json::from(why.as_str()), Ok(_) => Json::Null },
        })).collect::<Vec<_>>(),
        "skipped": skipped(&report.skipped),
        "clean": report.clean(),
    });
    if let Some(u) = &report.under {
        j["under"] = json!({
            "artifact_sha256": u.artifact_sha256,
            "same": u.same,
            "changed": u.changed.iter().map(|((decision, before, after, cause), s)| json!({
                "decision": decision,
                "before": before,
                "after": after,
                "because": cause,
                "lines": s.lines,
                "examples": s.examples.iter().map(|&a| at(a)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "undecided": skipped(&u.undecided),
        });
    }
    j
}
