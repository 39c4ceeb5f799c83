#!/usr/bin/env bash
# Compile constraints/requirements.lock from pyproject.toml: the runtime dependencies and every extra (test, bench,
# …) pinned to one version each, for CPython 3.11 on Linux x86_64 (docs/dependencies.md).
#
#   bash scripts/lock.sh                 refresh after editing pyproject.toml: current pins are kept where they still
#                                        fit, new or changed dependencies are resolved (one command, PyPI only)
#   bash scripts/lock.sh --upgrade       move every pin to the newest release the ranges allow
#   bash scripts/lock.sh --upgrade-package django   move one package
#   bash scripts/lock.sh --check         exit 1 when the lock no longer matches pyproject.toml (CI runs this)
#
# scripts/_setup.sh installs with `pip install -c constraints/requirements.lock`, so the README's commands and CI
# get exactly these versions.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LOCK=constraints/requirements.lock
PY=${TONGHU_LOCK_PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
if ! "$PY" -m uv --version >/dev/null 2>&1; then
  echo "Installing uv (the resolver) into $("$PY" -c 'import sys; print(sys.prefix)')…" >&2
  "$PY" -m pip install -q --disable-pip-version-check "uv>=0.5,<1"
fi

compile() {  # compile OUTPUT [uv options]: OUTPUT's current pins are uv's preferences
  local out=$1; shift
  "$PY" -m uv pip compile pyproject.toml --all-extras --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
    --no-header --annotation-style line --quiet --output-file "$out" "$@"
}

write_lock() {  # write_lock SOURCE: add the header saying how the lock is made
  { echo "# Pinned dependencies of tonghu (runtime and every extra) for CPython 3.11 on Linux x86_64."
    echo "# Generated from pyproject.toml by \`bash scripts/lock.sh\` (docs/dependencies.md); do not edit by hand."
    echo "# Install with: pip install -c constraints/requirements.lock -e '.[test]'"
    cat "$1"; } > "$LOCK"
}

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$LOCK" ] && grep -v '^#' "$LOCK" > "$tmp/lock.txt" || : > "$tmp/lock.txt"

if [ "${1:-}" = "--check" ]; then
  cp "$tmp/lock.txt" "$tmp/before.txt"
  compile "$tmp/lock.txt"
  if ! diff -u "$tmp/before.txt" "$tmp/lock.txt"; then
    echo "constraints/requirements.lock does not match pyproject.toml (diff above): run \`bash scripts/lock.sh\` and commit the lock." >&2
    exit 1
  fi
  echo "constraints/requirements.lock matches pyproject.toml."
  exit 0
fi

compile "$tmp/lock.txt" "$@"
write_lock "$tmp/lock.txt"
echo "Wrote $LOCK ($(grep -c '==' "$LOCK") packages)."
