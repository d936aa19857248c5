//! `edict impact`: what a change does to real traffic. The two versions are found as `diff`
//! finds them (paths, artifacts, `--old-rev`), or the new one's own past (`--old-before DAY`);
//! the traffic is read by DataFusion and decided under both; the report counts what changes,
//! by the diff's regions and citations and by any column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use edict_impact::datafusion::prelude::{SessionConfig, SessionContext};
use edict_impact::impact::{changed_schema, ChangedSink};
use edict_impact::{render, ImpactError, Options, Sides};
use edict_runtime::Engine;

use crate::build::write_atomically;
use crate::output::{stderr, stdout};
use crate::Outcome;

/// How `edict impact` prints.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ImpactFormat {
    /// Readable text.
    Human,
    /// Markdown for a pull request, beside the diff's comment.
    Md,
    /// One JSON document with every count.
    Json,
    /// One line per region and per group of each breakdown.
    Csv,
}

/// Where the old version comes from.
pub enum Old<'a> {
    Path(&'a Path),
    Revision(&'a str),
    /// The new version's history cut at this day.
    Before(i64),
}

/// What `edict impact` was asked.
pub struct Args<'a> {
    pub old: Old<'a>,
    pub new: &'a Path,
    pub traffic: &'a [PathBuf],
    pub decision: Option<&'a str>,
    pub options: Options,
    pub format: ImpactFormat,
    pub changed_rows: Option<&'a Path>,
    pub chart: Option<&'a Path>,
    pub jobs: Option<usize>,
    /// A Ballista cluster's scheduler (`df://host:port`) to count on, instead of this process.
    pub cluster: Option<&'a str>,
}

/// `INPUT=COLUMN` arguments as a map.
pub fn renames(args: &[String]) -> Result<BTreeMap<String, String>, String> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((i, c)) if !i.is_empty() && !c.is_empty() => Ok((i.to_string(), c.to_string())),
            _ => Err(format!(
                "`--column {a}`: write INPUT=COLUMN, such as t.nationality=nat"
            )),
        })
        .collect()
}

/// The engine a version names.
pub fn version(old: &Old, new: &Path, new_engine: &Engine, color: bool) -> Result<Engine, Outcome> {
    match old {
        Old::Path(p) => crate::diff::side(p, color),
        Old::Revision(rev) => crate::diff::side_at_revision(rev, new, color),
        Old::Before(day) => Engine::new(new_engine.artifact().before(*day)).map_err(|e| {
            stderr(&format!(
                "error: the policy cut at that day does not load: {e}\n"
            ));
            Outcome::UsageOrIo
        }),
    }
}

/// A runtime with `jobs` workers (default: the machine's cores).
pub fn runtime(jobs: Option<usize>) -> Result<(tokio::runtime::Runtime, usize), Outcome> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs)
        .enable_all()
        .build()
        .map(|rt| (rt, jobs))
        .map_err(|e| {
            stderr(&format!("error: cannot start the query engine: {e}\n"));
            Outcome::UsageOrIo
        })
}

