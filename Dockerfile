# Image for the Airbyte destination-stripe connector: build with dev dependencies, run with production ones only.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY spec ./spec
COPY schemas ./schemas
RUN npm run build

# ---- runtime: production dependencies, compiled code, spec and schemas ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
RUN groupadd --system airbyte \
 && useradd --system --gid airbyte --home-dir /airbyte --shell /usr/sbin/nologin airbyte \
 && mkdir -p /airbyte \
 && chown airbyte:airbyte /airbyte
WORKDIR /airbyte
COPY --chown=airbyte:airbyte package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build --chown=airbyte:airbyte /build/dist/src ./dist/src
COPY --chown=airbyte:airbyte spec ./spec
COPY --chown=airbyte:airbyte schemas ./schemas
USER airbyte
LABEL io.airbyte.name=airbyte/destination-stripe \
      io.airbyte.version=0.1.0
ENV AIRBYTE_ENTRYPOINT="node --max-semi-space-size=4 /airbyte/dist/src/main.js"
ENTRYPOINT ["node", "--max-semi-space-size=4", "/airbyte/dist/src/main.js"]
