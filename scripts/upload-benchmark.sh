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
#
# usage: scripts/upload-benchmark.sh [--skip-build] [--only nolimit|ratelimit] [--minutes M] [--concurrency N]
#                                    [--scratch-path PATH] [--rows N]
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
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-build) SKIP_BUILD=1 ;;
        --only) ONLY="$2"; shift ;;
        --minutes) MINUTES="$2"; shift ;;
        --concurrency) CONCURRENCY="$2"; shift ;;
        --scratch-path) SCRATCH="$2"; shift ;;
        --rows) ROWS="$2"; shift ;;
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

if [ "$ONLY" != "ratelimit" ]; then
    SOURCE=$(prepared_run "$ROWS" 1000)
    fresh_copy "$SOURCE" "$BENCH/upload-nolimit"
    KEPT=$(json "$SOURCE/manifest.json" "d['counts']['kept']")
    CHUNKS=$(ls "$SOURCE/chunks" | wc -l)
    start_simulator --rate-limit 0 --batch-delay 0
    START=$(date +%s.%N)
    OMNISEND_API_KEY=test-key /usr/bin/time -f "%e %U %S %M" -o "$BENCH/nolimit.time" \
        "$BIN" upload "$BENCH/upload-nolimit" --base-url "$ROOT/v5" --rate-limit 0 --concurrency "$CONCURRENCY" \
        > "$BENCH/nolimit.out" 2> "$BENCH/nolimit.err" || { echo "upload failed, see $BENCH/nolimit.err" >&2; exit 1; }
    END=$(date +%s.%N)
    curl -s "$ROOT/__simulator/stats" > "$BENCH/nolimit-stats.json"
    SIM_CPU=$(ps -o times= -p "$SIM_PID" | xargs)
    stop_simulator
    read -r WALL USER SYS RSS < "$BENCH/nolimit.time"
    STORED=$(json "$BENCH/nolimit-stats.json" "d['contactsStored']")
    echo
    echo "(a) no limit: $KEPT contacts in $CHUNKS chunks of 1000, concurrency $CONCURRENCY"
    printf '    wall %.1f s (target < 60 s); uploader cpu %.1f s user + %.1f s sys, peak RSS %d MB; simulator cpu %s s\n' \
        "$(echo "$END - $START" | bc)" "$USER" "$SYS" "$((RSS / 1024))" "$SIM_CPU"
    echo "    simulator stored $STORED of $KEPT contacts; requests by status $(json "$BENCH/nolimit-stats.json" "d['requestsByStatus']")"
    [ "$STORED" = "$KEPT" ] || { echo "    NOT every contact was stored" >&2; exit 1; }
fi

if [ "$ONLY" != "nolimit" ]; then
    # 320 requests a minute, about three a chunk: 100-contact chunks, more than enough to last.
    SOURCE=$(prepared_run 200000 100)
    fresh_copy "$SOURCE" "$BENCH/upload-ratelimit"
    start_simulator --batch-delay 20
    set +e
    OMNISEND_API_KEY=test-key "$BIN" upload "$BENCH/upload-ratelimit" --base-url "$ROOT/v5" --rate-share 0.8 \
        --max-duration "${MINUTES}m" --concurrency 8 > "$BENCH/ratelimit.out" 2> "$BENCH/ratelimit.err"
    CODE=$?
    set -e
    curl -s "$ROOT/__simulator/stats" > "$BENCH/ratelimit-stats.json"
    curl -s "$ROOT/__simulator/requests" > "$BENCH/ratelimit-requests.ndjson"
    stop_simulator
    REPORT="$BENCH/upload-ratelimit/report.json"
    REQUESTS=$(json "$REPORT" "d['requests']")
    ELAPSED=$(json "$REPORT" "d['elapsedSeconds']")
    LIMITED=$(json "$REPORT" "d['rateLimited']")
    LEDGER_TOTAL=$(json "$BENCH/ratelimit-stats.json" "sum(d['requestsByStatus'].values())")
    LEDGER_429=$(json "$BENCH/ratelimit-stats.json" "d['requestsByStatus'].get('429', 0)")
    RATE=$(echo "scale=1; $REQUESTS / $MINUTES" | bc)
    echo
    echo "(b) rate limited: simulator at 400/min, --rate-share 0.8 (320/min), --max-duration ${MINUTES}m, exit $CODE (3 = deadline)"
    echo "    uploader: $REQUESTS requests in the ${MINUTES}-minute run = $RATE a minute ($(echo "scale=1; $RATE * 100 / 320" | bc)% of 320; target >= 95%); 429s: $LIMITED"
    echo "      (it stopped after ${ELAPSED} s: the next slot in the window would only open at the deadline)"
    echo "    simulator ledger: $LEDGER_TOTAL requests answered, 429s: $LEDGER_429 (target 0); $(json "$BENCH/ratelimit-stats.json" "d['contactsStored']") contacts stored"
    python3 - "$BENCH/ratelimit-requests.ndjson" <<'PY'
import json, sys
times = sorted(json.loads(line)["at"] for line in open(sys.argv[1]) if line.strip())
start = times[0]
minutes = [0] * (int((times[-1] - start) // 60) + 1)
for t in times:
    minutes[int((t - start) // 60)] += 1
most = max(sum(1 for u in times[i:] if u < t + 60) for i, t in enumerate(times))
print("    requests arriving per minute since the first: " + " ".join(map(str, minutes)) + f"; at most {most} in any 60 s (limit 400)")
PY
fi
