//! Running the real `edict` binary from the repository root, as a user runs it, for the CLI
//! integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root: where `policies/` and the fixtures are.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `edict ARGS` in the repository root without colour: exit code, stdout, stderr.
pub fn edict(args: &[&str]) -> (i32, String, String) {
    edict_in(&root(), args)
}

/// Runs `edict ARGS` in `dir` without colour: exit code, stdout, stderr.
pub fn edict_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh, empty directory for one test of one test binary, removed when the test passes (a
/// failing test leaves it to be looked at).
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn tempdir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("edict-cli-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// What a setup script under `tools/` installed: `$VAR` when set (`.ci/run` sets it), else the
/// path the script prints (it installs only what is absent).
/// The test that calls it takes its turn: end-to-end tests run one at a time.
pub fn installed(var: &str, script: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        take_turn();
        return Some(PathBuf::from(path));
    }
    // End-to-end tests drive programs beyond the Rust toolchain (Chromium, Neovim, code-server)
    // that their setup scripts install, some as root: they run only when asked to.
    if std::env::var("EDICT_E2E").as_deref() != Ok("1") {
        // Written to the process's stderr, past the test harness's capture, so that a run
        // shows what it skipped.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: this end-to-end test needs what {script} installs; set EDICT_E2E=1 (as .ci/run does) to install it and run the test"
        );
        return None;
    }
    let out = Command::new(root().join(script))
        .output()
        .unwrap_or_else(|e| panic!("{script} does not run: {e}"));
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    take_turn();
    Some(PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()))
}

/// End-to-end tests take turns. All integration tests share one binary, whose tests run in
/// parallel: Chromium, code-server and Neovim started together on two cores miss their
/// timeouts.
static E2E_TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

thread_local! {
    /// The turn this test's thread holds, given back when the thread ends (libtest runs each
    /// test on a thread of its own; with one test thread, that thread keeps it).
    static TURN: std::cell::RefCell<Option<std::sync::MutexGuard<'static, ()>>> =
        const { std::cell::RefCell::new(None) };
}

fn take_turn() {
    TURN.with(|turn| {
        let mut turn = turn.borrow_mut();
        if turn.is_none() {
            // A test that failed in its turn does not stop the others.
            *turn = Some(
                E2E_TURN
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
        }
    });
}

/// Copies a folder and everything below it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The corpus as it stood before the announcement of 2025-11-05: `policies/` with its
/// catalogues as they are today, and the measure files of `compiler/tests/diff/before` (the
/// rules and sets before the announcement) in place of its own. Catalogues alike on both sides
/// make the diff the announcement's alone.
pub fn corpus_before_the_announcement(name: &str) -> TempDir {
    let dir = tempdir(name);
    copy_dir(&root().join("policies"), &dir.join("before"));
    for file in [
        "sources.edict",
        "smart_clearance.edict",
        "talent_visa.edict",
        "transit_24h.edict",
        "transit.edict",
    ] {
        std::fs::copy(
            root().join("compiler/tests/diff/before").join(file),
            dir.join("before").join(file),
        )
        .unwrap();
    }
    dir
}
