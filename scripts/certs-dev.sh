#!/usr/bin/env bash
# Creates a local CA and the certificates for mutual TLS between the API gateway and the auth service.
# For trying it out and for tests only: production certificates come from your own PKI.
#   npm run certs:dev [-- <directory>]     (default: ./certs, which git ignores)
set -euo pipefail
out=${1:-certs}
days=${CERT_DAYS:-825}
mkdir -p "$out"
cd "$out"

quietly() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; }
key() { quietly openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

key ca.key
quietly openssl req -x509 -new -key ca.key -out ca.crt -days "$days" -subj "/CN=nestjs-microservices dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# issue <name> <extensions>: a key and a certificate signed by the CA.
issue() {
  key "$1.key"
  quietly openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1"
  quietly openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days "$days" \
    -extfile <(printf '%b' "$2")
  rm -f "$1.csr"
}
issue auth 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth'
issue gateway 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth'
rm -f ca.srl
chmod 600 ./*.key

dir=$(pwd)
cat <<USAGE
Certificates written to $dir. Start the two apps with:
  auth service: AUTH_TLS_CA=$dir/ca.crt AUTH_TLS_CERT=$dir/auth.crt AUTH_TLS_KEY=$dir/auth.key
  gateway:      AUTH_TLS_CA=$dir/ca.crt AUTH_TLS_CERT=$dir/gateway.crt AUTH_TLS_KEY=$dir/gateway.key
USAGE
