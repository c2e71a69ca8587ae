// API keys: `rns_<id>_<secret>`, 96 random bits of id and 256 of secret. Only the SHA-256 of the secret
// is stored (a slow hash buys nothing against 256 random bits); comparison is constant-time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKeyRecord } from "../domain/tenant.ts";

const FORMAT = /^rns_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  /** Shown once to whoever asked for it; never stored or logged. */
  key: string;
  record: ApiKeyRecord;
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function issueApiKey(now = new Date()): IssuedKey {
  const id = randomBytes(12).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { key: `rns_${id}_${secret}`, record: { id, hash: hashSecret(secret), createdAt: now } };
}

/** The key's id if the text has the shape of a key, else undefined. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const match = FORMAT.exec(key);
  return match === null ? undefined : { id: match[1]!, secret: match[2]! };
}

export function keyMatches(secret: string, record: ApiKeyRecord): boolean {
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(record.hash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A tenant's callback signing secret (HMAC-SHA256 key): 32 random bytes, base64url. */
export function newCallbackSecret(): string {
  return randomBytes(32).toString("base64url");
}