pub fn run(args: Args, color: bool) -> Outcome {
    let new_engine = match crate::diff::side(args.new, color) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let old_engine = match version(&args.old, args.new, &new_engine, color) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let (rt, jobs) = match runtime(args.jobs) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let fail = |e: ImpactError| {
        stderr(&format!("error: {e}\n"));
        Outcome::UsageOrIo
    };
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(jobs));
    let table = match rt.block_on(edict_impact::source::read(&ctx, args.traffic)) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let schema = table.schema().as_arrow().clone();
    let decision = match args.decision {
        Some(d) => d.to_string(),
        None => match edict_impact::inputs::fitting(&new_engine, &schema, &args.options.renames) {
            Ok(d) => d,
            Err(why) => return fail(ImpactError::Usage(why)),
        },
    };
    if new_engine.decision_id(&decision).is_none() {
        stderr(&format!(
            "error: no decision is called `{decision}`; {}\n",
            new_engine.unknown_decision_hint(&decision)
        ));
        return Outcome::UsageOrIo;
    }
    let changes = edict_impact::impact::changes(&old_engine, &new_engine, &decision);
    let sides = Sides {
        old: Arc::new(old_engine),
        new: Arc::new(new_engine),
        decision,
        changes,
    };
    let mut options = args.options.clone();
    let bar = if crate::progress::wanted() && args.cluster.is_none() {
        let progress = Arc::new(edict_impact::Progress::default());
        options.progress = Some(Arc::clone(&progress));
        let total = rt.block_on(edict_impact::source::rows_known(&table));
        crate::progress::Bar::start("impact", "rows", progress, total, None)
    } else {
        None
    };
    let sink = match args.changed_rows {
        Some(path) => match ParquetRows::create(path, &changed_schema(&schema)) {
            Ok(s) => Some(Arc::new(Mutex::new(s))),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let decided = match args.cluster {
        Some(url) => rt.block_on(edict_cluster::impact(url, sides, args.traffic, &options)),
        None => rt.block_on(edict_impact::impact(
            sides,
            table,
            &options,
            sink.clone().map(|s| s as Arc<Mutex<dyn ChangedSink>>),
        )),
    };
    drop(bar);
    let report = match decided {
        Ok(r) => r,
        Err(ImpactError::Query(e)) => {
            let files: Vec<String> = args
                .traffic
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect();
            stderr(&format!(
                "error: cannot read the traffic ({}): {}\n  = hint: each file must be whole: a \
                 Parquet file as written, CSV with a header, JSON lines each a whole object\n",
                files.join(", "),
                e.message()
            ));
            return Outcome::UsageOrIo;
        }
        Err(e) => return fail(e),
    };
    if let Some(sink) = sink {
        let finished = Arc::try_unwrap(sink)
            .ok()
            .and_then(|m| m.into_inner().ok())
            .ok_or_else(|| ImpactError::Usage("the changed rows' writer is still in use".into()))
            .and_then(ParquetRows::finish);
        if let Err(e) = finished {
            return fail(e);
        }
    }
    if let Some(path) = args.chart {
        if let Err(e) = write_atomically(path, edict_impact::chart::svg(&report).as_bytes()) {
            stderr(&format!("error: cannot write `{}`: {e}\n", path.display()));
            return Outcome::UsageOrIo;
        }
    }
    match args.format {
        ImpactFormat::Human => stdout(&render::human(&report)),
        ImpactFormat::Md => stdout(&render::markdown(&report)),
        ImpactFormat::Json => stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&render::json(&report)).unwrap_or_default()
        )),
        ImpactFormat::Csv => stdout(&render::csv(&report)),
    }
    Outcome::Ok
}

/// The changed rows as one Parquet file, streamed into a temporary file beside it as they are
/// found, then synced and renamed into place: a reader never sees half of one, and a run that
/// fails leaves any earlier file as it was.
struct ParquetRows {
    /// `None` once finished.
    writer: Option<edict_impact::datafusion::parquet::arrow::ArrowWriter<std::fs::File>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl ParquetRows {
    fn create(
        path: &Path,
        schema: &edict_impact::datafusion::arrow::datatypes::Schema,
    ) -> Result<ParquetRows, ImpactError> {
        let cannot = |e: &dyn std::fmt::Display| {
            ImpactError::Usage(format!("cannot write `{}`: {e}", path.display()))
        };
        let tmp = edict_runtime::store::temporary_beside(path);
        let file = std::fs::File::create(&tmp).map_err(|e| cannot(&e))?;
        let writer = edict_impact::datafusion::parquet::arrow::ArrowWriter::try_new(
            file,
            Arc::new(schema.clone()),
            None,
        )
        .map_err(|e| cannot(&e))?;
        Ok(ParquetRows {
            writer: Some(writer),
            tmp,
            path: path.to_path_buf(),
        })
    }

    fn finish(mut self) -> Result<(), ImpactError> {
        let done = match self.writer.take() {
            Some(w) => w
                .into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|f| f.sync_all())
                .and_then(|()| std::fs::rename(&self.tmp, &self.path)),
            None => Ok(()),
        };
        done.map_err(|e| ImpactError::Usage(format!("cannot write `{}`: {e}", self.path.display())))
    }
}

impl ChangedSink for ParquetRows {
    fn write(
        &mut self,
        batch: edict_impact::datafusion::arrow::record_batch::RecordBatch,
    ) -> Result<(), ImpactError> {
        let path = &self.path;
        match &mut self.writer {
            Some(w) => w
                .write(&batch)
                .map_err(|e| ImpactError::Usage(format!("cannot write `{}`: {e}", path.display()))),
            None => Ok(()),
        }
    }
}

impl Drop for ParquetRows {
    fn drop(&mut self) {
        // The temporary file goes, whether the run failed or the file was renamed already
        // (then there is none).
        let _ = std::fs::remove_file(&self.tmp);
    }
}
