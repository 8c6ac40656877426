#!/usr/bin/env bash
# The issue-5 benchmark: our `prepare` against the tools a data engineer would otherwise use.
#
#   scripts/benchmark.sh [--rows N] [--runs R] [--only csv|ndjson] [--skip-peers]
#                        [--tools a,b,...] [--seed S] [--timeout SECONDS] [--no-docs] [--worktree]
#                        [--scale-rows M] [--variants]
#
# 1. builds omnisend-export in release mode (scratch path .build-release, so it does not fight
#    the debug builds in .build), from a snapshot of the committed HEAD in .bench/src (or, with
#    --worktree, from the working tree with its uncommitted changes);
# 2. generates the 1M-row (or --rows) CSV and NDJSON.gz once into .bench/data/ (cached by size
#    and seed);
# 3. installs the peers: polars, DuckDB, orjson (pinned, in the venv .bench/venv) and Miller
#    (apt), unless --skip-peers;
# 4. runs `cat`/`zcat` (the floor), ours and the peers on the same files, in alternation, R
#    times, each under `timeout` and `/usr/bin/time` (wall, user, sys, peak RSS);
# 5. prints a table of medians (wall, CPU, throughput, peak RSS) and the ratio to the best
#    peer, and writes it with the machine and the command into docs/performance.md (between the
#    bench markers; --no-docs to skip);
# 6. with --scale-rows M (say 10000000): also runs ours on M rows, R times, and prints how its
#    wall time and peak RSS scale from N to M rows (issue 5: 10x the rows in at most 10.5x the
#    time, at most 1 GB);
# 7. with --variants (issue 16): instead of the peers, runs ours only, side by side in one run,
#    on the variants of mapping and policy (pipelines/benchmark.yaml; scripts/bench/transforms.yaml,
#    the Customer Insights sample's transforms; scripts/bench/newest.yaml, keep: newest) and of
#    NDJSON lines (varied as exporters write them, or every key on every line), and prints the
#    medians and their ratios to the reference variant (written to docs/performance.md between the
#    variants markers unless --no-docs).
#
# Tools: cat, ours, polars, duckdb, orjson, stdlib, miller (cat means zcat for NDJSON.gz).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

ROWS=1000000 RUNS=3 ONLY="" SKIP_PEERS=0 TOOLS="" SEED=1 TIMEOUT=600 DOCS=1 WORKTREE=0 SCALE_ROWS="" VARIANTS=0
ARGS="$*"
while [ $# -gt 0 ]; do
    case $1 in
        --rows) ROWS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        --skip-peers) SKIP_PEERS=1; shift ;;
        --tools) TOOLS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --no-docs) DOCS=0; shift ;;
        --worktree) WORKTREE=1; shift ;;
        --scale-rows) SCALE_ROWS=$2; shift 2 ;;
        --variants) VARIANTS=1; shift ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "benchmark: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case $ONLY in ""|csv|ndjson) ;; *) echo "benchmark: --only must be csv or ndjson" >&2; exit 2 ;; esac

POLARS=1.44.2 DUCKDB=1.5.6 ORJSON=3.11.9
BENCH=$ROOT/.bench
DATA=$BENCH/data
OUT=$BENCH/out
mkdir -p "$DATA" "$OUT"
log() { echo "benchmark: $*" >&2; }

# Old outputs are moved aside, not deleted, while runs are timed: on ext4 without a journal (as on
# these machines) the kernel avoids reusing an inode for 60 s after its deletion (360 s while its
# inode table block is dirty), and skipping each recently deleted one (find_inode_bit,
# recently_deleted) makes file creation slow: deleting the last run's 9,000 chunk files cost the
# next 10M-row run about 2.8 s of CPU. When the set-aside outputs pass TRASH_MB, they are
# deleted, synced (so the inode tables are clean) and the 60 s are waited out. Before each timed
# run, `sync` writes back what the previous tool left dirty, so no tool pays for another's writes.
TRASH=$BENCH/trash TRASH_MB=8000
discard() {  # dir: set it aside (if there) and prepare the disk for the next timed run
    if [ -e "$1" ]; then
        mkdir -p "$TRASH"
        mv "$1" "$TRASH/$(date +%s%N)"
    fi
    if [ -d "$TRASH" ] && [ "$(du -sm "$TRASH" | cut -f1)" -gt "$TRASH_MB" ]; then
        rm -rf "$TRASH"
        sync
        sleep 61
    fi
    sync
}
if [ -d "$TRASH" ]; then  # left by an interrupted run
    rm -rf "$TRASH"
    sync
    sleep 61
