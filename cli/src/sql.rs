//! `edict sql QUERY`: DataFusion's SQL over tables of traffic or decision logs, with the
//! policy's decisions as functions (`decide('transit_entry', ...)`, and
//! `decide_as('old', 'transit_entry', ...)` under another version).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use edict_impact::datafusion::arrow::record_batch::RecordBatch;
use edict_impact::datafusion::arrow::util::pretty::pretty_format_batches;
use edict_impact::datafusion::prelude::{SessionConfig, SessionContext};
use edict_impact::inputs::{expected, leaves};
use edict_impact::udf::{functions, Versions};
use edict_impact::ImpactError;
use edict_runtime::Engine;

use crate::impact::{runtime, version, Old};
use crate::output::{stderr, stdout};
use crate::Outcome;

/// How `edict sql` prints.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum SqlFormat {
    /// A table for people.
    Table,
    /// CSV with a header.
    Csv,
    /// One JSON object per row.
    Json,
}

pub struct Args<'a> {
    pub query: Option<&'a str>,
    pub tables: &'a [String],
    pub policy: &'a Path,
    pub versions: &'a [String],
    pub format: SqlFormat,
    pub jobs: Option<usize>,
}

/// The name the `--policy` version has for `decide_as`.
pub const CURRENT: &str = "current";

fn split(arg: &str, what: &str, example: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((n, v)) if !n.is_empty() && !v.is_empty() => Ok((n.to_string(), v.to_string())),
        _ => Err(format!("`{arg}`: write {what}, such as {example}")),
    }
}

/// Every version's decisions and the inputs `decide` takes for each, in order.
fn inputs_text(versions: &Versions) -> String {
    let mut out = String::new();
    for (name, engine) in &versions.engines {
        out.push_str(&format!("-- version `{name}`\n"));
        for (i, d) in engine.artifact().decisions.iter().enumerate() {
            let ls = leaves(engine, i as u32);
            let call = if name == &versions.default {
                format!("decide('{}'", d.name)
            } else {
                format!("decide_as('{name}', '{}'", d.name)
            };
            out.push_str(&format!("{call},\n"));
            for (j, l) in ls.iter().enumerate() {
                let sep = if j + 1 == ls.len() { ")" } else { "," };
                out.push_str(&format!(
                    "    {}{sep}  -- {}\n",
                    l.path,
                    expected(engine, &l.ty)
                ));
            }
        }
    }
    out
}

pub fn run(args: Args, color: bool) -> Outcome {
    let fail = |msg: String| {
        stderr(&format!("error: {msg}\n"));
        Outcome::UsageOrIo
    };
    let current = match crate::diff::side(args.policy, color) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let mut engines: BTreeMap<String, Arc<Engine>> = BTreeMap::new();
    for v in args.versions {
        let (name, spec) = match split(
            v,
            "NAME=PATH, NAME=git:REV or NAME=before:DATE",
            "old=git:HEAD~1",
        ) {
            Ok(x) => x,
            Err(e) => return fail(format!("--version {e}")),
        };
        let old = if let Some(rev) = spec.strip_prefix("git:") {
            version(&Old::Revision(rev), args.policy, &current, color)
        } else if let Some(day) = spec.strip_prefix("before:") {
            match edict_runtime::value::parse_date(day) {
                Some(d) => version(&Old::Before(d), args.policy, &current, color),
                None => return fail(format!("--version {v}: `{day}` is not a date (YYYY-MM-DD)")),
            }
        } else {
            version(&Old::Path(Path::new(&spec)), args.policy, &current, color)
        };
        match old {
            Ok(e) => {
                engines.insert(name, Arc::new(e));
            }
            Err(o) => return o,
        }
    }
    engines.insert(CURRENT.to_string(), Arc::new(current));
    let versions = Arc::new(Versions {
        default: CURRENT.to_string(),
        engines,
    });
    let Some(query) = args.query else {
        stdout(&inputs_text(&versions));
        return Outcome::Ok;
    };
    let (rt, jobs) = match runtime(args.jobs) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(jobs));
    for f in functions(Arc::clone(&versions)) {
        ctx.register_udf(f);
    }
    let result: Result<Vec<RecordBatch>, ImpactError> = rt.block_on(async {
        for t in args.tables {
            let (name, path) = split(t, "NAME=PATH", "traffic=crossings.parquet")
                .map_err(|e| ImpactError::Usage(format!("--table {e}")))?;
            let df = edict_impact::source::read(&ctx, &[PathBuf::from(path)]).await?;
            ctx.register_table(name.as_str(), df.into_view())?;
        }
        let df = ctx.sql(query).await?;
        Ok(df.collect().await?)
    });
    let batches = match result {
        Ok(b) => b,
        Err(e) => return fail(e.to_string()),
    };
    match print(&batches, args.format) {
        Ok(text) => {
            stdout(&text);
            Outcome::Ok
        }
        Err(e) => fail(e),
    }
}

fn print(batches: &[RecordBatch], format: SqlFormat) -> Result<String, String> {
    use edict_impact::datafusion::arrow::{csv, json};
    match format {
        SqlFormat::Table => pretty_format_batches(batches)
            .map(|t| format!("{t}\n"))
            .map_err(|e| e.to_string()),
        SqlFormat::Csv => {
            let mut out = Vec::new();
            {
                let mut w = csv::Writer::new(&mut out);
                for b in batches {
                    w.write(b).map_err(|e| e.to_string())?;
                }
            }
            String::from_utf8(out).map_err(|e| e.to_string())
        }
        SqlFormat::Json => {
            let mut out = Vec::new();
            {
                let mut w = json::LineDelimitedWriter::new(&mut out);
                for b in batches {
                    w.write(b).map_err(|e| e.to_string())?;
                }
                w.finish().map_err(|e| e.to_string())?;
            }
            String::from_utf8(out).map_err(|e| e.to_string())
        }
    }
}
