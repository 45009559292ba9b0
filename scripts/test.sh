#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite (browser, JupyterLab and
# peer-tool tests included). Extra arguments go to pytest, e.g. scripts/test.sh -m "not lab".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
