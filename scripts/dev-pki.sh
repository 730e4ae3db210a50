#!/usr/bin/env bash
# dev-pki.sh — create (or reuse) the chengguan development PKI in DIR.
#
#   DIR/ca.crt, ca.key                 dev CA  (CN=chengguan dev CA, O=chengguan dev), 10 years
#   DIR/server.crt, server.key         CN=localhost; SAN localhost, 127.0.0.1, ::1; serverAuth
#   DIR/clients/NAME.crt, NAME.key     one per dev account, subject CN=NAME,O=chengguan dev; clientAuth
#   DIR/crl.pem                        the dev CA's CRL (tls_crl), valid 30 days
#   DIR/ca-db/                         the dev CA's record of revoked certificates
# with --with-test-certs also DIR/test/:
#   stranger.{crt,key}                 same CA, CN=stranger (no account)
#   disabled.{crt,key}                 same CA, CN=disabled-account
#   expired.{crt,key}                  same CA, CN=hq, valid 2020-01-01..2020-01-02 only
#   no-eku.{crt,key}                   same CA, CN=hq, no extended key usage (not clientAuth)
#   other-ca.{crt,key}                 a different CA
#   foreign.{crt,key}                  CN=hq,O=chengguan dev signed by other-ca
#
# with --account NAME (may be repeated) also DIR/clients/NAME.{crt,key} for a
# new account, subject CN=NAME,O=chengguan dev (printed; give it to
# `chengguan account add NAME ... --cert-subject SUBJECT`).
#
# with --revoke NAME|FILE (may be repeated) revokes DIR/clients/NAME.crt (or
# the certificate FILE) and writes a new DIR/crl.pem: a chengguand with
# tls_crl = DIR/crl.pem closes its connections on SIGHUP or within
# tls_reload_interval. A revoked certificate stays revoked; to give the
# account a new one, delete DIR/clients/NAME.crt and run this again.
#
# EC P-256 keys. Server and client certificates are valid 397 days (a
# scanner accepts at most 398) and carry a CRL distribution point
# ($CG_DEV_PKI_CRL_URL, default below). Idempotent: a certificate is reissued
# only when it is missing, does not match its key, does not verify against
# its CA, expires within 30 days or lacks what the lines above promise; the
# CRL when it is missing, not signed by the CA or due within 7 days. So
# `make run` renews what is near expiry.
# Usage: scripts/dev-pki.sh DIR [--with-test-certs] [--account NAME]... [--revoke NAME|FILE]...
set -euo pipefail

ACCOUNTS=(hq supervision xinglongtai shuangtaizi dawa liaodongwan panshan detachment property-demo hotline)
CA_DAYS=3650
LEAF_DAYS=397        # CA/Browser Forum limit: 398
RENEW_DAYS=30        # a leaf certificate is reissued this long before it expires
CRL_DAYS=30
CRL_RENEW_DAYS=7
CRL_URL=${CG_DEV_PKI_CRL_URL:-http://localhost:7480/chengguan-dev-ca.crl}
ORG="chengguan dev"

usage() { echo "usage: $0 DIR [--with-test-certs] [--account NAME]... [--revoke NAME|FILE]..." >&2; exit 1; }
die() { echo "dev-pki.sh: $*" >&2; exit 1; }

dir="" with_test=0 extra=() revoke=()
while [ $# -gt 0 ]; do
    case "$1" in
        --with-test-certs) with_test=1 ;;
        --account)
            [ $# -ge 2 ] || usage
            # the account names the server accepts (accounts.name)
            [[ "$2" =~ ^[a-z][a-z0-9_-]{1,63}$ ]] || die "not an account name: $2"
            extra+=("$2"); shift ;;
        --revoke)
            [ $# -ge 2 ] || usage
            revoke+=("$2"); shift ;;
        -h|--help) usage ;;
        -*) echo "dev-pki.sh: unknown option: $1" >&2; usage ;;
        *) [ -z "$dir" ] || usage; dir=$1 ;;
    esac
    shift
done
[ -n "$dir" ] || usage
command -v openssl >/dev/null 2>&1 || die "openssl not found (run scripts/deps.sh)"

mkdir -p "$dir/clients" || die "cannot create $dir"
dir=$(cd "$dir" && pwd)
[ "$with_test" -eq 0 ] || mkdir -p "$dir/test"

