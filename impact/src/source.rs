//! Reading tables: Parquet, CSV (with a header) and JSON lines files, or directories of them,
//! by DataFusion's own readers. The decision log's rotated files (`decisions.log.1`) read as
//! JSON lines.

use std::path::{Path, PathBuf};

use datafusion::prelude::{
    CsvReadOptions, DataFrame, JsonReadOptions, ParquetReadOptions, SessionContext,
};

use crate::ImpactError;

/// A file format DataFusion reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
    JsonLines,
}

impl Format {
    fn words(self) -> &'static str {
        match self {
            Format::Parquet => "Parquet",
            Format::Csv => "CSV",
            Format::JsonLines => "JSON lines",
        }
    }
}

/// A file's format by its name: `.parquet`, `.csv`, `.jsonl`, `.ndjson`, `.json`, `.log`, and
/// any of these followed by a rotation number (`decisions.log.3`).
pub fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let mut parts: Vec<&str> = name.split('.').collect();
    while parts.len() > 2
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        parts.pop();
    }
    match *parts.last()? {
        "parquet" | "pq" => Some(Format::Parquet),
        "csv" => Some(Format::Csv),
        "jsonl" | "ndjson" | "json" | "log" => Some(Format::JsonLines),
        _ => None,
    }
}

/// The files `paths` name: files as given, directories by the files in them (sorted) whose
/// format is known; one format for all.
pub fn files(paths: &[PathBuf]) -> Result<(Format, Vec<PathBuf>), ImpactError> {
    let mut out: Vec<(Format, PathBuf)> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| ImpactError::Usage(format!("cannot read `{}`: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && format_of(f).is_some())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(ImpactError::Usage(format!(
                    "`{}` has no Parquet, CSV or JSON lines files",
                    p.display()
                )));
            }
            out.extend(
                found
                    .into_iter()
                    .filter_map(|f| format_of(&f).map(|k| (k, f))),
            );
        } else if p.is_file() {
            let Some(k) = format_of(p) else {
                return Err(ImpactError::Usage(format!(
                    "`{}`: the format is not known by the name; name it `.parquet`, `.csv` or \
                     `.jsonl`",
                    p.display()
                )));
            };
            out.push((k, p.clone()));
        } else {
            return Err(ImpactError::Usage(format!(
                "`{}` does not exist",
                p.display()
            )));
        }
    }
    let Some((format, _)) = out.first().cloned() else {
        return Err(ImpactError::Usage("no table given".into()));
    };
    if let Some((other, f)) = out.iter().find(|(k, _)| *k != format) {
        return Err(ImpactError::Usage(format!(
            "the files are of different formats: {} and {} (`{}`); give one format at a time",
            format.words(),
            other.words(),
            f.display()
        )));
    }
    Ok((format, out.into_iter().map(|(_, f)| f).collect()))
}

/// The table the files hold, as one DataFrame.
pub async fn read(ctx: &SessionContext, paths: &[PathBuf]) -> Result<DataFrame, ImpactError> {
    let (format, files) = files(paths)?;
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            std::path::absolute(f)
                .unwrap_or_else(|_| f.clone())
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let unreadable = |e: datafusion::error::DataFusionError| {
        let shown: Vec<String> = files.iter().map(|f| format!("`{}`", f.display())).collect();
        ImpactError::Usage(format!(
            "cannot read {} as {}: {}",
            shown.join(", "),
            format.words(),
            e.message()
        ))
    };
    let df = match format {
        Format::Parquet => ctx
            .read_parquet(names, ParquetReadOptions::default().file_extension(""))
            .await
            .map_err(unreadable)?,
        Format::Csv => {
            ctx.read_csv(
                names,
                CsvReadOptions::new().has_header(true).file_extension(""),
            )
            .await?
        }
        Format::JsonLines => ctx
            .read_json(names, JsonReadOptions::default().file_extension(""))
            .await
            .map_err(unreadable)?,
    };
    Ok(df)
}

/// How many rows a table has, when its files say so without being read (Parquet's footers):
/// for a progress line's time left.
pub async fn rows_known(table: &DataFrame) -> Option<u64> {
    let plan = table.clone().create_physical_plan().await.ok()?;
    use datafusion::physical_plan::{StatisticsArgs, StatisticsContext};
    let stats = StatisticsContext::new()
        .compute(plan.as_ref(), &StatisticsArgs::new())
        .ok()?;
    stats.num_rows.get_value().map(|n| *n as u64)
}
