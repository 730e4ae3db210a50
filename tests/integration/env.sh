#!/usr/bin/env bash
# The shared environment of the integration tests (a ctest fixture):
#   env.sh setup DIR    fresh dev PKI with test certificates, fresh PostgreSQL cluster
#   env.sh cleanup DIR  stops every cluster under DIR (shared and per-test)
#   env.sh destroy DIR  stops and removes them all, and DIR (make clean)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 setup|cleanup|destroy DIR" >&2; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
cmd=$1 dir=$2

each_cluster() { # ACTION: dev-db.sh ACTION on every cluster under DIR
    local pg
    for pg in "$dir"/pg "$dir"/t/*/pg; do
        # the shared one even when gone: as root its cluster may outlive it
        [ -d "$pg" ] || { [ "$1" = destroy ] && [ "$pg" = "$dir/pg" ]; } || continue
        "$top/scripts/dev-db.sh" "$pg" "$1" >/dev/null
    done
}

case "$cmd" in
setup)
    each_cluster destroy
    rm -rf "$dir"
    mkdir -p "$dir/t"
    "$top/scripts/dev-pki.sh" "$dir/pki" --with-test-certs >/dev/null
    "$top/scripts/dev-db.sh" "$dir/pg" init >/dev/null
    "$top/scripts/dev-db.sh" "$dir/pg" start >/dev/null
    echo "test environment ready in $dir"
    ;;
cleanup)
    each_cluster stop
    ;;
destroy)
    each_cluster destroy
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 setup|cleanup|destroy DIR" >&2
    exit 1
    ;;
esac
