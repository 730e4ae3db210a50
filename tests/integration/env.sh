#!/usr/bin/env bash
# The shared environment of the integration tests (a ctest fixture):
#   env.sh setup DIR    fresh dev PKI with test certificates, fresh PostgreSQL cluster
#   env.sh cleanup DIR  stops every cluster under DIR (shared and per-test)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 setup|cleanup DIR" >&2; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
cmd=$1 dir=$2

stop_all() {
    for pg in "$dir"/pg "$dir"/t/*/pg; do
        [ -d "$pg/data" ] && "$top/scripts/dev-db.sh" "$pg" stop >/dev/null 2>&1 || true
    done
}

case "$cmd" in
setup)
    stop_all
    rm -rf "$dir"
    mkdir -p "$dir/t"
    "$top/scripts/dev-pki.sh" "$dir/pki" --with-test-certs >/dev/null
    "$top/scripts/dev-db.sh" "$dir/pg" init >/dev/null
    "$top/scripts/dev-db.sh" "$dir/pg" start >/dev/null
    echo "test environment ready in $dir"
    ;;
cleanup)
    stop_all
    ;;
*)
    echo "usage: $0 setup|cleanup DIR" >&2
    exit 1
    ;;
esac
