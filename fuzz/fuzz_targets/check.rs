//! Fuzz target: the whole check pipeline, on policy-shaped text assembled from tokens.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

/// Pieces of policies: most inputs get past the parser, so the checker sees them.
const TOKENS: &[&str] = &[
    "source s { title: \"T\", published: 2025-11-05, items: 4 }\n",
    "enum E { a, b, c }\n", "entity Region { name: Text }\n", "entity City in Region? { name: Text }\n",
    "entity Port in City { kind: E }\n", "catalogue Region { r1 { name: \"R\" } }\n",
    "catalogue City { c1 in r1 { name: \"C\" } }\n", "catalogue Port { p1 in c1 { kind: a } }\n",
    "set ports: Port { p1 }\n", "set regions: Region from 2025-01-01 announced 2 { r1 }\n",
    "amend ports from 2025-11-05 cite s item 4 { add p1 remove p1 }\n",
    "record Req { port: Port, city: City?, at: DateTime, to: DateTime, flag: Bool, n: Int }\n",
    "record Out { e: E, d: Duration? }\n", "decision d(t: Req) -> Out {\n as of t.at\n hit ",
    "first", "unique", "priority", "collect", "\n otherwise { e: a }\n}\n", "rule r",
    " for d {\n", "  cite s item 4\n", "  from 2025-11-05\n", "  until 2025-01-01\n", "  priority 3\n",
    "  when ", "t.port in ports", " and ", " or ", "not ", "t.city in regions", "t.to - t.at <= 24h",
    "t.flag", "t.n in 1..5", "t.port.kind == b", "(", ")", "t.at <= 144h", "6mo", "2025-02-30",
    "\n  then { e: b, d: 30d }\n}\n", "test x for d {\n given t = { port: p1, at: 2025-11-10T10:00, to: 2025-11-11T10:00, flag: true, n: 2 }\n expect { e: b }\n expect rule r\n}\n",
    "}", "{", ",", "\n", "// comment\n", "/// doc\n", "\"横琴 🎉\"", "9999999999999999999999",
];

#[derive(Arbitrary, Debug)]
struct Input {
    files: Vec<Vec<u8>>,
}

fuzz_target!(|input: Input| {
    let mut analysis = edict_compiler::Analysis::default();
    for (i, picks) in input.files.iter().take(4).enumerate() {
        let text: String = picks.iter().map(|p| TOKENS[*p as usize % TOKENS.len()]).collect();
        analysis.set_file(&format!("f{i}.edict"), text);
    }
    let diags = analysis.diagnostics();
    let _ = edict_compiler::render::render_json(&diags, &analysis.sources());
});
