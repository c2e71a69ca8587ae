// Seals secrets RANaaS must keep readable (tenants' callback signing secrets) with AES-256-GCM under a
// key from the operator (RANAAS_SECRETS_KEY; in the chart, a generated Kubernetes Secret). A sealed
// value names its key, so the key can be rotated: the previous keys (RANAAS_SECRETS_PREVIOUS_KEYS) still
// open what they sealed, and `needsResealing` finds those to seal again under the current key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export interface SecretKey {
  /** The first 8 hex digits of the key's SHA-256: names the key in what it sealed, never reveals it. */
  id: string;
  key: Buffer;
}

const PREFIX = "sb1";

export class SecretsKeyMissingError extends Error {
  constructor() {
    super(
      "RANAAS_SECRETS_KEY is not set: callback secrets are kept sealed with it (32 random bytes, base64; " +
        "e.g. `openssl rand -base64 32`; the chart and `ranaas stack env` make one)",
    );
    this.name = "SecretsKeyMissingError";
  }
}

/** A key from its base64 text (32 bytes), or a reason it is not one. */
export function parseSecretKey(text: string): SecretKey | string {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32 || key.toString("base64") !== text.trim())
    return "expected 32 random bytes in base64 (e.g. `openssl rand -base64 32`)";
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
}

export class SecretBox {
  /** `keys[0]` seals; every key opens what it sealed. */
  constructor(private readonly keys: readonly SecretKey[]) {}

  get canSeal(): boolean {
    return this.keys.length > 0;
  }

  seal(plain: string): string {
    const current = this.keys[0];
    if (current === undefined) throw new SecretsKeyMissingError();
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", current.key, iv);
    cipher.setAAD(Buffer.from(`${PREFIX}.${current.id}`));
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64url"));
    return [PREFIX, current.id, ...parts].join(".");
  }

  /** The secret; throws when it was not sealed by one of the keys, or was changed. */
  open(sealed: string): string {
    const [prefix, id, iv, tag, data] = sealed.split(".");
    if (prefix !== PREFIX || iv === undefined || tag === undefined || data === undefined)
      throw new Error("not a sealed secret");
    const key = this.keys.find((k) => k.id === id);
    if (key === undefined)
      throw new Error(`sealed with key ${id ?? "?"}, which is neither RANAAS_SECRETS_KEY nor a previous key`);
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(`${PREFIX}.${key.id}`));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  }

  /** Whether a stored value is plain text, or sealed under a key that is no longer the current one. */
  needsResealing(stored: string): boolean {
    const [prefix, id] = stored.split(".");
    return prefix !== PREFIX || id !== this.keys[0]?.id;
  }
}
