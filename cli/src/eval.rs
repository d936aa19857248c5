//! `edict eval` and `edict explain`: answer questions from an artifact or from policy files.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use edict_runtime::{Engine, RequestError};

use crate::build::compile;
use crate::output::{stderr, stdout};
use crate::Outcome;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum AnswerFormat {
    Json,
    Text,
}

/// Where the rules come from.
pub struct Source<'a> {
    pub artifact: Option<&'a Path>,
    pub paths: &'a [PathBuf],
    /// The command, named in errors.
    pub command: &'a str,
}

pub fn engine(source: &Source<'_>, color: bool) -> Result<Engine, Outcome> {
    let artifact = match source.artifact {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                stderr(&format!("error: cannot read `{}`: {e}\n", path.display()));
                Outcome::UsageOrIo
            })?;
            let loaded = if bytes.first() == Some(&b'{') {
                String::from_utf8(bytes)
                    .map_err(|_| edict_runtime::LoadError::NotAnArtifact)
                    .and_then(|t| edict_runtime::Artifact::from_json(&t))
            } else {
                edict_runtime::Artifact::from_bytes(&bytes)
            };
            loaded.map_err(|e| {
                stderr(&format!("error: cannot load `{}`: {e}\n", path.display()));
                Outcome::PolicyErrors
            })?
        }
        None => compile(source.paths, source.command, color, true)?,
    };
    Engine::new(artifact).map_err(|e| {
        stderr(&format!("error: {e}\n"));
        Outcome::PolicyErrors
    })
}

/// The engine and the id of the decision asked for (with "did you mean" when unknown).
pub fn engine_for(
    source: &Source<'_>,
    decision: &str,
    color: bool,
) -> Result<(Engine, u32), Outcome> {
    let engine = engine(source, color)?;
    let id = decision_id(&engine, decision)?;
    Ok((engine, id))
}

fn decision_id(engine: &Engine, name: &str) -> Result<u32, Outcome> {
    engine.decision_id(name).ok_or_else(|| {
        let hint = engine.unknown_decision_hint(name);
        stderr(&format!(
            "error: no decision is called `{name}`\n  help: {hint}\n"
        ));
        Outcome::UsageOrIo
    })
}

/// The largest single request read, and the longest line of a batch.
pub const MAX_REQUEST_BYTES: u64 = 1024 * 1024;

fn read_input(input: Option<&Path>) -> Result<String, Outcome> {
    let mut text = String::new();
    let result = match input {
        Some(p) if p.as_os_str() != "-" => std::fs::File::open(p).and_then(|f| {
            f.take(MAX_REQUEST_BYTES + 1)
                .read_to_string(&mut text)
                .map(|_| ())
        }),
        _ => std::io::stdin()
            .take(MAX_REQUEST_BYTES + 1)
            .read_to_string(&mut text)
            .map(|_| ()),
    };
    if text.len() as u64 > MAX_REQUEST_BYTES {
        stderr(&format!("error: the request is larger than {MAX_REQUEST_BYTES} bytes\n  help: a request is one small JSON object; send many with --batch\n"));
        return Err(Outcome::PolicyErrors);
    }
    result.map_err(|e| {
        stderr(&format!("error: cannot read the request: {e}\n"));
        Outcome::UsageOrIo
    })?;
    Ok(text)
}

fn request_error(line: Option<usize>, e: &RequestError) -> String {
    let at = line.map_or(String::new(), |l| format!(" (line {l})"));
    let hint = e
        .hint
        .as_ref()
        .map_or(String::new(), |h| format!("\n  help: {h}"));
    format!(
        "error: invalid request{at}: `{}`: {}{hint}\n",
        e.field, e.message
    )
}

fn parse_json(text: &str, line: Option<usize>) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| {
        let at = line.map_or(String::new(), |l| format!(" (line {l})"));
        format!("error: the request{at} is not valid JSON: {e}\n  help: a request is an object such as {{\"t\": {{\"nationality\": \"us\", ...}}}}\n")
    })
}

pub fn eval(
    source: &Source<'_>,
    decision: &str,
    input: Option<&Path>,
    format: AnswerFormat,
    explain: bool,
    color: bool,
) -> Outcome {
    let (engine, id) = match engine_for(source, decision, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let text = match read_input(input) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut json = match parse_json(&text, None) {
        Ok(j) => j,
        Err(msg) => {
            stderr(&msg);
            return Outcome::PolicyErrors;
        }
    };
    // Instants (`Z`, offsets) become civil date-times of the decision's zone.
    let localized = match engine.localize(id, &mut json) {
        Ok(l) => l,
        Err(e) => {
            stderr(&request_error(None, &e));
            return Outcome::PolicyErrors;
        }
    };
    let inputs = match engine.parse_request(id, &json) {
        Ok(i) => i,
        Err(e) => {
            stderr(&request_error(None, &e));
            return Outcome::PolicyErrors;
        }
    };
    if explain {
        match engine.explain(id, &inputs) {
            Ok(x) => match format {
                AnswerFormat::Json => {
                    stdout(&format!("{}\n", pretty(&engine.explanation_json(&x))))
                }
                AnswerFormat::Text => stdout(&engine.explanation_text(&x)),
            },
            Err(e) => {
                stderr(&format!("error: {e}\n"));
                return Outcome::PolicyErrors;
            }
        }
        return Outcome::Ok;
    }
    match engine.decide(id, &inputs) {
        Ok(a) => {
            let mut j = engine.answer_json(&a);
            if let Some(l) = &localized {
                j["civil_time"] = l.to_json();
            }
            match format {
                AnswerFormat::Json => stdout(&format!("{}\n", pretty(&j))),
                AnswerFormat::Text => {
                    let x = engine.explain(id, &inputs);
                    match x {
                        Ok(x) => stdout(
                            engine
                                .explanation_text(&x)
                                .lines()
                                .take_while(|l| !l.starts_with("  - "))
                                .map(|l| format!("{l}\n"))
                                .collect::<String>()
                                .as_str(),
                        ),
                        Err(e) => stderr(&format!("error: {e}\n")),
                    }
                }
            }
            Outcome::Ok
        }
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            Outcome::PolicyErrors
        }
    }
}

