#!/usr/bin/env bash
# Regenerates editors/tree-sitter-edict/src/ from grammar.js with tree-sitter-cli (built from
# crates.io by setup.sh), and records grammar.js's SHA-256 beside the parser so that a test
# fails when the grammar was changed without regenerating.
set -euo pipefail
cd "$(dirname "$0")/../.."
TS=$(tools/tree-sitter/setup.sh)
cd editors/tree-sitter-edict
"$TS" generate
sha256sum grammar.js | cut -d' ' -f1 > src/grammar.js.sha256
echo "regenerated editors/tree-sitter-edict/src with $("$TS" --version)"
