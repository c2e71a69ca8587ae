// `ranaas tenant create|list|capabilities|rotate-key|delete|bootstrap`: tenants and their API keys, straight in the
// database (for the provider's operators; the API's /v1/tenants does the same for an admin key).
// A key is printed once and stored only as a hash.
import { InvalidArgumentError, type Command } from "commander";
import {
  EXPOSED_N3_SERVICE_TYPES,
  isValidTenantName,
  type ExposedN3ServiceType,
  type TenantCapabilities,
  type TenantQuotas,
  type TenantRole,
} from "../../domain/tenant.ts";
import { issueApiKey, newCallbackSecret } from "../../platform/api-keys.ts";
import { SecretBox, SecretsKeyMissingError } from "../../platform/secret-box.ts";
import { TenantExistsError, TenantsRepository } from "../../store/tenants-repository.ts";
import { withDatabase } from "../with-database.ts";

function withTenants<T>(work: (tenants: TenantsRepository, canSeal: boolean) => Promise<T>): Promise<T> {
  return withDatabase(async (db, config) => {
    const tenants = new TenantsRepository(db, new SecretBox(config.secretsKeys));
    await tenants.ensureIndexes();
    return work(tenants, config.secretsKeys.length > 0);
  });
}

function printKey(name: string, key: string, quiet: boolean | undefined): void {
  if (quiet === true) {
    console.log(key);
    return;
  }
  console.log(`API key for tenant ${name} (shown once; RANaaS keeps only its hash):\n${key}`);
}

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return value;
}

const N3_TYPES_HELP = `capability: N3 Service types besides ClusterIP it may ask for (${EXPOSED_N3_SERVICE_TYPES.join(", ")}; comma-separated, empty for none)`;

function n3ServiceTypes(text: string): ExposedN3ServiceType[] {
  const types = text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  for (const t of types)
    if (!(EXPOSED_N3_SERVICE_TYPES as readonly string[]).includes(t))
      throw new InvalidArgumentError(`"${t}" is not one of ${EXPOSED_N3_SERVICE_TYPES.join(", ")}`);
  return [...new Set(types)] as ExposedN3ServiceType[];
}

function describeCapabilities(capabilities: TenantCapabilities): string {
  const n3 = capabilities.n3ServiceTypes ?? [];
  return n3.length === 0 ? "" : `\tN3: ${n3.join(",")}`;
}

const SIGNING = 'HMAC-SHA256 of "<t>.<body>", header RANaaS-Signature';

function fail(message: string): void {
  console.error(`ranaas tenant: ${message}`);
  process.exitCode = 2;
}

