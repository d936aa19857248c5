#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 600), starting from the committed seeds.
# Usage: fuzz/run.sh TARGET [SECONDS] [LIBFUZZER OPTIONS...]
# (the `lsp` target wants long inputs: add -max_len=4096 -len_control=0)
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-600}
shift $(( $# < 2 ? $# : 2 ))
mkdir -p "corpus/$target"
cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 "$@"
