//! One workspace rule for every command (`docs/workspaces.md`): a path given to `check`,
//! `test`, `fmt`, `verify`, `build`, `doc`, `diff` or `serve` finds its workspace as the editor
//! does, run against the real binary from the repository root and from inside a workspace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{edict, edict_in, root, tempdir};

#[test]
fn a_file_is_checked_with_its_whole_workspace() {
    // `transit.edict` alone names sets, types and sources declared in the other files.
    let (code, _, stderr) = edict(&["check", "policies/transit.edict"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stderr, @"0 errors, 0 warnings in 1 file of workspace `policies/` (its 10 other files: no diagnostics)");
    // From inside the workspace, with a path that climbs out of a subfolder.
    let (code, _, stderr) = edict_in(
        &root().join("policies/refdata"),
        &["check", "../transit.edict", "countries.edict"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("in 2 files of workspace `../`"), "{stderr}");
}

#[test]
fn several_workspaces_are_checked_each_on_its_own() {
    // Each alone is clean; read together their names would clash.
    let (code, _, stderr) = edict(&["check", "policies", "examples/visa-free-history"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stderr, @r"
    `examples/visa-free-history/`: 0 errors, 0 warnings in 6 files
    `policies/`: 0 errors, 0 warnings in 11 files
    2 workspaces: 0 errors, 0 warnings in 17 files
    ");
}

#[test]
fn the_repository_root_names_its_two_workspaces_and_no_fixture() {
    let (code, _, stderr) = edict(&["check", "."]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stderr, @r"
    `examples/visa-free-history/`: 0 errors, 0 warnings in 6 files
    `policies/`: 0 errors, 0 warnings in 11 files
    2 workspaces: 0 errors, 0 warnings in 17 files
    ");
    // The same for the commands that report per workspace.
    let (code, stdout, _) = edict(&["test", "."]);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("2 workspaces: 25 passed, 0 failed\n"),
        "{stdout}"
    );
    let (code, _, stderr) = edict(&["verify", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 workspaces:"), "{stderr}");
    let (code, _, stderr) = edict(&["fmt", "--check", "."]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_fixture_outside_every_workspace_is_checked_alone() {
    // Its folder holds sixty other fixtures, whose names would clash with its own.
    let fixture = "compiler/tests/diagnostics/W0501_unused_declaration.edict";
    let (code, _, stderr) = edict(&["check", fixture]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.ends_with("in 1 file\n"), "{stderr}");
    assert!(!stderr.contains("E0"), "{stderr}");
}

#[test]
fn commands_that_compile_take_the_workspace_of_a_file() {
    let dir = tempdir("compile-a-file");
    let out = dir.join("from-file.bin");
    let (code, _, stderr) = edict(&[
        "build",
        "policies/transit.edict",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let whole = dir.join("from-folder.bin");
    let (code, _, _) = edict(&["build", "policies", "-o", whole.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&whole).unwrap(),
        "a file builds its whole workspace"
    );
    // Comparing a file with itself compares its workspace with itself.
    let (code, stdout, stderr) = edict(&[
        "diff",
        "policies/transit.edict",
        "policies/transit_24h.edict",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("no decision changes"), "{stdout}");
    let site = dir.join("site");
    let (code, _, stderr) = edict(&[
        "doc",
        "policies/talent_visa.edict",
        "-o",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(site.join("index.html").is_file());
    // A command that compiles one workspace says so when given two.
    let (code, _, stderr) = edict(&["build", ".", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr, @"error: `edict build` compiles one workspace, and the paths given hold 2: `examples/visa-free-history/`, `policies/`; name one of them");
}

#[test]
fn reports_are_narrowed_to_the_files_named() {
    // `test` runs the tests written in the files named, with the whole workspace compiled.
    let (code, stdout, _) = edict(&["test", "policies/talent_visa.edict"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("applicant_in_suzhou (talent_visa)"),
        "{stdout}"
    );
    assert!(!stdout.contains("direct_transit"), "{stdout}");
    assert!(stdout.ends_with("5 passed, 0 failed\n"), "{stdout}");

    // An error in another file of the workspace fails the command, and the summary says where.
    let dir = tempdir("narrowed");
    for f in edict_compiler::load::collect_files(&[root().join("policies")]).unwrap() {
        let to = dir.join(f.strip_prefix(root().join("policies")).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, to).unwrap();
    }
    std::fs::copy(root().join("policies/edict.toml"), dir.join("edict.toml")).unwrap();
    let ports = dir.join("ports.edict");
    let text = std::fs::read_to_string(&ports).unwrap();
    std::fs::write(&ports, format!("{text}\nenum Broken {{ a, a }}\n")).unwrap();
    let (code, _, stderr) = edict_in(&dir, &["check", "transit.edict"]);
    // (the second warning: W0505, `Broken` has no labels, and the workspace asks for them)
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stderr, @"0 errors, 0 warnings in 1 file of workspace `./` (its 10 other files: 1 error, 2 warnings; run `edict check .`)");
    // `fmt` touches only the file named, at its workspace's width.
    std::fs::write(&ports, format!("{text}\nenum   Spaced {{ a }}\n")).unwrap();
    let (code, stdout, _) = edict_in(&dir, &["fmt", "--check", "transit.edict"]);
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout, _) = edict_in(&dir, &["fmt", "--check", "."]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "./ports.edict\n");
}

#[test]
fn a_folder_with_no_workspace_anywhere_is_one() {
    // A scratch folder: two files that need each other, no `edict.toml`.
    let dir = tempdir("scratch");
    std::fs::write(dir.join("types.edict"), "enum Status { ok }\n").unwrap();
    std::fs::write(dir.join("sets.edict"), "set statuses: Status { ok }\n").unwrap();
    let (code, _, stderr) = edict(&["check", "--deny-warnings", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}"); // the set is never used: a warning, not an unknown name
    assert!(
        stderr.contains("0 errors, 1 warning in 2 files"),
        "{stderr}"
    );
    // One of its files named alone is a workspace of its own.
    let (code, _, stderr) = edict(&["check", dir.join("sets.edict").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("E0101"), "{stderr}");
}
