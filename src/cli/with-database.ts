// For CLI commands that work on the database directly: open it from the configuration, run, close.
import type { Db } from "mongodb";
import { loadConfig, type RanaasConfig } from "../platform/config.ts";
import { openMongo } from "../store/mongo-connection.ts";

export async function withDatabase<T>(work: (db: Db, config: RanaasConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const mongo = openMongo(config.mongodbUri, config.mongodbDatabase);
  try {
    return await work(mongo.db, config);
  } finally {
    await mongo.close();
  }
}
