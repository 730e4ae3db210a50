# lib.sh — what the scripts/bench-*.sh share; sourced by them, not run.
# They set top (the checkout) and build (the build directory) first.

# bench_scratch NAME: a scratch directory $dir (cg-NAME.XXXXXX in $TMPDIR)
# with a dev environment made by scripts/dev-env.sh (PKI, a PostgreSQL
# cluster, chengguand.ini) for $build. On exit the server whose pid is in
# $server is stopped, the cluster too, and $dir removed unless KEEP=1.
# Returns dev-env.sh's status.
bench_scratch() {
    dir=$(mktemp -d "${TMPDIR:-/tmp}/cg-$1.XXXXXX")
    server=
    trap bench_cleanup EXIT
    CG_BUILD_DIR=$build "$top/scripts/dev-env.sh" "$dir" >/dev/null 2>&1
}

bench_cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    "$top/scripts/dev-db.sh" "$dir/pg" stop >/dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
}

seconds() { # COMMAND...: runs it, prints its wall time in seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

report() { # NAME TIMES...: one line with every run and the median
    local name=$1; shift
    printf '%-58s runs: %s  median: %s\n' "$name" "$*" "$(printf '%s\n' "$@" | median)"
}
