import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { issueApiKey, keyMatches, parseApiKey } from "./api-keys.ts";

describe("API keys", () => {
  it("issues keys whose secret is not stored and which verify against their record", () => {
    const { key, record } = issueApiKey();
    const parsed = parseApiKey(key);
    assert.ok(parsed);
    assert.equal(parsed.id, record.id);
    assert.ok(!JSON.stringify(record).includes(parsed.secret), "the record holds no secret");
    assert.equal(keyMatches(parsed.secret, record), true);
    assert.equal(keyMatches(`${parsed.secret.slice(0, -1)}x`, record), false);
  });

  it("gives every key a different id and secret", () => {
    const keys = new Set(Array.from({ length: 50 }, () => issueApiKey().key));
    assert.equal(keys.size, 50);
  });

  it("refuses text that is not shaped like a key", () => {
    for (const text of ["", "Bearer x", "rns_abc_def", `rns_${"0".repeat(24)}_short`])
      assert.equal(parseApiKey(text), undefined);
  });
});
