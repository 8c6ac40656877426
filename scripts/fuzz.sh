#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a set time.
#
#   scripts/fuzz.sh [--seconds N] [--ci] [--build-only] [--replay] [target…]
#
# Targets: csv ndjson gzip walker mapping pipeline (default: all). Each target is
# Fuzz/<target>/*.swift + Fuzz/common/*.swift, linked against the package's own modules compiled
# here with `-sanitize=fuzzer,address` (ExportCore, ExportRuntime, ExportFormats, ExportSources,
# ExportContactRules, ExportPipeline and Yams from .build/checkouts) into .build-fuzz/. swift-crypto (ExportCore hashes with it) is not
# instrumented: its module and objects come from the package's debug build (`swift build
# --target Crypto`, run here when they are missing). The corpus a run grows lives in
# .build-fuzz/corpus/<target> (not committed); the committed seeds are Fuzz/<target>/seeds and
# past crashes Fuzz/<target>/regressions, both read first on every run.
#
# A crash, a leak, a timeout (10 s on one input) or running out of memory (2 GiB) stops the run;
# the input is copied to Fuzz/<target>/regressions/ and the script exits 1.
# --ci: 60 s per target. --replay: only run the seeds and regressions once (no fuzzing).
# The log of each run is .build-fuzz/logs/<target>.log; totals go to .build-fuzz/fuzz-stats.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=300
MODE=fuzz
TARGETS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_TARGET="$2"; shift 2 ;;
        --ci) SECONDS_PER_TARGET=60; shift ;;
        --build-only) MODE=build; shift ;;
        --replay) MODE=replay; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
ALL=(csv ndjson gzip walker mapping pipeline)
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-clang}
B=.build-fuzz
mkdir -p "$B/mods" "$B/obj" "$B/bin" "$B/logs" "$B/corpus"

SAN=(-sanitize=fuzzer,address)
# -enable-testing: the mapping targets compare the engine with the reference mapper of the test
# support module (Tests/ExportTestSupport/ContactMapper.swift and Row.swift), which import ExportPipeline @testable.
SWIFT_FLAGS=(-O -g -enable-testing -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility -I "$B/mods" -I Sources/CExportZlib
    -I Sources/CExportArchive -I "$B/crypto-mods")
YAMS=.build/checkouts/Yams/Sources

# Compiles module $1 from the remaining arguments when a source is newer than its object, the
# list of sources changed, or an earlier module (modules are compiled in dependency order) was just
# recompiled.
REBUILT=0
module() {
    local name=$1; shift
    local obj="$B/obj/$name.o" list="$B/obj/$name.sources"
    # A source added, removed or moved to another module changes the list even when no file is newer.
    if [ $REBUILT -eq 0 ] && [ -f "$obj" ] && [ "$(printf '%s\n' "$@")" = "$(cat "$list" 2>/dev/null)" ] \
        && [ -z "$(find "$@" -newer "$obj" 2>/dev/null | head -1)" ]; then return; fi
    REBUILT=1
    printf '%s\n' "$@" >"$list"
    echo "fuzz.sh: compiling $name" >&2
    "$SWIFTC" "${SWIFT_FLAGS[@]}" "${SAN[@]}" -suppress-warnings -wmo -module-name "$name" -emit-module \
        -emit-module-path "$B/mods/$name.swiftmodule" -c -o "$obj" "$@"
}

# swift-crypto comes from the package's own debug build: its modules are copied into
# $B/crypto-mods (not the whole Modules folder, which also holds SwiftPM's builds of our modules)
# and its objects are linked as they are.
CRYPTO_TARGETS=(Crypto CryptoBoringWrapper CCryptoBoringSSLShims CCryptoBoringSSL)
CRYPTO_OBJS=()
need_crypto() {
    local bin
    bin=$(swift build --show-bin-path)
    if [ ! -f "$bin/Modules/Crypto.swiftmodule" ] || [ ! -d "$bin/CCryptoBoringSSL.build" ]; then
        echo "fuzz.sh: building swift-crypto (swift build --target Crypto)" >&2
        swift build --target Crypto >&2
    fi
    mkdir -p "$B/crypto-mods"
    local m
    for m in Crypto CryptoBoringWrapper; do
        cp -p "$bin/Modules/$m.swiftmodule" "$B/crypto-mods/"
    done
    for m in "${CRYPTO_TARGETS[@]}"; do
        mapfile -t -O "${#CRYPTO_OBJS[@]}" CRYPTO_OBJS < <(find "$bin/$m.build" -name '*.o' | sort)
    done
}

