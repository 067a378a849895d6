#!/bin/sh
# fetch: runner, node files and upstream outputs from object storage (see README.md).
set -eu
W=$TEKTON_WORKDIR T=${TEKTON_RUNNER%/*}
S="s3/$TEKTON_S3_BUCKET/$TEKTON_RUN_PREFIX"
# mc keeps its config (with the keys) in the workspace only while this step runs.
export MC_CONFIG_DIR="$T/mc"
trap 'rm -rf "$MC_CONFIG_DIR"' EXIT
export MC_REGION="${TEKTON_S3_REGION:-}"
get() { mc -q cp ${3:-} "$1" "$2" || { echo "fetch: cannot download $1" >&2; exit 1; }; }
mkdir -p "$W" "$T"
printf '%s\n%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |
  mc -q alias set s3 "$TEKTON_S3_ENDPOINT" >/dev/null
get "$S/_tekton/" "$T/" -r
[ -f "$TEKTON_RUNNER" ] || { echo "fetch: no $S/_tekton/${TEKTON_RUNNER##*/}" >&2; exit 1; }
get "$S/_sources/$TEKTON_TASK/" "$W/" -r
# The parents' outputs-from.txt lists merged, each task once (first place), for save.sh.
set -f
L=' '
for p in ${TEKTON_INPUTS_FROM:-}; do
  get "$S/$p/outputs-from.txt" "$T/from.txt"
  while read -r t; do
    case $t in '' | *[!a-z0-9-]*) continue ;; esac
    case $L in *" $t "*) ;; *) L="$L$t " ;; esac
  done <"$T/from.txt"
done
rm -f "$T/from.txt"
: >"$T/outputs-from.txt"
for t in $L; do
  echo "$t" >>"$T/outputs-from.txt"
  if [ -n "$(mc ls -r "$S/$t/outputs/")" ]; then get "$S/$t/outputs/" "$W/" -r; fi
done
