//! The `edict` command-line tool: parses arguments, runs a command, maps outcomes to exit codes.
//!
//! Exit codes (the same for every command, see `docs/cli.md`): 0 success, 1 the policies have
//! errors (or warnings under `--deny-warnings`), 2 usage or I/O error.

mod check;
mod output;

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

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable text with source excerpts.
    Human,
    /// One JSON document (schema in docs/cli.md).
    Json,
}

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
}

/// The outcome of a command, mapped to the process exit code.
pub enum Outcome {
    Ok,
    PolicyErrors,
    UsageOrIo,
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
    };
    ExitCode::from(match outcome {
        Outcome::Ok => 0,
        Outcome::PolicyErrors => 1,
        Outcome::UsageOrIo => 2,
    })
}
