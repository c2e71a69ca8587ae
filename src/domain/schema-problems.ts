// Turns JSON Schema (Ajv) errors into problems an operator can act on: one per field, with its JSON
// pointer, in plain words. Used for requests validated in the domain and by the API's route schemas.
import type { ErrorObject } from "ajv";
import type { Problem } from "./problem.ts";

const TYPE_NAMES: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  array: "a list",
  object: "an object",
  boolean: "true or false",
};

/**
 * Turns Ajv's errors into one readable problem per field. Where a value may take one of several forms
 * (anyOf) and matches the type of one of them, the problems are that form's own (`amf` given as a list
 * has its addresses checked); otherwise the anyOf names the forms it takes.
 */
export function schemaProblems(errors: ErrorObject[]): Problem[] {
  const replaced = new Set<ErrorObject>();
  const explaining = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== "anyOf" || !Array.isArray(error.schema)) continue;
    const branch = (error.schema as Record<string, unknown>[]).findIndex(
      (option) => option.const === undefined && typeMatches(option.type, error.data),
    );
    if (branch < 0) continue;
    const inner = errors.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/${branch}/`));
    if (inner.length === 0) continue;
    replaced.add(error);
    for (const e of inner) explaining.add(e);
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (replaced.has(error)) continue;
    if (error.schemaPath.includes("/anyOf/") && !explaining.has(error)) continue; // the anyOf says it once
    const problem = describe(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function typeMatches(type: unknown, data: unknown): boolean {
  if (type === "array") return Array.isArray(data);
  if (type === "object") return typeof data === "object" && data !== null && !Array.isArray(data);
  if (type === "integer") return typeof data === "number";
  if (type === "null") return data === null;
  return typeof type === "string" && typeof data === type;
}

/** The problem for one schema error; the request itself is "/" (an empty pointer would name nothing). */
function describe(error: ErrorObject): Problem {
  const problem = describeAt(error);
  return problem.path === "" ? { ...problem, path: "/" } : problem;
}

/** Echoes a bad value into a message, cut short so a huge value cannot make a huge answer. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

function describeAt(error: ErrorObject): Problem {
  const path = error.instancePath;
  const schema = error.parentSchema as Record<string, unknown> | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: `${path}/${String(params.missingProperty)}`, message: "is required" };
    case "additionalProperties":
      return { path: `${path}/${String(params.additionalProperty)}`, message: "is not a known field" };
    case "type":
      return { path, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}` };
    case "minimum":
    case "maximum":
      return { path, message: `must be between ${Number(schema?.minimum)} and ${Number(schema?.maximum)}` };
    case "minLength":
    case "maxLength":
      return {
        path,
        message: `must be ${Number(schema?.minLength ?? 0)} to ${Number(schema?.maxLength)} characters long`,
      };
    case "minItems":
    case "maxItems":
      return {
        path,
        message: `must have ${Number(schema?.minItems ?? 0)} to ${Number(schema?.maxItems)} items`,
      };
    case "pattern":
      return {
        path,
        message: `${shown(error.data)} is not valid: must be ${String(schema?.description)}`,
      };
    case "uniqueItems": {
      const [earlier, later] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return { path, message: `item ${later} repeats item ${earlier}` };
    }
    case "anyOf": {
      const options = (schema?.anyOf as { const?: unknown; type?: string }[] | undefined)?.map((s) =>
        s.const !== undefined ? JSON.stringify(s.const) : (TYPE_NAMES[s.type ?? ""] ?? "another form"),
      );
      return { path, message: `must be one of ${options?.join(", ") ?? "the documented values"}` };
    }
    default:
      return { path, message: error.message ?? "is not valid" };
  }
}