fn pretty(j: &serde_json::Value) -> String {
    serde_json::to_string_pretty(j).unwrap_or_default()
}

/// `--batch`: one request per line in, one answer per line out (JSONL), streaming.
pub fn batch(source: &Source<'_>, decision: &str, input: &Path, color: bool) -> Outcome {
    let (engine, id) = match engine_for(source, decision, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let total_bytes = if input.as_os_str() == "-" {
        None
    } else {
        std::fs::metadata(input).ok().map(|m| m.len())
    };
    let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        match std::fs::File::open(input) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                stderr(&format!("error: cannot read `{}`: {e}\n", input.display()));
                return Outcome::UsageOrIo;
            }
        }
    };
    let progress = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut bad = 0usize;
    let mut done = 0usize;
    let mut bytes = 0u64;
    let mut last_draw = std::time::Instant::now();
    for (n, line) in reader.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                stderr(&format!("error: cannot read line {}: {e}\n", n + 1));
                return Outcome::UsageOrIo;
            }
        };
        bytes += line.len() as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.len() as u64 > MAX_REQUEST_BYTES {
            bad += 1;
            let msg = format!(
                "error (line {}): the request is larger than {MAX_REQUEST_BYTES} bytes",
                n + 1
            );
            stderr(&format!("{msg}\n"));
            if writeln!(
                out,
                "{}",
                serde_json::json!({ "line": n + 1, "error": msg })
            )
            .is_err()
            {
                return Outcome::Ok;
            }
            done += 1;
            continue;
        }
        let answer = parse_json(&line, Some(n + 1))
            .and_then(|mut j| {
                let localized = engine
                    .localize(id, &mut j)
                    .map_err(|e| request_error(Some(n + 1), &e))?;
                engine
                    .parse_request(id, &j)
                    .map(|inputs| (inputs, localized))
                    .map_err(|e| request_error(Some(n + 1), &e))
            })
            .and_then(|(inputs, localized)| {
                engine
                    .decide(id, &inputs)
                    .map(|a| (a, localized))
                    .map_err(|e| format!("error (line {}): {e}\n", n + 1))
            });
        let record = match answer {
            Ok((a, localized)) => {
                let mut j = engine.answer_json(&a);
                if let Some(l) = localized {
                    j["civil_time"] = l.to_json();
                }
                j
            }
            Err(msg) => {
                bad += 1;
                stderr(&msg);
                serde_json::json!({ "line": n + 1, "error": msg.trim_end() })
            }
        };
        if writeln!(out, "{record}").is_err() {
            return Outcome::Ok;
        }
        done += 1;
        if progress && last_draw.elapsed() >= std::time::Duration::from_millis(100) {
            last_draw = std::time::Instant::now();
            stderr(&progress_line(done, bytes, total_bytes, started.elapsed()));
        }
    }
    let _ = out.flush();
    if progress {
        stderr(&format!(
            "{} in {:.2?}\n",
            progress_line(done, bytes, total_bytes, started.elapsed()),
            started.elapsed()
        ));
    }
    if bad > 0 {
        stderr(&format!("{bad} of {done} requests were invalid\n"));
        Outcome::PolicyErrors
    } else {
        Outcome::Ok
    }
}

/// `\r[########------------] 40%  123456 decisions  1.2M/s`: a bar when the input's size is
/// known (a file), a count otherwise (standard input).
fn progress_line(
    done: usize,
    bytes: u64,
    total: Option<u64>,
    elapsed: std::time::Duration,
) -> String {
    let rate = done as f64 / elapsed.as_secs_f64().max(1e-9);
    let rate = if rate >= 1e6 {
        format!("{:.1}M/s", rate / 1e6)
    } else {
        format!("{rate:.0}/s")
    };
    match total.filter(|t| *t > 0) {
        Some(t) => {
            let frac = (bytes as f64 / t as f64).min(1.0);
            let filled = (frac * 30.0).round() as usize;
            format!(
                "\r[{}{}] {:>3.0}%  {done} decisions  {rate}",
                "#".repeat(filled),
                "-".repeat(30 - filled),
                frac * 100.0
            )
        }
        None => format!("\r{done} decisions  {rate}"),
    }
}
