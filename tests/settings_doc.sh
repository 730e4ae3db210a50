#!/usr/bin/env bash
# Every setting of server/config.c's table is in the settings table of
# docs/operations.md and the other way round: chengguand.conf(5) and the
# sample config are made from that table (man/generate.sh), so this keeps
# them complete.
set -euo pipefail
src=${1:?usage: $0 SOURCE_DIR}
code=$(sed -nE 's/^ *(S|SQL)\(([a-z_]+),.*/\2/p' "$src/server/config.c" | sort)
docs=$(awk '/^\| setting \| default \|/ { t = 1; next } t && /^\| ---/ { next } t && !/^\|/ { exit }
    t { split($0, f, "|"); n = f[2]; gsub(/[` ]/, "", n); print n }' "$src/docs/operations.md" | sort)
[ -n "$code" ] || { echo "settings_doc.sh: no settings found in server/config.c" >&2; exit 1; }
if [ "$code" != "$docs" ]; then
    echo "settings_doc.sh: server/config.c and docs/operations.md's settings table differ:" >&2
    diff <(echo "$code") <(echo "$docs") | sed -n 's/^</  only in config.c:/p; s/^>/  only in operations.md:/p' >&2
    exit 1
fi
echo "settings_doc.sh: $(wc -l <<<"$code") settings, the same in both"
