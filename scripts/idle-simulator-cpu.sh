#!/usr/bin/env bash
# Measures the CPU an idle `omnisend-export simulator` uses: starts it with no traffic, waits for
# it to listen, reads utime+stime from /proc/PID/stat over SECONDS (default 10) and prints the
# share of one core. Fails (exit 1) when it is 1% or more.
#
#   scripts/idle-simulator-cpu.sh            # uses .build/debug/omnisend-export
#   BIN=.build/release/omnisend-export scripts/idle-simulator-cpu.sh 20
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/omnisend-export}
SECONDS_TO_MEASURE=${1:-10}
[ -x "$BIN" ] || { echo "build first: swift build --product omnisend-export" >&2; exit 2; }

"$BIN" simulator --port 0 > /tmp/idle-simulator.$$.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f /tmp/idle-simulator.$$.log' EXIT
# Let it start (and settle) before measuring.
for _ in $(seq 1 100); do grep -q "listening\|http://" /tmp/idle-simulator.$$.log 2>/dev/null && break; sleep 0.1; done
sleep 1

ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
HZ=$(getconf CLK_TCK)
BEFORE=$(ticks)
sleep "$SECONDS_TO_MEASURE"
AFTER=$(ticks)
SHARE=$(awk -v a="$BEFORE" -v b="$AFTER" -v hz="$HZ" -v s="$SECONDS_TO_MEASURE" 'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }')
echo "idle simulator: $((AFTER - BEFORE)) ticks (${HZ}/s) in ${SECONDS_TO_MEASURE} s = ${SHARE}% of a core"
awk -v s="$SHARE" 'BEGIN { exit (s < 1.0) ? 0 : 1 }'
