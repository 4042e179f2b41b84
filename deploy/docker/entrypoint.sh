#!/bin/sh
# The image's entry point: the first argument chooses what runs; the others go to it.
set -eu

usage() {
  cat <<'USAGE'
Usage: <image> COMMAND [ARGS...]
  gateway                      the HTTP API gateway (PORT, default 3000)
  auth                         the auth service (TCP or NATS: TRANSPORT)
  example                      the example resource service and demo page (PORT, default 3002)
  migrate                      bring the auth database schema to the latest version, then exit
  keys:rotate                  add the next signing key, then exit
  users:grant USERNAME ROLE    give a user a role, then exit
  users:seed ...               create test users (refused in production unless forced)
USAGE
}

command=${1:-help}
case "$command" in
  gateway | api-gateway)
    shift
    exec node /app/api-gateway/main.js "$@"
    ;;
  auth | auth-microservice)
    shift
    exec node /app/auth-microservice/main.js "$@"
    ;;
  example | example-service)
    shift
    exec node /app/example-service/main.js "$@"
    ;;
  migrate | keys:rotate | users:grant | users:seed)
    # The auth service's maintenance commands: `main.js <command> [args]`, same configuration, then exit.
    exec node /app/auth-microservice/main.js "$@"
    ;;
  help | -h | --help)
    usage
    ;;
  *)
    echo "Unknown command: $command" >&2
    usage >&2
    exit 64
    ;;
esac
