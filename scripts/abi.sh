#!/usr/bin/env bash
# abi.sh — libchengguan's ABI against the dump of the last release kept in
# abi/ (docs/integration.md, "The library's ABI"). Needs abigail-tools.
#
#   scripts/abi.sh check BUILD_DIR   compare BUILD_DIR's library with
#       abi/libchengguan.so.N.abi: exit 0 when it is compatible (functions
#       added, fields appended to the end of a message struct), 1 with
#       abidiff's report when not
#   scripts/abi.sh dump BUILD_DIR    write that dump, at a release that
#       changes the ABI (commit it with the release)
#
# Only the types of the public headers count (include/chengguan and the
# generated chengguan/v1 headers): the structs behind the opaque cg_client
# and cg_async are the library's own and may change freely.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 check|dump BUILD_DIR" >&2; exit 1; }
mode=$1 build=$2
src=$(cd "$(dirname "$0")/.." && pwd)
lib=$(readlink -f "$build/libchengguan.so")
public=(--drop-private-types)
for d in "$src/include/chengguan" "$build/proto"; do public+=(--headers-dir "$d"); done
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
dump=$src/abi/$soname.abi

case $mode in
dump)
    abidw "${public[@]}" --short-locs --no-corpus-path "$lib" |
        sed "s| comp-dir-path='[^']*'||" >"$dump"
    echo "abi.sh: wrote ${dump#"$src"/}"
    ;;
check)
    [ -f "$dump" ] || { echo "abi.sh: no dump ${dump#"$src"/} for $soname (a new SONAME: run '$0 dump')" >&2; exit 1; }
    public2=("${public[@]//--headers-dir/--hd2}")
    rc=0
    report=$(abidiff "${public2[@]}" --suppressions "$src/abi/libchengguan.abignore" \
        --no-added-syms "$dump" "$lib") || rc=$?
    # abidiff's exit status is a bit set: 1 error, 2 usage, 4 a change,
    # 8 an incompatible one. With additions left out, any change fails.
    if [ "$rc" -ne 0 ]; then
        echo "$report"
        echo "abi.sh: $soname is not compatible with ${dump#"$src"/} (abidiff status $rc)" >&2
        exit 1
    fi
    added=$(abidiff "${public2[@]}" --suppressions "$src/abi/libchengguan.abignore" "$dump" "$lib" |
        grep -c "^  \[A\]" || true)
    echo "abi.sh: $soname compatible with ${dump#"$src"/} ($added functions added)"
    ;;
*)
    echo "usage: $0 check|dump BUILD_DIR" >&2
    exit 1
    ;;
esac