# One PKI writer at a time (parallel test fixtures may share DIR).
exec 9>"$dir/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dev-pki.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cnf=$tmp/openssl.cnf
cat >"$cnf" <<CNF
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
crlDistributionPoints = URI:$CRL_URL
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
crlDistributionPoints = URI:$CRL_URL
[noeku_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
[crl_ext]
authorityKeyIdentifier = keyid:always
# minimal 'openssl ca' set-up, used only for certificates with explicit dates
[ca]
default_ca = tmpca
[tmpca]
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
# the dev CA's own database: what it revoked, for its CRL
[devca]
database = $dir/ca-db/index.txt
crlnumber = $dir/ca-db/crlnumber
new_certs_dir = $tmp
default_md = sha256
unique_subject = no
crl_extensions = crl_ext
[policy_any]
organizationName = optional
commonName = supplied
CNF

issued=0 reused=0

gen_key() { # FILE
    (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null) \
        || die "key generation failed for $1"
    chmod 600 "$1"
}

serial() { echo "0x$(openssl rand -hex 15)"; }

# cert_ok CACRT CRT KEY [verify options...]: files exist, key matches, chain verifies
cert_ok() {
    local ca=$1 crt=$2 key=$3; shift 3
    [ -s "$ca" ] && [ -s "$crt" ] && [ -s "$key" ] || return 1
    [ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" = \
      "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ] || return 1
    openssl verify "$@" -CAfile "$ca" "$crt" >/dev/null 2>&1
}

# leaf_fresh CRT EXTSECTION: valid for RENEW_DAYS more, for at most 398 days
# in all, and (but for noeku_ext) with today's CRL distribution point
leaf_fresh() {
    local crt=$1 ext=$2 from to
    openssl x509 -in "$crt" -noout -checkend $((RENEW_DAYS * 86400)) >/dev/null 2>&1 || return 1
    from=$(openssl x509 -in "$crt" -noout -startdate) to=$(openssl x509 -in "$crt" -noout -enddate)
    [ $(($(date -d "${to#notAfter=}" +%s) - $(date -d "${from#notBefore=}" +%s))) -le $((398 * 86400)) ] \
        || return 1
    [ "$ext" = noeku_ext ] \
        || openssl x509 -in "$crt" -noout -ext crlDistributionPoints 2>/dev/null | grep -qF "URI:$CRL_URL"
}

make_ca() { # KEY CRT SUBJ
    local key=$1 crt=$2 subj=$3
    if [ -s "$crt" ] && [ -s "$key" ] && cert_ok "$crt" "$crt" "$key"; then
        reused=$((reused + 1)); return 0
    fi
    gen_key "$key"
    openssl req -x509 -new -sha256 -config "$cnf" -extensions ca_ext \
        -key "$key" -subj "$subj" -days "$CA_DAYS" -set_serial "$(serial)" -out "$crt" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot create CA $crt"; }
    chmod 644 "$crt"
    issued=$((issued + 1))
}

issue() { # CACRT CAKEY KEY CRT SUBJ EXTSECTION
    local cacrt=$1 cakey=$2 key=$3 crt=$4 subj=$5 ext=$6
    if cert_ok "$cacrt" "$crt" "$key" && leaf_fresh "$crt" "$ext"; then
        reused=$((reused + 1)); return 0
    fi
    gen_key "$key"
    openssl req -new -config "$cnf" -key "$key" -subj "$subj" -out "$tmp/req.csr" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot create request for $crt"; }
    openssl x509 -req -sha256 -in "$tmp/req.csr" -CA "$cacrt" -CAkey "$cakey" \
        -set_serial "$(serial)" -days "$LEAF_DAYS" -extfile "$cnf" -extensions "$ext" \
        -out "$crt" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot sign $crt"; }
    chmod 644 "$crt"
    issued=$((issued + 1))
}

# A client certificate valid only 2020-01-01..2020-01-02 (openssl 3.0's x509
# has no -not_before, so this goes through a throwaway 'openssl ca').
issue_expired() { # CACRT CAKEY KEY CRT SUBJ
    local cacrt=$1 cakey=$2 key=$3 crt=$4 subj=$5
    if cert_ok "$cacrt" "$crt" "$key" -no_check_time \
        && ! openssl x509 -in "$crt" -noout -checkend 0 >/dev/null 2>&1; then
        reused=$((reused + 1)); return 0
    fi
    gen_key "$key"
    openssl req -new -config "$cnf" -key "$key" -subj "$subj" -out "$tmp/req.csr" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot create request for $crt"; }
    : >"$tmp/index.txt"
    openssl rand -hex 15 >"$tmp/serial"
    openssl ca -batch -notext -config "$cnf" -cert "$cacrt" -keyfile "$cakey" -preserveDN \
        -startdate 20200101000000Z -enddate 20200102000000Z -extensions client_ext \
        -in "$tmp/req.csr" -out "$crt" >"$tmp/err" 2>&1 \
        || { cat "$tmp/err" >&2; die "cannot sign $crt"; }
    chmod 644 "$crt"
    if openssl x509 -in "$crt" -noout -checkend 0 >/dev/null 2>&1; then
        die "$crt was meant to be expired but is not"
    fi
    issued=$((issued + 1))
}

# The CRL: reissued when missing, not signed by the CA, or due within
# CRL_RENEW_DAYS; always with "force". Written beside the old one, then
# renamed over it: a server reading it never sees half a file.
crl() { # [force]
    local crl=$dir/crl.pem next
    if [ "${1:-}" != force ] && [ -s "$crl" ] \
        && openssl crl -in "$crl" -CAfile "$dir/ca.crt" -noout 2>&1 | grep -q 'verify OK'; then
        next=$(openssl crl -in "$crl" -noout -nextupdate)
        if [ "$(date -d "${next#nextUpdate=}" +%s)" -gt $(($(date +%s) + CRL_RENEW_DAYS * 86400)) ]; then
            return 0
        fi
    fi
    openssl ca -batch -gencrl -config "$cnf" -name devca -cert "$dir/ca.crt" -keyfile "$dir/ca.key" \
        -crldays "$CRL_DAYS" -out "$dir/.crl.pem.new" >"$tmp/err" 2>&1 \
        || { cat "$tmp/err" >&2; die "cannot write the CRL"; }
    chmod 644 "$dir/.crl.pem.new"
    mv -f "$dir/.crl.pem.new" "$crl"
    issued=$((issued + 1))
}

revoke_cert() { # CRT
    openssl ca -batch -config "$cnf" -name devca -cert "$dir/ca.crt" -keyfile "$dir/ca.key" \
        -revoke "$1" -crl_reason superseded >"$tmp/err" 2>&1 \
        || grep -q 'Already revoked' "$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot revoke $1"; }
    echo "dev-pki.sh: revoked $1 (serial $(openssl x509 -in "$1" -noout -serial | cut -d= -f2))"
}

# --- the dev PKI ------------------------------------------------------------
make_ca "$dir/ca.key" "$dir/ca.crt" "/O=$ORG/CN=chengguan dev CA"
# The CA's database belongs to this CA: a new CA starts with none revoked.
ca_id=$(openssl x509 -in "$dir/ca.crt" -noout -fingerprint -sha256)
if [ "$(cat "$dir/ca-db/ca" 2>/dev/null)" != "$ca_id" ]; then
    rm -rf "$dir/ca-db" "$dir/crl.pem"
    mkdir -p "$dir/ca-db"
    : >"$dir/ca-db/index.txt"
    echo 1000 >"$dir/ca-db/crlnumber"
    echo "$ca_id" >"$dir/ca-db/ca"
fi
issue "$dir/ca.crt" "$dir/ca.key" "$dir/server.key" "$dir/server.crt" "/O=$ORG/CN=localhost" server_ext
for name in "${ACCOUNTS[@]}"; do
    issue "$dir/ca.crt" "$dir/ca.key" "$dir/clients/$name.key" "$dir/clients/$name.crt" \
        "/O=$ORG/CN=$name" client_ext
done

# --- certificates for accounts added later (chengguan account add) ----------
for name in "${extra[@]}"; do
    issue "$dir/ca.crt" "$dir/ca.key" "$dir/clients/$name.key" "$dir/clients/$name.crt" \
        "/O=$ORG/CN=$name" client_ext
    echo "dev-pki.sh: $dir/clients/$name.crt subject: CN=$name,O=$ORG"
done

# --- test-only material -----------------------------------------------------
if [ "$with_test" -eq 1 ]; then
    t=$dir/test
    issue "$dir/ca.crt" "$dir/ca.key" "$t/stranger.key" "$t/stranger.crt" "/O=$ORG/CN=stranger" client_ext
    issue "$dir/ca.crt" "$dir/ca.key" "$t/disabled.key" "$t/disabled.crt" "/O=$ORG/CN=disabled-account" client_ext
    issue_expired "$dir/ca.crt" "$dir/ca.key" "$t/expired.key" "$t/expired.crt" "/O=$ORG/CN=hq"
    issue "$dir/ca.crt" "$dir/ca.key" "$t/no-eku.key" "$t/no-eku.crt" "/O=$ORG/CN=hq" noeku_ext
    make_ca "$t/other-ca.key" "$t/other-ca.crt" "/O=chengguan other/CN=chengguan other CA"
    issue "$t/other-ca.crt" "$t/other-ca.key" "$t/foreign.key" "$t/foreign.crt" "/O=$ORG/CN=hq" client_ext
fi

# --- revocations, then the CRL ----------------------------------------------
for what in "${revoke[@]}"; do
    crt=$what
    [ -f "$crt" ] || crt=$dir/clients/$what.crt
    [ -f "$crt" ] || die "no certificate $what (neither a file nor $dir/clients/$what.crt)"
    revoke_cert "$crt"
done
if [ ${#revoke[@]} -gt 0 ]; then crl force; else crl; fi

# --- final check ------------------------------------------------------------
openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" "$dir/clients/hq.crt" >/dev/null \
    || die "verification of $dir/server.crt or $dir/clients/hq.crt failed"
if [ "$with_test" -eq 1 ]; then
    if openssl verify -CAfile "$dir/ca.crt" "$dir/test/foreign.crt" >/dev/null 2>&1; then
        die "$dir/test/foreign.crt unexpectedly verifies against the dev CA"
    fi
fi
openssl verify -crl_check -CRLfile "$dir/crl.pem" -CAfile "$dir/ca.crt" "$dir/server.crt" >/dev/null \
    || die "$dir/crl.pem does not check against $dir/ca.crt"
echo "dev-pki.sh: PKI ready in $dir ($issued issued, $reused reused)"
