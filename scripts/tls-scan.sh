#!/usr/bin/env bash
# tls-scan.sh — scans a running chengguand with testssl.sh (Debian package
# testssl.sh, command `testssl`), trusting the dev CA, and fails when it
# reports anything of severity MEDIUM or above. Slow (a few minutes): run by
# hand, not in CI; tests/integration/test_tls_policy.c checks the same policy
# quickly with openssl s_client.
#
#   scripts/tls-scan.sh [HOST:PORT] [CAFILE]
#     HOST:PORT  default 127.0.0.1:7443 (what `./make run` listens on)
#     CAFILE     default var/pki/ca.crt (the dev CA of `./make run`)
# Writes the full report to var/tls-scan/ (TLS_SCAN_OUT overrides) and prints
# the findings of LOW and above. testssl.sh 3.0 cannot present a client
# certificate: it sees everything up to the server's CertificateRequest
# (protocols, suites, their order, the server certificate, renegotiation),
# which is all of the server's TLS policy.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-127.0.0.1:7443}
ca=${2:-$top/var/pki/ca.crt}
out=${TLS_SCAN_OUT:-$top/var/tls-scan}
die() { echo "tls-scan.sh: $*" >&2; exit 2; }

command -v testssl >/dev/null 2>&1 || die "testssl not found: apt-get install testssl.sh"
command -v jq >/dev/null 2>&1 || die "jq not found: apt-get install jq"
[ -s "$ca" ] || die "no CA file $ca (run ./make run first, or give CAFILE)"
mkdir -p "$out"
json=$out/testssl.json log=$out/testssl.log
rm -f "$json" "$log"

# --warnings off: no questions; --ip one: the address given, not a DNS lookup
testssl --quiet --color 0 --warnings off --add-ca "$ca" --jsonfile "$json" --logfile "$log" \
    "$target" >/dev/null || true
[ -s "$json" ] || die "testssl wrote no report (is chengguand listening on $target?); see $log"

echo "tls-scan.sh: testssl $(sed -n 's/^## version testssl: \([^ ]*\).*/\1/p' "$log") against $target"
jq -r '.[] | select(.severity == "LOW" or .severity == "MEDIUM" or .severity == "HIGH"
              or .severity == "CRITICAL") | "  \(.severity)\t\(.id)\t\(.finding)"' "$json"
bad=$(jq '[.[] | select(.severity == "MEDIUM" or .severity == "HIGH" or .severity == "CRITICAL")]
          | length' "$json")
echo "tls-scan.sh: $bad finding(s) of MEDIUM or above; full report in $log"
[ "$bad" -eq 0 ]
