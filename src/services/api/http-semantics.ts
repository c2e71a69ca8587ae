// HTTP as generic clients expect it: a bodiless request (GET, DELETE, …) is taken whatever Content-Type
// a client library sends with it, and a method a path does not have is answered 405 with `Allow`
// instead of 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

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
 * Records each route's path pattern and methods as it is registered (call before any route), and
 * returns the methods a concrete path has, for the not-found handler's 405.
 */
export function trackRouteMethods(app: FastifyInstance): (request: FastifyRequest) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook("onRoute", (route) => {
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    const pattern = new RegExp(
      `^${route.url
        .split("/")
        .map((part) => (part.startsWith(":") ? "[^/]+" : part === "*" ? ".*" : escape(part)))
        .join("/")}/?$`,
    );
    routes.push({ pattern, methods });
  });
  return (request) => {
    const path = request.url.split("?")[0] ?? "";
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
    return [...methods].sort();
  };
}

/** Answers 405 with `Allow` when the path exists with other methods; false when it does not exist. */
export function methodNotAllowed(allowed: string[], reply: FastifyReply): boolean {
  if (allowed.length === 0) return false;
  void reply.header("allow", allowed.join(", "));
  return true;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
