#!/usr/bin/env bash
# The issue-15 benchmark: what the incremental diff costs on top of a full prepare.
#
#   scripts/sync-benchmark.sh [--rows N] [--runs R] [--seed S] [--binary PATH]
#
# 1. builds omnisend-export in release mode (scratch path .build-release), unless --binary names
#    one already built (a debug binary gives memory figures, not representative times);
# 2. generates the N-row (default 1M) CSV with scripts/generate-export.py into .bench/data/;
# 3. runs a plain `prepare` (no sync) R times;
# 4. fills a destination state with every kept email of that run (`state import`, payload hashes
#    unknown: each contact is then hashed, looked up and, being "changed", written, so this is the
#    diff's worst case: all of its work and none of the savings of unchanged contacts);
# 5. runs `prepare --incremental` against it R times;
# 6. prints medians of wall time and peak RSS for both, the diff's overhead in percent, and the
#    state's size on disk (the file plus its WAL).
#
# Targets (issue 15): overhead under 15% of a full prepare's wall time; peak memory under 256 MB.
# The machine may be shared: compare the two rows of one run, not absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=1000000 RUNS=3 SEED=1 BIN=""
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --binary) BIN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "sync-benchmark: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
log() { echo "sync-benchmark: $*" >&2; }

BENCH=$ROOT/.bench
DATA=$BENCH/data
WORK=$BENCH/sync
rm -rf "$WORK"
mkdir -p "$DATA" "$WORK/runs"
export OMNISEND_EXPORT_STATE_DIR=$WORK/state-dir

if [ -z "$BIN" ]; then
    log "building (release)"
    swift build -c release --product omnisend-export --scratch-path .build-release >&2
    BIN=$ROOT/.build-release/release/omnisend-export
fi

INPUT=$DATA/export-$ROWS-$SEED.csv
if [ ! -f "$INPUT" ]; then
    log "generating $ROWS rows"
    python3 scripts/generate-export.py --rows "$ROWS" --seed "$SEED" --format csv --out "$INPUT"
fi

STATE=$WORK/state.sqlite
cp pipelines/benchmark.yaml "$WORK/plain.yaml"
{ cat pipelines/benchmark.yaml; echo "sync: { mode: incremental, state: $STATE }"; } > "$WORK/sync.yaml"

# timed NAME ARGS...: runs the binary under /usr/bin/time, appends "wall_s peak_kb" to $WORK/NAME.times
timed() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time.tmp" "$BIN" "$@" > /dev/null 2> "$WORK/$name.log"
    cat "$WORK/time.tmp" >> "$WORK/$name.times"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for i in $(seq 1 "$RUNS"); do
    log "plain prepare $i/$RUNS"
    rm -rf "$WORK/runs/plain"
    timed plain prepare "$WORK/plain.yaml" --input "$INPUT" --out "$WORK/runs/plain"
    if [ "$i" = 1 ]; then
        log "filling the state with the kept emails (state import)"
        python3 - "$WORK/runs/plain/contacts.ndjson" > "$WORK/state.ndjson" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    email = json.loads(line)["email"]
    print(json.dumps({"formatVersion": 1, "email": email, "payloadHash": None,
        "channels": {"email": {"status": "subscribed", "statusDate": "2026-01-01T00:00:00Z"}},
        "acceptedAt": "2026-12-01T00:00:00Z", "run": None, "origin": "import"}, separators=(",", ":")))
PY
        "$BIN" state import --state "$STATE" --input "$WORK/state.ndjson" >&2
    fi
    log "incremental prepare $i/$RUNS"
    rm -rf "$WORK/runs/sync"
    timed sync prepare "$WORK/sync.yaml" --input "$INPUT" --out "$WORK/runs/sync"
done

PLAIN_WALL=$(cut -d' ' -f1 "$WORK/plain.times" | median)
PLAIN_RSS=$(cut -d' ' -f2 "$WORK/plain.times" | median)
SYNC_WALL=$(cut -d' ' -f1 "$WORK/sync.times" | median)
SYNC_RSS=$(cut -d' ' -f2 "$WORK/sync.times" | median)
STATE_BYTES=$(du -cb "$STATE"* | tail -1 | cut -f1)
CONTACTS=$(wc -l < "$WORK/state.ndjson")
OVERHEAD=$(awk -v a="$PLAIN_WALL" -v b="$SYNC_WALL" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')

cat <<TABLE
| $ROWS rows ($CONTACTS contacts in the state), medians of $RUNS | wall (s) | peak RSS (MB) |
|---|---|---|
| prepare | $PLAIN_WALL | $((PLAIN_RSS / 1024)) |
| prepare --incremental (every contact hashed and looked up) | $SYNC_WALL | $((SYNC_RSS / 1024)) |
| diff overhead | $OVERHEAD% | |
| state on disk | $((STATE_BYTES / 1024 / 1024)) MB | |
TABLE
