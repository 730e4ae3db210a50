#!/usr/bin/env bash
# docs/examples/hotline_bridge.c as an integrator builds it: libchengguan
# installed into a scratch prefix, the program compiled against the installed
# headers (the async API and its libuv adapter) and linked through pkg-config
# alone, after checking that docs/integration.md shows it as it is.
# test_async --example runs the result against a server.
#   example.sh BUILD_DIR SCRATCH_DIR   -> SCRATCH_DIR/hotline_bridge
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SCRATCH_DIR" >&2; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir"
# docs/integration.md shows the program in full: the two must not drift.
awk '/<!-- hotline_bridge.c ends -->/ { on = 0 } on && !/^```/ { print } /<!-- hotline_bridge.c begins -->/ { on = 1 }' \
    "$top/docs/integration.md" >"$dir/from_doc.c"
diff -u "$top/docs/examples/hotline_bridge.c" "$dir/from_doc.c" >&2 ||
    { echo "docs/integration.md does not show docs/examples/hotline_bridge.c as it is" >&2; exit 1; }
cmake --install "$build" --prefix "$dir/prefix" >/dev/null
pcdir=$(find "$dir/prefix" -name libchengguan.pc -printf '%h\n' | head -n 1)
[ -n "$pcdir" ] || { echo "libchengguan.pc was not installed" >&2; exit 1; }
export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
libdir=$(pkg-config --variable=libdir libchengguan)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$dir/hotline_bridge" "$top/docs/examples/hotline_bridge.c" \
    $(pkg-config --cflags --libs libchengguan libuv) -Wl,-rpath,"$libdir"
echo "$dir/hotline_bridge"
