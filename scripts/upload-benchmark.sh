#!/usr/bin/env bash
# The issue-5 upload benchmark, two parts (release build, real processes, loopback HTTP):
#   (a) no limit: about 1M contacts (1,111,200 generated rows, of which ~1,000,000 are kept) are
#       prepared once, then uploaded end to end to `omnisend-export simulator --rate-limit 0
#       --batch-delay 0` with `upload --rate-limit 0`; prints the wall time (target < 60 s) and
#       checks the simulator stored every contact.
#   (b) rate limited: the simulator at its default 400 requests a minute, `upload --rate-share 0.8
#       --max-duration 10m` on a run of 100-contact chunks (more than 10 minutes of work); prints
#       the achieved request rate (target >= 95% of 320 = 304 a minute) and the 429s (target 0),
#       from the uploader's report and from the simulator's ledger.
# Issue 19: each part runs twice, side by side: with today's polling (batch list, no /items for
# clean batches) and with the old one (OMNISEND_EXPORT_POLL=per-batch: a GET per batch and every
# batch's /items). It prints requests per chunk and by kind, the share of requests that were
# POSTs, contacts a minute under the limit, and the projected time of 1M contacts at 320 requests
# a minute on v5 (1000-item chunks, from (a)) and on 2026-03-15 (100-item chunks, from (b)).
#
# usage: scripts/upload-benchmark.sh [--skip-build] [--only nolimit|ratelimit] [--minutes M] [--concurrency N]
#                                    [--scratch-path PATH] [--rows N] [--strategies "listing per-batch"]
#   --scratch-path: the release build folder (default .build-release).
#   --rows N: generated rows of (a) (default 1111200; e.g. 200000 for a quicker experiment).
# Data and run folders go to .bench/upload/ (reused across runs; delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."

SKIP_BUILD=0
ONLY=""
MINUTES=10
CONCURRENCY=16
SCRATCH=.build-release
ROWS=1111200
STRATEGIES="listing per-batch"
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-build) SKIP_BUILD=1 ;;
        --only) ONLY="$2"; shift ;;
        --minutes) MINUTES="$2"; shift ;;
        --concurrency) CONCURRENCY="$2"; shift ;;
        --scratch-path) SCRATCH="$2"; shift ;;
        --rows) ROWS="$2"; shift ;;
        --strategies) STRATEGIES="$2"; shift ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

BENCH=.bench/upload
mkdir -p "$BENCH"
if [ "$SKIP_BUILD" = 0 ]; then
    swift build -c release --product omnisend-export --scratch-path "$SCRATCH" >&2
fi
# A private copy, so a concurrent build cannot swap the binary under a running benchmark.
cp "$SCRATCH/release/omnisend-export" "$BENCH/omnisend-export"
BIN="$BENCH/omnisend-export"
SIM_PID=""
cleanup() { if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# Starts the simulator with the given options; sets SIM_PID and ROOT.
start_simulator() {
    "$BIN" simulator --port 0 "$@" > "$BENCH/simulator.out" 2>&1 &
    SIM_PID=$!
    echo "$SIM_PID" > "$BENCH/simulator.pid"
    for _ in $(seq 100); do grep -q "listening on" "$BENCH/simulator.out" 2>/dev/null && break; sleep 0.1; done
    ROOT=$(grep -o 'http://127.0.0.1:[0-9]*' "$BENCH/simulator.out" | head -1)
}

stop_simulator() { kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""; }

# A prepared run folder for ROWS generated rows with CHUNK contacts a chunk (reused when present).
prepared_run() {
    local rows=$1 chunk=$2 name="run-$1-$2"
    if [ ! -f "$BENCH/$name/manifest.json" ]; then
        [ -f "$BENCH/export-$rows.csv" ] || python3 scripts/generate-export.py --rows "$rows" --seed 1 --format csv --out "$BENCH/export-$rows.csv" >&2
        sed "s/max_items: 1000/max_items: $chunk/" pipelines/benchmark.yaml > "$BENCH/benchmark-$chunk.yaml"
        rm -rf "${BENCH:?}/$name"
        "$BIN" prepare "$BENCH/benchmark-$chunk.yaml" --input "$BENCH/export-$rows.csv" --out "$BENCH/$name" >&2
    fi
    echo "$BENCH/$name"
}

# A fresh copy of a prepared run folder (uploads write their checkpoint into it).
fresh_copy() { rm -rf "$2"; cp -r "$1" "$2"; }

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM"

# The requests of a report by kind, per chunk, and the POST share: "KINDS|PER_CHUNK|POST_SHARE".
mix() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kinds = d.get("requestsByKind") or {}
# Per chunk posted (first POSTs; a run cut by --max-duration has polls of its last chunks still to come).
sent = kinds.get("post", 0) or (d["chunksDone"] + d["chunksFailed"])
per_chunk = d["requests"] / max(1, sent)
post = kinds.get("post", 0) / max(1, d["requests"])
text = " ".join(f"{k} {v}" for k, v in kinds.items() if v)
print(f"{text}|{per_chunk:.2f}|{post * 100:.0f}")
PY
}

declare -A PER_CHUNK_A PER_CHUNK_B

