# Image for the Airbyte destination-stripe connector: build with dev dependencies, run with production ones only.
# The base is node:26-trixie-slim (Node 26, Debian 13), written with its full Node release and pinned by digest; docs/docker.md
# says how to move it. This one line also names the Node the test suite runs on (scripts/with-node.sh) and the CI's stand-in
# for the base. A build may name another base with --build-arg NODE_IMAGE=... (the CI script does so for its stand-in).
ARG NODE_IMAGE=node:26.10.0-trixie-slim@sha256:ec7758ee051e457b468b32bde57b0879010b325bb9862718e9615225ce4aaae1

# ---- build: compile TypeScript to dist/ (the compiler reads src/ only; spec/ and schemas/ are read at run time) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- app: production dependencies and compiled code, read-only for everyone; its npm cache stays in this stage ----
FROM ${NODE_IMAGE} AS app
WORKDIR /airbyte
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /build/dist/src ./dist/src
COPY spec ./spec
COPY schemas ./schemas
RUN chmod -R a-w,a+rX /airbyte

# ---- runtime: the app owned by root, run as a fixed numeric uid/gid that cannot change it ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
COPY --from=app /airbyte /airbyte
WORKDIR /airbyte
USER 10001:10001
LABEL io.airbyte.name=airbyte/destination-stripe \
      io.airbyte.version=0.2.0
ENV AIRBYTE_ENTRYPOINT="node --max-semi-space-size=4 --heap-growing-percent=50 --no-concurrent-recompilation /airbyte/dist/src/main.js"
ENTRYPOINT ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "--no-concurrent-recompilation", "/airbyte/dist/src/main.js"]