# Yams comes from the package's checkout; resolve it when missing.
need_yams() {
    if [ ! -d "$YAMS/Yams" ]; then swift package resolve >/dev/null; fi
    local c
    mkdir -p "$B/obj/CYaml"
    for c in "$YAMS"/CYaml/src/*.c; do
        local o="$B/obj/CYaml/$(basename "$c" .c).o"
        if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
            "$CLANG" -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC \
                -I "$YAMS/CYaml/include" -c "$c" -o "$o"
        fi
    done
    local yams_flags=(-Xcc -DYAML_DECLARE_STATIC -I "$YAMS/CYaml/include" -DSWIFT_PACKAGE)
    SWIFT_FLAGS+=("${yams_flags[@]}")
    module Yams "$YAMS"/Yams/*.swift
}

build_modules() {
    need_crypto
    module ExportCore Sources/ExportCore/*.swift
    module ExportRuntime Sources/ExportRuntime/*.swift
    module ExportFormats Sources/ExportFormats/*.swift
    case " ${TARGETS[*]} " in *" gzip "*|*" walker "*) module ExportSources Sources/ExportSources/*.swift ;; esac
    case " ${TARGETS[*]} " in *" mapping "*|*" pipeline "*)
        need_yams
        module ExportContactRules Sources/ExportContactRules/*.swift
        module ExportPipeline Sources/ExportPipeline/*.swift ;;
    esac
}

# The objects and libraries target $1 links.
link_inputs() {
    local objs=("$B/obj/ExportCore.o" "${CRYPTO_OBJS[@]}" "$B/obj/ExportRuntime.o" "$B/obj/ExportFormats.o")
    case "$1" in
        gzip|walker) objs+=("$B/obj/ExportSources.o" -lz -larchive) ;;
        mapping|pipeline) objs+=("$B/obj/Yams.o" "$B"/obj/CYaml/*.o "$B/obj/ExportContactRules.o" "$B/obj/ExportPipeline.o") ;;
    esac
    printf '%s\n' "${objs[@]}"
}

build_target() {
    local t=$1 bin="$B/bin/fuzz-$1"
    local inputs sources=(Fuzz/common/*.swift Fuzz/"$t"/*.swift)
    mapfile -t inputs < <(link_inputs "$t")
    case "$t" in mapping|pipeline) sources+=(Fuzz/common/stages/*.swift Tests/ExportTestSupport/ContactMapper.swift Tests/ExportTestSupport/Row.swift) ;; esac
    if [ -f "$bin" ] && [ -z "$(find "${sources[@]}" "$B"/obj -newer "$bin" 2>/dev/null | head -1)" ]; then return; fi
    echo "fuzz.sh: linking $bin" >&2
    "$SWIFTC" "${SWIFT_FLAGS[@]}" "${SAN[@]}" -use-ld=lld -module-name "Fuzz_$t" "${sources[@]}" \
        "${inputs[@]}" -o "$bin"
}

build_modules
for t in "${TARGETS[@]}"; do build_target "$t"; done
[ "$MODE" = build ] && exit 0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
# The Swift runtime's own crash handler reads memory that ASan flags; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
status=0
for t in "${TARGETS[@]}"; do
    seeds="Fuzz/$t/seeds" regressions="Fuzz/$t/regressions" corpus="$B/corpus/$t"
    mkdir -p "$seeds" "$regressions" "$corpus" "$B/crashes/$t"
    log="$B/logs/$t.log"
    dict=(); [ -f "Fuzz/$t/dictionary" ] && dict=(-dict="Fuzz/$t/dictionary")
    if [ "$MODE" = replay ]; then
        echo "fuzz.sh: $t: replaying $(ls "$seeds" "$regressions" | wc -l) inputs" >&2
        if ! "$B/bin/fuzz-$t" -runs=0 -artifact_prefix="$B/crashes/$t/" "${dict[@]}" "$seeds" "$regressions" >"$log" 2>&1; then
            echo "fuzz.sh: $t: a seed or regression fails; see $log" >&2; tail -40 "$log" >&2; status=1
        fi
        continue
    fi
    echo "fuzz.sh: $t: fuzzing for ${SECONDS_PER_TARGET}s" >&2
    start=$(date +%s)
    set +e
    timeout -k 10 $((SECONDS_PER_TARGET + 60)) "$B/bin/fuzz-$t" "${dict[@]}" -max_total_time="$SECONDS_PER_TARGET" \
        -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$B/crashes/$t/" "$corpus" "$seeds" "$regressions" >"$log" 2>&1
    rc=$?
    set -e
    elapsed=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    if [ $rc -ne 0 ]; then
        found=$(ls -t "$B/crashes/$t/" 2>/dev/null | head -1 || true)
        echo "fuzz.sh: $t: FAILED (exit $rc) after ${elapsed}s; log $log" >&2
        grep -m1 -A30 -E '==ERROR|Fatal error|deadly signal|SUMMARY' "$log" >&2 || tail -40 "$log" >&2
        if [ -n "$found" ]; then
            cp "$B/crashes/$t/$found" "$regressions/$found"
            echo "fuzz.sh: $t: input saved as $regressions/$found" >&2
        fi
        status=1
    else
        echo "fuzz.sh: $t: ok, ${elapsed}s, ${execs:-0} inputs, corpus $(ls "$corpus" | wc -l) files" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$elapsed" "${execs:-0}" "$rc" >>"$B/fuzz-stats.tsv"
done
exit $status
