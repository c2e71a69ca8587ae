import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { parseSecretKey, SecretBox, SecretsKeyMissingError, type SecretKey } from "./secret-box.ts";

const newKey = (): SecretKey => {
  const parsed = parseSecretKey(randomBytes(32).toString("base64"));
  assert.ok(typeof parsed !== "string", parsed as string);
  return parsed;
};

describe("SecretBox", () => {
  it("seals so that the secret is not in what is stored, and opens it again", () => {
    const box = new SecretBox([newKey()]);
    const sealed = box.seal("whsec-very-secret");
    assert.ok(!sealed.includes("whsec"));
    assert.notEqual(box.seal("whsec-very-secret"), sealed, "a fresh IV each time");
    assert.equal(box.open(sealed), "whsec-very-secret");
  });

  it("refuses what was changed, and what another key sealed", () => {
    const box = new SecretBox([newKey()]);
    const sealed = box.seal("secret");
    const parts = sealed.split(".");
    const data = Buffer.from(parts[4] ?? "", "base64url");
    data[0] = (data[0] ?? 0) ^ 1;
    parts[4] = data.toString("base64url");
    assert.throws(() => box.open(parts.join(".")));
    assert.throws(
      () => new SecretBox([newKey()]).open(sealed),
      /neither RANAAS_SECRETS_KEY nor a previous key/,
    );
  });

  it("opens with a previous key after rotation, and says what to seal again", () => {
    const old = newKey();
    const sealedOld = new SecretBox([old]).seal("secret");
    const rotated = new SecretBox([newKey(), old]);
    assert.equal(rotated.open(sealedOld), "secret");
    assert.equal(rotated.needsResealing(sealedOld), true);
    assert.equal(rotated.needsResealing(rotated.seal("secret")), false);
    assert.equal(rotated.needsResealing("plain-text-secret"), true);
  });

  it("cannot seal without a key, and takes only 32-byte base64 keys", () => {
    assert.throws(() => new SecretBox([]).seal("x"), SecretsKeyMissingError);
    assert.match(parseSecretKey("c2hvcnQ=") as string, /32 random bytes/);
    assert.match(parseSecretKey("not base64 at all!") as string, /32 random bytes/);
  });
});
