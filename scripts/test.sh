#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (Python and
# Node packages, Chromium, MinIO, Tekton's validator, the test cluster), starts the
# services, runs every runner, stops everything, and prints one closing line.
# Exits non-zero when anything failed or a runner executed no test.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=$ROOT/.ci-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 GOTOOLCHAIN=local

failures=()
SUITE_START=$(date +%s)

# stage NAME COMMAND...: runs one stage, times it, records a failure without stopping.
stage() {
  local name=$1; shift
  local start; start=$(date +%s)
  printf '\n=== %s\n' "$name"
  "$@"
  local rc=$?
  printf -- '--- %s: exit %s after %ss\n' "$name" "$rc" "$(( $(date +%s) - start ))"
  [ "$rc" -eq 0 ] || failures+=("$name (exit $rc)")
  return "$rc"
}

cleanup() {
  [ -x scripts/testcluster ] && scripts/testcluster down >/dev/null 2>&1 || true
}
trap cleanup EXIT

stage install bash scripts/install.sh || { echo "install failed; nothing to test"; exit 1; }
stage test-tools bash scripts/install-test-tools.sh || { echo "test tools failed to install"; exit 1; }

# --- TypeScript unit tests (model, compiler, CLI, editor components)
stage jest npx jest --ci --json --outputFile="$RESULTS/unit.jest.json"

# --- the core modules must build without DOM, JupyterLab or React
stage core-purity npm run -s typecheck:core

# --- Tekton's own validation of compiled output
run_tekton_validate() {
    local bin out
    bin=$(bash tools/tekton-validate/build.sh) || return 1
    (cd tools/tekton-validate && go test -json ./... >"$RESULTS/tekton-validate.go.jsonl") || return 1
    out=$(mktemp -d)
    npm run -s compile:fixtures -- "$out" || return 1
    "$bin" "$out"
}
stage tekton-validate run_tekton_validate

# --- Python: server extension, step scripts with MinIO, local runner, test cluster
run_pytest() {
  python3 -m pytest tests -p no:cacheprovider -q --junitxml="$RESULTS/pytest.xml" "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; return 1; fi
  return "$rc"
}
stage pytest run_pytest

# --- UI tests: Galata against a real JupyterLab in Debian Chromium
run_ui_tests() {
  (cd ui-tests && PLAYWRIGHT_JUNIT_OUTPUT_FILE="$RESULTS/ui-tests.xml" npx playwright test --reporter=list,junit)
}
stage ui-tests run_ui_tests

printf '\n=== summary (suite took %ss)\n' "$(( $(date +%s) - SUITE_START ))"
python3 scripts/ci/summarize.py "$RESULTS"
summary_rc=$?
if [ "${#failures[@]}" -gt 0 ]; then
  printf 'FAILED stages: %s\n' "${failures[*]}"
  exit 1
fi
exit "$summary_rc"
