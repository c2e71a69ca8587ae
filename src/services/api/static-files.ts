// Serves a fixed set of files from a folder (the dashboard, the API docs' assets), read once and kept in
// memory, with a content type by extension and an ETag so browsers revalidate cheaply.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { RanaasError } from "../../domain/error-codes.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

interface Loaded {
  body: Buffer;
  type: string;
  etag: string;
}

export type FileSender = (
  file: string,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply>;

/** GET `${prefix}/<name>` for each name in `files` (a closed list: nothing else in `dir` is
 * reachable); returns a sender of the same files for routes that answer with one (an index page). */
export function serveFiles(
  app: FastifyInstance,
  prefix: string,
  dir: string,
  files: readonly string[],
): FileSender {
  const cache = new Map<string, Promise<Loaded>>();
  const load = (name: string): Promise<Loaded> => {
    let entry = cache.get(name);
    if (entry === undefined) {
      entry = readFile(join(dir, name)).then((body) => ({
        body,
        type: TYPES[extname(name)] ?? "application/octet-stream",
        etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 20)}"`,
      }));
      entry.catch(() => cache.delete(name));
      cache.set(name, entry);
    }
    return entry;
  };
  const send = async (file: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (!files.includes(file)) throw new RanaasError("not-found", `no file ${prefix}/${file}`);
    const loaded = await load(file);
    void reply.header("etag", loaded.etag).header("cache-control", "no-cache").type(loaded.type);
    if (request.headers["if-none-match"] === loaded.etag) return reply.code(304).send();
    return reply.send(loaded.body);
  };
  app.get(`${prefix}/:file`, { logLevel: "warn" }, (request, reply) =>
    send((request.params as { file: string }).file, request, reply),
  );
  return send;
}