if [ "$ONLY" != "ratelimit" ]; then
    SOURCE=$(prepared_run "$ROWS" 1000)
    KEPT=$(json "$SOURCE/manifest.json" "d['counts']['kept']")
    CHUNKS=$(ls "$SOURCE/chunks" | wc -l)
    echo
    echo "(a) no limit: $KEPT contacts in $CHUNKS chunks of 1000, concurrency $CONCURRENCY"
    for STRATEGY in $STRATEGIES; do
        RUN="$BENCH/upload-nolimit-$STRATEGY"
        fresh_copy "$SOURCE" "$RUN"
        start_simulator --rate-limit 0 --batch-delay 0
        START=$(date +%s.%N)
        OMNISEND_EXPORT_POLL=$STRATEGY OMNISEND_API_KEY=test-key /usr/bin/time -f "%e %U %S %M" -o "$BENCH/nolimit.time" \
            "$BIN" upload "$RUN" --base-url "$ROOT/v5" --rate-limit 0 --concurrency "$CONCURRENCY" \
            > "$BENCH/nolimit.out" 2> "$BENCH/nolimit.err" || { echo "upload failed, see $BENCH/nolimit.err" >&2; exit 1; }
        END=$(date +%s.%N)
        curl -s "$ROOT/__simulator/stats" > "$BENCH/nolimit-stats.json"
        SIM_CPU=$(ps -o times= -p "$SIM_PID" | xargs)
        stop_simulator
        read -r WALL USER SYS RSS < "$BENCH/nolimit.time"
        STORED=$(json "$BENCH/nolimit-stats.json" "d['contactsStored']")
        TWICE=$(json "$BENCH/nolimit-stats.json" "d['itemsReceivedMoreThanOnce']")
        IFS='|' read -r KINDS PER POSTS <<< "$(mix "$RUN/report.json")"
        PER_CHUNK_A[$STRATEGY]=$PER
        printf '  %-9s wall %.1f s; uploader cpu %.1f s user + %.1f s sys, peak RSS %d MB; simulator cpu %s s\n' \
            "$STRATEGY" "$(echo "$END - $START" | bc)" "$USER" "$SYS" "$((RSS / 1024))" "$SIM_CPU"
        echo "            requests: $(json "$RUN/report.json" "d['requests']") = $PER a chunk (target <= 1.1), POSTs $POSTS% ($KINDS)"
        echo "            simulator stored $STORED of $KEPT contacts, $TWICE received twice"
        [ "$STORED" = "$KEPT" ] || { echo "    NOT every contact was stored" >&2; exit 1; }
    done
fi

if [ "$ONLY" != "nolimit" ]; then
    # 100-contact chunks (the 2026-03-15 batch size), enough to last the minutes even at about
    # one request a chunk: 320 a minute is 32,000 contacts a minute, so 45,000 rows a minute.
    SOURCE=$(prepared_run $((MINUTES * 45000)) 100)
    echo
    echo "(b) rate limited: simulator at 400/min, --rate-share 0.8 (320/min), --max-duration ${MINUTES}m, 100-contact chunks"
    for STRATEGY in $STRATEGIES; do
        RUN="$BENCH/upload-ratelimit-$STRATEGY"
        fresh_copy "$SOURCE" "$RUN"
        start_simulator --batch-delay 20
        set +e
        OMNISEND_EXPORT_POLL=$STRATEGY OMNISEND_API_KEY=test-key "$BIN" upload "$RUN" --base-url "$ROOT/v5" --rate-share 0.8 \
            --max-duration "${MINUTES}m" --concurrency 8 > "$BENCH/ratelimit.out" 2> "$BENCH/ratelimit.err"
        CODE=$?
        set -e
        curl -s "$ROOT/__simulator/stats" > "$BENCH/ratelimit-stats.json"
        curl -s "$ROOT/__simulator/requests" > "$BENCH/ratelimit-requests-$STRATEGY.ndjson"
        stop_simulator
        REPORT="$RUN/report.json"
        REQUESTS=$(json "$REPORT" "d['requests']")
        ACCEPTED=$(json "$REPORT" "d['accepted']")
        LIMITED=$(json "$REPORT" "d['rateLimited']")
        LEDGER_429=$(json "$BENCH/ratelimit-stats.json" "d['requestsByStatus'].get('429', 0)")
        STORED=$(json "$BENCH/ratelimit-stats.json" "d['contactsStored']")
        IFS='|' read -r KINDS PER POSTS <<< "$(mix "$REPORT")"
        PER_CHUNK_B[$STRATEGY]=$PER
        echo "  $STRATEGY: exit $CODE (3 = deadline); $REQUESTS requests = $(echo "scale=1; $REQUESTS / $MINUTES" | bc) a minute; 429s: $LIMITED (simulator: $LEDGER_429)"
        echo "            $ACCEPTED contacts accepted = $(echo "scale=0; $ACCEPTED / $MINUTES" | bc) a minute ($STORED stored by the simulator); $PER requests a chunk posted, POSTs $POSTS% ($KINDS)"
        python3 - "$BENCH/ratelimit-requests-$STRATEGY.ndjson" <<'PY'
import json, sys
times = sorted(json.loads(line)["at"] for line in open(sys.argv[1]) if line.strip())
start = times[0]
most = max(sum(1 for u in times[i:] if u < t + 60) for i, t in enumerate(times))
print(f"            at most {most} requests in any 60 s at the simulator (limit 400)")
PY
    done
fi

echo
echo "projected time for 1M contacts at 320 requests a minute (requests a chunk as measured above):"
for STRATEGY in $STRATEGIES; do
    V5=${PER_CHUNK_A[$STRATEGY]:-}
    V2026=${PER_CHUNK_B[$STRATEGY]:-}
    LINE="  $STRATEGY:"
    [ -n "$V5" ] && LINE="$LINE v5 (1000 chunks of 1000) $(echo "scale=1; 1000 * $V5 / 320" | bc) min;"
    [ -n "$V2026" ] && LINE="$LINE 2026-03-15 (10000 chunks of 100) $(echo "scale=1; 10000 * $V2026 / 320" | bc) min"
    echo "$LINE"
done
