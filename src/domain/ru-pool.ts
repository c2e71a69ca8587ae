// The RU pool file a provider loads with `ranaas ru import`: the radio units, where each is attached,
// and what it can serve.
import { Type, type Static } from "@sinclair/typebox";
import { Ajv } from "ajv";
import type { Problem } from "./problem.ts";
import { SITE_PATTERN } from "./ran-deployment-spec.ts";

export const RadioUnitSchema = Type.Object(
  {
    id: Type.String({
      pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
      maxLength: 63,
      description: "lower-case id",
    }),
    site: Type.String({ minLength: 1, maxLength: 63, pattern: SITE_PATTERN }),
    node: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
      description: "the Kubernetes node the RU is attached to",
    }),
    bands: Type.Array(Type.Integer({ minimum: 1, maximum: 1024 }), { minItems: 1, uniqueItems: true }),
    maxBandwidthMHz: Type.Integer({ minimum: 5, maximum: 400 }),
  },
  { additionalProperties: false },
);
export const RuPoolSchema = Type.Object(
  { rus: Type.Array(RadioUnitSchema) },
  { additionalProperties: false },
);
export type RuPool = Static<typeof RuPoolSchema>;

const check = new Ajv({ allErrors: true }).compile<RuPool>(RuPoolSchema);

export function validateRuPool(
  input: unknown,
): { ok: true; pool: RuPool } | { ok: false; problems: Problem[] } {
  if (!check(input)) {
    return {
      ok: false,
      problems: (check.errors ?? []).map((e) => ({
        path: e.instancePath,
        message: e.message ?? "is not valid",
      })),
    };
  }
  const seen = new Set<string>();
  const problems: Problem[] = [];
  input.rus.forEach((ru, i) => {
    if (seen.has(ru.id)) problems.push({ path: `/rus/${i}/id`, message: `${ru.id} appears twice` });
    seen.add(ru.id);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pool: input };
}
