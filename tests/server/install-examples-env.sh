#!/bin/sh
# Creates (once) the virtualenv whose Python runs the Elyra example notebooks in
# tests/server/test_examples.py, from examples-requirements.txt. Prints its python.
#   TEKTON_EXAMPLES_VENV   where (default $XDG_CACHE_HOME/jupyterlab-tekton/examples-venv)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
VENV=${TEKTON_EXAMPLES_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/jupyterlab-tekton/examples-venv}
REQ="$here/examples-requirements.txt"
stamp="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "$VENV/bin/python"; exit 0
fi
echo "install-examples-env: creating $VENV (wheels from PyPI, about 150 MB)" >&2
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --only-binary=:all: -r "$REQ" >&2
echo "$want" >"$stamp"
echo "$VENV/bin/python"
