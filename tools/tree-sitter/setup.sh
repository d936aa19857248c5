#!/usr/bin/env bash
# Builds tree-sitter-cli from crates.io into target/tree-sitter (only when absent) and prints the
# path of the `tree-sitter` binary. Needed only to regenerate editors/tree-sitter-edict/src from
# grammar.js (tools/tree-sitter/generate.sh); the tests use the committed parser.
# The npm package of the same name downloads a prebuilt binary at install, which cannot be
# fetched here; the crate builds with cargo and embeds QuickJS to read grammar.js.
# Built unoptimised: on 2 cores that builds in 169 s instead of 347 s, and generating this
# grammar still takes about a second, with the same output byte for byte (2026-12-03).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=0.27.1
ROOT=target/tree-sitter
BIN=$ROOT/bin/tree-sitter
if [ ! -x "$BIN" ] || ! "$BIN" --version | grep -q "$VERSION"; then
  cargo install tree-sitter-cli --version "$VERSION" --locked --debug --root "$ROOT" >&2
fi
echo "$PWD/$BIN"
