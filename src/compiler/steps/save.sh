#!/bin/sh
# save: upload declared outputs and run artifacts, exit with the run step's code (see README.md).
set -u
W=$TEKTON_WORKDIR A=$TEKTON_ARTIFACTS_DIR
D="s3/$TEKTON_S3_BUCKET/$TEKTON_RUN_PREFIX/$TEKTON_TASK"
export MC_CONFIG_DIR="${A%/*}/mc"
trap 'rm -rf "$MC_CONFIG_DIR"' EXIT
export MC_REGION="${TEKTON_S3_REGION:-}"
rc=$(cat "$TEKTON_RUN_EXIT_CODE_FILE" 2>/dev/null) || rc=
case $rc in '' | *[!0-9]*) echo "save: the run step left no exit code" >&2; rc=1 ;; esac
err=0
mkdir -p "$A"
printf '%s\n%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |
  mc -q alias set s3 "$TEKTON_S3_ENDPOINT" >/dev/null || err=1
warn() { echo "[save] warning: $1" | tee -a "$A/run.log" >&2; }
cd "$W" || exit 1
set -f
IFS='
'
for p in ${TEKTON_OUTPUTS:-}; do
  p=${p#./}
  case "/$p/" in //* | */../*) warn "output '$p' is not a path inside the working dir"; continue ;; esac
  set +f
  n=0
  for f in $p; do
    [ -e "$f" ] || continue
    n=1
    if [ -d "$f" ]; then mc -q cp -r "./$f/" "$D/outputs/$f/"; else mc -q cp "./$f" "$D/outputs/$f"; fi || err=1
  done
  set -f
  [ $n = 1 ] || { warn "declared output '$p' matched no file"; printf '%s\n' "$p" >>"$A/missing-outputs.txt"; }
done
# For downstream fetch steps: the tasks whose outputs this one received, then itself.
{ cat "${A%/*}/outputs-from.txt" 2>/dev/null || :; [ -z "${TEKTON_OUTPUTS:-}" ] || echo "$TEKTON_TASK"; } >"$A/outputs-from.txt"
mc -q cp -r "$A/" "$D/" || err=1
[ $err = 0 ] || { echo "save: upload to $D failed" >&2; [ "$rc" != 0 ] || rc=1; }
exit "$rc"
