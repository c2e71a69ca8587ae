// The web dashboard: static files from web/dashboard (plain ES modules, no build step), served at /ui.
// It talks to the same /v1 API as every other client, with the API key the user signs in with.
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { serveFiles } from "./static-files.ts";

// src/services/api → the project root is three levels up, as dist/services/api is.
const dashboardDir = fileURLToPath(new URL("../../../web/dashboard/", import.meta.url));

export const DASHBOARD_FILES = [
  "index.html",
  "app.js",
  "api.js",
  "topology.js",
  "views.js",
  "style.css",
  "favicon.svg",
];

export function registerDashboard(app: FastifyInstance): void {
  const send = serveFiles(app, "/ui", dashboardDir, DASHBOARD_FILES);
  app.get("/", { logLevel: "warn" }, (_request, reply) => reply.redirect("/ui/"));
  app.get("/ui", { logLevel: "warn" }, (_request, reply) => reply.redirect("/ui/"));
  app.get("/ui/", { logLevel: "warn" }, (request, reply) => {
    // Only our own scripts and styles run; the API key never leaves this origin.
    void reply.header(
      "content-security-policy",
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    );
    return send("index.html", request, reply);
  });
}
