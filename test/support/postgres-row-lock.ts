// Holds the rows of a FerretDB collection locked in PostgreSQL, FerretDB's backend on the local stack,
// so a test can line up concurrent writes as a busy machine now and then does: each write's read goes
// through, and its UPDATE waits for the lock — released, the waiting UPDATEs run in the order they came.
import { execFile, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";
import { eventually } from "./eventually.ts";

const run = promisify(execFile);

/** psql of the newest PostgreSQL installed (the one the stack runs). */
function psqlPath(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (newest === undefined)
    throw new Error("no PostgreSQL under /usr/lib/postgresql: is the stack installed?");
  return `/usr/lib/postgresql/${newest}/bin/psql`;
}

/** The stack's PostgreSQL, as FerretDB reaches it (stack/lib.sh). */
function postgresUrl(): string {
  return `postgres://ranaas@127.0.0.1:${process.env.RANAAS_POSTGRES_PORT ?? "55432"}/postgres`;
}

async function query(sql: string): Promise<string> {
  const { stdout } = await run(psqlPath(), [postgresUrl(), "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]);
  return stdout.trim();
}

export interface RowLock {
  /** How many statements on the collection's table wait for the lock now. */
  waiting(): Promise<number>;
  /** Ends the locking transaction: the waiting writes go on. */
  release(): Promise<void>;
}

/** Locks every row of collection `collection` of database `database` until `release`. */
export async function lockCollectionRows(database: string, collection: string): Promise<RowLock> {
  // FerretDB 1.x keeps a database in a schema of its name and a collection in a table `<name>_<hash>`.
  const tables = (
    await query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${database}' AND table_name LIKE '${collection}\\_%'`,
    )
  )
    .split("\n")
    .filter((t) => t !== "");
  if (tables.length !== 1)
    throw new Error(`expected one table for ${database}.${collection}, found ${tables.join(", ")}`);
  const table = tables[0] ?? "";
  const psql = spawn(psqlPath(), [postgresUrl(), "-At", "-v", "ON_ERROR_STOP=1"], { stdio: "pipe" });
  const exited = new Promise<number | null>((resolve) => psql.on("exit", resolve));
  let out = "";
  psql.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  psql.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  psql.stdin.write(
    `BEGIN;\nSELECT 'locked', count(*) FROM (SELECT 1 FROM "${database}"."${table}" FOR UPDATE) rows;\n`,
  );
  try {
    await eventually(() => Promise.resolve(out.includes("locked|") ? true : undefined), {
      timeoutMs: 10_000,
      what: `the rows of ${database}.${collection} to be locked (psql said: ${out})`,
    });
  } catch (err) {
    psql.kill();
    throw err;
  }
  return {
    waiting: async () =>
      Number(
        await query(
          `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%${table}%' AND pid <> pg_backend_pid()`,
        ),
      ),
    release: async () => {
      psql.stdin.end("COMMIT;\n");
      if ((await exited) !== 0) throw new Error(`the locking psql failed: ${out}`);
    },
  };
}
