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
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.10 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || die "$("$PYTHON" -V 2>&1) is too old; adrkit needs Python 3.10 or newer (set PYTHON=python3.X)"

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

apt_install() {  # apt_install PKG...: install what is missing; report, don't fail, per package
  command -v apt-get >/dev/null 2>&1 || { note "no apt-get here; please install: $*"; return 0; }
  local missing=() pkg
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  local SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  note "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq || note "apt-get update failed; trying with the package lists at hand"
  for pkg in "${missing[@]}"; do
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
      || note "could not install $pkg; the tests that need it will say so"
  done
}

# --- Debian packages ------------------------------------------------------------
debs=(graphviz)
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || debs+=("python3-venv")
if [ "$want_test" = 1 ]; then
  debs+=(chromium adr-tools git strace)  # strace: the crash tests kill commands at chosen system calls
  command -v npm >/dev/null 2>&1 || debs+=(nodejs npm)
fi
apt_install "${debs[@]}"

# --- Python virtualenv ----------------------------------------------------------
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  note "creating .venv"
  rm -rf .venv
  "$PYTHON" -m venv .venv || die "could not create .venv; install python3-venv"
fi
extras=""
[ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.adrkit-setup${extras:+-test}"
want="$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  note "installing adrkit${extras} into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # setuptools' build backend warns on every editable install that a folder named like
  # the package may shadow it; this checkout is meant to be imported from, so hush it.
  PYTHONWARNINGS="ignore:Editable installation" .venv/bin/python -m pip install -q -e ".${extras}"
  echo "$want" > "$stamp"
fi

# --- Node.js peers for the tests (log4brains, axe-core) ------------------------
if [ "$want_test" = 1 ]; then
  if command -v npm >/dev/null 2>&1; then
    lock_hash="$(cat .peer/package.json .peer/package-lock.json | sha256sum | cut -c1-16)"
    if [ "$(cat .peer/node_modules/.adrkit-stamp 2>/dev/null)" != "$lock_hash" ]; then
      note "installing Node.js peers into .peer/"
      (cd .peer && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
        || note "npm could not install the peers; their tests will say so"
      [ -d .peer/node_modules ] && echo "$lock_hash" > .peer/node_modules/.adrkit-stamp
    fi
  else
    note "npm not available; the log4brains and accessibility tests will say so"
  fi
fi
