#!/bin/sh
# Builds the MinIO server and the mc client from the Go module proxy (no prebuilt
# downloads) into a cache dir and prints that dir. A cached binary is reused unless a
# different version is asked for. Cold build: see tests/steps/README.md.
#   MINIO_BIN_DIR   where binaries go (default ~/.cache/jupyterlab-tekton/bin)
#   MINIO_VERSION, MC_VERSION   module versions to build (default: latest)
set -eu
BIN_DIR=${MINIO_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jupyterlab-tekton/bin}
mkdir -p "$BIN_DIR"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0 GOFLAGS=-buildvcs=false

build() { # module name wanted-version
  stamp="$BIN_DIR/.$2.version"
  if [ -x "$BIN_DIR/$2" ] && { [ -z "$3" ] || [ "$(cat "$stamp" 2>/dev/null)" = "$3" ]; }; then
    return 0
  fi
  command -v go >/dev/null 2>&1 || { echo "install-minio: 'go' is not installed" >&2; exit 1; }
  # Resolve "latest" once so the stamp names the version that was built.
  ver=$(go list -m -f '{{.Version}}' "$1@${3:-latest}")
  echo "install-minio: building $1@$ver (takes minutes on a cold Go cache)" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" nice -n 10 go install "$1@$ver" >&2
  mv "$tmp/$2" "$BIN_DIR/$2"
  echo "$ver" >"$stamp"
}

build github.com/minio/minio minio "${MINIO_VERSION:-}"
build github.com/minio/mc mc "${MC_VERSION:-}"
echo "$BIN_DIR"
