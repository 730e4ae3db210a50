#!/usr/bin/env bash
# The bash completion of the build tree (BUILD/chengguan.bash) sourced into
# bash: commands, subcommands, a command's options, global options after the
# command, unit codes, category values and --as accounts.
# Usage: completion.sh BUILD_DIR
set -uo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pki/clients"
touch "$tmp/pki/clients/dawa.crt" "$tmp/pki/clients/hq.crt"
export CHENGGUAN_PKI=$tmp/pki LC_ALL=C
# shellcheck source=/dev/null
source "$build/chengguan.bash"
failures=0

# expect "LINE TO COMPLETE" WANTED...: the completions of the last word of
# LINE (empty after a trailing space) are exactly the WANTED ones.
expect() {
    local line=$1
    shift
    read -ra COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_WORDS[0]=$build/chengguan
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line COMP_POINT=${#line}
    _chengguan
    local got want
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    if [ "$got" != "$want" ]; then
        echo "FAIL: '$line' completes to '$got', wanted '$want'" >&2
        failures=$((failures + 1))
    fi
}

expect "chengguan comp" compound
expect "chengguan who" whoami
expect "chengguan compound e" enter export
expect "chengguan --json compound sh" show
expect "chengguan --as dawa report a" ack
expect "chengguan compound list --un" --unit
expect "chengguan compound list --unit " hq supervision business legal office detachment \
    xinglongtai shuangtaizi dawa liaodongwan panshan
expect "chengguan officer list --unit da" dawa
expect "chengguan compound list --district 兴" 兴隆台区
expect "chengguan compound export --headings " en zh
expect "chengguan patrol list --js" --json
expect "chengguan patrol list --pro" --profile
expect "chengguan --ti" --timeout
expect "chengguan --as " dawa hq
expect "chengguan whoami --as h" hq
expect "chengguan --server 127.0.0.1:7443 pi" ping
expect "chengguan compound add --name 惠宾家园 --house" --households
# Numbers, code names and the Chinese names of the reference data.
expect "chengguan report submit --category gar" garbage
expect "chengguan report submit --category 垃圾" 垃圾倾倒堆放
expect "chengguan report submit --category load" load_bearing_alteration
categories=$(sed -n 's/^_chengguan_categories="\(.*\)"$/\1/p' "$build/chengguan.bash")
read -ra cats <<<"$categories"
expect "chengguan report submit --category " "${cats[@]}"
expect "chengguan report submit --category 1" $(printf '%s\n' "${cats[@]}" | grep '^1')
echo "completion: $failures failed"
[ $failures -eq 0 ]
