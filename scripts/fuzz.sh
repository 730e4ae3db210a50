#!/usr/bin/env bash
# scripts/fuzz.sh BUILD_DIR — runs every libFuzzer target of BUILD_DIR (a
# -DCG_FUZZ=ON build, `cmake --build BUILD_DIR --target fuzz`) for a bounded
# time, two at a time, each from its seed corpus tests/fuzz/corpus/TARGET
# (only read: new inputs go to a scratch directory). Prints the inputs each
# target tried; exits non-zero when one found a crash, a leak or an abort,
# whose input is then in BUILD_DIR/fuzz-TARGET-* (keep it in the target's
# corpus once fixed).
#
# CG_FUZZ_SCALE=10 runs each target ten times as long (the CI budget is about
# two minutes in all; by hand, longer runs find more).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR}
scale=${CG_FUZZ_SCALE:-1}

# target seconds: the request paths get the most time.
targets="fuzz_request 60
fuzz_envelope 45
fuzz_csv 45
fuzz_frame 30
fuzz_json 30"

# Inputs as large as a frame may be: max_frame_bytes (4 MB) and its header.
max_len=$((4 * 1024 * 1024 + 16))

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

run_one() { # TARGET SECONDS
    local t=$1 secs=$(($2 * scale))
    mkdir -p "$scratch/$t"
    if "$build/$t" -max_total_time="$secs" -max_len="$max_len" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$build/$t-" "$scratch/$t" "tests/fuzz/corpus/$t" >"$scratch/$t.log" 2>&1; then
        echo "$t: ok, $(sed -nE 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log") inputs in ${secs} s"
    else
        echo "$t: FAILED (log below; input in $build/$t-*)"
        tail -n 60 "$scratch/$t.log"
        return 1
    fi
}
export -f run_one
export build scale max_len scratch

if ! xargs -P 2 -L 1 bash -c 'run_one "$@"' _ <<<"$targets"; then
    echo "fuzz: a target failed"
    exit 1
fi
