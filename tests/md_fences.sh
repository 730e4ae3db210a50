#!/usr/bin/env bash
# Every code fence in README.md and docs/*.md is closed: one left open turns
# the rest of the page into code.
set -euo pipefail
src=${1:?usage: $0 SOURCE_DIR}
bad=0 n=0
for f in "$src"/README.md "$src"/docs/*.md; do
    n=$((n + 1))
    open=$(awk '/^ *```/ { if (at) at = 0; else at = NR } END { print at + 0 }' "$f")
    if [ "$open" -ne 0 ]; then
        echo "md_fences.sh: ${f#"$src"/}:$open: an odd number of code fences (the last opens here; the one left open may be earlier)" >&2
        bad=1
    fi
done
[ "$bad" -eq 0 ] || exit 1
echo "md_fences.sh: $n pages, every code fence closed"
