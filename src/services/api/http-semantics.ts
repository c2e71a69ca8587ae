// HTTP as generic clients expect it: a bodiless request (GET, DELETE, …) is taken whatever Content-Type
// a client library sends with it, and a method a path does not have is answered 405 with `Allow`
// instead of 404.
import type { FastifyInstance, FastifyRequest } from "fastify";

const BODILESS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** Parses JSON bodies with Fastify's own (prototype-poisoning-safe) parser, and takes an empty one on a bodiless method. */
export function acceptEmptyBodies(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (BODILESS.has(request.method) && String(body).trim() === "") {
      done(null, undefined);
      return;
    }
    void json(request, String(body), done);
  });
}

/**
 * Records each route's path pattern and methods as it is registered (call before any route; `known`
 * adds routes registered before, such as the service shell's probes), and returns the methods a
 * concrete path has.
 */
export function trackRouteMethods(
  app: FastifyInstance,
  known: readonly { method: string; url: string }[] = [],
): (request: FastifyRequest) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  const add = (url: string, methods: string[]) => {
    const pattern = new RegExp(
      `^${url
        .split("/")
        .map((part) => (part.startsWith(":") ? "[^/]+" : part === "*" ? ".*" : escape(part)))
        .join("/")}/?$`,
    );
    routes.push({ pattern, methods });
  };
  for (const route of known) add(route.url, route.method === "GET" ? ["GET", "HEAD"] : [route.method]);
  app.addHook("onRoute", (route) =>
    add(
      route.url,
      [route.method].flat().map((m) => m.toUpperCase()),
    ),
  );
  return (request) => {
    const path = request.url.split("?")[0] ?? "";
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
    return [...methods].sort();
  };
}

/**
 * A method a known path does not have is answered 405 with `Allow` as soon as the request arrives
 * (after authentication), before its body is looked at: QUERY or TRACE on /v1/capacity is a 405, not
 * a complaint about its Content-Type.
 */
export function refuseUnknownMethods(app: FastifyInstance, methodsOf: (request: FastifyRequest) => string[]) {
  app.addHook("onRequest", async (request, reply) => {
    if (!request.is404) return;
    const allowed = methodsOf(request);
    if (allowed.length === 0) return;
    void reply.header("allow", allowed.join(", "));
    throw Object.assign(
      new Error(
        `${request.method} is not allowed on ${request.url.split("?")[0] ?? ""}; use ${allowed.join(", ")}`,
      ),
      { statusCode: 405 },
    );
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
