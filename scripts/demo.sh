#!/usr/bin/env bash
# The demo: prepare the bundled sample and rehearse its upload (--rehearse) against the Omnisend
# simulator the tool starts in-process; nothing leaves the machine and no key is needed. The
# rehearsal ends with "REHEARSAL finished" and exit 0. Then show how to look at the run folder.
set -euo pipefail
bin=${1:-.build/debug/omnisend-export}
out=runs/demo-sample-csv
rm -rf "$out"
env -u OMNISEND_API_KEY "$bin" run pipelines/sample-csv.yaml --out "$out" --rehearse
echo
echo "Look at the run folder:"
echo "  $bin status $out"
echo "  $bin inspect $out --rejects"
echo "  $bin inspect $out --contact ana.popescu@example.ro"
echo "  jq .counts $out/manifest.json"
echo "  jq -c '.items[]' $out/chunks/chunk-000001.json | head -3"
echo "  jq -r '[.input, .line, .reason, .detail] | @tsv' $out/rejects.ndjson"
