// Everything the API serves, registered on the service's HTTP shell: error mapping, authentication, the
// /v1 routes, live events, the docs and the dashboard. One function, so the OpenAPI document (generated
// from the routes registered here) describes exactly the routes production serves.
import type { FastifyInstance } from "fastify";
import { registerAuthentication } from "./authenticate.ts";
import { registerDashboard } from "./dashboard-routes.ts";
import { registerDocsRoutes } from "./docs-routes.ts";
import { acceptEmptyBodies, refuseUnknownMethods, trackRouteMethods } from "./http-semantics.ts";
import { SHELL_ROUTES } from "./openapi.ts";
import { problemFromError } from "./problem-details.ts";
import { registerRateLimits } from "./rate-limit.ts";
import { collectContracts, validateWithContracts } from "./route-contract.ts";
import { Slots } from "../../platform/slots.ts";
import { registerRoutes, type RouteDeps, type TenantHolds } from "./routes.ts";
import { registerTenantRoutes } from "./tenant-routes.ts";
import { registerWatchRoutes } from "./watch-routes.ts";

export function registerApi(app: FastifyInstance, deps: RouteDeps): void {
  // JSON only: without this, Fastify would hand a text/plain body to the handlers as a string.
  app.removeContentTypeParser("text/plain");
  acceptEmptyBodies(app);
  validateWithContracts(app);
  const methodsOf = trackRouteMethods(app, SHELL_ROUTES);
  const contracts = collectContracts(app);
  app.setErrorHandler((err, request, reply) => problemFromError(err, reply, request.log));
  app.setNotFoundHandler((request, reply) =>
    problemFromError(
      { statusCode: 404, message: `no route ${request.method} ${request.url}` },
      reply,
      request.log,
    ),
  );
  registerRateLimits(app, deps.limits); // before authentication: its per-address limit comes first
  registerAuthentication(app, deps.keys ?? deps.store.tenants);
  refuseUnknownMethods(app, methodsOf);
  const holds: TenantHolds = {
    streams: new Slots(deps.limits.streamsPerTenant),
    waits: new Slots(deps.limits.waitsPerTenant),
  };
  registerRoutes(app, deps, holds);
  registerTenantRoutes(app, deps.store);
  registerWatchRoutes(app, { ...deps, holds, keyRecheckMs: deps.limits.keyRecheckMs });
  registerDocsRoutes(app, contracts);
  registerDashboard(app);
}
