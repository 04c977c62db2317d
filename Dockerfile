# syntax=docker/dockerfile:1
# One image for both dropday processes. The default command is the API (`npm run api`); the worker is the same
# image with the worker's command (docker-compose.yml overrides it). Both run TypeScript through tsx, as on a
# developer machine; the workflow code is prebuilt into dist/workflow-bundle.js, which the worker loads because
# WORKFLOW_BUNDLE_PATH names it (workers/main.ts), so it starts without webpack.
#
#   docker build -t dropday .
#   docker run --init --rm -e DATABASE_URL=... -e TEMPORAL_ADDRESS=... -e ENCRYPTION_KEYS=... \
#     -e STATE_SIGNING_SECRET=... dropday                                   # the API
#   docker run --init --rm -e ... dropday node --import tsx workers/main.ts # the worker (= npm run worker)
#   docker run --init --rm -e ... dropday npm run admin -- create-ops-key ops

ARG NODE_IMAGE=node:24-bookworm-slim

# npm 11 runs dependencies' install scripts only where package.json#allowScripts approves them. Pin the npm the
# project's machines use so that `npm ci` here behaves as it does there, whatever npm the base image bundles.
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION=11.19.1
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
RUN npm install --global "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# --- build: the full install (dev dependencies too), then the prebuilt workflow bundle --------------------------
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# The bundler's @temporalio/worker version equals the runtime's: both come from package-lock.json.
RUN npm run bundle

# --- runtime: production dependencies, the sources and the bundle; runs as the unprivileged `node` user ---------
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# Sources stay owned by root: the `node` user can read them but not change them.
COPY . .
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
USER node
EXPOSE 3000
# `npm run api` is `tsx api/main.ts`; this is the same thing without npm and `sh -c` in between. Under npm, a
# SIGTERM (docker stop) ends npm's shell but never reaches the process, which is then killed without its
# graceful shutdown. Run with an init (compose `init: true`, `docker run --init`) to reap child processes.
CMD ["node", "--import", "tsx", "api/main.ts"]
