#!/usr/bin/env bash
# Installs the OpenAPI tools the service test uses (cli/tests/serve/standards.rs), only if
# absent: PyPI's openapi-spec-validator (an independent validator of OpenAPI 3.1 documents) and
# openapi-python-client (a common client generator), in a virtual environment under target/.
# Prints the environment's bin directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/openapi-venv
if ! "$venv/bin/openapi-spec-validator" --help >/dev/null 2>&1 \
  || ! "$venv/bin/openapi-python-client" --version >/dev/null 2>&1; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q openapi-spec-validator==0.9.0 openapi-python-client==0.29.1 >&2
fi
echo "$PWD/$venv/bin"
