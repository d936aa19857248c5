//! The `edict` command-line tool: parses arguments, runs a command, maps outcomes to exit codes.
//!
//! Exit codes (the same for every command, see `docs/cli.md`): 0 success, 1 the policies have
//! errors (or warnings under `--deny-warnings`), 2 usage or I/O error.

mod build;
mod check;
mod cluster;
mod diff;
mod doc;
mod eval;
mod fmt;
mod impact;
mod output;
mod progress;
mod replay;
mod report;
mod serve;
mod sql;
mod test_cmd;
mod traffic;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "edict",
    version,
    about = "Check, compile and query Edict border-policy rules"
)]
struct Cli {
    /// When to colour output: auto (only on a terminal, and not when NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub use report::Format;

#[derive(Subcommand)]
enum Command {
    /// Parse and check policy files: names, types, units, amendments, counts.
    Check(check::ReportArgs),
    /// Verify the decision tables: overlaps, gaps, dead, shadowed and subsumed rules.
    Verify(check::ReportArgs),
    /// Which decisions change between two versions of the policies (directories, artifacts,
    /// or a git revision with --old-rev).
    Diff {
        /// OLD NEW, or NEW alone with --old-rev.
        #[arg(required = true, num_args = 1..=2)]
        paths: Vec<PathBuf>,
        /// Compare NEW with the same files at this git revision.
        #[arg(long)]
        old_rev: Option<String>,
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Human)]
        format: diff::DiffFormat,
        /// Compare only the days from this one on (YYYY-MM-DD, included).
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        from: Option<i64>,
        /// Compare only the days before this one (YYYY-MM-DD, excluded, as `until` in rules).
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        until: Option<i64>,
        /// Exit 0 even when something changes (only report).
        #[arg(long)]
        exit_zero: bool,
    },
    /// What a change does to real traffic: decide a table of requests (Parquet, CSV or JSON
    /// lines) under two versions and count what changes, by the diff's regions and citations
    /// and by any column.
    Impact {
        /// OLD NEW, or NEW alone with --old-rev or --old-before.
        #[arg(required = true, num_args = 1..=2)]
        paths: Vec<PathBuf>,
        /// Compare NEW with the same files at this git revision.
        #[arg(long, conflicts_with = "old_before")]
        old_rev: Option<String>,
        /// Compare NEW with its own past: the policy as it stood before this day (whatever
        /// starts on or after it left out, whatever ends on or after it going on).
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        old_before: Option<i64>,
        /// The traffic: Parquet, CSV or JSON lines files, or directories of them.
        #[arg(long, required = true, num_args = 1..)]
        traffic: Vec<PathBuf>,
        /// The decision the rows are requests for (default: the one the columns feed).
        #[arg(long)]
        decision: Option<String>,
        /// A column of weights: how many crossings each row stands for.
        #[arg(long, value_name = "COLUMN")]
        weight: Option<String>,
        /// Feed an input from a column of another name (repeatable).
        #[arg(long = "column", value_name = "INPUT=COLUMN")]
        columns: Vec<String>,
        /// Count changed rows by these columns together (comma-separated; `month` and `day`
        /// are the as-of day's); repeatable. Default: each entry input alone, and the month.
        #[arg(long, value_name = "COLUMNS")]
        by: Vec<String>,
        /// Show this many groups of each breakdown.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Keep this many example rows per region.
        #[arg(long, default_value_t = 3)]
        examples: usize,
        #[arg(long, value_enum, default_value_t = impact::ImpactFormat::Human)]
        format: impact::ImpactFormat,
        /// Write the changed rows, with each side's answer and the cause, as Parquet.
        #[arg(long, value_name = "FILE")]
        changed_rows: Option<PathBuf>,
        /// Draw the changed decisions per day or month as SVG.
        #[arg(long, value_name = "FILE")]
        chart: Option<PathBuf>,
        /// Worker threads (default: the machine's cores).
        #[arg(long, conflicts_with = "cluster")]
        jobs: Option<usize>,
        /// Count on a Ballista cluster of `edict cluster` processes, whose scheduler this
        /// names (df://HOST:PORT); the traffic files must be at the same paths on every
        /// executor (docs/impact.md).
        #[arg(long, value_name = "URL", conflicts_with = "changed_rows")]
        cluster: Option<String>,
    },
    /// Run a process of a DataFusion Ballista cluster that knows Edict's functions, for
    /// `edict impact --cluster` (docs/impact.md).
    Cluster {
        #[command(subcommand)]
        role: cluster::Role,
    },
    /// Decide a decision log again under the versions that answered it (from the artifact
    /// store `serve` keeps) and report every line answered otherwise; with --under, what a new
    /// version would answer instead (docs/impact.md).
    Replay(Box<replay::ReplayArgs>),
    /// SQL over tables of traffic or decision logs, with the policy's decisions as functions:
    /// decide('transit_entry', ...) and decide_as('old', 'transit_entry', ...). Without a
    /// query, lists the inputs each decision's function takes.
    Sql {
        query: Option<String>,
        /// A table to query: NAME=PATH (Parquet, CSV or JSON lines; a directory); repeatable.
        #[arg(long = "table", value_name = "NAME=PATH")]
        tables: Vec<String>,
        /// The policy `decide` uses.
        #[arg(long, default_value = ".")]
        policy: PathBuf,
        /// Another version for `decide_as`: NAME=PATH, NAME=git:REV or NAME=before:DATE.
        #[arg(long = "version", value_name = "NAME=SPEC")]
        versions: Vec<String>,
        #[arg(long, value_enum, default_value_t = sql::SqlFormat::Table)]
        format: sql::SqlFormat,
        /// Worker threads (default: the machine's cores).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Synthetic transit crossings as Parquet (for tests, benchmarks and trying `impact`),
    /// shaped by a mix of nationalities, ports, stays and months with its sources.
    Traffic {
        /// The mix: examples/traffic/mix.json shows its form.
        #[arg(long)]
        mix: PathBuf,
        /// How many crossings.
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        /// The first arrival day.
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        from: i64,
        /// Over how many days arrivals spread.
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The policy whose catalogue the mix's names must be in.
        #[arg(long, default_value = ".")]
        policy: PathBuf,
        /// The decision the rows are requests for.
        #[arg(long, default_value = "transit_entry")]
        decision: String,
        /// The Parquet file to write (atomically).
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Check and compile policies into a decision-table artifact (written atomically).
    Build {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Where to write the artifact.
        #[arg(short, long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = build::ArtifactFormat::Binary)]
        format: build::ArtifactFormat,
    },
    /// Answer a question: evaluate one request (or a JSONL batch) against a decision.
    Eval {
        /// Policy files or directories to compile (ignored with --artifact).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// The decision to ask.
        #[arg(long)]
        decision: String,
        /// A file holding the request as JSON (`-` or absent: standard input).
        #[arg(long, conflicts_with = "batch")]
        input: Option<PathBuf>,
        /// A file of requests, one JSON object per line (`-`: standard input); answers are
        /// streamed as JSON lines.
        #[arg(long)]
        batch: Option<PathBuf>,
        /// A compiled artifact to load instead of compiling policies.
        #[arg(long)]
        artifact: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = eval::AnswerFormat::Json)]
        format: eval::AnswerFormat,
    },
    /// Like `eval`, and say for every rule why it did or did not apply.
    Explain {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long)]
        decision: String,
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long)]
        artifact: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = eval::AnswerFormat::Text)]
        format: eval::AnswerFormat,
    },
    /// Draw a decision table: rules as rows, tested quantities as columns.
    Table {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long)]
        decision: String,
        /// The day to draw (default: the latest change).
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        artifact: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Rewrite policy files in the canonical layout (atomically), keeping every comment.
    Fmt {
        /// Files or directories; `-` formats standard input to standard output.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// List the files that would change and exit 1 if any; write nothing.
        #[arg(long)]
        check: bool,
        /// Print a unified diff of the changes; write nothing.
        #[arg(long)]
        diff: bool,
        /// Line width (default: `width` in edict.toml, else 100).
        #[arg(long)]
        width: Option<usize>,
    },
    /// Write the policy as a static site for people who never open a .edict file.
    Doc {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// The folder to write (replaced whole, once every page is written).
        #[arg(short, long, default_value = "site")]
        out: PathBuf,
    },
    /// Run the language server on stdin/stdout (for editors; see docs/lsp.md).
    Lsp,
    /// Serve decisions over HTTP, with hot reload, a decision log and metrics (docs/serve.md).
    Serve(Box<serve::ServeArgs>),
    /// Run the `test` blocks of the policies.
    Test {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = test_cmd::TestFormat::Human)]
        format: test_cmd::TestFormat,
    },
}

