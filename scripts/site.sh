#!/usr/bin/env bash
# Set up adrkit, then publish the bundled example decision log (notebooks/orders-service)
# with the tutorial notebooks as guides, into site/. Open site/index.html in any browser.
# Extra arguments go to 'adrkit build' (e.g. --strict, --drafts).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/adrkit --dir notebooks/orders-service/decisions build --out site --guides notebooks "$@"
echo "open $(pwd)/site/index.html" >&2
