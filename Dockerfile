# The finmon collector. Built by docker-compose.yml; `docker build -t finmon-collector .` alone works too.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY collector/package.json collector/
RUN npm ci --no-audit --no-fund
COPY collector collector
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# Fonts for the charts drawn into alert emails.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production FINMON_HOST=0.0.0.0 FINMON_PORT=8080 FINMON_DATA_DIR=/var/lib/finmon
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/collector/dist collector/dist
COPY --from=build /app/collector/package.json collector/
COPY metrics_config.json notification_settings.yaml ./
VOLUME /var/lib/finmon
EXPOSE 8080
USER node
# Node flags as in collector/src/runtime/node-flags.ts.
ENTRYPOINT ["node", "--max-semi-space-size=32", "collector/dist/main.js"]