fi
trap 'rm -rf "$TRASH"' EXIT

# --- 2. data -------------------------------------------------------------------------------
INPUTS=()
[ "$ONLY" != ndjson ] && INPUTS+=(csv)
[ "$ONLY" != csv ] && INPUTS+=(ndjson)
data_file() {  # kind (csv, ndjson: lines varied as exporters write them, ndjson-uniform) [rows]
    local rows=${2:-$ROWS}
    case $1 in
        csv) echo "$DATA/export-$rows-s$SEED.csv" ;;
        ndjson) echo "$DATA/export-$rows-s$SEED-varied.ndjson.gz" ;;
        ndjson-uniform) echo "$DATA/export-$rows-s$SEED.ndjson.gz" ;;
    esac
}
generate() {  # kind rows
    local f; f=$(data_file "$1" "$2")
    if [ ! -s "$f" ]; then
        log "generating $f"
        local fmt=(--format csv)
        [ "$1" = ndjson ] && fmt=(--format ndjson.gz --lines varied)
        [ "$1" = ndjson-uniform ] && fmt=(--format ndjson.gz --lines uniform)
        timeout 3600 python3 scripts/generate-export.py --rows "$2" --seed "$SEED" "${fmt[@]}" --out "$f.tmp"
        mv "$f.tmp" "$f"
    fi
}
[ $VARIANTS = 1 ] && INPUTS=(csv ndjson ndjson-uniform)
for kind in "${INPUTS[@]}"; do generate "$kind" "$ROWS"; done

# --- 3. peers ------------------------------------------------------------------------------
PEERS=(polars duckdb orjson stdlib miller)
if [ $VARIANTS = 1 ]; then SELECTED=(ours); elif [ -n "$TOOLS" ]; then IFS=, read -r -a SELECTED <<< "$TOOLS"; else SELECTED=(cat ours "${PEERS[@]}"); fi
[ $SKIP_PEERS = 1 ] && SELECTED=($(printf '%s\n' "${SELECTED[@]}" | grep -vxE 'polars|duckdb|orjson|stdlib|miller' || true))
wants() { printf '%s\n' "${SELECTED[@]}" | grep -qx "$1"; }
PY=$BENCH/venv/bin/python

# --- 1. build (after the option parsing: only when ours runs) ------------------------------
BIN=""
if wants ours; then
    SRC=$ROOT
    if [ $WORKTREE = 0 ]; then
        # Build the committed HEAD from a snapshot in .bench/src (a private git index, so the
        # shared index is untouched and only changed files get new mtimes): other engineers'
        # half-saved files in the working tree do not break the build or the measurement.
        SRC=$BENCH/src
        mkdir -p "$SRC"
        if [ -f "$BENCH/src.index" ]; then
            GIT_INDEX_FILE=$BENCH/src.index git --work-tree="$SRC" read-tree -m -u HEAD
        else
            GIT_INDEX_FILE=$BENCH/src.index git --work-tree="$SRC" read-tree -u --reset HEAD
        fi
        [ -f Package.resolved ] && cp -p Package.resolved "$SRC/Package.resolved"
    fi
    log "building omnisend-export $([ $WORKTREE = 0 ] && echo "at $(git rev-parse --short HEAD)" || echo "from the working tree") (release, .build-release)"
    (cd "$SRC" && timeout 3600 swift build -c release --product omnisend-export --scratch-path "$ROOT/.build-release" >&2)
    BIN=$(cd "$SRC" && swift build -c release --scratch-path "$ROOT/.build-release" --show-bin-path)/omnisend-export
    [ -x "$BIN" ] || { log "no binary at $BIN"; exit 1; }
