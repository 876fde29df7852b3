# syntax=docker/dockerfile:1
# Three images from one file (README, "Docker"):
#   docker build --target api   -t cml-labs-api .     apps/api and the web console; MONGODB_URI, SECRETS_KEY, auth
#   docker build --target audit -t cml-labs-audit .   apps/audit, the CloudEvents sink; AUDIT_MONGODB_URI, ingest auth
#   docker build --target simulator -t cml-labs-simulator .   the CML simulator (demo, deploy/compose.yaml); SIM_*
# Both run on the Node of .node-version (the build refuses a base image with another one) as the non-root `node`.
# The base is pinned by exact tag; add its digest (@sha256:...) at the first build with network, see the README.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .node-version ./
RUN test "$(node --version)" = "v$(cat .node-version)" || \
  { echo "the base image runs $(node --version), .node-version pins v$(cat .node-version)" >&2; exit 1; }
# No install script runs (the project needs none; npm 11 would not run unapproved ones either).
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY scripts/ensure-node.sh ./scripts/
COPY apps ./apps
COPY libs ./libs
# The npm script runs under the image's node: it is the pinned version, so ensure-node.sh fetches nothing.
RUN npx nest build api && npx nest build audit && npx nest build cml-simulator && npm run web:build

FROM deps AS runtime-deps
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# The API (default target): serves the console at / from apps/web/dist. Files stay root-owned, read-only to `node`.
FROM ${NODE_IMAGE} AS api
ENV NODE_ENV=production PORT=8080 WEB_DIST_DIR=/app/apps/web/dist
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps/api ./dist/apps/api
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]

# The audit consumer: docker build --target audit.
FROM ${NODE_IMAGE} AS audit
ENV NODE_ENV=production AUDIT_PORT=8081
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps/audit ./dist/apps/audit
COPY package.json ./
USER node
EXPOSE 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.AUDIT_PORT||8081)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/apps/audit/src/main.js"]

# The CML simulator, a stand-in for a controller (demo and deploy/compose.yaml only): docker build --target simulator.
FROM ${NODE_IMAGE} AS simulator
ENV NODE_ENV=production SIM_HOST=0.0.0.0 SIM_PORT=9443
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps/cml-simulator ./dist/apps/cml-simulator
COPY package.json ./
USER node
EXPOSE 9443
CMD ["node", "dist/apps/cml-simulator/src/main.js"]

# `docker build .` without --target builds the last stage: keep the API the default.
FROM api
