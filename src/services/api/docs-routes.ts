// The API's own documentation: the OpenAPI 3.1 document at /openapi.json and an interactive reference
// (Swagger UI, served from the installed swagger-ui-dist package — no CDN) at /docs.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { FastifyInstance } from "fastify";
import { RANAAS_VERSION } from "../../platform/version.ts";
import { openApiDocument } from "./openapi.ts";
import type { RouteContract } from "./route-contract.ts";
import { serveFiles } from "./static-files.ts";

const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>RANaaS API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/docs.js"></script>
</body>
</html>
`;

const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`;

/** Serves the document of `routes` (the API's contracts, complete once the app is ready). */
export function registerDocsRoutes(app: FastifyInstance, routes: () => readonly RouteContract[]): void {
  let document: Record<string, unknown> | undefined;
  app.get(
    "/openapi.json",
    { logLevel: "warn" },
    () => (document ??= openApiDocument(RANAAS_VERSION, routes())),
  );
  app.get("/docs", { logLevel: "warn" }, (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(DOCS_PAGE),
  );
  app.get("/docs/assets/docs.js", { logLevel: "warn" }, (_request, reply) =>
    reply.type("text/javascript; charset=utf-8").send(DOCS_SCRIPT),
  );
  serveFiles(app, "/docs/assets", swaggerDir, [
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "favicon-32x32.png",
  ]);
}