fi
# --- 7. variants (issue 16): ours only, side by side -------------------------------------------
if [ $VARIANTS = 1 ]; then
    # name | input kind | pipeline | the variant it is compared with
    VARIANT_LIST=(
        "benchmark.yaml, CSV|csv|pipelines/benchmark.yaml|"
        "transforms, CSV|csv|scripts/bench/transforms.yaml|benchmark.yaml, CSV"
        "keep: newest, CSV|csv|scripts/bench/newest.yaml|benchmark.yaml, CSV"
        "benchmark.yaml, NDJSON.gz, every key on every line|ndjson-uniform|pipelines/benchmark.yaml|"
        "benchmark.yaml, NDJSON.gz, lines varied|ndjson|pipelines/benchmark.yaml|benchmark.yaml, NDJSON.gz, every key on every line"
        "transforms, NDJSON.gz, lines varied|ndjson|scripts/bench/transforms.yaml|benchmark.yaml, NDJSON.gz, lines varied"
    )
    RESULTS=$BENCH/variants-$ROWS.tsv
    : > "$RESULTS"
    for run in $(seq 1 "$RUNS"); do
        for variant in "${VARIANT_LIST[@]}"; do
            IFS='|' read -r name kind pipeline _ <<< "$variant"
            out=$OUT/variant
            discard "$out"
            status=0
            timeout -k 10 "$TIMEOUT" /usr/bin/time -f '%e %U %S %M' -o "$BENCH/time.txt" \
                "$BIN" prepare "$ROOT/$pipeline" --input "$(data_file "$kind")" --out "$out" > "$BENCH/run.log" 2>&1 || status=$?
            read -r wall user sys rss < <(tail -n 1 "$BENCH/time.txt") || true
            if [ $status -ne 0 ]; then
                log "run $run $name FAILED (exit $status): $(tail -n 3 "$BENCH/run.log" | tr '\n' ' ')"
                wall=NA
            else
                log "run $run $name: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MB"
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$wall" "$user" "$sys" "$rss" >> "$RESULTS"
        done
    done
    discard "$OUT/variant"
    TABLE=$(python3 - "$RESULTS" "$ROWS" "${VARIANT_LIST[@]}" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
variants = [v.split("|") for v in sys.argv[3:]]
targets = {"transforms, CSV": 1.3, "keep: newest, CSV": 1.3, "benchmark.yaml, NDJSON.gz, lines varied": 1.15}
med = {}
out = [f"\n**omnisend-export prepare, {int(sys.argv[2]):,} rows, by mapping, policy and NDJSON lines** (medians)\n",
       "| variant | wall s | CPU s (user+sys) | peak RSS MB | compared with | × wall | target × | runs ok |",
       "|---|---|---|---|---|---|---|---|"]
for name, kind, pipeline, base in variants:
    ok = [r for r in rows if r[0] == name and r[2] != "NA"]
    n = len([r for r in rows if r[0] == name])
    if not ok:
        out.append(f"| {name} | failed | | | | | | 0/{n} |")
        continue
    wall = statistics.median(float(r[2]) for r in ok)
    cpu = statistics.median(float(r[3]) + float(r[4]) for r in ok)
    rss = statistics.median(int(r[5]) for r in ok) / 1024
    med[name] = wall
    ratio = f"{wall / med[base]:.2f}" if base in med else "-"
    target = f"{targets[name]}" if name in targets else "-"
    out.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {base or '-'} | {ratio} | {target} | {len(ok)}/{n} |")
print("\n".join(out))
EOF
)
    echo "$TABLE"
    if [ $DOCS = 1 ]; then
        BLOCK=$(printf '%s\n' "<!-- variants:start -->" "Latest run: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), $(nproc) cores." "" \
            "Command: \`scripts/benchmark.sh $ARGS\`" "$TABLE" "<!-- variants:end -->")
        BLOCK="$BLOCK" python3 - docs/performance.md <<'EOF'
import os, re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
block = os.environ["BLOCK"]
if "<!-- variants:start -->" in s:
    s = re.sub(r"<!-- variants:start -->.*?<!-- variants:end -->", lambda m: block, s, flags=re.S)
else:
    s = s.rstrip("\n") + "\n\n" + block + "\n"
open(p, "w", encoding="utf-8").write(s)
EOF
        log "variants table written to docs/performance.md"
    fi
    exit 0
fi
if wants polars || wants duckdb || wants orjson; then
    if ! "$PY" -c "import polars, duckdb, orjson; assert (polars.__version__, duckdb.__version__, orjson.__version__) == ('$POLARS', '$DUCKDB', '$ORJSON')" 2>/dev/null; then
        log "installing polars==$POLARS duckdb==$DUCKDB orjson==$ORJSON into .bench/venv"
        python3 -m venv "$BENCH/venv"
        timeout 900 "$BENCH/venv/bin/pip" install -q "polars==$POLARS" "duckdb==$DUCKDB" "orjson==$ORJSON" >&2
    fi
fi
if wants miller && ! command -v mlr >/dev/null; then
    log "installing miller (apt)"
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    timeout 900 $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq miller >&2
fi

