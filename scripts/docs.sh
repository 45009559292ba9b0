#!/usr/bin/env bash
# Set up, then build adrkit's documentation site (README, docs/, changelog, tutorials and
# adrkit's own decisions) into site-docs/, or the folder given.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python scripts/docs.py "$@"