/// The outcome of a command, mapped to the process exit code.
pub enum Outcome {
    Ok,
    PolicyErrors,
    UsageOrIo,
}

/// A `YYYY-MM-DD` argument as days since 1970-01-01.
fn parse_day(s: &str) -> Result<i64, String> {
    edict_runtime::value::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = output::use_color(cli.color);
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args, color),
        Command::Build { paths, out, format } => build::run(&paths, &out, format, color),
        Command::Diff {
            paths,
            old_rev,
            format,
            from,
            until,
            exit_zero,
        } => match diff::split_paths(&paths, old_rev.as_deref()) {
            Ok(_) if from.is_some() && until.is_some() && from >= until => {
                output::stderr("error: --from must be before --until\n");
                Outcome::UsageOrIo
            }
            Ok((old, new)) => diff::run(
                old.as_deref(),
                &new,
                old_rev.as_deref(),
                edict_runtime::diff::Options { from, until },
                format,
                exit_zero,
                color,
            ),
            Err(e) => {
                output::stderr(&format!("error: {e}\n"));
                Outcome::UsageOrIo
            }
        },
        Command::Impact {
            paths,
            old_rev,
            old_before,
            traffic,
            decision,
            weight,
            columns,
            by,
            top,
            examples,
            format,
            changed_rows,
            chart,
            jobs,
            cluster,
        } => {
            let renames = match impact::renames(&columns) {
                Ok(r) => r,
                Err(e) => {
                    output::stderr(&format!("error: {e}\n"));
                    return ExitCode::from(2);
                }
            };
            let (old, new) = match (paths.as_slice(), old_rev.as_deref(), old_before) {
                ([new], Some(rev), None) => (impact::Old::Revision(rev), new),
                ([new], None, Some(day)) => (impact::Old::Before(day), new),
                ([old, new], None, None) => (impact::Old::Path(old), new),
                _ => {
                    output::stderr(
                        "error: give OLD and NEW, or NEW with --old-rev REV or --old-before DATE\n",
                    );
                    return ExitCode::from(2);
                }
            };
            impact::run(
                impact::Args {
                    old,
                    new,
                    traffic: &traffic,
                    decision: decision.as_deref(),
                    options: edict_impact::Options {
                        weight,
                        renames,
                        by: by
                            .iter()
                            .map(|b| b.split(',').map(|c| c.trim().to_string()).collect())
                            .collect(),
                        top,
                        examples,
                        progress: None,
                    },
                    format,
                    changed_rows: changed_rows.as_deref(),
                    chart: chart.as_deref(),
                    jobs,
                    cluster: cluster.as_deref(),
                },
                color,
            )
        }
        Command::Traffic {
            mix,
            rows,
            from,
            days,
            seed,
            policy,
            decision,
            out,
        } => traffic::run(
            traffic::Args {
                policy: &policy,
                decision: &decision,
                mix: &mix,
                rows,
                from,
                days,
                seed,
                out: &out,
            },
            color,
        ),
        Command::Sql {
            query,
            tables,
            policy,
            versions,
            format,
            jobs,
        } => sql::run(
            sql::Args {
                query: query.as_deref(),
                tables: &tables,
                policy: &policy,
                versions: &versions,
                format,
                jobs,
            },
            color,
        ),
        Command::Verify(args) => verify::run(&args, color),
        Command::Eval {
            paths,
            decision,
            input,
            batch,
            artifact,
            format,
        } => {
            let source = eval::Source {
                artifact: artifact.as_deref(),
                paths: &paths,
                command: "eval",
            };
            match batch {
                Some(b) => eval::batch(&source, &decision, &b, color),
                None => eval::eval(&source, &decision, input.as_deref(), format, false, color),
            }
        }
        Command::Explain {
            paths,
            decision,
            input,
            artifact,
            format,
        } => {
            let source = eval::Source {
                artifact: artifact.as_deref(),
                paths: &paths,
                command: "explain",
            };
            eval::eval(&source, &decision, input.as_deref(), format, true, color)
        }
        Command::Table {
            paths,
            decision,
            as_of,
            artifact,
            format,
        } => {
            let source = eval::Source {
                artifact: artifact.as_deref(),
                paths: &paths,
                command: "table",
            };
            table_cmd(&source, &decision, as_of.as_deref(), format, color)
        }
        Command::Test { paths, format } => test_cmd::run(&paths, format, color),
        Command::Fmt {
            paths,
            check,
            diff,
            width,
        } => fmt::run(&paths, check, diff, width),
        Command::Serve(args) => serve::run(*args),
        Command::Cluster { role } => cluster::run(role),
        Command::Replay(args) => replay::run(*args, color),
        Command::Doc { paths, out } => doc::run(&paths, &out, color),
        Command::Lsp => match edict_lsp::run_stdio() {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                output::stderr(&format!("error: the language server stopped: {e}\n"));
                Outcome::UsageOrIo
            }
        },
    };
    ExitCode::from(match outcome {
        Outcome::Ok => 0,
        Outcome::PolicyErrors => 1,
        Outcome::UsageOrIo => 2,
    })
}

fn table_cmd(
    source: &eval::Source<'_>,
    decision: &str,
    as_of: Option<&str>,
    format: TableFormat,
    color: bool,
) -> Outcome {
    let (engine, id) = match eval::engine_for(source, decision, color) {
        Ok(x) => x,
        Err(o) => return o,
    };
    match edict_runtime::table::grid(&engine, id, as_of) {
        Ok(g) => {
            output::stdout(&edict_runtime::table::render(&g, format.into()));
            Outcome::Ok
        }
        Err(e) => {
            output::stderr(&format!("error: {e}\n"));
            Outcome::UsageOrIo
        }
    }
}

/// The formats of `edict table`.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
enum TableFormat {
    Text,
    Md,
    Csv,
    Html,
}

impl From<TableFormat> for edict_runtime::table::TableFormat {
    fn from(f: TableFormat) -> Self {
        match f {
            TableFormat::Text => Self::Text,
            TableFormat::Md => Self::Md,
            TableFormat::Csv => Self::Csv,
            TableFormat::Html => Self::Html,
        }
    }
}
