// Opens the MongoDB-wire connection (FerretDB locally) the store's repositories share.
import { MongoClient, type Db } from "mongodb";
import type { HealthCheck } from "../platform/health.ts";

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  health: HealthCheck;
  close: () => Promise<void>;
}

/**
 * Creates the client without waiting for the server: the driver connects on first use and reconnects by
 * itself, so a database that is down makes operations fail fast (serverSelectionTimeoutMS) rather than
 * stopping the process from starting. No operation waits for an answer for ever (socketTimeoutMS; the
 * driver's default is never): one left hanging by a database restart would hold up whatever awaits it
 * — with one report handled at a time, every report after it.
 */
export function openMongo(uri: string, database: string): MongoConnection {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 3000,
    socketTimeoutMS: 60_000,
    appName: "ranaas",
  });
  const db = client.db(database);
  return {
    client,
    db,
    health: {
      name: "mongodb",
      check: async () => {
        await db.command({ ping: 1 });
      },
    },
    close: () => client.close(),
  };
}