command_for() {  # tool kind data outdir
    local tool=$1 kind=$2 data=$3 out=$4
    case $tool in
        cat) if [ "$kind" = csv ]; then echo "cat $data"; else echo "zcat $data"; fi ;;
        ours) echo "$BIN prepare $ROOT/pipelines/benchmark.yaml --input $data --out $out" ;;
        miller) echo "$ROOT/scripts/bench/peer_miller.sh $data $out" ;;
        stdlib) echo "python3 $ROOT/scripts/bench/peer_stdlib.py $data $out" ;;
        *) echo "$PY $ROOT/scripts/bench/peer_$tool.py $data $out" ;;
    esac
}

# --- 4. runs -------------------------------------------------------------------------------
RESULTS=$BENCH/results-$ROWS.tsv
: > "$RESULTS"
for run in $(seq 1 "$RUNS"); do
    for kind in "${INPUTS[@]}"; do
        data=$(data_file "$kind")
        for tool in "${SELECTED[@]}"; do
            out=$OUT/$tool-$kind
            discard "$out"
            cmd=$(command_for "$tool" "$kind" "$data" "$out")
            [ "$tool" = cat ] && cmd="$cmd > /dev/null"
            status=0
            timeout -k 10 "$TIMEOUT" /usr/bin/time -f '%e %U %S %M' -o "$BENCH/time.txt" \
                bash -c "$cmd" > "$BENCH/run.log" 2>&1 || status=$?
            read -r wall user sys rss < <(tail -n 1 "$BENCH/time.txt") || true
            contacts=-
            if [ -d "$out/chunks" ]; then
                contacts=$(find "$out/chunks" -name '*.json' -print0 | xargs -0 cat | grep -c '^{"identifiers"' || true)
            fi
            if [ $status -ne 0 ]; then
                log "run $run $kind $tool FAILED (exit $status; 124 = timeout): $(tail -n 3 "$BENCH/run.log" | tr '\n' ' ')"
                wall=NA
            else
                log "run $run $kind $tool: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MB, $contacts contacts"
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$tool" "$run" "$wall" "$user" "$sys" "$rss" "$contacts" >> "$RESULTS"
        done
    done
done

