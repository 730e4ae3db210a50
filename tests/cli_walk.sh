#!/usr/bin/env bash
# Every command of the CLI, as listed by the CLI itself (--list-commands,
# CMD --list-options), meets three mistakes: an unknown option, a missing
# required option or operand (where it has one), and a bad value. Each must
# exit with status 1 before connecting, with a message naming the problem.
# And every command's --help ends with an example in Chinese.
# Usage: cli_walk.sh CHENGGUAN
set -uo pipefail
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No profile, no dev PKI, no server: nothing here may get as far as connecting.
export HOME=$tmp XDG_CONFIG_HOME=$tmp/config CHENGGUAN_PKI=$tmp/no-pki LC_ALL=C
unset CHENGGUAN_SERVER CHENGGUAN_AS CHENGGUAN_CERT CHENGGUAN_KEY CHENGGUAN_CA CHENGGUAN_PROFILE
failures=0 cases=0

# expect WHAT NEEDLE... -- ARGS: exit status 1 and every NEEDLE on stderr.
expect() {
    local what=$1 needles=()
    shift
    while [ "$1" != -- ]; do needles+=("$1"); shift; done
    shift
    cases=$((cases + 1))
    "$cli" --server 127.0.0.1:1 "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? ok=1
    [ $rc -eq 1 ] || ok=0
    for n in "${needles[@]}"; do grep -qF -- "$n" "$tmp/err" || ok=0; done
    if [ $ok -eq 0 ]; then
        failures=$((failures + 1))
        echo "FAIL ($what): chengguan $* -> exit $rc, wanted 1 naming ${needles[*]}:" >&2
        sed 's/^/    /' "$tmp/err" >&2
    fi
}

mapfile -t commands < <("$cli" --list-commands)
[ ${#commands[@]} -gt 10 ] || { echo "--list-commands listed ${#commands[@]} commands" >&2; exit 1; }
for cmd in "${commands[@]}"; do
    read -ra words <<<"$cmd"
    "$cli" "${words[@]}" --list-options >"$tmp/opts" || { echo "FAIL: $cmd --list-options" >&2; failures=$((failures + 1)); continue; }

    expect unknown "'--no-such-option'" -- "${words[@]}" --no-such-option

    # The first required operand or option is the one said to be missing.
    required=$(awk -F'\t' '$4 == 1 { print $2; exit }' "$tmp/opts")
    if [ -n "$required" ]; then
        expect missing "$required" -- "${words[@]}"
    fi

    # A bad value: a number option (or operand) given a word; otherwise the
    # global --timeout after the command.
    bad=$(awk -F'\t' '$5 == "number" { print $1 "\t" $2; exit }' "$tmp/opts")
    if [ -n "$bad" ]; then
        kind=${bad%%$'\t'*} name=${bad#*$'\t'}
        if [ "$kind" = operand ]; then
            expect bad-value "'x1'" -- "${words[@]}" x1
        else
            expect bad-value "$name" "'x1'" -- "${words[@]}" "$name" x1
        fi
    fi
    expect bad-global-value --timeout "'soon'" -- "${words[@]}" --timeout soon

    cases=$((cases + 1))
    example=$("$cli" "${words[@]}" --help | grep -A1 '^Example:' | tail -n +2)
    if [[ "$example" != "  chengguan "*"$cmd"* ]] || ! LC_ALL=C.UTF-8 grep -qP '[^\x00-\x7F]' <<<"$example"; then
        failures=$((failures + 1))
        echo "FAIL (example): chengguan $cmd --help has no example in Chinese: '$example'" >&2
    fi
done
echo "${#commands[@]} commands, $cases cases, $failures failed"
[ $failures -eq 0 ]
