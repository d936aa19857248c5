//! `edict check`: find the workspaces the paths name, check each on its own, print the
//! diagnostics of the files named, decide the exit code. The driver (`report_each`) is shared
//! with `edict verify`.

use std::path::{Path, PathBuf};

use edict_compiler::render::summary;
use edict_compiler::workspaces::{self, Workspace};
use edict_compiler::{Analysis, Diagnostic};

use crate::output::stderr;
use crate::{Format, Outcome};

/// A workspace read into a fresh analysis.
pub struct Loaded {
    pub workspace: Workspace,
    pub analysis: Analysis,
}

impl Loaded {
    /// Keeps the diagnostics of the files the command reports on.
    pub fn narrow(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diags
            .into_iter()
            .filter(|d| self.workspace.reports_on(Path::new(&d.primary.file)))
            .collect()
    }

    /// The summary line: counts over the files reported on, and, when those are part of the
    /// workspace, what its other files hold.
    pub fn summary(&self, all: &[Diagnostic], several: bool) -> String {
        let ws = &self.workspace;
        let (shown, rest): (Vec<Diagnostic>, Vec<Diagnostic>) = all
            .iter()
            .cloned()
            .partition(|d| ws.reports_on(Path::new(&d.primary.file)));
        let mut line = summary(&shown, ws.reported().count());
        if ws.is_narrowed() {
            let others = ws.files.len() - ws.reported().count();
            let errors = rest.iter().filter(|d| d.is_error()).count();
            let counts = edict_compiler::render::counts(&rest);
            line.push_str(&format!(
                " of workspace `{}` (its {} other file{}: {})",
                ws.name(),
                others,
                if others == 1 { "" } else { "s" },
                if rest.is_empty() {
                    "no diagnostics".to_string()
                } else if errors > 0 {
                    format!("{counts}; run `edict check {}`", ws.shown.display())
                } else {
                    counts
                }
            ));
        } else if several {
            line = format!("`{}`: {line}", ws.name());
        }
        line
    }
}

/// Reads the workspaces `paths` name, each into its own analysis; on failure the error is
/// printed and the outcome (a usage or I/O error) returned.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Loaded>, Outcome> {
    let found = workspaces::find(paths).map_err(usage)?;
    if found.is_empty() || found.iter().all(|w| w.files.is_empty()) {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(usage(format!(
            "no `.edict` files found in {}",
            shown.join(", ")
        )));
    }
    if let Some(w) = found
        .iter()
        .find(|w| w.is_narrowed() && w.reported().count() == 0)
    {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(usage(format!(
            "no `.edict` files found in {} by the patterns of workspace `{}` \
             (a file named on the command line is read even where they exclude it)",
            shown.join(", "),
            w.name()
        )));
    }
    found
        .into_iter()
        .filter(|w| !w.files.is_empty())
        .map(|workspace| {
            let mut analysis = read(&workspace.files).map_err(usage)?;
            analysis.set_lints(workspace.lints());
            Ok(Loaded {
                workspace,
                analysis,
            })
        })
        .collect()
}

/// Reads the one workspace a compiling command runs on (see [`workspaces::find_one`]).
pub fn load(paths: &[PathBuf], command: &str) -> Result<Loaded, Outcome> {
    let workspace = workspaces::find_one(paths, command).map_err(usage)?;
    if workspace.files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(usage(format!(
            "no `.edict` files found in {}",
            shown.join(", ")
        )));
    }
    let mut analysis = read(&workspace.files).map_err(usage)?;
    analysis.set_lints(workspace.lints());
    Ok(Loaded {
        workspace,
        analysis,
    })
}

fn usage(e: String) -> Outcome {
    stderr(&format!("error: {e}\n"));
    Outcome::UsageOrIo
}

fn read(files: &[PathBuf]) -> Result<Analysis, String> {
    let mut analysis = Analysis::default();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("cannot read `{}`: {e}", f.display()))?;
        analysis.set_file_bytes(&f.display().to_string(), bytes);
    }
    Ok(analysis)
}

/// Prints the totals over several workspaces.
pub fn totals(all: &[Vec<Diagnostic>], loaded: &[Loaded]) -> String {
    let diags: Vec<Diagnostic> = all.iter().flatten().cloned().collect();
    let files = loaded.iter().map(|l| l.workspace.reported().count()).sum();
    format!("{} workspaces: {}", loaded.len(), summary(&diags, files))
}

pub fn run(args: &ReportArgs, color: bool) -> Outcome {
    report_each(args, color, "edict check", |l| {
        let all = l.analysis.check();
        // Errors in a workspace's other files fail the command too: the files named do not
        // compile without them (the summary line names them).
        let elsewhere =
            all.iter().any(|d| d.is_error()) && !l.narrow(all.clone()).iter().any(|d| d.is_error());
        Findings {
            all,
            prefix: "",
            fails: elsewhere,
        }
    })
}

/// What a command found in one workspace.
pub struct Findings {
    /// The workspace's diagnostics, of every file.
    pub all: Vec<Diagnostic>,
    /// Put before the workspace's summary line (`verified: `).
    pub prefix: &'static str,
    /// The command fails for this workspace whatever the diagnostics of the files shown.
    pub fails: bool,
}

/// The paths, format and exit rule of a command that reports diagnostics per workspace
/// (`check`, `verify`).
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Files or directories (searched recursively for `.edict` files).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when there are warnings, not only errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Runs `find` on each workspace the paths name and reports as `tool`: in human form each
/// workspace's diagnostics of the files named and its summary line (then the totals, for
/// several); in the other formats one report of them all. The exit code: failure when a
/// workspace `fails`, otherwise by the diagnostics reported.
pub fn report_each(
    args: &ReportArgs,
    color: bool,
    tool: &str,
    find: impl Fn(&Loaded) -> Findings,
) -> Outcome {
    let format = args.format;
    let loaded = match load_all(&args.paths) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let several = loaded.len() > 1;
    let mut shown = Vec::new();
    let mut reported = Vec::new();
    let mut sources = std::collections::BTreeMap::new();
    let mut fails = false;
    for l in &loaded {
        let found = find(l);
        fails |= found.fails;
        let diags = l.narrow(found.all.clone());
        let s = l.analysis.sources();
        if format == Format::Human {
            crate::report::emit(&diags, &s, format, color, tool);
            stderr(&format!(
                "{}{}\n",
                found.prefix,
                l.summary(&found.all, several)
            ));
        }
        sources.extend(s);
        reported.extend(diags.iter().cloned());
        shown.push(diags);
    }
    if format == Format::Human {
        if several {
            stderr(&format!("{}\n", totals(&shown, &loaded)));
        }
    } else {
        crate::report::emit(&reported, &sources, format, color, tool);
    }
    let outcome = if fails {
        Outcome::PolicyErrors
    } else {
        crate::report::outcome(&reported, args.deny_warnings)
    };
    // The process ends with this command, and its memory goes back to the system with it:
    // dropping the workspaces' databases (every memoised query, freed one by one on one core
    // after the parallel work) was about 4% of a cold check of 10,000 rules.
    std::mem::forget(loaded);
    outcome
}
