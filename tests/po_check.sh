#!/usr/bin/env bash
# Every message the CLI marks for translation (_() and N_()) has a Chinese
# translation in po/zh_CN.po, none is fuzzy, and the catalogue compiles.
# Usage: po_check.sh SOURCE_DIR
set -euo pipefail
top=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --no-location \
    -o "$tmp/current.pot" "$top"/client/cli/*.c
msgfmt --check -o /dev/null "$top/po/zh_CN.po"
# msgcmp: every msgid of the sources has an entry in the catalogue.
msgcmp --use-untranslated "$top/po/zh_CN.po" "$tmp/current.pot" || {
    echo "po/zh_CN.po lacks messages of the sources: cmake --build build --target po-update" >&2
    exit 1
}
untranslated=$(msgattrib --untranslated --no-obsolete "$top/po/zh_CN.po" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$top/po/zh_CN.po" | grep -c '^msgid ' || true)
# msgattrib prints the header entry too when it prints anything
[ "$untranslated" -le 1 ] && [ "$fuzzy" -le 1 ] || {
    echo "po/zh_CN.po: untranslated or fuzzy messages:" >&2
    msgattrib --untranslated --no-obsolete "$top/po/zh_CN.po" >&2
    msgattrib --only-fuzzy --no-obsolete "$top/po/zh_CN.po" >&2
    exit 1
}
echo "po/zh_CN.po: $(msgfmt --statistics -o /dev/null "$top/po/zh_CN.po" 2>&1)"
