#!/usr/bin/env bash
# The .deb packages as an operator gets them: `cpack -G DEB` in the build
# tree, the three packages installed into a scratch root with dpkg (their
# maintainer scripts run chroot-less, DPKG_ROOT set), and then from that
# root: the files where Debian puts them, `chengguan --version`,
# `chengguand --check-config` refusing the sample config until the
# certificates exist and accepting it then, `chengguand --migrate` as the
# install steps write it (into a database of the env fixture's cluster) and
# its dump restored as "Backups" says,
# the system user, the man pages
# rendering cleanly, the systemd unit, and a program built with CMake's
# find_package(chengguan) against the installed -dev package.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SCRATCH_DIR" >&2; exit 1; }
build=$(cd "$1" && pwd) dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${CG_TEST_ENV:?the test environment (ctest fixture env.setup)}"
PATH=$PATH:/usr/sbin:/sbin
rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root/var/lib/dpkg/info" "$dir/root/var/lib/dpkg/updates" "$dir/root/etc"
dir=$(cd "$dir" && pwd)
root=$dir/root
fail() { echo "package.sh: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$dir/debs" >"$dir/cpack.log" 2>&1) || { cat "$dir/cpack.log"; fail "cpack failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
for p in chengguand chengguan libchengguan-dev; do
    [ -f "$dir/debs/${p}_${version}_$arch.deb" ] || fail "no package $p (have: $(ls "$dir/debs"))"
done

# A root that has nothing but what the packages bring (and an /etc/passwd
# and /etc/group for the postinst's user).
touch "$root/var/lib/dpkg/status"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
# As root, dpkg installs them and runs their maintainer scripts; as another
# user (./make check with sudo) the scripts cannot make a user or change a
# group, so the packages are only unpacked and the scripts' checks skipped.
as_root=0
[ "$(id -u)" -ne 0 ] || as_root=1
install_debs() { # LOG [dpkg options]
    local log=$1
    shift
    if [ "$as_root" -eq 1 ]; then
        dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null "$@" \
            -i "$dir"/debs/*.deb >"$log" 2>&1 || { cat "$log"; fail "dpkg -i failed"; }
    else
        for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
    fi
}
install_debs "$dir/dpkg.log"

# Where the files are.
libdir=$(dirname "$(find "$root/usr/lib" -name 'libchengguan.so.0' | head -n 1)")
for f in usr/sbin/chengguand usr/bin/chengguan \
    etc/chengguan/chengguand.conf usr/lib/systemd/system/chengguand.service \
    usr/lib/sysusers.d/chengguand.conf \
    usr/share/man/man8/chengguand.8.gz usr/share/man/man5/chengguand.conf.5.gz \
    usr/share/man/man1/chengguan.1.gz \
    usr/include/chengguan/client.h usr/include/chengguan/async.h \
    usr/include/chengguan/v1/envelope.pb-c.h "${libdir#"$root"/}/libchengguan.so" \
    "${libdir#"$root"/}/libchengguan-proto.a" "${libdir#"$root"/}/pkgconfig/libchengguan.pc" \
    "${libdir#"$root"/}/cmake/chengguan/chengguanConfig.cmake" \
    usr/share/locale/zh_CN/LC_MESSAGES/chengguan.mo \
    usr/share/doc/chengguand/copyright usr/share/doc/chengguan/copyright \
    usr/share/doc/libchengguan-dev/copyright; do
    [ -e "$root/$f" ] || fail "/$f is not installed"
done
dpkg-deb -e "$dir/debs/chengguand_${version}_$arch.deb" "$dir/control"
grep -qx /etc/chengguan/chengguand.conf "$dir/control/conffiles" ||
    fail "/etc/chengguan/chengguand.conf is not a conffile"
soname=$(objdump -p "$libdir/libchengguan.so.0" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libchengguan.so.0 ] || fail "SONAME is '$soname'"

# The postinst: the system user and the certificate directory; an upgrade
# (the same packages again: the postinst sees the old version) keeps the
# user and the edited config, and says what to do.
if [ "$as_root" -eq 1 ]; then
    grep -q '^chengguand:' "$root/etc/passwd" || fail "postinst made no chengguand user"
    gid=$(awk -F: '$1 == "chengguand" { print $4 }' "$root/etc/passwd")
    [ "$(stat -c %g:%a "$root/etc/chengguan/tls")" = "$gid:750" ] ||
        fail "/etc/chengguan/tls is $(stat -c %g:%a "$root/etc/chengguan/tls"), not $gid:750"
    echo '; edited by the operator' >>"$root/etc/chengguan/chengguand.conf"
    install_debs "$dir/dpkg-upgrade.log" --force-confold
    grep -q -- '--migrate' "$dir/dpkg-upgrade.log" || fail "the upgrade does not say to run --migrate"
    grep -q '^; edited by the operator$' "$root/etc/chengguan/chengguand.conf" ||
        fail "the upgrade replaced the edited config"
    [ "$(grep -c '^chengguand:' "$root/etc/passwd")" -eq 1 ] || fail "the upgrade made the user again"
else
    echo "package.sh: not root: packages unpacked, maintainer scripts not run"
fi

# The programs, from the scratch root.
export LD_LIBRARY_PATH=$libdir
out=$(LANG=C "$root/usr/bin/chengguan" --version)
[ "$out" = "chengguan $version" ] || fail "chengguan --version: '$out'"
# The CLI finds its Chinese catalogue in the prefix it was installed to.
out=$(LANG=zh_CN.UTF-8 "$root/usr/bin/chengguan" --help)
grep -q '命令' <<<"$out" || fail "chengguan --help under zh_CN is not in Chinese"

conf=$root/etc/chengguan/chengguand.conf
rc=0
msg=$("$root/usr/sbin/chengguand" --config "$conf" --check-config 2>&1) || rc=$?
[ "$rc" -eq 1 ] || fail "--check-config without certificates: status $rc ($msg)"
grep -q 'server.crt' <<<"$msg" || fail "--check-config does not name the missing file: $msg"

# Certificates as docs/operations.md says to make them, then the same config.
tls=$dir/tls
mkdir -p "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=test-ca \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=chengguan.test \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -days 2 \
    -extfile <(printf 'subjectAltName=DNS:chengguan.test\nextendedKeyUsage=serverAuth\n') \
    -out "$tls/server.crt" 2>/dev/null
out=$(CHENGGUAN_TLS_CERT=$tls/server.crt CHENGGUAN_TLS_KEY=$tls/server.key CHENGGUAN_TLS_CA=$tls/ca.crt \
    "$root/usr/sbin/chengguand" --config "$conf" --check-config 2>&1) ||
    fail "--check-config with certificates: $out"
[ "$out" = "configuration is valid (listen 0.0.0.0:7443)" ] || fail "--check-config said: $out"
# Install step 4 of docs/operations.md as written: the migrations as the
# database's owner with nothing but CHENGGUAN_DATABASE (no config file, no
# TLS setting), into a database of the test cluster (the env fixture).
"$top/scripts/dev-db.sh" "$CG_TEST_ENV/pg" psql -q -c 'DROP DATABASE IF EXISTS package_migrate' >/dev/null
db=$("$top/scripts/dev-db.sh" "$CG_TEST_ENV/pg" createdb package_migrate)
out=$(env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$libdir" CHENGGUAN_DATABASE="$db" \
    "$root/usr/sbin/chengguand" --migrate 2>&1) || fail "the documented --migrate failed: $out"
grep -q 'event=migrate_done' <<<"$out" || fail "--migrate did not say it was done: $out"
# And its backup restored as "Backups" says, into an empty database made as
# postgres makes it.
pg_dump --format=custom --file="$dir/backup.dump" "$db"
"$top/scripts/dev-db.sh" "$CG_TEST_ENV/pg" psql -q -c 'DROP DATABASE IF EXISTS package_restore' \
    -c 'CREATE DATABASE package_restore' >/dev/null
out=$(pg_restore --dbname="${db/dbname=package_migrate/dbname=package_restore}" --exit-on-error \
    --single-transaction "$dir/backup.dump" 2>&1) || fail "the documented restore failed: $out"
n=$(psql -X -At -d "${db/dbname=package_migrate/dbname=package_restore}" -c 'SELECT count(*) FROM schema_migrations')
[ "$n" -gt 0 ] || fail "the restored database has no migrations"
# The sample has no markdown in it, and every setting it has commented out
# at its default, uncommented, is accepted as it stands.
md=$(grep -nE '(^|[ (])\*[^* ][^*]*\*|\]\(|\(see [A-Z]' "$conf" || true)
[ -z "$md" ] || fail "the sample config has markdown: $md"
sed -E 's/^;([a-z_]+ = )/\1/' "$conf" >"$dir/defaults.conf"
[ "$(grep -cE '^;[a-z_]+ = ' "$conf")" -gt 30 ] || fail "the sample config has no commented defaults"
out=$(CHENGGUAN_TLS_CERT=$tls/server.crt CHENGGUAN_TLS_KEY=$tls/server.key CHENGGUAN_TLS_CA=$tls/ca.crt \
    "$root/usr/sbin/chengguand" --config "$dir/defaults.conf" --check-config 2>&1) ||
    fail "the sample's defaults, uncommented, fail --check-config: $out"
# A key that is not the certificate's is caught too.
rc=0
CHENGGUAN_TLS_CERT=$tls/server.crt CHENGGUAN_TLS_KEY=$tls/ca.key CHENGGUAN_TLS_CA=$tls/ca.crt \
    "$root/usr/sbin/chengguand" --config "$conf" --check-config >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "--check-config accepted a key that does not match the certificate"

# Man pages: groff finds nothing to warn about.
for m in man8/chengguand.8 man5/chengguand.conf.5 man1/chengguan.1; do
    warn=$(zcat "$root/usr/share/man/$m.gz" | groff -k -man -Tutf8 -ww -z 2>&1) || true
    [ -z "$warn" ] || fail "$m: $warn"
    # No markdown left: emphasis, links, "(see Section)" without the page it is in.
    md=$(zcat "$root/usr/share/man/$m.gz" | grep -nE '(^|[ (])\*[^* ][^*]*\*|\]\(|\(see [A-Z]' || true)
    [ -z "$md" ] || fail "$m has markdown: $md"
done
zcat "$root/usr/share/man/man5/chengguand.conf.5.gz" | grep -q '^\.B max_request_rate$' ||
    fail "chengguand.conf(5) lacks the settings"
zcat "$root/usr/share/man/man1/chengguan.1.gz" | grep -q '^\.B compound list$' ||
    fail "chengguan(1) lacks the commands"
# Every exit status of the CLI (client/cli/cli.h) is in chengguan(1) and in
# --help; the CLI's environment variables are in chengguan(1).
help=$(LANG=C "$root/usr/bin/chengguan" --help)
man1=$(zcat "$root/usr/share/man/man1/chengguan.1.gz")
for code in $(sed -nE 's/^ *CG_EXIT_[A-Z]+ = ([0-9]+).*/\1/p' "$top/client/cli/cli.h"); do
    awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 } on' <<<"$man1" | grep -qx "\.B $code" ||
        fail "chengguan(1) does not list exit status $code"
    grep -qE "(^|[ ,:])$code [a-z]" <<<"$(sed -n '/^Exit status:/,$p' <<<"$help")" ||
        fail "chengguan --help does not list exit status $code"
done
for var in $(grep -ohE '"(CHENGGUAN_[A-Z]+|XDG_[A-Z_]+)"' "$top"/client/cli/*.c | tr -d '"' | sort -u); do
    grep -qw "$var" <<<"$man1" || fail "chengguan(1) does not mention $var"
done

# The unit: sandboxed, and systemd-analyze finds nothing wrong with it.
unit=$root/usr/lib/systemd/system/chengguand.service
for opt in ProtectSystem=strict PrivateTmp=yes NoNewPrivileges=yes User=chengguand; do
    grep -qx "$opt" "$unit" || fail "the unit lacks $opt"
done
if command -v systemd-analyze >/dev/null 2>&1; then
    sed "s|/usr/sbin/chengguand|$root/usr/sbin/chengguand|g" "$unit" >"$dir/chengguand.service"
    out=$(systemd-analyze verify --man=no "$dir/chengguand.service" 2>&1) || fail "systemd-analyze verify: $out"
fi

# find_package(chengguan) from the -dev package: a program with a message of
# its own (chengguan::proto) and the library's version.
mkdir -p "$dir/consumer"
cat >"$dir/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(consumer C)
find_package(chengguan 0.1 REQUIRED)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE chengguan::chengguan)
CMAKE
cat >"$dir/consumer/consumer.c" <<'C'
#include <chengguan/client.h>
#include <stdio.h>

int main(void)
{
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    ping.payload.len = 3;
    ping.payload.data = (uint8_t *)"abc";
    printf("%s %zu\n", cg_version(), protobuf_c_message_get_packed_size(&ping.base));
    return 0;
}
C
if ! { cmake -S "$dir/consumer" -B "$dir/consumer/build" -DCMAKE_PREFIX_PATH="$root/usr" \
    -DCMAKE_BUILD_TYPE=Release && cmake --build "$dir/consumer/build"; } >"$dir/consumer.log" 2>&1; then
    cat "$dir/consumer.log"
    fail "the find_package consumer did not build"
fi
out=$("$dir/consumer/build/consumer")
[ "$out" = "$version 5" ] || fail "consumer printed '$out'"
echo "package.sh: 3 packages of $version installed into a scratch root and checked"
