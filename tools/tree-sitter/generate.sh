#!/usr/bin/env bash
# Regenerates editors/tree-sitter-edict/src/ from grammar.js with tree-sitter-cli (built from
# crates.io by setup.sh), and records:
#   - grammar.js's SHA-256 beside the parser (src/grammar.js.sha256), so that a test fails when
#     the grammar was changed without regenerating;
#   - the SHA-256 of every input and output of the generation (src/generated.sha256: grammar.js,
#     setup.sh, which pins the CLI's version, and each generated file), which check.sh reads.
set -euo pipefail
cd "$(dirname "$0")/../.."
TS=$(tools/tree-sitter/setup.sh)
(cd editors/tree-sitter-edict && "$TS" generate)
sha256sum editors/tree-sitter-edict/grammar.js | cut -d' ' -f1 > editors/tree-sitter-edict/src/grammar.js.sha256
{
  sha256sum tools/tree-sitter/setup.sh editors/tree-sitter-edict/grammar.js
  find editors/tree-sitter-edict/src -type f ! -name generated.sha256 | LC_ALL=C sort | xargs sha256sum
} > editors/tree-sitter-edict/src/generated.sha256
echo "regenerated editors/tree-sitter-edict/src with $("$TS" --version)"
