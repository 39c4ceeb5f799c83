#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: on SQLite, then on PostgreSQL (127.0.0.1:5432) when
# it answers. Extra arguments go to pytest. Chromium comes from Debian (apt), never a downloaded browser.
source "$(dirname "$0")/_setup.sh"
install_tonghu "[test]"
# The lock must match pyproject.toml: a dependency added without `bash scripts/lock.sh` fails here (docs/dependencies.md).
bash scripts/lock.sh --check
# Lint (ruff; rules in pyproject.toml): a failure stops the run before the suite.
.venv/bin/python -m ruff check tonghu bench scripts conftest.py

# Debian packages the tests drive: Chromium (browser tests) and poppler-utils (pdftotext reads the printed PDFs)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian for the tests: ${missing[*]}…"
  sudo_if_needed apt-get update -qq && sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
    || echo "Could not install ${missing[*]}: the tests that need them will be skipped."
fi
if command -v chromium >/dev/null 2>&1; then export TONGHU_REQUIRE_BROWSER=1; fi
# installed here, so the printed-file tests must run: a missing pdftotext is then an error, not a skip
if command -v pdftotext >/dev/null 2>&1; then export TONGHU_REQUIRE_PDFTOTEXT=1; fi

pg_up() { .venv/bin/python -c 'import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(("127.0.0.1",5432)))'; }
if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Starting the local PostgreSQL cluster…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_up && break; sleep 1; done
fi

status=0
export TONGHU_DATA_DIR="$(mktemp -d)"
export TONGHU_DB_CONN_MAX_AGE=0  # let pytest drop the PostgreSQL test database cleanly
echo "=== tonghu test suite on SQLite ==="
unset DATABASE_URL
.venv/bin/python -m pytest "$@" || status=$?

if pg_up; then
  echo "=== tonghu test suite on PostgreSQL (127.0.0.1:5432) ==="
  DATABASE_URL="${TONGHU_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}" .venv/bin/python -m pytest "$@" || status=$?
else
  echo "PostgreSQL skipped: nothing answers on 127.0.0.1:5432 (the suite ran on SQLite only)."
fi
rm -rf "$TONGHU_DATA_DIR"
exit $status
