#!/usr/bin/env bash
# The small CA of docs/operations.md ("Issuing a unit's certificate",
# "Revoking a certificate") run as written, in a scratch directory standing
# for /srv/ca: its ca.cnf and its shell blocks, in order. The client
# certificate it issues must verify against the CA and the first CRL, and
# be refused as revoked once the second CRL is out.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR SCRATCH_DIR" >&2; exit 1; }
doc=$1/docs/operations.md dir=$2
fail() { echo "ca_recipe.sh: $*" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The section's fenced blocks of one language (ini or sh), each ending with
# a line "#--end--".
blocks() {
    awk -v lang="$1" '
    /^### Issuing a unit.s certificate/ { on = 1 }
    on && /^## / && !/^### / { exit }
    on && $0 == "```" lang { inside = 1; next }
    inside && /^```/ { inside = 0; print "#--end--"; next }
    inside { print }' "$doc" | sed "s|/srv/ca|$dir|g"
}
blocks ini | sed '/^#--end--$/d' >"$dir/ca.cnf"
grep -q '^\[bureau\]' "$dir/ca.cnf" || fail "no ca.cnf found in $doc"
# The shell blocks: 1 makes the CA, 2 issues dawa-ws1, 3 revokes it.
blocks sh | awk -v d="$dir" '/^#--end--$/ { n++; next } { print > (d "/block" (n + 1) ".sh") }'
for n in 1 2 3; do [ -s "$dir/block$n.sh" ] || fail "shell block $n is missing"; done
# <SERIAL> is the certificate's serial, as index.txt records it.
sed -i 's|<SERIAL>|$(awk -F"\\t" "NR == 1 { print \\$4 }" index.txt)|g' "$dir/block3.sh"

run() { # BLOCK: runs it in the CA's directory, prints its output
    (cd "$dir" && bash -euo pipefail "$dir/$1.sh" 2>&1) || {
        cat "$dir/$1.sh" >&2
        fail "$1 failed"
    }
}
run block1 >"$dir/block1.log"
out=$(run block2)
want=$(sed -n 's/^# subject=/subject=/p' "$dir/block2.sh")
grep -qxF "$want" <<<"$out" || fail "the issued subject is not '$want': $out"

cd "$dir"
cat ca.crt ca.crl >chain.pem
openssl verify -crl_check -purpose sslclient -CAfile chain.pem dawa-ws1.crt >/dev/null 2>&1 ||
    fail "the issued certificate does not verify: $(openssl verify -crl_check -purpose sslclient -CAfile chain.pem dawa-ws1.crt 2>&1)"
run block3 >"$dir/block3.log"
cat ca.crt ca.crl >chain.pem
out=$(openssl verify -crl_check -CAfile chain.pem dawa-ws1.crt 2>&1) && fail "the revoked certificate still verifies"
grep -q 'certificate revoked' <<<"$out" || fail "verify after revoking: $out"
echo "ca_recipe.sh: CA made, dawa-ws1 issued, verified, revoked and refused"
