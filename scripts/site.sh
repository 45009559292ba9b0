#!/usr/bin/env bash
# Set up adrkit, then publish the bundled example decision log (and the tutorial
# notebooks) as a static site in site/. Open site/index.html in any browser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/adrkit --dir decisions build --out site "$@"
echo "open $(pwd)/site/index.html" >&2
