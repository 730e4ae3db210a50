#!/bin/sh
# ./make — the README's entry point: `./make run`, `./make check`, `./make help`.
#
# A fresh Debian 12 has no make: it comes with build-essential, which
# scripts/deps.sh installs (with sudo when not root). So this installs the
# dependencies first when there is no make, then runs GNU make on the Makefile
# beside it with the same arguments. Where make is installed already,
# `./make X` and `make X` are the same.
set -eu
# Debian's plain `su` leaves /usr/sbin off root's PATH; apt, dpkg and runuser need it.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH
top=$(cd "$(dirname "$0")" && pwd)

# GNU make on PATH, never this script (PATH may hold ".").
find_make() {
    old_ifs=$IFS
    IFS=:
    for d in $PATH; do
        IFS=$old_ifs
        f=${d:-.}/make
        if [ -f "$f" ] && [ -x "$f" ] && ! [ "$f" -ef "$0" ]; then
            echo "$f"
            return 0
        fi
    done
    IFS=$old_ifs
    return 1
}

if ! gnu_make=$(find_make); then
    echo "./make: make is not installed; installing the build dependencies first (scripts/deps.sh)" >&2
    "$top/scripts/deps.sh"
    gnu_make=$(find_make) || {
        echo "./make: make is still missing after scripts/deps.sh" >&2
        exit 1
    }
fi
exec "$gnu_make" -C "$top" --no-print-directory "$@"
