# syntax=docker/dockerfile:1
# hubsoft-bff container. Not built in CI (no Docker engine there); SECURITY.md has the run flags:
#   docker run -d --read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m \
#     -v hubsoft-bff-data:/data --cap-drop ALL --security-opt no-new-privileges \
#     -v /srv/secrets/api-keys:/run/secrets/api-keys:ro -e API_KEYS_FILE=/run/secrets/api-keys \
#     -e HUBSOFT_URL=... (and the HubSoft credentials) -p 3000:3000 hubsoft-bff

# Build: install everything, compile TypeScript, then drop dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: the compiled service as a non-root user. Code and dependencies belong to root and are
# read-only for the process; with --read-only the root filesystem is, too, and SNAPSHOT_DIR
# (/data) is the only writable path.
FROM node:24-bookworm-slim
# tini as PID 1: forwards SIGTERM to node (close-with-grace drains and persists) and reaps
# children, also where `docker run --init` is not available (Kubernetes).
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production SNAPSHOT_DIR=/data PORT=3000 HOST=0.0.0.0
# glibc malloc with a fixed mmap threshold and two arenas (README, Performance: memory): by
# default glibc raises the threshold after freeing a large block (mallopt(3)), and the
# snapshot's freed 4 MiB slabs then stay resident (~300 MiB at 100 000 clients).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
# V8's young generation held to 8 MiB semi-spaces: left alone it grows to 16 MiB ones while a
# snapshot is built and keeps them (32 MiB at rest); held at 8 it shrinks back once idle.
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# No curl in the image: Node itself asks /health/ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# Exec form: node is tini's child and receives the signals. Every full collection compacts the
# old generation (a flag NODE_OPTIONS refuses): V8 otherwise keeps ~40 MiB of half-empty pages
# committed after a snapshot is built (README, Performance: memory).
CMD ["node", "--compact-on-every-full-gc", "dist/src/server.js"]