# --- 5. table ------------------------------------------------------------------------------
TABLE=$(python3 - "$RESULTS" "$ROWS" "$(stat -c %s "$(data_file csv)" 2>/dev/null || echo 0)" \
    "$(stat -c %s "$(data_file ndjson)" 2>/dev/null || echo 0)" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
sizes = {"csv": int(sys.argv[3]), "ndjson": int(sys.argv[4])}
peers = {"polars", "duckdb", "orjson", "stdlib", "miller"}
names = {"cat": "cat / zcat (floor)", "ours": "**omnisend-export**", "polars": "polars", "duckdb": "DuckDB",
         "orjson": "Python + orjson", "stdlib": "Python stdlib", "miller": "Miller"}
out = []
for kind in ("csv", "ndjson"):
    sel = [r for r in rows if r[0] == kind]
    if not sel:
        continue
    tools = list(dict.fromkeys(r[1] for r in sel))
    stats = {}
    for t in tools:
        ok = [r for r in sel if r[1] == t and r[3] != "NA"]
        if not ok:
            stats[t] = None
            continue
        wall = statistics.median(float(r[3]) for r in ok)
        cpu = statistics.median(float(r[4]) + float(r[5]) for r in ok)
        rss = statistics.median(int(r[6]) for r in ok) / 1024
        stats[t] = (wall, cpu, rss, ok[-1][7], len(ok), len([r for r in sel if r[1] == t]))
    best = min((s[0] for t, s in stats.items() if t in peers and s), default=None)
    label = "CSV" if kind == "csv" else "NDJSON.gz"
    out.append(f"\n**{label}, {int(sys.argv[2]):,} rows** (median of the successful runs)\n")
    out.append("| tool | wall s | CPU s (user+sys) | CPU/wall | input MB/s | rows/s | peak RSS MB | × best peer | contacts | runs ok |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for t in tools:
        s = stats[t]
        if not s:
            out.append(f"| {names.get(t, t)} | failed | | | | | | | | 0 |")
            continue
        wall, cpu, rss, contacts, ok, n = s
        ratio = f"{wall / best:.2f}" if best else "-"
        mbs = sizes[kind] / 1e6 / wall if wall else 0
        rps = int(sys.argv[2]) / wall if wall else 0
        out.append(f"| {names.get(t, t)} | {wall:.2f} | {cpu:.2f} | {cpu / wall if wall else 0:.2f} | {mbs:.0f} | {rps / 1e3:.0f}k | {rss:.0f} | {ratio} | {contacts} | {ok}/{n} |")
print("\n".join(out))
EOF
)
echo "$TABLE"

# --- 6. scaling ----------------------------------------------------------------------------
if [ -n "$SCALE_ROWS" ] && wants ours; then
    SCALING=$BENCH/scaling-$ROWS-$SCALE_ROWS.tsv
    : > "$SCALING"
    for kind in "${INPUTS[@]}"; do
        generate "$kind" "$SCALE_ROWS"
        for run in $(seq 1 "$RUNS"); do
            for rows in "$ROWS" "$SCALE_ROWS"; do
                out=$OUT/ours-$kind-$rows
                discard "$out"
                if ! timeout -k 10 "$((TIMEOUT * 20))" /usr/bin/time -f '%e %U %S %M' -o "$BENCH/time.txt" \
                    bash -c "$(command_for ours "$kind" "$(data_file "$kind" "$rows")" "$out")" > "$BENCH/run.log" 2>&1; then
                    log "scaling run $run $kind $rows rows FAILED: $(tail -n 3 "$BENCH/run.log" | tr '\n' ' ')"
                    continue
                fi
                read -r wall user sys rss < <(tail -n 1 "$BENCH/time.txt")
                log "scaling run $run $kind $rows rows: ${wall}s wall, ${user}s user, ${sys}s sys, $((rss / 1024)) MB"
                printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$rows" "$wall" "$user" "$sys" "$rss" >> "$SCALING"
            done
        done
        discard "$OUT/ours-$kind-$SCALE_ROWS"
    done
    SCALE_TABLE=$(python3 - "$SCALING" "$ROWS" "$SCALE_ROWS" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
small, big = sys.argv[2], sys.argv[3]
limit = int(big) / int(small) * 1.05
out = [f"\n**Scaling of omnisend-export, {int(small):,} → {int(big):,} rows** (median wall; target: at most "
       f"{limit:.1f}× the time and 1024 MB)\n",
       "| input | wall s, small | wall s, large | × time | target × | peak RSS MB, large | met |",
       "|---|---|---|---|---|---|---|"]
for kind in ("csv", "ndjson"):
    a = [float(r[2]) for r in rows if r[0] == kind and r[1] == small]
    b = [float(r[2]) for r in rows if r[0] == kind and r[1] == big]
    m = [int(r[5]) / 1024 for r in rows if r[0] == kind and r[1] == big]
    if not a or not b:
        continue
    ratio = statistics.median(b) / statistics.median(a)
    met = "yes" if ratio <= limit and max(m) <= 1024 else "no"
    label = "CSV" if kind == "csv" else "NDJSON.gz"
    out.append(f"| {label} | {statistics.median(a):.2f} | {statistics.median(b):.2f} | {ratio:.2f} | {limit:.1f} | {max(m):.0f} | {met} |")
print("\n".join(out))
EOF
)
    echo "$SCALE_TABLE"
    TABLE="$TABLE
$SCALE_TABLE"
fi

if [ $DOCS = 1 ]; then
    MACHINE=$(printf '%s\n' "- \`nproc\`: $(nproc)" "- RAM: $(free -h | awk '/^Mem:/ {print $2}')" \
        "- swift: $(swift --version 2>&1 | head -n 1)" "- \`lscpu | head\`:" "" '```' "$(lscpu | head)" '```')
    BLOCK=$(printf '%s\n' "<!-- bench:start -->" "Latest run: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)." "" \
        "Command: \`scripts/benchmark.sh $ARGS\`" "$TABLE" "" "Machine:" "" "$MACHINE" "<!-- bench:end -->")
    DOC=docs/performance.md
    [ -f $DOC ] || printf '# Performance\n\n<!-- bench:start -->\n<!-- bench:end -->\n' > $DOC
    BLOCK="$BLOCK" python3 - "$DOC" <<'EOF'
import os, re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
block = os.environ["BLOCK"]
if "<!-- bench:start -->" in s:
    s = re.sub(r"<!-- bench:start -->.*?<!-- bench:end -->", lambda m: block, s, flags=re.S)
else:
    s = s.rstrip("\n") + "\n\n" + block + "\n"
open(p, "w", encoding="utf-8").write(s)
EOF
    log "table written to $DOC"
fi
