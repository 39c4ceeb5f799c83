#!/usr/bin/env bash
# Quick start: install everything and run the demo county (SQLite). Extra arguments go to `tonghu demo`,
# e.g. `bash scripts/demo.sh --host 0.0.0.0 --port 8080`.
source "$(dirname "$0")/_setup.sh"
install_tonghu ""
exec .venv/bin/tonghu demo "$@"
