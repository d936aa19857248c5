//! The `edict` command-line tool: parses arguments, runs a command, maps outcomes to exit codes.
//!
//! Exit codes (the same for every command, see `docs/cli.md`): 0 success, 1 the policies have
//! errors (or warnings under `--deny-warnings`), 2 usage or I/O error.

mod build;
mod check;
mod diff;
mod doc;
mod eval;
mod fmt;
mod output;
mod report;
mod serve;
mod test_cmd;
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
    Check {
        /// Files or directories (searched recursively for `.edict` files).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit with 1 when there are warnings, not only errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Verify the decision tables: overlaps, gaps, dead, shadowed and subsumed rules.
    Verify {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit with 1 when there are warnings, not only errors.
        #[arg(long)]
        deny_warnings: bool,
    },
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
        #[arg(long)]
        decision: String,
        /// The request as JSON (`-` or absent: standard input).
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
        Command::Check {
            paths,
            format,
            deny_warnings,
        } => check::run(&paths, format, deny_warnings, color),
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
        Command::Verify {
            paths,
            format,
            deny_warnings,
        } => verify::run(&paths, format, deny_warnings, color),
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
