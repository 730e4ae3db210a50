#!/usr/bin/env bash
# libchengguan as an integrator gets it: installed into a scratch prefix, a
# program compiled against the installed header and linked through the
# pkg-config file alone, then run.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SCRATCH_DIR" >&2; exit 1; }
build=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir"
cmake --install "$build" --prefix "$dir/prefix" >/dev/null
libdir=$(find "$dir/prefix" -name libchengguan.pc -printf '%h\n' | head -n 1)
[ -n "$libdir" ] || { echo "libchengguan.pc was not installed" >&2; exit 1; }
cat >"$dir/example.c" <<'C'
#include <chengguan/client.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    cg_client *c = NULL;
    cg_client_options o = {0}; /* no certificate: refused before any I/O */
    int rc = cg_client_connect(&c, &o);
    printf("%s %s\n", cg_err_name(rc), cg_err_name(CG_EUNAVAILABLE));
    cg_client_free(c);
    return strcmp(cg_err_name(CG_EUNAVAILABLE), "UNAVAILABLE") != 0;
}
C
export PKG_CONFIG_PATH=$libdir
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$dir/example" "$dir/example.c" $(pkg-config --cflags --libs libchengguan)
out=$(LD_LIBRARY_PATH="$dir/prefix/lib:$(dirname "$libdir")" "$dir/example")
echo "$out"
[ "$out" = "USAGE UNAVAILABLE" ] || { echo "unexpected output: $out" >&2; exit 1; }
