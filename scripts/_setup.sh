# Shared by scripts/demo.sh and scripts/test.sh: create .venv with Python 3.11 and install tonghu into it.
# Works on a fresh Debian/Ubuntu machine; installs python3-venv with apt when the venv module is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then
  echo "tonghu needs Python 3.11 (apt-get install python3.11)." >&2; exit 1
fi

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "Installing the Python venv module with apt…"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(basename "$PY")-venv" || sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$PY" -m venv .venv
  fi
fi
# pip >= 25.3 for --build-constraint (constraints/build.txt explains why).
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=25.3"
# Every dependency at the version pinned in constraints/requirements.lock (refresh: bash scripts/lock.sh).
install_tonghu() {
  .venv/bin/python -m pip install -q --disable-pip-version-check --build-constraint constraints/build.txt \
    -c constraints/requirements.lock -e ".$1"
}
