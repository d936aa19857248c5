//! `edict impact --cluster`: the same report as the embedded run, counted by a Ballista
//! cluster. The client reads the table's schema, binds its columns (so that a wrong column is
//! the same error as in one process), and sends one aggregate, `edict_impact` over every
//! column, whose definition carries both versions; the executors count their partitions and
//! the final stage merges the counts.

use std::path::PathBuf;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use edict_impact::datafusion::arrow::array::{Array, AsArray};
use edict_impact::datafusion::execution::SessionStateBuilder;
use edict_impact::datafusion::prelude::{ident, SessionConfig, SessionContext};
use edict_impact::impact::Plan;
use edict_impact::{counts, source, ImpactError, Options, Report, Sides};

use crate::codec::codecs;
use crate::spec::Spec;
use crate::udaf::ImpactUdaf;

/// A session on the cluster whose scheduler `url` names (`df://host:port`).
pub async fn session(url: &str) -> Result<SessionContext, ImpactError> {
    let well_formed = url
        .strip_prefix("df://")
        .and_then(|rest| rest.rsplit_once(':'))
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if !well_formed {
        return Err(ImpactError::Usage(format!(
            "`--cluster {url}`: write the scheduler as df://HOST:PORT, such as df://127.0.0.1:50050"
        )));
    }
    let (logical, physical) = codecs();
    let config = SessionConfig::new_with_ballista()
        .with_ballista_logical_extension_codec(logical)
        .with_ballista_physical_extension_codec(physical);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    Ok(SessionContext::remote_with_state(url, state).await?)
}

/// Runs `edict impact` on the cluster: the traffic files must be readable at the same paths
/// on every executor.
pub async fn impact(
    url: &str,
    sides: Sides,
    traffic: &[PathBuf],
    options: &Options,
) -> Result<Report, ImpactError> {
    let ctx = session(url).await?;
    let table = source::read(&ctx, traffic)
        .await
        .map_err(|e| failed(url, e))?;
    let schema = table.schema().as_arrow().clone();
    let artifact = |e: &edict_runtime::Engine| {
        e.artifact()
            .to_bytes()
            .map_err(|why| ImpactError::Usage(format!("cannot write a version's artifact: {why}")))
    };
    let spec = Spec {
        old: artifact(&sides.old)?,
        new: artifact(&sides.new)?,
        decision: sides.decision.clone(),
        weight: options.weight.clone(),
        renames: options.renames.clone(),
        by: options.by.clone(),
        top: options.top,
        examples: options.examples,
        columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
    };
    // The plan here gives the report's template, and any error in the columns or options
    // before a job is sent.
    let plan = Plan::new(sides, &schema, options, None)?;
    let udaf = ImpactUdaf::new(spec).into_udaf();
    let args = schema.fields().iter().map(|f| ident(f.name())).collect();
    let batches = table
        .aggregate(vec![], vec![udaf.call(args).alias("edict_counts")])?
        .collect()
        .await
        .map_err(|e| failed(url, e.into()))?;
    let mut report = plan.template();
    for batch in &batches {
        let column = batch.column(0);
        let texts = column.as_string_opt::<i32>().ok_or_else(|| {
            ImpactError::Usage("the cluster answered with something other than counts".into())
        })?;
        for i in 0..texts.len() {
            if !texts.is_null(i) {
                report.merge(counts::decode(texts.value(i)).map_err(ImpactError::Usage)?);
            }
        }
    }
    Ok(report)
}

/// A failed job in words: the scheduler unreachable, or what the cluster said.
fn failed(url: &str, e: ImpactError) -> ImpactError {
    let text = e.to_string();
    if text.contains("tcp connect error") || text.contains("transport error") {
        let why = if text.contains("Connection refused") {
            "nothing listens there (connection refused)"
        } else if text.contains("timed out") {
            "the connection timed out"
        } else {
            text.as_str()
        };
        ImpactError::Usage(format!(
            "cannot reach the scheduler at {url}: {why}; start one with `edict cluster \
             scheduler` and executors with `edict cluster executor` (docs/impact.md)"
        ))
    } else {
        ImpactError::Usage(format!("the job on the cluster at {url} failed: {text}"))
    }
}
