# syntax=docker/dockerfile:1
# One image for every process of the platform: `gateway`, `auth`, `example`, or a one-off command (`migrate`,
# `keys:rotate`, `users:grant <username> <role>`) as its first argument (deploy/docker/entrypoint.sh).
#
# It packages what `npm run build` wrote (dist/apps/*: each app's bundle with the package.json and package-lock.json
# that install exactly the workspace's locked, patched versions): build first, then
#   npm run build && docker build -t nestjs-microservices .
# The Node.js base images are arguments: deploy/ci/image-smoke.sh builds with a Debian base it makes locally.
ARG NODE_BUILD_IMAGE=docker.io/library/node:24-bookworm
ARG NODE_RUNTIME_IMAGE=docker.io/library/node:24-bookworm-slim

# Production dependencies of each app, from its own lock file (`npm ci --omit=dev`); native modules compile here,
# where the compilers are. Only the package files are copied first, so a code change reuses this layer.
FROM ${NODE_BUILD_IMAGE} AS dependencies
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false SCARF_ANALYTICS=false
WORKDIR /app
COPY dist/apps/auth-microservice/package.json dist/apps/auth-microservice/package-lock.json auth-microservice/
COPY dist/apps/api-gateway/package.json dist/apps/api-gateway/package-lock.json api-gateway/
COPY dist/apps/example-service/package.json dist/apps/example-service/package-lock.json example-service/
COPY deploy/docker/install-production.sh /usr/local/bin/install-production
# Where the registry is reached through a TLS-inspecting proxy, pass its CA bundle as a build secret (never a layer):
#   docker build --secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt .
RUN --mount=type=secret,id=ca-certificates \
  NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates install-production auth-microservice api-gateway example-service

FROM ${NODE_RUNTIME_IMAGE}
ENV NODE_ENV=production npm_config_update_notifier=false
# A user of its own, without a shell or a password; the code and the dependencies belong to root and cannot be
# changed by it. The only writable place is /app/data (SQLite files when no DATABASE_URL is set; mount a volume).
# npm, npx, yarn and the C headers are of no use to a running service: they go.
RUN groupadd --system --gid 10001 app \
  && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
  && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx /usr/local/include/node \
    /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
COPY --from=dependencies /app/ /app/
COPY dist/apps/auth-microservice/ /app/auth-microservice/
COPY dist/apps/api-gateway/ /app/api-gateway/
COPY dist/apps/example-service/ /app/example-service/
COPY dist/apps/demo-web/ /app/demo-web/
COPY deploy/docker/entrypoint.sh deploy/docker/healthcheck.js /app/bin/
RUN mkdir -p /app/data && chown app:app /app/data && chmod 0700 /app/data \
  && chmod 0755 /app/bin/entrypoint.sh
USER 10001:10001
# gateway 3000, example service 3002, auth service 3001 (TCP transport) and 9464 (metrics and probes).
EXPOSE 3000 3001 3002 9464
# Readiness of whichever app runs (see healthcheck.js); orchestrators with probes of their own ignore it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
ENTRYPOINT ["/app/bin/entrypoint.sh"]
CMD ["help"]
