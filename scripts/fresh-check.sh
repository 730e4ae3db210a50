#!/usr/bin/env bash
# fresh-check.sh — the README's two commands on a truly fresh Debian 12.
#
# Builds a Debian 12 root with only git, ca-certificates and sudo
# (mmdebstrap --variant=apt), clones this repository's committed HEAD into it,
# and runs the README's Quick start commands in it exactly as the README
# writes them, twice, each time in a new root:
#   1. as root, with Debian's plain `su` PATH (no /usr/sbin), in /root/chengguan;
#   2. as the user `dev`, who has sudo, in /home/dev/chengguan.
# The run command is started in the background; once the server answers, the
# README's examples under "Connecting as a dev account" are run against it,
# then it is stopped with Ctrl-C (SIGINT). Then the test command must exit 0.
# Last, it checks that no directory outside the clone changed its permissions
# (/, /root, /home, /home/dev, /var/lib).
#
# Not part of .ci/run: it downloads a Debian root (about 150 MB of packages
# inside it) and takes about 5 minutes on 2 cores with a near mirror. Needs root, mmdebstrap
# (installed if missing) and Debian's mirror.
#
# Usage: scripts/fresh-check.sh [--keep] [ROOTDIR]
#   ROOTDIR  where the fresh root goes (default /var/tmp/chengguan-fresh; emptied first)
#   --keep   leave ROOTDIR in place afterwards (it is removed otherwise)
# Logs go to ROOTDIR.logs/. Exit 0 only if every step passed.
set -euo pipefail
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

usage() { echo "usage: $0 [--keep] [ROOTDIR]" >&2; exit 1; }
die() { echo "fresh-check: $*" >&2; exit 1; }
say() { printf '\n== fresh-check [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

keep=0 root=""
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) [ -z "$root" ] || usage; root=$arg ;;
    esac
done
root=${root:-/var/tmp/chengguan-fresh}
[ "$(id -u)" -eq 0 ] || die "run as root (it builds a chroot)"
top=$(cd "$(dirname "$0")/.." && pwd)
logs=$root.logs
plain_path=/usr/local/bin:/usr/bin:/bin # Debian's `su` PATH for root, without /usr/sbin

# --- the README's commands, exactly as written ----------------------------------
# The first ```sh block after "## Quick start": its two command lines (comments cut).
readme_block() { # HEADING: the first ```sh block after the line "## HEADING"
    sed -n "/^## $1\$/,\$p" "$top/README.md" | sed -n '/^```sh$/,/^```$/{p;/^```$/q;}' \
        | sed '/^```/d; s/[[:space:]]*#.*$//; /^[[:space:]]*$/d'
}
mapfile -t quick < <(readme_block 'Quick start')
[ "${#quick[@]}" -eq 2 ] || die "README's Quick start block should hold two commands, found: ${quick[*]}"
run_cmd=${quick[0]} check_cmd=${quick[1]}
mapfile -t examples < <(readme_block 'Connecting as a dev account')
[ "${#examples[@]}" -gt 0 ] || die "no examples found under 'Connecting as a dev account' in README.md"
echo "fresh-check: run command: $run_cmd"
echo "fresh-check: test command: $check_cmd"

command -v mmdebstrap >/dev/null 2>&1 || {
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap
} || die "cannot install mmdebstrap"

# --- the fresh root ---------------------------------------------------------------
mounted=()
unmount_all() {
    local i
    # whatever the checks left running inside the root (PostgreSQL, a server)
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
    done
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R -l "${mounted[$i]}" 2>/dev/null || true; done
    mounted=()
}
finish() {
    unmount_all
    if [ "$keep" -eq 0 ] && [ -d "$root" ]; then rm -rf --one-file-system "$root"; fi
}
trap finish EXIT

rm -rf --one-file-system "$logs"
mkdir -p "$logs"

