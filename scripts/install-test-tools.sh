#!/usr/bin/env bash
# Installs what the tests need beyond the project itself: Debian packages (Chromium for
# the UI tests, R for the R step tests, the tools the test cluster scripts use) and the
# Go-built binaries (MinIO + mc, Tekton's validator, the test cluster). Every Go binary is
# built from the Go module proxy and cached by version under ~/.cache/jupyterlab-tekton.
# Idempotent; a warm cache makes it a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

APT_PACKAGES=(chromium r-base-core iproute2 openssl util-linux procps curl time)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "install-test-tools: apt-get install ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

bash scripts/install-chromium.sh
timed() { local s; s=$(date +%s); "$@"; echo "install-test-tools: '$*' took $(( $(date +%s) - s ))s" >&2; }
timed sh scripts/install-minio.sh >/dev/null
timed sh tools/tekton-validate/build.sh >/dev/null
timed bash tools/testcluster/build.sh all >/dev/null
# The Elyra example notebooks need pandas 1.5 / numpy 1.23 in their own venv.
timed sh tests/server/install-examples-env.sh >/dev/null
