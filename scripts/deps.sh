#!/usr/bin/env bash
# deps.sh — install chengguan's build and run dependencies on Debian 12.
#
# Checks each package with dpkg-query and only calls apt-get (update + install)
# when something is missing. Quiet when everything is present. Uses sudo when
# not run as root. Usage: scripts/deps.sh [-v]
set -euo pipefail
# dpkg needs /usr/sbin (ldconfig, start-stop-daemon), which Debian's plain `su`
# leaves off root's PATH.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

PACKAGES=(
    build-essential cmake pkg-config
    libuv1-dev libprotobuf-c-dev protobuf-c-compiler
    libpq-dev libssl-dev openssl libinih-dev libjansson-dev libcmocka-dev
    postgresql-15
    clang libclang-rt-14-dev
    # the ABI check of libchengguan (scripts/abi.sh: abidw, abidiff); the package
    # test (cpack -G DEB: dpkg-shlibdeps, and file, which CPackDeb requires)
    abigail-tools dpkg-dev file groff-base
    gettext libunistring-dev locales
    # test_bulletin renders the bulletin's HTML page (with Chinese) in headless Chromium
    chromium fonts-noto-cjk
    # examples/python, the client in another language, and its test
    python3 python3-protobuf protobuf-compiler
    # test_metrics reads the Prometheus endpoint with Prometheus's own parser
    python3-prometheus-client
    # test_haproxy runs two servers behind it (TCP mode)
    haproxy
)
# The CLI speaks Chinese under this locale; the tests run it under it too.
LOCALE=zh_CN.UTF-8

verbose=0
case "${1:-}" in
    "") ;;
    -v|--verbose) verbose=1 ;;
    *) echo "usage: $0 [-v]" >&2; exit 1 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: dpkg-query not found; this script supports Debian/Ubuntu only" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$pkg")
    fi
done

have_locale() { locale -a 2>/dev/null | grep -qiE '^zh_CN\.utf-?8$'; }

if [ "${#missing[@]}" -eq 0 ] && have_locale; then
    [ "$verbose" -eq 1 ] && echo "deps.sh: all ${#PACKAGES[@]} packages and the $LOCALE locale present"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "deps.sh: missing packages (${missing[*]:-none}) or the $LOCALE locale, not root, and sudo is not available" >&2
        exit 1
    fi
    SUDO=(sudo)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    echo "deps.sh: installing: ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! have_locale; then
    # Listed in /etc/locale.gen, so that a later locale-gen keeps it.
    echo "deps.sh: generating the $LOCALE locale (locale-gen)"
    if grep -qE "^# *$LOCALE UTF-8" /etc/locale.gen; then
        "${SUDO[@]}" sed -i "s/^# *$LOCALE UTF-8/$LOCALE UTF-8/" /etc/locale.gen
    elif ! grep -qE "^$LOCALE UTF-8" /etc/locale.gen; then
        echo "$LOCALE UTF-8" | "${SUDO[@]}" tee -a /etc/locale.gen >/dev/null
    fi
    "${SUDO[@]}" locale-gen
    have_locale || { echo "deps.sh: locale-gen did not make $LOCALE" >&2; exit 1; }
fi
echo "deps.sh: done"
