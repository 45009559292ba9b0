#!/usr/bin/env bash
# Set up what adrkit needs on a Debian or Ubuntu machine; safe to run again.
#   scripts/setup.sh          the virtualenv with adrkit (and Graphviz for diagrams)
#   scripts/setup.sh --test   also the test tools: Chromium, adr-tools, Node.js peers
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
PYTHON=${PYTHON:-python3}

note() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages ------------------------------------------------------------
debs=(graphviz)
if [ "$want_test" = 1 ]; then
  debs+=(chromium adr-tools git)
  command -v npm >/dev/null 2>&1 || debs+=(nodejs npm)
fi
missing=()
for pkg in "${debs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    note "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    note "no apt-get here; please install: ${missing[*]}"
  fi
fi

# --- Python virtualenv ----------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  note "creating .venv"
  "$PYTHON" -m venv .venv
fi
extras=""
[ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.adrkit-setup${extras:+-test}"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  note "installing adrkit${extras} into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".${extras}"
  echo "$want" > "$stamp"
fi

# --- Node.js peers for the tests (log4brains, axe-core) ------------------------
if [ "$want_test" = 1 ] && [ -f .peer/package.json ]; then
  lock_hash="$(cat .peer/package.json .peer/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)"
  if [ ! -f .peer/node_modules/.adrkit-stamp ] || [ "$(cat .peer/node_modules/.adrkit-stamp)" != "$lock_hash" ]; then
    note "installing Node.js peers into .peer/"
    if [ -f .peer/package-lock.json ]; then
      (cd .peer && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    else
      (cd .peer && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    echo "$lock_hash" > .peer/node_modules/.adrkit-stamp
  fi
fi
