#!/usr/bin/env bash
# The issue-15 read benchmark: `verify` (and `state rebuild`, when the binary has it) of N
# uploaded contacts against the simulator at the brand's 400 requests a minute.
#
#   scripts/verify-benchmark.sh [--contacts N] [--rate-limit R] [--rate-share S] [--skip-build]
#                               [--binary PATH]
#
# 1. builds omnisend-export in release mode (scratch path .build-release) unless --skip-build
#    or --binary (an existing build, e.g. .build/debug/omnisend-export);
# 2. prepares N generated contacts (scripts/generate-export.py, pipelines/benchmark.yaml) and
#    uploads them to a simulator without a rate limit, its state in .bench/verify/simulator;
# 3. restarts the simulator on that state at R requests a minute (default 400);
# 4. times `verify RUN --read list` at --rate-share S (default 0.8): wall, peak RSS, requests;
# 5. times `state rebuild PIPELINE --state FILE --replace` the same way (into a state file of its
#    own; skipped, with a note, when the binary has no `state rebuild` yet);
# 6. prints the figures and the projection to 1M contacts: ceil(1M / 250) = 4,000 requests at
#    R x S a minute, so the wall time of a 1M read is about 4000 / (R x S) minutes.
#
# A 1M-contact run takes about 13 minutes per read at 320 requests a minute, plus the seeding;
# measure 100k (--contacts 100000) and read the projection when that is too long.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS=100000 RATE=400 SHARE=0.8 SKIP_BUILD=0 BINARY=""
while [ $# -gt 0 ]; do
    case $1 in
        --contacts) CONTACTS=$2; shift 2 ;;
        --rate-limit) RATE=$2; shift 2 ;;
        --rate-share) SHARE=$2; shift 2 ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --binary) BINARY=$2; SKIP_BUILD=1; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
done

BENCH=.bench/verify
SCRATCH=.build-release
mkdir -p "$BENCH"
if [ "$SKIP_BUILD" = 0 ]; then
    swift build -c release --product omnisend-export --scratch-path "$SCRATCH" >&2
fi
cp "${BINARY:-$SCRATCH/release/omnisend-export}" "$BENCH/omnisend-export"
BIN="$BENCH/omnisend-export"
export OMNISEND_API_KEY=test-key
SIM_PID=""
cleanup() { if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# One port for the seeding and the reads: a run folder is bound to the URL it was uploaded to.
if [ -f "$BENCH/seeded-$CONTACTS" ]; then
    PORT=$(cat "$BENCH/seeded-$CONTACTS")
else
    PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
fi
start_simulator() {
    "$BIN" simulator --port "$PORT" --state "$BENCH/simulator" "$@" > "$BENCH/simulator.out" 2>&1 &
    SIM_PID=$!
    for _ in $(seq 200); do grep -q "listening on" "$BENCH/simulator.out" 2>/dev/null && break; sleep 0.1; done
    ROOT=$(grep -o 'http://127.0.0.1:[0-9]*' "$BENCH/simulator.out" | head -1)
}
stop_simulator() { kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM"

# Seed: prepare and upload N contacts without a rate limit (reused when already seeded).
RUN="$BENCH/run-$CONTACTS"
if [ ! -f "$BENCH/seeded-$CONTACTS" ]; then
    rm -rf "$BENCH/simulator" "$RUN" "$BENCH"/seeded-*
    [ -f "$BENCH/export-$CONTACTS.csv" ] || python3 scripts/generate-export.py --rows "$CONTACTS" --seed 1 --format csv --out "$BENCH/export-$CONTACTS.csv" >&2
    "$BIN" prepare pipelines/benchmark.yaml --input "$BENCH/export-$CONTACTS.csv" --out "$RUN" >&2
    start_simulator --rate-limit 0 --batch-delay 0
    "$BIN" upload "$RUN" --base-url "$ROOT/v5" --rate-limit 0 --concurrency 4 > "$BENCH/seed.out" 2> "$BENCH/seed.err" \
        || { echo "seeding upload failed, see $BENCH/seed.err" >&2; exit 1; }
    stop_simulator
    echo "$PORT" > "$BENCH/seeded-$CONTACTS"
fi
KEPT=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['kept'])" "$RUN/manifest.json")

start_simulator --rate-limit "$RATE"
echo
echo "$KEPT contacts stored; reads at $RATE requests a minute, share $SHARE"

set +e
/usr/bin/time -f "%e %M" -o "$BENCH/verify.time" \
    "$BIN" verify "$RUN" --base-url "$ROOT/v5" --read list --rate-limit "$RATE" --rate-share "$SHARE" > "$BENCH/verify.out" 2> "$BENCH/verify.err"
CODE=$?
set -e
read -r WALL RSS < <(tail -1 "$BENCH/verify.time")
echo "verify: exit $CODE, wall $WALL s, peak RSS $((RSS / 1024)) MB; $(grep -o 'verify: .*' "$BENCH/verify.err" | head -1)"
tail -1 "$BENCH/verify.out"

if "$BIN" state rebuild --help 2>&1 | grep -q "USAGE: omnisend-export state rebuild"; then
    cat > "$BENCH/rebuild.yaml" <<EOF
version: 1
name: rebuild-benchmark
inputs: [export.csv]
mapping: { email: Email }
destination: { api_version: v5, base_url: "$ROOT/v5", api_key_env: OMNISEND_API_KEY }
EOF
    rm -f "$BENCH/rebuilt.sqlite" "$BENCH/rebuilt.sqlite-wal" "$BENCH/rebuilt.sqlite-shm"
    set +e
    /usr/bin/time -f "%e %M" -o "$BENCH/rebuild.time" \
        "$BIN" state rebuild "$BENCH/rebuild.yaml" --state "$BENCH/rebuilt.sqlite" --replace --rate-limit "$RATE" --rate-share "$SHARE" 2> "$BENCH/rebuild.err"
    CODE=$?
    set -e
    read -r WALL RSS < <(tail -1 "$BENCH/rebuild.time")
    echo "state rebuild: exit $CODE, wall $WALL s, peak RSS $((RSS / 1024)) MB; $(tail -1 "$BENCH/rebuild.err")"
else
    echo "state rebuild: not in this binary (joins the state command at merge); it reads the same pages as verify"
fi

python3 - "$RATE" "$SHARE" "$KEPT" <<'EOF'
import math, sys
rate, share, kept = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
per_minute = rate * share
for n in (kept, 1_000_000):
    pages = math.ceil(n / 250)
    print(f"projection: {n:>9,} contacts = {pages:>5,} pages = {pages / per_minute:5.1f} min at {per_minute:.0f} requests a minute")
EOF
