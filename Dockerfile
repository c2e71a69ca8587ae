# syntax=docker/dockerfile:1
# The RANaaS image: one image, four services (`serve api|orchestrator|worker|status`), non-root,
# read-only root filesystem friendly (writes only to /tmp). Build: docker build -t ranaas:0.1.0 .

FROM node:20.19-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Distroless: no shell, no package manager; runs as the unprivileged user 65532.
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY web ./web
USER 65532:65532
EXPOSE 8080 8081 8082 8083
ENTRYPOINT ["/nodejs/bin/node", "dist/cli/main.js"]
CMD ["serve", "api"]
