#!/usr/bin/env bash
# Reproduces the figures of docs/reliability.md in one command (`make reliability`):
#   1. the conformance suites (../shared/conformance; skipped with a message when absent),
#   2. the hostile-input, resource-limit, compressed-input and disk-full tests, with the
#      one-column file at 10 million rows (HOSTILE_ROWS; the default test suite uses 2 million),
#   3. every libFuzzer target for --fuzz-seconds each (default 300).
#
#   scripts/reliability.sh [--fuzz-seconds N] [--rows N]
#
# Logs go to .build-fuzz/reliability/; the summary is printed at the end. Exits non-zero when a
# test fails or a fuzzer finds a crash (its input is then in Fuzz/<target>/regressions/).
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=300
ROWS=10000000
while [ $# -gt 0 ]; do
    case "$1" in
        --fuzz-seconds) FUZZ_SECONDS="$2"; shift 2 ;;
        --rows) ROWS="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "reliability.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
OUT=.build-fuzz/reliability
mkdir -p "$OUT"
status=0

swift build --build-tests >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }

# Counts the passed and failed Swift Testing tests (parameterised cases count once) in a log.
count() { printf '%s passed, %s failed' "$(grep -c '✔ Test .* passed' "$1")" "$(grep -c '✘ Test .* failed' "$1")"; }

echo "== conformance suites"
swift test --skip-build --filter 'CSVConformanceTests|JSONTestSuiteTests|ArchiveConformanceTests' \
    >"$OUT/conformance.log" 2>&1 || status=1
grep -E '✔ Suite|✘ Suite|skipped' "$OUT/conformance.log" | sed 's/ after .*//'
echo "   tests: $(count "$OUT/conformance.log")"

echo "== hostile input ($ROWS one-column rows)"
HOSTILE_ROWS=$ROWS swift test --skip-build \
    --filter 'FuzzRegressionTests|ResourceLimitTests|CompressedInputTests|DiskFullTests|BadInputTests' \
    >"$OUT/hostile.log" 2>&1 || status=1
grep -E '^hostile:|DiskFullTests: skipped|✘' "$OUT/hostile.log"
echo "   tests: $(count "$OUT/hostile.log")"

echo "== fuzzing (${FUZZ_SECONDS}s per target)"
scripts/fuzz.sh --seconds "$FUZZ_SECONDS" >"$OUT/fuzz.log" 2>&1 || status=1
grep -E ': ok,|FAILED|saved as' "$OUT/fuzz.log" || true
echo "   all fuzzing so far (.build-fuzz/fuzz-stats.tsv):"
awk -F'\t' '{ s[$2] += $3; n[$2] += $4; if ($5 != 0) c[$2]++ }
    END { for (t in s) printf "   %-9s %6.1f min  %10d inputs  %d failed runs\n", t, s[t] / 60, n[t], c[t] }' \
    .build-fuzz/fuzz-stats.tsv | sort

exit $status
