#!/usr/bin/env bash
# The demo: prepare the bundled sample and upload it to the simulator started in-process.
set -euo pipefail
bin=${1:-.build/debug/omnisend-export}
out=runs/demo-sample-csv
rm -rf "$out"
"$bin" prepare pipelines/sample-csv.yaml --out "$out"
echo
echo "Look at the run folder:"
echo "  ls -l $out $out/chunks"
echo "  jq . $out/manifest.json | head -40"
echo "  jq -c '.items[]' $out/chunks/chunk-000001.json | head"
echo "  jq -r '[.line, .reason, .detail] | @tsv' $out/rejects.ndjson"
