// Recognises a unique-key violation (E11000) from any MongoDB-wire server.
import { MongoServerError } from "mongodb";

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}