# A new root for each user, so that each one starts from nothing installed.
make_root() { # TAG
    unmount_all
    rm -rf --one-file-system "$root"
    say "$1: mmdebstrap bookworm into $root (log: $logs/$1-mmdebstrap.log)"
    mmdebstrap --variant=apt --include=git,ca-certificates,sudo bookworm "$root" >"$logs/$1-mmdebstrap.log" 2>&1 \
        || { tail -n 20 "$logs/$1-mmdebstrap.log" >&2; die "mmdebstrap failed"; }
    local m
    for m in proc sys dev; do
        case $m in
            proc) mount -t proc proc "$root/proc" ;;
            *) mount --rbind "/$m" "$root/$m" && mount --make-rslave "$root/$m" ;;
        esac
        mounted+=("$root/$m")
    done
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    # A chroot has no init system: let package scripts skip starting services.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    chroot "$root" useradd -m -s /bin/bash dev
    echo 'dev ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/dev"
    chmod 440 "$root/etc/sudoers.d/dev"
    git clone -q --no-local "$top" "$root/root/chengguan"
    git clone -q --no-local "$top" "$root/home/dev/chengguan"
    chroot "$root" chown -R dev:dev /home/dev/chengguan
}

in_root() { # USER HOME CMD: run CMD with bash in the fresh root as USER, with the plain PATH
    chroot "$root" /usr/sbin/runuser -u "$1" -- \
        env -i HOME="$2" USER="$1" LOGNAME="$1" PATH=$plain_path TERM=dumb LANG=C.UTF-8 \
        bash -c "$3"
}
modes_of() { chroot "$root" stat -c '%a %U %n' / /root /home /home/dev /var/lib; }

# --- the two commands as USER in DIR ------------------------------------------------
failures=()
try_as() { # USER HOME DIR
    local user=$1 home=$2 dir=$3 tag=$1 pid deadline ok=0 ex out rc modes_before modes_after
    make_root "$tag"
    modes_before=$(modes_of)
    say "$tag: $run_cmd (in the background; log: $logs/$tag-run.log)"
    setsid chroot "$root" /usr/sbin/runuser -u "$user" -- \
        env -i HOME="$home" USER="$user" PATH=$plain_path TERM=dumb LANG=C.UTF-8 \
        bash -c "cd $dir && $run_cmd" >"$logs/$tag-run.log" 2>&1 &
    pid=$!
    deadline=$(($(date +%s) + 2400)) # the first run installs packages and builds
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
        if grep -q 'Starting chengguand' "$logs/$tag-run.log" \
            && in_root "$user" "$home" "cd $dir && build/chengguan --as hq whoami" >/dev/null 2>&1; then
            ok=1
            break
        fi
        sleep 3
    done
    if [ "$ok" -eq 0 ]; then
        tail -n 30 "$logs/$tag-run.log" >&2
        failures+=("$tag: the run command did not bring up a server")
    else
        echo "fresh-check: $tag: the server answers"
        for ex in "${examples[@]}"; do
            rc=0
            case "$ex" in
                *" watch"*) out=$(in_root "$user" "$home" "cd $dir && timeout 3 $ex" 2>&1) || rc=$?
                            [ "$rc" -eq 124 ] && rc=0 ;; # watch runs until stopped
                *) out=$(in_root "$user" "$home" "cd $dir && $ex" 2>&1) || rc=$? ;;
            esac
            printf '$ %s\n%s\n(exit %s)\n' "$ex" "$out" "$rc" >>"$logs/$tag-examples.log"
            if [ "$rc" -eq 0 ]; then echo "  ok: $ex"; else
                echo "  FAILED (exit $rc): $ex"
                failures+=("$tag: README example failed: $ex")
            fi
        done
    fi
    kill -INT -- "-$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
        failures+=("$tag: the server did not stop on Ctrl-C")
        kill -9 -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true

    say "$tag: $check_cmd (log: $logs/$tag-check.log)"
    if in_root "$user" "$home" "cd $dir && $check_cmd" >"$logs/$tag-check.log" 2>&1; then
        echo "fresh-check: $tag: $(grep -E 'tests passed' "$logs/$tag-check.log" | tail -n 1)"
    else
        tail -n 30 "$logs/$tag-check.log" >&2
        failures+=("$tag: the test command failed")
    fi
    # the dev cluster keeps running after the run command, as the README says
    in_root "$user" "$home" "cd $dir && scripts/dev-db.sh var/pg stop" >/dev/null 2>&1 || true
    modes_after=$(modes_of)
    if [ "$modes_before" != "$modes_after" ]; then
        failures+=("$tag: permissions outside the clone changed: $(diff <(echo "$modes_before") <(echo "$modes_after") | grep '^[<>]' | tr '\n' ' ')")
    fi
}

try_as root /root /root/chengguan
try_as dev /home/dev /home/dev/chengguan

say "result"
if [ "${#failures[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "fresh-check: passed: both commands as root and as a sudo user on a fresh Debian 12 (logs: $logs)"
