#!/bin/sh
# Builds the MinIO server and the mc client from the Go module proxy (no prebuilt
# downloads) into a cache dir, once per version. Prints the bin dir on stdout.
#   MINIO_BIN_DIR   where binaries go (default $HOME/.cache/jupyterlab-tekton/bin)
#   MINIO_VERSION / MC_VERSION   module versions (default: latest, resolved once)
set -eu
BIN_DIR=${MINIO_BIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jupyterlab-tekton/bin}
mkdir -p "$BIN_DIR"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0

command -v go >/dev/null 2>&1 || { echo "install-minio: 'go' is not installed" >&2; exit 1; }

# Resolve "latest" to a concrete version so the cached binary is tied to it.
resolve() {
  go list -m -f '{{.Version}}' "$1@$2" 2>/dev/null || echo "$2"
}

build() { # module version name
  ver=$(resolve "$1" "$2")
  stamp="$BIN_DIR/.$3.version"
  if [ -x "$BIN_DIR/$3" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ver" ]; then
    return 0
  fi
  echo "install-minio: building $1@$ver (several minutes on a cold cache)" >&2
  tmp=$(mktemp -d)
  GOBIN="$tmp" GOFLAGS=-buildvcs=false nice -n 10 go install "$1@$ver" >&2
  mv "$tmp/$3" "$BIN_DIR/$3"
  rmdir "$tmp"
  echo "$ver" >"$stamp"
}

if [ "${MINIO_OFFLINE_OK:-}" = 1 ] && [ -x "$BIN_DIR/minio" ] && [ -x "$BIN_DIR/mc" ]; then
  echo "$BIN_DIR"; exit 0
fi
build github.com/minio/minio "${MINIO_VERSION:-latest}" minio
build github.com/minio/mc "${MC_VERSION:-latest}" mc
echo "$BIN_DIR"
