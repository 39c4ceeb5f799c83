#!/usr/bin/env bash
# Screenshots of every role's landing page at 1280 px and 360 px, in Chinese and in English (issue 18), for a
# reviewer to look at: written to ${1:-screenshots/} by the browser test that also checks the top menu stays on one
# line at 1280 px and nothing scrolls sideways (tonghu/core/tests/test_navbar.py). Needs Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-screenshots}")"
export TONGHU_DATA_DIR="${TONGHU_DATA_DIR:-$(mktemp -d)}"
TONGHU_SCREENSHOT_DIR="$out" .venv/bin/python -m pytest -q -p no:cacheprovider tonghu/core/tests/test_navbar.py -k menu
echo "screenshots in $out"
