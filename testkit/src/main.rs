//! `edict-synth`: writes a synthetic workspace to a directory.
//!
//! Usage: `edict-synth --rules 10000 -o /tmp/ws10k`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rules = 10_000usize;
    let mut out = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--rules" => {
                rules = match args.get(i + 1).and_then(|v| v.parse().ok()) {
                    Some(n) => n,
                    None => return usage("--rules needs a number"),
                };
                i += 2;
            }
            "-o" | "--out" => {
                out = args.get(i + 1).cloned();
                i += 2;
            }
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let Some(out) = out else {
        return usage("missing -o DIR");
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create `{out}`: {e}");
        return ExitCode::from(2);
    }
    let files = edict_testkit::generate(&edict_testkit::Shape::with_rules(rules));
    for (name, text) in &files {
        let path = std::path::Path::new(&out).join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    eprintln!("wrote {} files with {rules} rules to {out}", files.len());
    ExitCode::SUCCESS
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\nusage: edict-synth --rules N -o DIR");
    ExitCode::from(2)
}
