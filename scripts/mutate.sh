#!/usr/bin/env bash
# Mutation testing of the security and policy core (issue 20 item 4, docs/testing.md).
#
# For each module below, mutmut 3 makes small deliberate bugs (mutants) in that module only and runs only the tests
# that pin it; a mutant is "killed" when at least one test fails. Prints the kill rate per module and a total.
#
#   scripts/mutate.sh                      all modules
#   scripts/mutate.sh scoping masking      only these (by short name)
#   MUTATE_JOBS=2 scripts/mutate.sh        mutants in parallel (default 1: the machine is shared)
#
# Each module runs in its own copy of the tree under ${MUTATE_DIR:-/tmp/tonghu-mutate}/<name>/ (mutmut writes its
# mutants/ folder there, never into the checkout; the tests run from the mutated copy mutants/tonghu/…/tests so that
# they import the mutated package, not the original), on SQLite with a reused test database file so that a mutant
# costs its tests, not a migration. Survivors: `cd <copy> && mutmut results` / `mutmut show <name>`.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=$(command -v python3)
MUTMUT="$(dirname "$PY")/mutmut"
[ -x "$MUTMUT" ] || { echo "mutmut is not installed: $PY -m pip install -e '.[test]'" >&2; exit 2; }
BASE=${MUTATE_DIR:-/tmp/tonghu-mutate}
JOBS=${MUTATE_JOBS:-1}

# name | module to mutate | the tests that pin it (space-separated)
MODULES=(
  "scoping|tonghu/core/scoping.py|tonghu/core/tests/test_scoping_rules.py"
  "capabilities|tonghu/core/capabilities.py|tonghu/core/tests/test_scoping_rules.py tonghu/core/tests/test_capabilities_rules.py"
  "masking|tonghu/registry/masking.py|tonghu/registry/tests/test_masking.py tonghu/registry/tests/test_masking_declared.py"
  "audit|tonghu/audit/services.py|tonghu/audit/tests"
  "audit_models|tonghu/audit/models.py|tonghu/audit/tests"
  "passwords|tonghu/accounts/validators.py|tonghu/accounts/tests/test_login.py"
  "cases_rules|tonghu/cases/rules.py|tonghu/cases/tests/test_routing.py"
  "policy_rules|tonghu/policy/rules/|tonghu/policy/tests/test_left_behind.py tonghu/policy/tests/test_in_difficulty.py tonghu/policy/tests/test_profiles.py tonghu/policy/tests/test_visits_single_parent.py tonghu/policy/tests/test_facts_dates.py"
)

want=("$@")
selected() { [ ${#want[@]} -eq 0 ] && return 0; local w; for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

toml_list() { local out="" x; for x in "$@"; do out+="\"$x\", "; done; echo "[${out%, }]"; }

run_module() {
  local name=$1 module=$2 tests=$3 work="$BASE/$name"
  rm -rf "$work" && mkdir -p "$work"
  # the tree as it is now (tracked and new files), without caches and earlier mutants
  (git ls-files -co --exclude-standard -z | grep -zv '^mutants/' | xargs -0 cp --parents -t "$work") 2>/dev/null
  # the root conftest.py goes next to the mutated package only: at the top of the copy it would put the original
  # package first on sys.path
  mkdir -p "$work/mutants" && mv "$work/conftest.py" "$work/mutants/conftest.py"
  # shellcheck disable=SC2086
  cat >>"$work/pyproject.toml" <<EOF

[tool.mutmut]
source_paths = ["."]
only_mutate = ["$module"]
pytest_add_cli_args_test_selection = $(toml_list $tests)
debug = ${MUTATE_DEBUG:-false}
pytest_add_cli_args = ["-p", "no:cacheprovider", "--reuse-db", "-W", "ignore"]
EOF
  local started=$SECONDS
  (
    cd "$work" || exit 2
    # PYTHONPATH: pytest-django imports tonghu.settings before any conftest, so the mutated copy must come first
    export PYTHONPATH="$work/mutants" TONGHU_DATA_DIR="$work/data" TONGHU_SQLITE_TEST_PATH="$work/test.sqlite3" DJANGO_SETTINGS_MODULE=tonghu.settings
    unset DATABASE_URL
    mkdir -p "$TONGHU_DATA_DIR"
    "$MUTMUT" run --max-children "$JOBS" >"$work/run.log" 2>&1
    "$MUTMUT" export-cicd-stats >>"$work/run.log" 2>&1
  )
  local stats="$work/mutants/mutmut-cicd-stats.json"
  if [ ! -f "$stats" ]; then
    printf '%-14s %-34s  FAILED to run (see %s)\n' "$name" "$module" "$work/run.log"
    return 1
  fi
  "$PY" - "$stats" "$name" "$module" "$((SECONDS - started))" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
name, module, secs = sys.argv[2], sys.argv[3], int(sys.argv[4])
killed = s.get("killed", 0) + s.get("timeout", 0)
judged = killed + s.get("survived", 0)
rate = 100.0 * killed / judged if judged else 0.0
print(f"{name:<14} {module:<34} {killed:>4}/{judged:<4} killed  {rate:5.1f} %  "
      f"(no tests: {s.get('no_tests', 0)}, suspicious: {s.get('suspicious', 0)}, {secs // 60} min {secs % 60} s)")
EOF
}

printf '%-14s %-34s %s\n' "name" "module" "result"
status=0
for entry in "${MODULES[@]}"; do
  IFS='|' read -r name module tests <<<"$entry"
  selected "$name" || continue
  run_module "$name" "$module" "$tests" || status=1
done
exit $status
