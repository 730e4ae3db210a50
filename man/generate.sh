#!/bin/sh
# generate.sh — the parts of the man pages and of the sample configuration
# that must say what the code says, made at build time from their sources:
#
#   generate.sh settings-roff DOC IN OUT     chengguand.conf(5): IN with its
#       line "@SETTINGS@" replaced by the settings table of DOC
#       (docs/operations.md, which a test keeps equal to server/config.c)
#   generate.sh settings-ini DOC IN OUT NAME=VALUE...   the sample config: IN
#       with "@SETTINGS@" replaced by every setting, commented, at its
#       default; the NAMEs given are set to VALUE instead
#   generate.sh help PROGRAM IN OUT          IN with "@OPTIONS@" and
#       "@COMMANDS@" replaced by the options and commands PROGRAM --help
#       prints under LANG=C
set -eu

# Markdown inline text to roff: `code` bold, *emphasis* italic, a link to
# its text ("see [X](#x)", a section of docs/operations.md, to
# "docs/operations.md, X"; [f.md](f.md#y) to docs/f.md); plain() the same
# as text (awk functions, prepended to the awk programs below).
# shellcheck disable=SC2016
md_roff='
function links(s,   i, text, target) {
    while (match(s, /\[[^]]*\]\([^)]*\)/)) {
        i = index(substr(s, RSTART), "](")
        text = substr(s, RSTART + 1, i - 2)
        target = substr(s, RSTART + i + 1, RLENGTH - i - 2)
        if (target ~ /^#/) text = "docs/operations.md, " text
        else if (text ~ /\.md$/) text = "docs/" text
        s = substr(s, 1, RSTART - 1) text substr(s, RSTART + RLENGTH)
    }
    gsub(/\(see docs\//, "(docs/", s)
    return s
}
function roff(s,   out, code) {
    gsub(/\\/, "\\e", s)
    s = links(s)
    out = ""
    while (match(s, /`[^`]*`|\*[^* ][^*]*\*/)) {
        code = substr(s, RSTART + 1, RLENGTH - 2)
        gsub(/-/, "\\-", code)
        out = out substr(s, 1, RSTART - 1) (substr(s, RSTART, 1) == "`" ? "\\fB" : "\\fI") code "\\fR"
        s = substr(s, RSTART + RLENGTH)
    }
    return out s
}
function plain(s,   out) {
    s = links(s)
    out = ""
    while (match(s, /`[^`]*`|\*[^* ][^*]*\*/)) {
        out = out substr(s, 1, RSTART - 1) substr(s, RSTART + 1, RLENGTH - 2)
        s = substr(s, RSTART + RLENGTH)
    }
    return out s
}
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
'

# The rows of the settings table: name, default, range, meaning (tab-separated).
rows() {
    awk '
    /^\| setting \| default \|/ { table = 1; next }
    table && /^\| ---/ { next }
    table && !/^\|/ { exit }
    table {
        line = substr($0, 2, length($0) - 2)
        n = split(line, f, " \\| ")
        meaning = f[4]
        for (k = 5; k <= n; k++) meaning = meaning " | " f[k]
        name = f[1]; gsub(/[` ]/, "", name)
        printf "%s\t%s\t%s\t%s\n", name, f[2], f[3], meaning
    }' "$1"
}

# Replaces the line "@KEY@" of IN with the file BODY.
fill() { # IN OUT KEY BODY
    awk -v key="@$3@" -v body="$4" '
    $0 == key { while ((getline l < body) > 0) print l; next }
    { print }' "$1" >"$2.tmp"
    mv "$2.tmp" "$2"
}

mode=$1
shift
case $mode in
settings-roff)
    doc=$1 in=$2 out=$3
    rows "$doc" | awk -F '\t' "$md_roff"'
    {
        printf ".TP\n.B %s\n", $1
        printf "Default: %s. Values: %s.\n", roff(trim($2)), roff(trim($3))
        printf ".br\n%s\n", roff(trim($4))
    }' >"$out.body"
    fill "$in" "$out" SETTINGS "$out.body"
    rm -f "$out.body"
    ;;
settings-ini)
    doc=$1 in=$2 out=$3
    shift 3
    sets=$*
    rows "$doc" | awk -F '\t' -v sets="$sets" "$md_roff"'
    BEGIN { n = split(sets, a, " "); for (k = 1; k <= n; k++) { i = index(a[k], "="); v[substr(a[k], 1, i - 1)] = substr(a[k], i + 1) } }
    {
        d = plain(trim($2))
        if (d ~ /required/) { d = ""; text = plain(trim($4)) " [required; " plain(trim($3)) "]" }
        else {
            if (d ~ /^""/) d = ""
            text = plain(trim($4)) " [default " (d == "" ? "empty" : d) "; " plain(trim($3)) "]"
        }
        # wrapped at 76 columns, each line a comment
        line = ";"
        m = split(text, w, " ")
        for (k = 1; k <= m; k++) {
            if (length(line) + 1 + length(w[k]) > 76 && line != ";") { print line; line = ";" }
            line = line " " w[k]
        }
        print line
        if ($1 in v) printf "%s = %s\n\n", $1, v[$1]
        else printf ";%s = %s\n\n", $1, d
    }' >"$out.body"
    fill "$in" "$out" SETTINGS "$out.body"
    rm -f "$out.body"
    ;;
help)
    prog=$1 in=$2 out=$3
    LANG=C LC_ALL=C "$prog" --help >"$out.help"
    # Options: "  -x, --long ARG   text" lines and their indented continuations,
    # up to the first blank line after them.
    awk '
    match($0, /^ +-/) && RLENGTH <= 9 {
        if (opt != "") flush()
        if (col == 0 && match($0, /[^ ]  +[^ ]/)) col = RSTART + RLENGTH - 1
        opt = substr($0, 1, col - 1); sub(/^ +/, "", opt); sub(/ +$/, "", opt)
        text = substr($0, col)
        next
    }
    opt != "" && /^       +[^ ]/ { t = $0; sub(/^ +/, "", t); text = text " " t; next }
    opt != "" { flush(); opt = "" }
    function flush(   o) {
        o = opt; gsub(/-/, "\\-", o)
        printf ".TP\n.B %s\n%s\n", o, text
    }
    END { if (opt != "") flush() }' "$out.help" | sed 's/^\([.'"'"']\)\([^TB]\)/\\\&\1\2/' >"$out.options"
    awk '
    /^Commands:/ { on = 1; next }
    on && /^$/ { exit }
    on {
        s = substr($0, 3)
        match(s, /  +/)
        printf ".TP\n.B %s\n%s\n", substr(s, 1, RSTART - 1), substr(s, RSTART + RLENGTH)
    }' "$out.help" >"$out.commands"
    fill "$in" "$out" OPTIONS "$out.options"
    fill "$out" "$out" COMMANDS "$out.commands"
    rm -f "$out.help" "$out.options" "$out.commands"
    ;;
*)
    echo "usage: $0 settings-roff|settings-ini|help ..." >&2
    exit 1
    ;;
esac
