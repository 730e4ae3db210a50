#!/usr/bin/env bash
# dev-pki.sh — create (or reuse) the chengguan development PKI in DIR.
#
#   DIR/ca.crt, ca.key                 dev CA  (CN=chengguan dev CA, O=chengguan dev)
#   DIR/server.crt, server.key         CN=localhost; SAN localhost, 127.0.0.1, ::1; serverAuth
#   DIR/clients/NAME.crt, NAME.key     one per dev account, subject CN=NAME,O=chengguan dev; clientAuth
# with --with-test-certs also DIR/test/:
#   stranger.{crt,key}                 same CA, CN=stranger (no account)
#   disabled.{crt,key}                 same CA, CN=disabled-account
#   expired.{crt,key}                  same CA, CN=hq, valid 2020-01-01..2020-01-02 only
#   other-ca.{crt,key}                 a different CA
#   foreign.{crt,key}                  CN=hq,O=chengguan dev signed by other-ca
#
# with --account NAME (may be repeated) also DIR/clients/NAME.{crt,key} for a
# new account, subject CN=NAME,O=chengguan dev (printed; give it to
# `chengguan account add NAME ... --cert-subject SUBJECT`).
#
# EC P-256 keys, 10-year validity. Idempotent: a certificate is reissued only
# when it is missing, does not match its key, or does not verify against its CA.
# Usage: scripts/dev-pki.sh DIR [--with-test-certs] [--account NAME]...
set -euo pipefail

ACCOUNTS=(hq supervision xinglongtai shuangtaizi dawa liaodongwan panshan detachment property-demo hotline)
DAYS=3650
ORG="chengguan dev"

usage() { echo "usage: $0 DIR [--with-test-certs] [--account NAME]..." >&2; exit 1; }
die() { echo "dev-pki.sh: $*" >&2; exit 1; }

dir="" with_test=0 extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --with-test-certs) with_test=1 ;;
        --account)
            [ $# -ge 2 ] || usage
            # the account names the server accepts (accounts.name)
            [[ "$2" =~ ^[a-z][a-z0-9_-]{1,63}$ ]] || die "not an account name: $2"
            extra+=("$2"); shift ;;
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
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
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

make_ca() { # KEY CRT SUBJ
    local key=$1 crt=$2 subj=$3
    if [ -s "$crt" ] && [ -s "$key" ] && cert_ok "$crt" "$crt" "$key"; then
        reused=$((reused + 1)); return 0
    fi
    gen_key "$key"
    openssl req -x509 -new -sha256 -config "$cnf" -extensions ca_ext \
        -key "$key" -subj "$subj" -days "$DAYS" -set_serial "$(serial)" -out "$crt" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot create CA $crt"; }
    chmod 644 "$crt"
    issued=$((issued + 1))
}

issue() { # CACRT CAKEY KEY CRT SUBJ EXTSECTION
    local cacrt=$1 cakey=$2 key=$3 crt=$4 subj=$5 ext=$6
    if cert_ok "$cacrt" "$crt" "$key"; then reused=$((reused + 1)); return 0; fi
    gen_key "$key"
    openssl req -new -config "$cnf" -key "$key" -subj "$subj" -out "$tmp/req.csr" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; die "cannot create request for $crt"; }
    openssl x509 -req -sha256 -in "$tmp/req.csr" -CA "$cacrt" -CAkey "$cakey" \
        -set_serial "$(serial)" -days "$DAYS" -extfile "$cnf" -extensions "$ext" \
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

# --- the dev PKI ------------------------------------------------------------
make_ca "$dir/ca.key" "$dir/ca.crt" "/O=$ORG/CN=chengguan dev CA"
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
    make_ca "$t/other-ca.key" "$t/other-ca.crt" "/O=chengguan other/CN=chengguan other CA"
    issue "$t/other-ca.crt" "$t/other-ca.key" "$t/foreign.key" "$t/foreign.crt" "/O=$ORG/CN=hq" client_ext
fi

# --- final check ------------------------------------------------------------
openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" "$dir/clients/hq.crt" >/dev/null \
    || die "verification of $dir/server.crt or $dir/clients/hq.crt failed"
if [ "$with_test" -eq 1 ]; then
    if openssl verify -CAfile "$dir/ca.crt" "$dir/test/foreign.crt" >/dev/null 2>&1; then
        die "$dir/test/foreign.crt unexpectedly verifies against the dev CA"
    fi
fi
echo "dev-pki.sh: PKI ready in $dir ($issued issued, $reused reused)"
