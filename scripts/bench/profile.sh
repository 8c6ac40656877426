#!/usr/bin/env bash
# Profiles `omnisend-export prepare` on the benchmark pipeline with valgrind's callgrind (perf
# has no hardware counters on these machines) and prints the hottest functions, inclusive and
# exclusive, by instructions.
#
#   scripts/bench/profile.sh BIN INPUT [OUTDIR]
#
# BIN is a release build (scripts/benchmark.sh makes one; see .build-release). INPUT is a small
# export (50k rows is plenty: callgrind runs ~50x slower). The raw profile stays in
# OUTDIR/callgrind.out for kcachegrind / callgrind_annotate.
set -euo pipefail
bin=$1 input=$2 out=${3:-.bench/profile}
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"; mkdir -p "$out"
# valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes: profile a copy without debug
# info (the symbol table, which is all the function names need, stays).
objcopy --strip-debug "$bin" "$out/omnisend-export"
bin=$out/omnisend-export
timeout 3600 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --separate-threads=no \
    "$bin" prepare "$root/pipelines/benchmark.yaml" --input "$input" --out "$out/run" > "$out/valgrind.log" 2>&1
echo "== exclusive (self) instructions =="
callgrind_annotate --auto=no --threshold=95 "$out/callgrind.out" 2>/dev/null | swift-demangle --simplified | sed -n '1,60p'
echo "== inclusive instructions =="
callgrind_annotate --auto=no --inclusive=yes --threshold=99 "$out/callgrind.out" 2>/dev/null | swift-demangle --simplified | sed -n '1,70p'