export function registerTenantCommand(program: Command): void {
  const tenant = program
    .command("tenant")
    .description("tenants (core-network operators, admins) and their API keys");

  tenant
    .command("create")
    .argument("<name>", "lower-case letters, digits and '-'")
    .option("--admin", "an admin (the provider) instead of an operator")
    .option("--max-deployments <n>", "quota: deployments held at once", wholeNumber)
    .option("--max-cells <n>", "quota: cells (RUs) held at once", wholeNumber)
    .option("--max-cpu <cpus>", "quota: CPUs requested by the tenant's pods", wholeNumber)
    .option("--n3-service-types <types>", N3_TYPES_HELP, n3ServiceTypes)
    .option("-q, --quiet", "print only the key")
    .description("create a tenant and print its first API key")
    .action(
      async (
        name: string,
        options: {
          admin?: boolean;
          quiet?: boolean;
          maxDeployments?: number;
          maxCells?: number;
          maxCpu?: number;
          n3ServiceTypes?: ExposedN3ServiceType[];
        },
      ) => {
        if (!isValidTenantName(name)) return fail(`"${name}" is not a valid tenant name (a DNS label)`);
        const role: TenantRole = options.admin === true ? "admin" : "operator";
        const quotas: TenantQuotas = {
          ...(options.maxDeployments === undefined ? {} : { deployments: options.maxDeployments }),
          ...(options.maxCells === undefined ? {} : { cells: options.maxCells }),
          ...(options.maxCpu === undefined ? {} : { cpuMillis: options.maxCpu * 1000 }),
        };
        const issued = issueApiKey();
        const capabilities: TenantCapabilities =
          options.n3ServiceTypes === undefined ? {} : { n3ServiceTypes: options.n3ServiceTypes };
        let callbackSecret: string | undefined;
        try {
          // The callback secret is kept sealed: without RANAAS_SECRETS_KEY the tenant gets one later.
          await withTenants((t, canSeal) => {
            callbackSecret = canSeal ? newCallbackSecret() : undefined;
            return t.create(name, role, issued.record, quotas, callbackSecret, capabilities);
          });
        } catch (err) {
          if (err instanceof TenantExistsError) return fail(err.message);
          throw err;
        }
        printKey(name, issued.key, options.quiet);
        if (options.quiet === true) return;
        if (callbackSecret === undefined)
          console.log(
            "no callback signing secret yet (RANAAS_SECRETS_KEY is not set here): the tenant makes one with " +
              "POST /v1/me/callback-secret, or run 'ranaas tenant rotate-callback-secret' where it is set",
          );
        else console.log(`callback signing secret (${SIGNING}):\n${callbackSecret}`);
      },
    );

  tenant
    .command("bootstrap")
    .description("create the first admin tenant, 'admin', and print its key; refuses once an admin exists")
    .option("-q, --quiet", "print only the key")
    .action(async (options: { quiet?: boolean }) => {
      const issued = issueApiKey();
      const created = await withTenants(async (t) => {
        if (await t.hasAdmin()) return false;
        await t.create("admin", "admin", issued.record);
        return true;
      });
      if (!created)
        return fail("an admin tenant exists already; use 'ranaas tenant rotate-key <name>' to get a new key");
      printKey("admin", issued.key, options.quiet);
    });

  tenant
    .command("list")
    .description("tenants, their roles and key ids")
    .action(async () => {
      for (const t of await withTenants((tenants) => tenants.list())) {
        const quotas =
          Object.entries(t.quotas)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(",") || "no quotas";
        console.log(
          `${t.name}\t${t.role}\t${quotas}${describeCapabilities(t.capabilities)}\tkeys: ${t.keys.map((k) => k.id).join(", ")}`,
        );
      }
    });

  tenant
    .command("capabilities")
    .argument("<name>")
    .requiredOption("--n3-service-types <types>", N3_TYPES_HELP, n3ServiceTypes)
    .description("set what an operator may ask for beyond the default (new requests and updates are checked)")
    .action(async (name: string, options: { n3ServiceTypes: ExposedN3ServiceType[] }) => {
      const capabilities: TenantCapabilities = { n3ServiceTypes: options.n3ServiceTypes };
      if (!(await withTenants((t) => t.setCapabilities(name, capabilities))))
        return fail(`no tenant ${name}`);
      console.log(`${name}: N3 ${["ClusterIP", ...options.n3ServiceTypes].join(", ")}`);
    });

  tenant
    .command("rotate-callback-secret")
    .argument("<name>")
    .option(
      "--grace-seconds <n>",
      "how long the secrets in use go on signing beside the new one",
      wholeNumber,
      86_400,
    )
    .option("-q, --quiet", "print only the secret")
    .description("give the tenant a new callback signing secret (printed once; kept sealed)")
    .action(async (name: string, options: { graceSeconds: number; quiet?: boolean }) => {
      const secret = newCallbackSecret();
      const rotated = await withTenants((t, canSeal) => {
        if (!canSeal) throw new SecretsKeyMissingError();
        return t.rotateCallbackSecret(name, secret, options.graceSeconds * 1000);
      });
      if (!rotated) return fail(`no tenant ${name}`);
      if (options.quiet === true) console.log(secret);
      else
        console.log(
          `new callback signing secret for ${name} (${SIGNING}; the previous ones sign beside it for ` +
            `${options.graceSeconds} s):\n${secret}`,
        );
    });

  tenant
    .command("rotate-key")
    .argument("<name>")
    .option("-q, --quiet", "print only the key")
    .description("replace the tenant's keys with a new one (old keys stop working at once)")
    .action(async (name: string, options: { quiet?: boolean }) => {
      const issued = issueApiKey();
      if (!(await withTenants((t) => t.rotateKey(name, issued.record)))) return fail(`no tenant ${name}`);
      printKey(name, issued.key, options.quiet);
    });

  tenant
    .command("delete")
    .argument("<name>")
    .description("delete a tenant (its keys stop working)")
    .action(async (name: string) => {
      if (!(await withTenants((t) => t.delete(name)))) return fail(`no tenant ${name}`);
      console.log(`deleted tenant ${name}`);
    });
}
