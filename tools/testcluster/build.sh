#!/usr/bin/env bash
# Builds the test cluster's binaries from the Go modules in this folder, only
# those missing from the cache, and prints where they are as shell assignments:
#   TC_K8S=<dir> TC_TEKTON=<dir> TC_KWOK=<dir> TC_TOOLS=<dir>
# Each <dir> is $TESTCLUSTER_CACHE/<component>-<version>-<hash of its go.mod/go.sum
# (and our sources)>, holding bin/ (and config/ or stages/ copied from the module).
#
# usage: tools/testcluster/build.sh [all|k8s|tekton|kwok|tools]...
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${TESTCLUSTER_CACHE:-$HOME/.cache/jupyterlab-tekton/testcluster}"
# A dependency that wants a newer Go must fail here, not download a toolchain.
export GOTOOLCHAIN=local CGO_ENABLED=0
# go.mod files here are exact pins: never let a build edit them.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"

log() { echo "testcluster build: $*" >&2; }

# hash_of FILE... -> 12 hex digits
hash_of() { cat "$@" | sha256sum | cut -c1-12; }

# module_version MODULE_DIR PATH -> version of PATH required in MODULE_DIR/go.mod
module_version() {
  awk -v p="$2" '$1==p && $2 ~ /^v/ {print $2; exit}' "$1/go.mod"
}

# module_dir MODULE_DIR PATH -> the downloaded source of PATH (read-only)
module_dir() {
  (cd "$1" && go mod download -json "$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}

# timed LOGFILE CMD... runs CMD under nice, recording wall time and peak RSS when /usr/bin/time exists.
timed() {
  local out="$1"; shift
  if [ -x /usr/bin/time ]; then
    nice /usr/bin/time -v -o "$out" "$@"
  else
    nice "$@"
  fi
}

# summarize TIMEFILE -> "wall 12:34.5, peak 1234 MiB"
summarize() {
  [ -f "$1" ] || return 0
  awk -F': ' '/Elapsed \(wall clock\)/{w=$2} /Maximum resident set size/{m=int($2/1024)} END{printf "wall %s, peak RSS %s MiB\n", w, m}' "$1"
}

# finish NAME TMPDIR DIR: move a completed build into place (atomically, so a
# killed build never leaves a half-filled cache entry behind).
finish() {
  local name="$1" tmp="$2" dir="$3"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  log "$name built in $dir ($(summarize "$dir/build-time.txt"))"
}

build_k8s() {
  local mod="$HERE/k8s" v dir tmp
  v="$(module_version "$mod" k8s.io/kubernetes)"
  dir="$CACHE/k8s-$v-$(hash_of "$mod/go.mod" "$mod/go.sum")"
  if [ ! -x "$dir/bin/kube-apiserver" ]; then
    log "building kube-apiserver, kube-scheduler, kube-controller-manager $v and etcd (slow: 15-40 min cold on 2 cores)"
    tmp="$dir.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp/bin"
    local minor p=k8s.io/component-base/version
    minor="$(echo "$v" | cut -d. -f2)"
    # Without these the API server reports v0.0.0-master+$Format:%H$ and the
    # Tekton controller's minimum-version check cannot parse it and exits.
    local ldf="-s -w -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    (cd "$mod" && timed "$tmp/build-time.txt" go build -ldflags "$ldf" -o "$tmp/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kube-controller-manager go.etcd.io/etcd/server/v3)
    # go build names the binary of .../server/v3 after "server".
    mv "$tmp/bin/server" "$tmp/bin/etcd"
    finish k8s "$tmp" "$dir"
  fi
  echo "TC_K8S=$dir"
}

build_tekton() {
  local mod="$HERE/tekton" v dir tmp src
  v="$(module_version "$mod" github.com/tektoncd/pipeline)"
  dir="$CACHE/tekton-$v-$(hash_of "$mod/go.mod" "$mod/go.sum")"
  if [ ! -x "$dir/bin/tekton-controller" ]; then
    log "building the Tekton $v controller (5-15 min cold)"
    tmp="$dir.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp/bin" "$tmp/config"
    (cd "$mod" && timed "$tmp/build-time.txt" go build -ldflags "-s -w" -o "$tmp/bin/tekton-controller" \
      github.com/tektoncd/pipeline/cmd/controller)
    # The CRDs and config maps ship inside the module; copy the ones we apply.
    src="$(module_dir "$mod" "github.com/tektoncd/pipeline@$v")"
    cp -r "$src/config/100-namespace" "$src/config/300-crds" "$tmp/config/"
    cp "$src"/config/config-*.yaml "$tmp/config/"
    chmod -R u+w "$tmp/config"
    finish tekton "$tmp" "$dir"
  fi
  echo "TC_TEKTON=$dir"
}

build_kwok() {
  local mod="$HERE/kwok" v dir tmp src
  v="$(module_version "$mod" sigs.k8s.io/kwok)"
  dir="$CACHE/kwok-$v-$(hash_of "$mod/go.mod" "$mod/go.sum")"
  if [ ! -x "$dir/bin/kwok" ]; then
    log "building kwok $v (5-15 min cold)"
    tmp="$dir.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp/bin" "$tmp/stages"
    (cd "$mod" && timed "$tmp/build-time.txt" go build -ldflags "-s -w" -o "$tmp/bin/kwok" sigs.k8s.io/kwok/cmd/kwok)
    src="$(module_dir "$mod" "sigs.k8s.io/kwok@$v")"
    cp "$src/kustomize/stage/node/fast/node-initialize.yaml" \
       "$src/kustomize/stage/pod/fast/pod-ready.yaml" \
       "$src/kustomize/stage/pod/fast/pod-delete.yaml" "$tmp/stages/"
    chmod -R u+w "$tmp/stages"
    finish kwok "$tmp" "$dir"
  fi
  echo "TC_KWOK=$dir"
}

# Our own small programs (bootstrap, loopback bridge) live in the Tekton module
# for its client-go; their cache key includes their sources.
build_tools() {
  local mod="$HERE/tekton" dir tmp
  dir="$CACHE/tools-$(hash_of "$mod/go.mod" "$mod/go.sum" $(find "$mod/cmd" -name '*.go' | sort))"
  if [ ! -x "$dir/bin/testcluster-bootstrap" ]; then
    log "building testcluster-bootstrap and loopback-bridge"
    tmp="$dir.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp/bin"
    (cd "$mod" && timed "$tmp/build-time.txt" go build -o "$tmp/bin/" ./cmd/testcluster-bootstrap ./cmd/loopback-bridge)
    finish tools "$tmp" "$dir"
  fi
  echo "TC_TOOLS=$dir"
}

main() {
  command -v go >/dev/null || { log "go not found (need Go >= 1.26.4)"; exit 1; }
  mkdir -p "$CACHE"
  # One build at a time per cache: a second caller waits, then finds it built.
  exec 9>"$CACHE/.build.lock"
  flock 9
  local what=("$@")
  [ ${#what[@]} -eq 0 ] && what=(all)
  for w in "${what[@]}"; do
    case "$w" in
      all) build_tools; build_kwok; build_tekton; build_k8s ;;
      k8s|tekton|kwok|tools) "build_$w" ;;
      *) log "unknown component $w (all|k8s|tekton|kwok|tools)"; exit 2 ;;
    esac
  done
}

main "$@"
