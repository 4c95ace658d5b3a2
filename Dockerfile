# syntax=docker/dockerfile:1
# Production image (OPS-7): multi-stage, production dependencies only, non-root, health-checked.
# Node 20 because every machine and CI run of this project tests on Node 20.20 (toolchain.md §2.5.8).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root config ./config
# The app never writes inside /app; code and config stay root-owned and read-only to the runtime user.
USER node
EXPOSE 8080
ENV IAMGW_HTTP_HOST=0.0.0.0
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.IAMGW_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
