#!/usr/bin/env bash
# Checks that editors/tree-sitter-edict/src is what generate.sh makes of grammar.js (CI runs it).
# When every file generate.sh read and wrote still has the SHA-256 it recorded
# (src/generated.sha256), nothing changed since a generation and the check is done without
# building tree-sitter-cli (about 3 minutes on 2 cores). Otherwise the parser is generated
# again and must come out as committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=editors/tree-sitter-edict/src/generated.sha256
listed=$(cut -d' ' -f3 "$stamp" 2>/dev/null | LC_ALL=C sort || true)
present=$( { echo tools/tree-sitter/setup.sh; echo editors/tree-sitter-edict/grammar.js;
  find editors/tree-sitter-edict/src -type f ! -name generated.sha256; } | LC_ALL=C sort)
if [ -f "$stamp" ] && [ "$listed" = "$present" ] && sha256sum --quiet --strict -c "$stamp" >/dev/null 2>&1; then
  echo "editors/tree-sitter-edict/src: as generated from grammar.js (every file matches $stamp)"
  exit 0
fi
echo "editors/tree-sitter-edict/src differs from its record: generating it again" >&2
tools/tree-sitter/generate.sh
git diff --exit-code -- editors/tree-sitter-edict/src
