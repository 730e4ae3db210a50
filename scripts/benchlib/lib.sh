# lib.sh — what the scripts/bench-*.sh share; sourced by them, not run.
# They set top (the checkout) and build (the build directory) first.

# bench_sizes "$@": n (compounds: the first argument, default 2000, at
# least 5) and runs (the second, default 3); exits with a usage line on
# anything else.
bench_sizes() {
    local usage="usage: $0 [N] [RUNS]   (defaults: 2000 compounds, 3 runs)"
    case "${1:-}" in -h|--help) echo "$usage" >&2; exit 1 ;; esac
    n=${1:-2000}
    runs=${2:-3}
    [[ "$n" =~ ^[0-9]+$ && "$n" -ge 5 && "$runs" =~ ^[0-9]+$ && "$runs" -ge 1 ]] \
        || { echo "$usage" >&2; exit 1; }
}

# bench_scratch NAME: a scratch directory $dir (cg-NAME.XXXXXX in $TMPDIR)
# with a dev environment made by scripts/dev-env.sh (PKI, a PostgreSQL
# cluster, chengguand.ini) for $build; $conninfo is its database chengguan,
# which psql_db ARGS... reaches. On exit the server whose pid is in $server
# is stopped, and the cluster and $dir removed (with KEEP=1 the cluster is
# only stopped and both kept). Returns
# dev-env.sh's status.
bench_scratch() {
    dir=$(mktemp -d "${TMPDIR:-/tmp}/cg-$1.XXXXXX")
    server=
    trap bench_cleanup EXIT
    CG_BUILD_DIR=$build "$top/scripts/dev-env.sh" "$dir" >/dev/null 2>&1 || return
    conninfo=$("$top/scripts/dev-db.sh" "$dir/pg" conninfo chengguan)
}

psql_db() { PGDATABASE=chengguan "$top/scripts/dev-db.sh" "$dir/pg" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

bench_cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then
        "$top/scripts/dev-db.sh" "$dir/pg" stop >/dev/null 2>&1 || true
    else
        # (as root the cluster lives outside $dir: destroy removes it too)
        "$top/scripts/dev-db.sh" "$dir/pg" destroy >/dev/null 2>&1 || true
        rm -rf "$dir"
    fi
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
