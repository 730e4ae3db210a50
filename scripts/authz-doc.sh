#!/bin/sh
# Rewrites the authorisation table in docs/security.md from
# sql/api/authz.sql (ctest docs.authz fails while they differ).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exec cmake -DSQL="$root/sql/api/authz.sql" -DMODE=write -DDOC="$root/docs/security.md" \
    -P "$root/cmake/authz_run.cmake"
