#!/bin/sh
# run: execute the node with the runner (see README.md).
cd "$TEKTON_WORKDIR" || exit 2
# The compiler leaves TEKTON_NODE_KIND out when the file's extension says it.
[ -n "${TEKTON_NODE_KIND:-}" ] || case $TEKTON_NODE_FILE in
  *.[iI][pP][yY][nN][bB]) export TEKTON_NODE_KIND=notebook ;;
  *.[pP][yY]) export TEKTON_NODE_KIND=python ;;
  *.[rR]) export TEKTON_NODE_KIND=r ;;
esac
if command -v python3 >/dev/null 2>&1; then exec python3 "$TEKTON_RUNNER"; fi
A=$TEKTON_ARTIFACTS_DIR F=$TEKTON_NODE_FILE
mkdir -p "$A"
if [ "$TEKTON_NODE_KIND" = r ] && command -v Rscript >/dev/null 2>&1; then
  s=$(date -u +%FT%TZ)
  { Rscript "$F" 2>&1 && echo 0 >"$A/.rc" || echo $? >"$A/.rc"; } | tee "$A/run.log"
  rc=$(cat "$A/.rc"); rm -f "$A/.rc"
  f=$(printf %s "$F" | sed 's/[\\"]/\\&/g')
  printf '{"engine": "Rscript", "exit_code": %s, "started": "%s", "finished": "%s", "kind": "r", "file": "%s", "kernel": null}\n' \
    "$rc" "$s" "$(date -u +%FT%TZ)" "$f" >"$A/status.json"
  exit "$rc"
fi
[ "$TEKTON_NODE_KIND" = r ] && need=Rscript || need=python3
echo "run: this image has no $need; $TEKTON_NODE_KIND nodes need an image with $need" | tee "$A/run.log" >&2
exit 127
