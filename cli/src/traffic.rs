//! `edict traffic`: synthetic transit crossings as Parquet, for tests, benchmarks and trying
//! `edict impact`. The mix (nationalities, ports, destinations, stays, months) is a JSON file
//! with its sources; every name in it is checked against the policy's catalogue first.

use std::path::Path;

use edict_impact::datafusion::parquet::arrow::ArrowWriter;
use edict_impact::datafusion::parquet::basic::Compression;
use edict_impact::datafusion::parquet::file::properties::WriterProperties;
use edict_impact::inputs::leaves;
use edict_impact::traffic::{generate_each, schema, Mix};
use edict_runtime::Engine;
use serde_json::Value as Json;

use crate::build::write_atomically_with;
use crate::output::{stderr, stdout};
use crate::Outcome;

pub struct Args<'a> {
    pub policy: &'a Path,
    pub decision: &'a str,
    pub mix: &'a Path,
    pub rows: usize,
    pub from: i64,
    pub days: i64,
    pub seed: u64,
    pub out: &'a Path,
}

/// Every name the mix uses must be an entry the decision's inputs take.
fn check_names(engine: &Engine, decision: &str, mix: &Mix) -> Result<(), String> {
    let id = engine
        .decision_id(decision)
        .ok_or_else(|| engine.unknown_decision_hint(decision))?;
    let ls = leaves(engine, id);
    let leaf = |last: &str| {
        ls.iter()
            .find(|l| l.path.rsplit('.').next() == Some(last))
            .ok_or_else(|| {
                format!("`{decision}` has no input `{last}`, which the generator writes")
            })
    };
    for (column, names) in [
        ("nationality", &mix.nationality),
        ("arrival_port", &mix.arrival_port),
        ("onward_destination", &mix.onward_destination),
    ] {
        let l = leaf(column)?;
        for w in names {
            engine
                .input_value(&l.ty, &Json::String(w.name.clone()), &l.path)
                .map_err(|e| format!("the mix's {column} `{}`: {e}", w.name))?;
        }
    }
    for column in ["origin", "arrival", "onward_departure"] {
        leaf(column)?;
    }
    Ok(())
}

/// Every entry the decision's input of that last name takes, by name.
fn catalogue_of(engine: &Engine, decision: &str, column: &str) -> Vec<String> {
    let Some(id) = engine.decision_id(decision) else {
        return Vec::new();
    };
    let ty = leaves(engine, id)
        .into_iter()
        .find(|l| l.path.rsplit('.').next() == Some(column))
        .map(|l| l.ty);
    match ty.as_ref().map(edict_runtime::TypeDesc::without_optional) {
        Some(edict_runtime::TypeDesc::Entity(t)) => engine
            .artifact()
            .catalogue
            .entity_types
            .get(*t as usize)
            .map(|t| t.entities.iter().map(|e| e.name.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub fn run(args: Args, color: bool) -> Outcome {
    let fail = |msg: String| {
        stderr(&format!("error: {msg}\n"));
        Outcome::UsageOrIo
    };
    let text = match std::fs::read_to_string(args.mix) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read `{}`: {e}", args.mix.display())),
    };
    let mix = match Mix::from_json(&text) {
        Ok(m) => m,
        Err(e) => return fail(format!("`{}`: {e}", args.mix.display())),
    };
    let engine = match crate::diff::side(args.policy, color) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let mut mix = mix;
    mix.expand(|column| catalogue_of(&engine, args.decision, column));
    if let Err(e) = check_names(&engine, args.decision, &mix) {
        return fail(e);
    }
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let failed = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let written = write_atomically_with(args.out, |file| {
        let mut w = ArrowWriter::try_new(file, schema(), Some(props)).map_err(|e| failed(&e))?;
        // Each batch is written as it is made: a file of any size in the memory of one batch.
        generate_each(
            &mix,
            args.seed,
            args.rows,
            args.from,
            args.days,
            65_536,
            |b| w.write(&b).map_err(|e| e.to_string()),
        )
        .map_err(|e| failed(&e))?;
        w.close().map(|_| ()).map_err(|e| failed(&e))
    });
    match written {
        Ok(()) => {
            stdout(&format!(
                "wrote {} synthetic crossings to {}\n",
                args.rows,
                args.out.display()
            ));
            Outcome::Ok
        }
        Err(e) => fail(format!("cannot write `{}`: {e}", args.out.display())),
    }
}
