#!/bin/sh
# Builds tekton-validate once per source version (go.mod, go.sum, *.go) into a cache
# dir and prints the binary's path. Cold build: see README.md.
#   TEKTON_VALIDATE_CACHE  cache dir (default ~/.cache/jupyterlab-tekton/tekton-validate)
set -eu
cd "$(dirname "$0")"
CACHE=${TEKTON_VALIDATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jupyterlab-tekton/tekton-validate}
key=$(cat go.mod go.sum $(ls *.go | grep -v '_test\.go$') | sha256sum | cut -c1-16)
tekton=$(awk '$1 == "github.com/tektoncd/pipeline" { print $2 }' go.mod)
bin="$CACHE/tekton-validate-$tekton-$key"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null 2>&1 || { echo "build.sh: 'go' is not installed" >&2; exit 1; }
  mkdir -p "$CACHE"
  echo "build.sh: building tekton-validate (tektoncd/pipeline $tekton)" >&2
  GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false nice -n 10 go build -trimpath -o "$bin.tmp" .
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
