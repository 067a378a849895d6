#!/usr/bin/env bash
# Installs the project for development into the current Python environment:
# Node dependencies (from package-lock.json), the TypeScript build, the labextension
# (linked into Jupyter's share dir) and the Python package with its test extras.
# Idempotent: re-running it rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n=== %s\n' "$*"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "install.sh: '$1' is required but not on PATH ($2)" >&2; exit 2; }
}
need python3 "Python >= 3.10"
need node "Node.js >= 18"
need npm "npm"

PY=(python3 -m pip install --disable-pip-version-check -q)

log "Python build and runtime dependencies"
# Build backends first: the package itself is installed without build isolation so that
# it reuses the labextension built below instead of building a second copy.
"${PY[@]}" "hatchling>=1.21" "editables>=0.5" "hatch-nodejs-version>=0.3.2" "hatch-jupyter-builder>=0.9" "jupyterlab>=4.6,<5"

log "Node dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

log "Build: TypeScript, CLI bundle, labextension"
npm run build

log "Python package (editable, with test extras)"
# A labextension link left by a moved or deleted clone breaks pip's data-file install.
python3 - <<'PYEOF'
import os, sys
link = os.path.join(sys.prefix, "share", "jupyter", "labextensions", "jupyterlab-tekton")
if os.path.islink(link) and not os.path.exists(link):
    os.unlink(link)
    print(f"removed a dangling labextension link: {link}")
PYEOF
"${PY[@]}" --no-build-isolation -e ".[test]"
jupyter labextension develop --overwrite . >/dev/null
jupyter server extension enable --sys-prefix jupyterlab_tekton >/dev/null

log "Installed"
jupyter labextension list 2>&1 | grep -i tekton || true
jupyter server extension list 2>&1 | grep -i tekton || true
