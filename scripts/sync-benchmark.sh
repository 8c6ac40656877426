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
# 6. fills a second state as a delivery would have left it (each contact's payload hash, taken
#    from the plain run's chunk items, with 2% of them altered: the contacts that "changed") and
#    runs `prepare --incremental` against it R times: the everyday case;
# 7. prints medians of wall time and peak RSS for each, the diff's overhead in percent, and the
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
TYPICAL=$WORK/typical.sqlite
cp pipelines/benchmark.yaml "$WORK/plain.yaml"
{ cat pipelines/benchmark.yaml; echo "sync: { mode: incremental, state: $STATE }"; } > "$WORK/sync.yaml"
{ cat pipelines/benchmark.yaml; echo "sync: { mode: incremental, state: $TYPICAL }"; } > "$WORK/typical.yaml"

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
        log "filling a second state with the payload hashes, 2% of them altered (state import)"
        # pipelines/benchmark.yaml has no volatile field: the payload hash is the SHA-256 of the
        # item's bytes, one item per line of a chunk file.
        python3 - "$WORK/runs/plain/chunks" > "$WORK/typical.ndjson" <<'PY'
import hashlib, json, os, sys
folder = sys.argv[1]
n = 0
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), "rb") as chunk:
        for line in chunk.read().split(b"\n")[1:]:
            item = line.rstrip(b",")
            if not item.startswith(b"{"):
                continue
            n += 1
            digest = hashlib.sha256(item).hexdigest()
            if n % 50 == 0:
                digest = "0" * 64  # one contact in 50 changed since the last delivery
            email = json.loads(item)["identifiers"][0]["id"]
            print(json.dumps({"formatVersion": 1, "email": email, "payloadHash": digest,
                "channels": {"email": {"status": "subscribed", "statusDate": "2026-01-01T00:00:00Z"}},
                "acceptedAt": "2026-12-01T00:00:00Z", "run": None, "origin": "import"}, separators=(",", ":")))
PY
        "$BIN" state import --state "$TYPICAL" --input "$WORK/typical.ndjson" >&2
    fi
    log "incremental prepare $i/$RUNS"
    rm -rf "$WORK/runs/sync"
    timed sync prepare "$WORK/sync.yaml" --input "$INPUT" --out "$WORK/runs/sync"
    log "incremental prepare, 2% changed, $i/$RUNS"
    rm -rf "$WORK/runs/typical"
    timed typical prepare "$WORK/typical.yaml" --input "$INPUT" --out "$WORK/runs/typical"
done
SENT=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['counts'].get('kept',0)-m['counts'].get('unchanged',0), m['counts'].get('unchanged',0))" "$WORK/runs/typical/manifest.json")

PLAIN_WALL=$(cut -d' ' -f1 "$WORK/plain.times" | median)
PLAIN_RSS=$(cut -d' ' -f2 "$WORK/plain.times" | median)
SYNC_WALL=$(cut -d' ' -f1 "$WORK/sync.times" | median)
SYNC_RSS=$(cut -d' ' -f2 "$WORK/sync.times" | median)
TYPICAL_WALL=$(cut -d' ' -f1 "$WORK/typical.times" | median)
TYPICAL_RSS=$(cut -d' ' -f2 "$WORK/typical.times" | median)
STATE_BYTES=$(du -cb "$TYPICAL"* | tail -1 | cut -f1)
CONTACTS=$(wc -l < "$WORK/state.ndjson")
OVERHEAD=$(awk -v a="$PLAIN_WALL" -v b="$SYNC_WALL" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
TYPICAL_OVERHEAD=$(awk -v a="$PLAIN_WALL" -v b="$TYPICAL_WALL" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')

cat <<TABLE
| $ROWS rows ($CONTACTS contacts in the state), medians of $RUNS | wall (s) | peak RSS (MB) |
|---|---|---|
| prepare | $PLAIN_WALL | $((PLAIN_RSS / 1024)) |
| prepare --incremental, hashes unknown (every contact hashed, looked up and written) | $SYNC_WALL | $((SYNC_RSS / 1024)) |
| diff overhead, worst case | $OVERHEAD% | |
| prepare --incremental, 2% changed (sent / unchanged: $SENT) | $TYPICAL_WALL | $((TYPICAL_RSS / 1024)) |
| diff overhead, everyday case | $TYPICAL_OVERHEAD% | |
| state on disk (with payload hashes) | $((STATE_BYTES / 1024 / 1024)) MB | |
TABLE
