#!/usr/bin/env bash
# The CLI speaks one language at a time (issue 10). Under LANG=zh_CN.UTF-8 no
# line a person reads is left in English; under LANG=C none is in Chinese.
# Read: `chengguan --help`, every group's and command's --help (the commands
# come from the CLI itself, --list-commands) and error paths that need no
# server (unknown command, option or subcommand, a missing or bad value, no
# certificate, an unknown --as account, CSV files that cannot be imported),
# and a connection refused (the library's message, strerror's part aside).
#
# English in Chinese output: a line with three or more consecutive ASCII
# words, once what is not prose is taken out: option names (--name, -h),
# placeholders in capitals (ID, YYYY-MM-DD), codes (property_company,
# compound.not_found, client.conf), text in quotes, the program's and the
# commands' names, and the example line after "示例：".
# Chinese in English output: any Han character or CJK punctuation outside the
# example line and outside double quotes ("物业管理": a value one types).
# Usage: cli_language.sh CHENGGUAN
set -uo pipefail
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No profile, no server: only the run with a certificate gets as far as
# connecting, to a port nobody listens on.
export HOME=$tmp XDG_CONFIG_HOME=$tmp/config CHENGGUAN_PKI=$tmp/pki
unset LANGUAGE LC_ALL LC_MESSAGES CHENGGUAN_SERVER CHENGGUAN_AS CHENGGUAN_CERT CHENGGUAN_KEY \
    CHENGGUAN_CA CHENGGUAN_PROFILE
mkdir -p "$tmp/pki/clients"
touch "$tmp/pki/clients/dawa.crt"
printf 'name,district,households\n惠宾家园,兴隆台区,many\n' >"$tmp/bad.csv"
printf 'name,"district\n' >"$tmp/broken.csv"
printf 'id,colour\n1,red\n' >"$tmp/unknown.csv"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=t \
    -keyout "$tmp/t.key" -out "$tmp/t.crt" 2>/dev/null

mapfile -t commands < <(LC_ALL=C "$cli" --list-commands)
[ ${#commands[@]} -gt 10 ] || { echo "--list-commands listed ${#commands[@]} commands" >&2; exit 1; }
mapfile -t groups < <(printf '%s\n' "${commands[@]}" | awk 'NF > 1 { print $1 }' | sort -u)

# The runs: one per line of $tmp/runs, the arguments separated by tabs.
{
    printf '%s\n' --help nosuch
    printf 'compound\tnosuch\n'
    printf 'compound\n'
    for g in "${groups[@]}"; do printf '%s\t--help\n' "$g"; done
    for c in "${commands[@]}"; do
        printf '%s\t--help\n' "${c// /$'\t'}"
        printf '%s\t--no-such-option\n' "${c// /$'\t'}"
    done
    printf 'whoami\n'
    printf -- '--as\tnobody\twhoami\n'
    printf -- '--timeout\tsoon\twhoami\n'
    printf 'compound\tadd\n'
    printf 'compound\tadd\t--name\n'
    printf 'compound\tadd\t--name\tx\t--district\tx\t--households\tmany\n'
    printf 'compound\tshow\tx1\n'
    printf 'compound\timport\n'
    printf 'compound\timport\ta\tb\n'
    printf 'compound\timport\t%s\n' "$tmp/none.csv" "$tmp/bad.csv" "$tmp/broken.csv" \
        "$tmp/unknown.csv"
    printf 'compound\texport\t--format\txml\n'
    printf 'compound\tdemo\t1\tmaybe\n'
    printf 'patrol\tlist\t--week\tnext\n'
    printf 'report\tlist\t--since\tyesterday\n'
    printf 'ping\t--count\t0\n'
    printf 'config\tinit\t--as\tnobody\n'
    printf -- '--cert\t%s\t--key\t%s\t--ca\t%s\twhoami\n' "$tmp/t.crt" "$tmp/t.key" "$tmp/t.crt"
} >"$tmp/runs"

# run LANG: every run under LANG, its standard output and error into
# $tmp/LANG.out, each run headed by "### ARGS".
run() {
    local lang=$1 args
    : >"$tmp/$lang.out"
    while IFS= read -r line; do
        IFS=$'\t' read -ra args <<<"$line"
        echo "### chengguan ${args[*]}" >>"$tmp/$lang.out"
        LANG=$lang "$cli" --server 127.0.0.1:1 "${args[@]}" >>"$tmp/$lang.out" 2>&1 </dev/null
    done <"$tmp/runs"
}
run zh_CN.UTF-8
run C

printf '%s\n' "${commands[@]}" >"$tmp/commands"
export CG_COMMANDS=$tmp/commands
# check MODE FILE: the offending lines, each after the run it came from.
check() {
    LC_ALL=C.UTF-8 perl -CSD -Mutf8 -e '
        my $mode = shift;
        open my $f, "<:encoding(UTF-8)", $ENV{CG_COMMANDS} or die;
        my @names = sort { length $b <=> length $a } map { chomp; $_ } <$f>;
        my ($run, $example, $bad) = ("", 0, 0);
        while (my $l = <>) {
            chomp $l;
            if ($l =~ /^### (.*)/) { $run = $1; $example = 0; next; }
            if ($example) { $example = 0; next if $l =~ /^  chengguan /; }
            if ($l =~ /^(?:示例：|Example:)$/) { $example = 1; next; }
            my $s = $l;
            if ($mode eq "zh") {
                $s =~ s/(?:\x27[^\x27]*\x27|"[^"]*"|“[^”]*”)/ /g;     # quoted
                $s =~ s/\b\Q$_\E\b/ /g for @names;                      # commands
                $s =~ s/\bchengguand?\b/ /g;
                $s =~ s/(?<![\w-])--?[A-Za-z][\w-]*/ /g;                # options
                $s =~ s/\S*[\w\$][_.\/\$]\w\S*/ /g;                     # codes, files
                $s =~ s/\b[A-Z][A-Z0-9]*(?:[-:_][A-Z0-9]+)*\b/ /g;      # placeholders
                next unless $s =~ /[A-Za-z]+(?:[ ,;\x27]+[A-Za-z]+){2,}/;
            } else {
                $s =~ s/"[^"]*"/ /g;
                next unless $s =~ /[\p{Han}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}]/;
            }
            print "$run\n    $l\n";
            $bad++;
        }
        exit($bad ? 1 : 0);' "$1" "$2"
}

failures=0
if ! check zh "$tmp/zh_CN.UTF-8.out" >"$tmp/zh.bad"; then
    echo "English left under LANG=zh_CN.UTF-8 ($(grep -c '^    ' "$tmp/zh.bad") lines):" >&2
    cat "$tmp/zh.bad" >&2
    failures=$((failures + 1))
fi
if ! check C "$tmp/C.out" >"$tmp/c.bad"; then
    echo "Chinese under LANG=C ($(grep -c '^    ' "$tmp/c.bad") lines):" >&2
    cat "$tmp/c.bad" >&2
    failures=$((failures + 1))
fi
# The check sees something: the Chinese run is Chinese, the C run English.
grep -q '用法' "$tmp/zh_CN.UTF-8.out" || { echo "no Chinese under zh_CN.UTF-8" >&2; failures=$((failures + 1)); }
grep -q 'Usage' "$tmp/C.out" || { echo "no English under C" >&2; failures=$((failures + 1)); }
echo "$(wc -l <"$tmp/runs") runs under each locale, $failures failed"
[ $failures -eq 0 ]
